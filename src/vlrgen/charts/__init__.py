"""Charts: chart specifications and their drawing as SVG.

A chart job is a frozen, picklable description (data, labels, style); `draw()` turns it into
SVG in a worker process. The build's executor knows only that protocol, no chart type.
"""
