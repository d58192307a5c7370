"""Charts: plan one time-series chart per indicator and language, and draw it as SVG.

Drawing uses matplotlib's object-oriented API on the Agg backend (no pyplot state), keeps
text as real SVG text in the shipped font, and formats tick labels with the report
language's Babel formatter. Output is deterministic for identical input.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from .assess import KpiSummary
from .i18n import Language

__all__ = ["ChartJob", "ChartLine", "plan_chart", "draw_chart", "FONT_FAMILY"]

FONT_FAMILY = ["Noto Sans", "DejaVu Sans"]  # DejaVu covers the minus sign Noto Sans lacks
GREY_COUNTY = "#6b6b6b"
GREY_NATION = "#9a9a9a"


@dataclass(frozen=True)
class ChartLine:
    label: str
    points: tuple[tuple[int, float], ...]
    role: str  # "entity", "county" or "nation"


@dataclass(frozen=True)
class ChartJob:
    """Everything needed to draw one chart; picklable so it can go to a worker process."""

    name: str  # file stem, e.g. "fig-03-life_expectancy"
    language: str
    lines: tuple[ChartLine, ...]
    y_label: str
    decimals: int
    colour: str
    font_dir: str


def plan_chart(name: str, summary: KpiSummary, county_series, nation_series, labels: dict[str, str],
               language: Language, colour: str, font_dir: Path) -> ChartJob:
    indicator = summary.indicator
    lines = [ChartLine(labels["entity"], tuple((o.period, o.value) for o in summary.series), "entity")]
    for role, series in (("county", county_series), ("nation", nation_series)):
        points = tuple((o.period, o.value) for o in series if o.value is not None)
        if points:
            lines.append(ChartLine(labels[role], points, role))
    return ChartJob(name=name, language=language.code, lines=tuple(lines),
                    y_label=indicator.unit[language.code], decimals=indicator.decimals,
                    colour=colour, font_dir=str(font_dir))


def draw_chart(job: ChartJob) -> str:
    """Draw the chart and return the SVG document as text."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager, rcParams
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    _register_fonts(font_manager, Path(job.font_dir))
    rcParams["svg.fonttype"] = "none"  # keep real, selectable text in the SVG
    rcParams["svg.hashsalt"] = job.name  # deterministic ids, distinct per chart on one page
    rcParams["font.family"] = FONT_FAMILY
    language = Language(job.language, {})

    figure = Figure(figsize=(6.4, 3.2), dpi=100)
    axes = figure.add_subplot()
    styles = {"entity": dict(color=job.colour, linewidth=2.4, marker="o", markersize=4, zorder=3),
              "county": dict(color=GREY_COUNTY, linewidth=1.5, linestyle="--", zorder=2),
              "nation": dict(color=GREY_NATION, linewidth=1.5, linestyle=":", zorder=1)}
    for line in job.lines:
        xs, ys = zip(*line.points)
        axes.plot(xs, ys, label=line.label, **styles[line.role])
    axes.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=8))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _: str(int(x))))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda y, _: language.number(y, _tick_decimals(axes))))
    axes.set_ylabel(job.y_label, fontsize=9)
    axes.tick_params(labelsize=8.5)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.grid(axis="y", color="#e3e3e3", linewidth=0.8)
    axes.legend(fontsize=8.5, frameon=False, loc="best")
    figure.tight_layout()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "vlrgen"})
    return buffer.getvalue()


def _tick_decimals(axes) -> int:
    ticks = [t for t in axes.get_yticks()]
    step = abs(ticks[1] - ticks[0]) if len(ticks) > 1 else 1
    return 0 if step >= 1 else (1 if step >= 0.1 else 2)


_registered: set[str] = set()


def _register_fonts(font_manager, font_dir: Path) -> None:
    if str(font_dir) in _registered:
        return
    for path in sorted(font_dir.glob("*.ttf")):
        font_manager.fontManager.addfont(str(path))
    _registered.add(str(font_dir))
