"""Comparison charts: an indicator's distribution over municipalities, and stacked shares.

`StripJob` draws one dot per municipality along the value axis, with the county, national
and peer-group values as marked lines and the reporting municipality highlighted.
`ShareJob` draws stacked horizontal bars of counts as shares (goal statuses per goal, survey
answers per county or size band). Both are picklable jobs for the worker pool, drawn with
the same fonts and number formatting as the time-series charts.
"""

from __future__ import annotations

from dataclasses import dataclass

from .charts import BAND_COLOURS, new_figure, svg_of
from .i18n import Language

__all__ = ["ANSWER_COLOURS", "STATUS_COLOURS", "ShareJob", "StripJob"]

STATUS_COLOURS = {"green": "#3a9d48", "yellow": "#f2c500", "orange": "#f28e1c", "red": "#d7301f", "grey": "#c8c8c8"}
ANSWER_COLOURS = ("#1f5f8b", "#5b9bc8", "#a9cde6", "#e0b46a", "#b5651d", "#7a3e10")  # first = most positive
NO_ANSWER_COLOUR = "#d9d9d9"
MARKER_STYLES = {"county": dict(color="#4d4d4d", linestyle="--"), "nation": dict(color="#1d1d1d", linestyle=":"),
                 "peers": dict(color="#8c5aa5", linestyle="-.")}


@dataclass(frozen=True)
class StripJob:
    name: str
    language: str
    font_dir: str
    unit: str
    decimals: int
    colour: str  # the goal colour, for highlighted municipalities
    values: tuple[float, ...]  # every member with a value
    highlights: tuple[tuple[str, float], ...] = ()  # (name, value) drawn large and labelled
    markers: tuple[tuple[str, float, str], ...] = ()  # (label, value, "county" | "nation" | "peers")
    bands: tuple[tuple[float, float, str], ...] = ()  # status bands in data units

    def draw(self) -> str:
        from matplotlib.ticker import FuncFormatter

        language = Language(self.language, {})
        figure = new_figure(self.name, self.font_dir, (6.4, 2.0))
        axes = figure.add_subplot()
        # A fixed, evenly spread vertical offset per dot keeps equal values apart without randomness.
        offsets = [((i * 0.618034) % 1.0) - 0.5 for i in range(len(self.values))]
        axes.scatter(self.values, offsets, s=14, color="#8a8a8a", alpha=0.75, linewidths=0, zorder=2)
        for label, value in self.highlights:
            axes.scatter([value], [0], s=70, color=self.colour, edgecolors="#1d1d1d", linewidths=0.8, zorder=4)
            axes.annotate(label, (value, 0), xytext=(0, 14), textcoords="offset points", ha="center", fontsize=8.5,
                          zorder=5)
        for label, value, role in self.markers:
            axes.axvline(value, linewidth=1.4, zorder=3, label=label, **MARKER_STYLES[role])
        everything = list(self.values) + [v for _, v in self.highlights] + [v for _, v, _ in self.markers]
        low, high = min(everything), max(everything)
        pad = (high - low) * 0.06 or abs(high) * 0.05 or 1.0
        for start, end, status in self.bands:
            axes.axvspan(min(start, end), max(start, end), color=BAND_COLOURS[status], zorder=0, linewidth=0)
        axes.set_xlim(low - pad, high + pad)
        axes.set_ylim(-0.8, 1.1)
        axes.yaxis.set_visible(False)  # no scale on the spread axis; skipping it also saves the tick work
        axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _: language.number(x, _decimals(axes.get_xticks()))))
        axes.set_xlabel(self.unit, fontsize=9)
        axes.tick_params(labelsize=8.5)
        for side in ("top", "right", "left"):
            axes.spines[side].set_visible(False)
        if self.markers:
            axes.legend(fontsize=8, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.42),
                        ncol=len(self.markers))
        figure.subplots_adjust(left=0.03, right=0.97, top=0.97, bottom=0.45 if self.markers else 0.28)
        return svg_of(figure)


@dataclass(frozen=True)
class ShareJob:
    name: str
    language: str
    font_dir: str
    rows: tuple[tuple[str, tuple[int, ...]], ...]  # (row label, count per category)
    categories: tuple[str, ...]  # legend labels, one per count
    colours: tuple[str, ...]
    axis_label: str

    def draw(self) -> str:
        from matplotlib.ticker import FuncFormatter

        language = Language(self.language, {})
        height = 0.9 + 0.28 * len(self.rows)
        figure = new_figure(self.name, self.font_dir, (6.4, height))
        axes = figure.add_subplot()
        labels = [label for label, _ in self.rows]
        positions = list(range(len(self.rows)))[::-1]  # first row at the top
        lefts = [0.0] * len(self.rows)
        for index, (category, colour) in enumerate(zip(self.categories, self.colours)):
            widths = [(counts[index] / sum(counts) * 100) if sum(counts) else 0 for _, counts in self.rows]
            axes.barh(positions, widths, left=lefts, color=colour, height=0.72, label=category,
                      edgecolor="white", linewidth=0.5)
            lefts = [a + b for a, b in zip(lefts, widths)]
        axes.set_yticks(positions, labels, fontsize=8.5)
        axes.set_xlim(0, 100)
        axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _: language.quantity(x, 0, "%")))
        axes.set_xlabel(self.axis_label, fontsize=9)
        axes.tick_params(axis="x", labelsize=8.5)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        figure.legend(fontsize=8, frameon=False, loc="upper center", bbox_to_anchor=(0.5, 1.0),
                      ncol=min(len(self.categories), 5))
        longest = max((len(label) for label in labels), default=10)
        figure.subplots_adjust(left=min(0.56, 0.02 + 0.0125 * longest), right=0.97,
                               top=1 - 0.55 / height, bottom=0.5 / height)
        return svg_of(figure)


def _decimals(ticks) -> int:
    for decimals in range(4):
        if all(abs(round(t, decimals) - t) < 1e-9 for t in ticks):
            return decimals
    return 3
