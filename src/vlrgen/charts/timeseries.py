"""Charts: plan one time-series chart per indicator and language, and draw it as SVG.

Drawing uses matplotlib's object-oriented API on the Agg backend (no pyplot state), keeps
text as real SVG text in the shipped font, and formats tick labels with the report
language's Babel formatter. Output is deterministic for identical input.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from vlrgen.charts.lighten import lighten
from vlrgen.inputs.i18n import Language
from vlrgen.judge.rules import KpiSummary, thresholds_of

__all__ = [
    "BAND_COLOURS",
    "FONT_FAMILY",
    "ChartJob",
    "ChartLine",
    "band_edges",
    "draw_chart",
    "new_figure",
    "plan_chart",
    "svg_of",
]

FONT_FAMILY = ["Noto Sans", "DejaVu Sans"]  # DejaVu covers the minus sign Noto Sans lacks
GREY_COUNTY = "#6b6b6b"
GREY_NATION = "#767676"  # at least 3:1 against white and every status band (WCAG 1.4.11)
BAND_COLOURS = {"green": "#dcefdc", "yellow": "#fbf2c8", "orange": "#fde2c6", "red": "#f7d3cf"}
GREEN_LINE = "#2f7d32"
TARGET_LINE = "#1d1d1d"


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
    bands: tuple[tuple[float, float, str], ...] = ()  # (from, to, status) in data units
    references: tuple[tuple[float, str, str], ...] = ()  # (value, label, "green" or "target")
    locale: str = ""  # Babel locale for the tick labels; empty: the language code
    height: float = 3.2  # inches; a breakdown's chart is lower

    def draw(self) -> str:
        return draw_chart(self)


def plan_chart(
    name: str,
    summary: KpiSummary,
    county_series,
    nation_series,
    labels: dict[str, str],
    language: Language,
    colour: str,
    font_dir: Path,
) -> ChartJob:
    indicator = summary.indicator
    own = tuple((o.period, o.value) for o in summary.series if o.value is not None)  # the summary keeps values only
    lines = [ChartLine(labels["entity"], own, "entity")]
    for role, series in (("county", county_series), ("nation", nation_series)):
        points = tuple((o.period, o.value) for o in series if o.value is not None)
        if points:
            lines.append(ChartLine(labels[role], points, role))
    unit, decimals = indicator.unit[language.code], indicator.decimals
    bands, references = band_edges(indicator), []
    t = thresholds_of(indicator)
    if t:
        references.append(
            (t.green, language.t("chart.green_line", value=language.quantity(t.green, decimals, unit)), "green")
        )
    if indicator.target is not None:
        references.append(
            (
                indicator.target,
                language.t(
                    "chart.target_line",
                    year=indicator.target_year,
                    value=language.quantity(indicator.target, decimals, unit),
                ),
                "target",
            )
        )
    return ChartJob(
        name=name,
        language=language.code,
        lines=tuple(lines),
        y_label=unit,
        decimals=decimals,
        colour=colour,
        font_dir=str(font_dir),
        bands=bands,
        references=tuple(references),
        locale=language.locale,
    )


def band_edges(indicator) -> tuple[tuple[float, float, str], ...]:
    """Status bands (from, to, status) in data units; the outer bands reach well past worst and best."""
    t = thresholds_of(indicator)
    if not t:
        return ()
    beyond = 100 * abs(t.best - t.worst)
    sign = 1 if t.direction == "higher" else -1
    edges = (t.worst - sign * beyond, t.red, t.midpoint, t.green, t.best + sign * beyond)
    return tuple(zip(edges, edges[1:], ("red", "orange", "yellow", "green")))


def new_figure(name: str, font_dir: str, size: tuple[float, float]):
    """A matplotlib Figure set up for SVG with real text in the shipped fonts and stable ids."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager, rcParams
    from matplotlib.figure import Figure

    _register_fonts(font_manager, Path(font_dir))
    rcParams["svg.fonttype"] = "none"  # keep real, selectable text in the SVG
    rcParams["svg.hashsalt"] = name  # deterministic ids, distinct per chart on one page
    rcParams["font.family"] = FONT_FAMILY
    # the tick labels' size, from which matplotlib also works out how many ticks fit
    rcParams["xtick.labelsize"] = rcParams["ytick.labelsize"] = TICK_FONT_SIZE
    return Figure(figsize=size, dpi=100)


def svg_of(figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "vlrgen"})
    return lighten(buffer.getvalue())  # the same drawing in a fifth of the elements


def draw_chart(job: ChartJob) -> str:
    """Draw the chart and return the SVG document as text."""
    from matplotlib.ticker import MaxNLocator

    language = Language(job.language, {}, locale=job.locale)
    labels = [line.label for line in job.lines] + [label for _, label, _ in job.references]
    columns, legend_height = _legend_shape(labels, 6.4 * 72 * (PLOT_RIGHT - PLOT_LEFT))
    height = job.height + legend_height / 72  # the plot area keeps its size; the legend gets its own band
    figure = new_figure(job.name, job.font_dir, (6.4, height))
    axes = figure.add_subplot()
    styles = {
        "entity": dict(color=job.colour, linewidth=2.4, marker="o", markersize=4, zorder=3),
        "county": dict(color=GREY_COUNTY, linewidth=1.5, linestyle="--", zorder=2),
        "nation": dict(color=GREY_NATION, linewidth=1.5, linestyle=":", zorder=1),
        # a breakdown's groups: the goal colour first, then greys told apart by line style and marker
        "group1": dict(color=job.colour, linewidth=2.4, marker="o", markersize=4, zorder=3),
        "group2": dict(color="#3d3d3d", linewidth=1.8, linestyle="--", marker="s", markersize=4, zorder=2),
        "group3": dict(color=GREY_NATION, linewidth=1.5, linestyle=":", marker="^", markersize=4, zorder=2),
        "group4": dict(color="#3d3d3d", linewidth=1.2, linestyle="-.", marker="D", markersize=3.5, zorder=2),
        "group5": dict(color=GREY_NATION, linewidth=1.2, linestyle="-", marker="v", markersize=4, zorder=2),
        "group6": dict(color="#3d3d3d", linewidth=1.0, linestyle=":", marker="x", markersize=4, zorder=2),
    }
    for line in job.lines:
        xs, ys = zip(*line.points)
        axes.plot(xs, ys, label=line.label, **styles[line.role])
    _draw_thresholds(axes, job)
    _short_series_from_zero(axes, job)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=8))
    years = {x for line in job.lines for x, _ in line.points}
    if len(years) == 1:  # one period: one tick, not a century of empty axis around it
        (year,) = years
        axes.set_xlim(year - 1, year + 1)
        axes.set_xticks([year])
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    # above the plot area, never over the data: "best" still covers a line when the lines fill the chart
    axes.legend(
        fontsize=LEGEND_FONT_SIZE,
        frameon=False,
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        borderaxespad=LEGEND_GAP / LEGEND_FONT_SIZE,
        ncols=columns,
    )
    figure.subplots_adjust(  # fixed margins in inches: tight_layout doubles the cost
        left=PLOT_LEFT,
        right=PLOT_RIGHT,
        top=1 - (TOP_MARGIN * job.height + legend_height / 72) / height,
        bottom=0.32 / height,
    )
    x_ticks = _ticks_shown(axes.xaxis)
    y_ticks = _ticks_shown(axes.yaxis)
    decimals = _tick_decimals(axes)
    _draw_axis_ticks(
        figure, axes, [(x, str(int(x))) for x in x_ticks], [(y, language.number(y, decimals)) for y in y_ticks]
    )
    _draw_y_label(axes, job.y_label, [language.number(y, decimals) for y in y_ticks], figure.get_figwidth() * 72)
    return svg_of(figure)


TICK_LENGTH, TICK_WIDTH, TICK_PAD, TICK_FONT_SIZE, LABEL_PAD = 3.5, 0.8, 3.5, 8.5, 4.0  # points, as matplotlib's
PLOT_LEFT, PLOT_RIGHT, TOP_MARGIN = 0.12, 0.98, 0.04  # fractions of the figure's width and of the plot's height
LEGEND_FONT_SIZE, LEGEND_GAP = 8.5, 3.0  # points


def _legend_shape(labels: list[str], width: float) -> tuple[int, float]:
    """The most legend columns (up to three) whose entries fit side by side in `width` points, and the
    height in points of the band above the plot that the legend then needs. Widths are the font's own at
    the legend's size, and the spacings matplotlib's (in multiples of the font size): a sample line of 2,
    0.8 before the text, 2 between columns, 0.5 between rows, 0.4 around the whole."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    measure, font = TextToPath(), FontProperties(size=LEGEND_FONT_SIZE)
    size = LEGEND_FONT_SIZE
    entries = [measure.get_text_width_height_descent(label, font, ismath=False)[0] + 2.8 * size for label in labels]
    for columns in range(min(3, len(entries)), 0, -1):
        rows = -(-len(entries) // columns)
        # matplotlib fills the columns in turn, as evenly as it can, the first ones with one more
        sizes = [len(entries) // columns + (index < len(entries) % columns) for index in range(columns)]
        starts = [sum(sizes[:index]) for index in range(columns)]
        widths = [max(entries[start : start + size_]) for start, size_ in zip(starts, sizes)]
        if sum(widths) + 2 * size * (len(widths) - 1) + 0.8 * size <= width or columns == 1:
            break
    line = size * 1.2  # a row: the text's height
    return columns, rows * line + (rows - 1) * 0.5 * size + 0.8 * size + LEGEND_GAP


def _ticks_shown(axis) -> list[float]:
    """The tick values matplotlib would draw: its locator's, within the view (with its tolerance)."""
    low, high = sorted(axis.get_view_interval())
    slack = (high - low) * 1e-10
    return [float(value) for value in axis.get_majorticklocs() if low - slack <= value <= high + slack]


def _draw_axis_ticks(figure, axes, x_ticks: list[tuple[float, str]], y_ticks: list[tuple[float, str]]) -> None:
    """Tick marks, tick labels and the horizontal grid, drawn where and as matplotlib's axes draw them, as a
    few plain artists: matplotlib builds five artists per tick and works its ticks out three times per axis,
    a quarter of a chart's time (the example draws 136 charts; the pictures are the same to the pixel). The
    marks and labels lie outside the plot area, so they are the figure's; the grid is one collection of the
    axes, painted where the axis painted it (after the reference lines, before the spines)."""
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D
    from matplotlib.markers import TICKDOWN, TICKLEFT, MarkerStyle
    from matplotlib.text import Text
    from matplotlib.ticker import NullLocator

    axes.xaxis.set_major_locator(NullLocator())
    axes.yaxis.set_major_locator(NullLocator())
    pad = TICK_LENGTH + TICK_PAD
    if x_ticks:
        places = [value for value, _ in x_ticks]
        marks = Line2D(
            places, [0.0] * len(places), transform=axes.get_xaxis_transform("tick1"), marker=MarkerStyle(TICKDOWN)
        )
        transform, va, ha = axes.get_xaxis_text1_transform(pad)
        _add_ticks(figure, marks, [Text(x, 0.0, label, va=va, ha=ha) for x, label in x_ticks], transform)
    if y_ticks:
        places = [value for value, _ in y_ticks]
        marks = Line2D(
            [0.0] * len(places), places, transform=axes.get_yaxis_transform("tick1"), marker=MarkerStyle(TICKLEFT)
        )
        transform, va, ha = axes.get_yaxis_text1_transform(pad)
        _add_ticks(figure, marks, [Text(0.0, y, label, va=va, ha=ha) for y, label in y_ticks], transform)
        grid = [[(0.0, value), (1.0, value)] for value in places]
        axes.add_collection(
            LineCollection(grid, colors="#e3e3e3", linewidths=0.8, zorder=1.5, transform=axes.get_yaxis_transform()),
            autolim=False,
        )


def _add_ticks(figure, marks, labels: list, transform) -> None:
    marks.set(linestyle="none", markersize=TICK_LENGTH, markeredgewidth=TICK_WIDTH, color="black", clip_on=False)
    figure.add_artist(marks)
    for label in labels:
        label.set(fontsize=TICK_FONT_SIZE, color="black", transform=transform)
        figure.add_artist(label)


def _draw_y_label(axes, text: str, tick_labels: list[str], figure_width: float) -> None:
    """The axis title, placed as matplotlib places it: its padding left of the widest tick label, measured
    as the SVG is written (the font's own widths at the label size)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    measure, font = TextToPath(), FontProperties(size=TICK_FONT_SIZE)
    widest = max(
        (measure.get_text_width_height_descent(label, font, ismath=False)[0] for label in tick_labels), default=0
    )
    axes.set_ylabel(text, fontsize=9)
    width = axes.get_position().width * figure_width  # the plot area's width in points
    axes.yaxis.set_label_coords(-(TICK_LENGTH + TICK_PAD + widest + LABEL_PAD) / width, 0.5)


def _draw_thresholds(axes, job: ChartJob) -> None:
    """Status bands behind the lines, and the green-threshold and target lines, within a readable range."""
    values = [v for line in job.lines for _, v in line.points] + [value for value, _, _ in job.references]
    if not values:
        return
    low, high = min(values), max(values)
    pad = (high - low) * 0.08 or abs(high) * 0.05 or 1.0
    low, high = low - pad, high + pad
    for start, end, status in job.bands:
        axes.axhspan(min(start, end), max(start, end), color=BAND_COLOURS[status], zorder=0, linewidth=0)
    styles = {
        "green": dict(color=GREEN_LINE, linestyle="--", linewidth=1.2),
        "target": dict(color=TARGET_LINE, linestyle="-.", linewidth=1.2),
    }
    for value, label, kind in job.references:
        axes.axhline(value, label=label, zorder=1.5, **styles[kind])
    if job.bands or job.references:
        axes.set_ylim(low, high)


SHORT_SERIES = 3  # fewer points than this: the axis starts at zero, so two points do not look like a cliff


def _short_series_from_zero(axes, job: ChartJob) -> None:
    """A series of one or two values is drawn on an axis from zero (when no value is negative): an axis
    fitted to two points makes any difference between them fill the chart."""
    own = [v for line in job.lines if line.role == "entity" for _, v in line.points]
    every = [v for line in job.lines for _, v in line.points]
    if 0 < len(own) < SHORT_SERIES and min(every) >= 0:
        axes.set_ylim(bottom=0)


def _tick_decimals(axes) -> int:
    """The fewest decimals that show every tick exactly (a step of 0.25 needs two)."""
    ticks = list(axes.get_yticks())
    for decimals in range(4):
        if all(abs(round(tick, decimals) - tick) < 1e-9 for tick in ticks):
            return decimals
    return 3


_registered: set[str] = set()


def _register_fonts(font_manager, font_dir: Path) -> None:
    if str(font_dir) in _registered:
        return
    for path in sorted(font_dir.glob("*.ttf")):
        font_manager.fontManager.addfont(str(path))
    _registered.add(str(font_dir))
