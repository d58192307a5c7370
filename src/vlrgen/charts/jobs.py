"""The chart-job protocol: all the build may ask of a chart, so it never needs to know a chart type.

A chart job is a frozen, picklable dataclass holding everything its picture depends on (data,
labels, colours and the folder of the shipped fonts); `draw()` returns the SVG text. The build
keys its cache on the job's fields and `drawing_code(job)`, runs `draw_charts` in worker
processes, starts workers with `warm_up` and has them import `WORKER_MODULES` first.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from vlrgen.charts import lighten, timeseries
from vlrgen.inputs import i18n

__all__ = ["WORKER_MODULES", "Drawable", "draw_charts", "drawing_code", "warm_up"]

# What a worker imports before its first chart (matplotlib's figure module is most of the cost).
WORKER_MODULES = (timeseries.__name__, "matplotlib.figure")


class Drawable(Protocol):
    """A chart job: a frozen (so hashable) dataclass with at least these fields, and its own drawing."""

    @property
    def name(self) -> str: ...  # file stem, e.g. "fig-03-life_expectancy"

    @property
    def language(self) -> str: ...

    @property
    def locale(self) -> str: ...  # the Babel locale of its numbers (the language's catalog names it)

    @property
    def font_dir(self) -> str: ...

    def __hash__(self) -> int: ...

    def draw(self) -> str: ...


def draw_charts(jobs: Sequence[Drawable]) -> list[str]:
    """One worker task per batch of charts: a chart takes ~0.1 s, less than sending it to a worker."""
    return [job.draw() for job in jobs]


def drawing_code(job: Drawable) -> tuple[Path, ...]:
    """The source files whose change must redraw `job`: its own module, the figure set-up, the SVG
    rewriting after matplotlib and the number formatting every chart's labels go through."""
    module = sys.modules[type(job).__module__]
    files = {Path(str(module.__file__)), Path(timeseries.__file__), Path(lighten.__file__), Path(i18n.__file__)}
    return tuple(sorted(files))


def warm_up(font_dir: str) -> int:
    """Run once in each new worker while the project is still being read: load matplotlib and the fonts."""
    line = timeseries.ChartLine("x", ((2020, 1.0), (2021, 2.0)), "entity")
    # No report language: Babel's neutral locale "root" formats the tick labels.
    timeseries.ChartJob("warm-up", "", (line,), "", 1, "#000000", font_dir, locale="root").draw()
    return os.getpid()
