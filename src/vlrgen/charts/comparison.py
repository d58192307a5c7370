"""Comparison charts: an indicator's distribution over municipalities, and stacked shares.

`StripJob` draws one dot per municipality along the value axis, with the county, national
and peer-group values as marked lines and the reporting municipality highlighted.
`ShareJob` draws stacked horizontal bars of counts as shares (goal statuses per goal, survey
answers per county or size band). Both are picklable jobs for the worker pool.

These two simple chart types are written as SVG directly rather than through matplotlib: a
national review has over a hundred of them, and matplotlib spent ~0.1 s on each building axis
ticks. Text stays real SVG text in the shipped fonts, widths are measured from the font's own
advance widths, numbers are formatted with Babel, and output is deterministic.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from vlrgen.charts.timeseries import BAND_COLOURS
from vlrgen.inputs.i18n import Language

__all__ = ["ANSWER_COLOURS", "STATUS_COLOURS", "ShareJob", "StripJob"]

STATUS_COLOURS = {"green": "#3a9d48", "yellow": "#f2c500", "orange": "#f28e1c", "red": "#d7301f", "grey": "#c8c8c8"}
ANSWER_COLOURS = ("#1f5f8b", "#5b9bc8", "#a9cde6", "#e0b46a", "#b5651d", "#7a3e10")  # first = most positive
NO_ANSWER_COLOUR = "#d9d9d9"
MARKER_STYLES = {
    "county": ("#4d4d4d", "5.2 2.2"),
    "nation": ("#1d1d1d", "1.4 2.3"),
    "peers": ("#8c5aa5", "6.4 1.6 1.4 1.6"),
}
WIDTH = 460.8  # points: 6.4 inches, like the time-series charts
FONT = "'Noto Sans', 'DejaVu Sans', sans-serif"  # DejaVu covers the minus sign Noto Sans lacks
INK, AXIS = "#262626", "#3a3a3a"
DOT = "#5c5c5c"  # 85 % opaque: at least 3:1 against white and the status bands, overlaps still show


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
    locale: str = ""  # Babel locale for the numbers; empty: the language code

    def draw(self) -> str:
        language, metrics = Language(self.language, {}, locale=self.locale), _metrics(self.font_dir)
        entries = [(label, *MARKER_STYLES[role]) for label, _, role in self.markers]
        legend = _legend_rows(metrics, entries, "line") if entries else []
        left, right, top, bottom = 13.8, WIDTH - 13.8, 4.3, 79.2
        height = bottom + 34 + len(legend) * LEGEND_ROW + (4 if legend else 0)
        everything = list(self.values) + [v for _, v in self.highlights] + [v for _, v, _ in self.markers]
        low, high = min(everything), max(everything)
        pad = (high - low) * 0.06 or abs(high) * 0.05 or 1.0
        low, high = low - pad, high + pad

        def x(value: float) -> float:
            return left + (value - low) / (high - low) * (right - left)

        def y(offset: float) -> float:  # the spread axis runs from -0.8 (bottom) to 1.1 (top)
            return bottom - (offset + 0.8) / 1.9 * (bottom - top)

        svg = _Svg(WIDTH, height)
        for start, end, status in self.bands:
            a, b = max(min(start, end), low), min(max(start, end), high)
            if a < b:
                svg.rect(x(a), top, x(b) - x(a), bottom - top, BAND_COLOURS[status])
        # A fixed, evenly spread vertical offset per dot keeps equal values apart without randomness.
        svg.dots([(x(value), y(((i * 0.618034) % 1.0) - 0.5)) for i, value in enumerate(self.values)], 1.87, DOT, 0.85)
        for _label, value, role in self.markers:
            colour, dashes = MARKER_STYLES[role]
            svg.line(x(value), top, x(value), bottom, colour, 1.4, dashes)
        for label, value in self.highlights:
            svg.circle(x(value), y(0), 4.2, self.colour, stroke="#1d1d1d")
            svg.text(x(value), y(0) - 8, label, 8.5, anchor="middle")
        ticks = _nice_ticks(low, high)
        decimals = _decimals(ticks)
        svg.line(left, bottom, right, bottom, AXIS, 0.8)
        for tick in ticks:
            svg.line(x(tick), bottom, x(tick), bottom + 3.5, AXIS, 0.8)
            svg.text(x(tick), bottom + 13.5, language.number(tick, decimals), 8.5, anchor="middle")
        svg.text((left + right) / 2, bottom + 27, self.unit, 9, anchor="middle")
        _draw_legend(svg, legend, bottom + 44, "line")
        return svg.finish()


@dataclass(frozen=True)
class ShareJob:
    name: str
    language: str
    font_dir: str
    rows: tuple[tuple[str, tuple[int, ...]], ...]  # (row label, count per category)
    categories: tuple[str, ...]  # legend labels, one per count
    colours: tuple[str, ...]
    axis_label: str
    locale: str = ""  # Babel locale for the numbers; empty: the language code

    def draw(self) -> str:
        language, metrics = Language(self.language, {}, locale=self.locale), _metrics(self.font_dir)
        pitch = 0.28 * 72  # points per row
        legend = _legend_rows(metrics, list(zip(self.categories, self.colours, [""] * len(self.colours))), "patch")
        top = 14 + len(legend) * LEGEND_ROW
        bottom = top + pitch * len(self.rows)
        height = bottom + 36
        longest = max((metrics.width(label, 8.5) for label, _ in self.rows), default=40.0)
        left, right = min(WIDTH * 0.56, longest + 12), WIDTH * 0.97
        svg = _Svg(WIDTH, height)
        for row, (label, counts) in enumerate(self.rows):
            middle = top + (row + 0.5) * pitch
            total, start = sum(counts), 0.0
            for count, colour in zip(counts, self.colours):
                share = count / total * 100 if total else 0.0
                if share > 0:
                    x0 = left + start / 100 * (right - left)
                    svg.rect(
                        x0, middle - 0.36 * pitch, share / 100 * (right - left), 0.72 * pitch, colour, stroke="#ffffff"
                    )
                start += share
            svg.line(left - 3.5, middle, left, middle, AXIS, 0.8)
            svg.text(left - 6, middle + 3, label, 8.5, anchor="end")
        svg.line(left, top, left, bottom, AXIS, 0.8)
        svg.line(left, bottom, right, bottom, AXIS, 0.8)
        for tick in range(0, 101, 20):
            tx = left + tick / 100 * (right - left)
            svg.line(tx, bottom, tx, bottom + 3.5, AXIS, 0.8)
            svg.text(tx, bottom + 13.5, language.quantity(tick, 0, "%"), 8.5, anchor="middle")
        svg.text((left + right) / 2, bottom + 27, self.axis_label, 9, anchor="middle")
        _draw_legend(svg, legend, 14, "patch")
        return svg.finish()


class _Svg:
    """A minimal SVG writer: coordinates in points, two decimals, elements in drawing order."""

    def __init__(self, width: float, height: float):
        self.width, self.height = width, height
        self.parts: list[str] = []

    def rect(self, x: float, y: float, w: float, h: float, fill: str, stroke: str = "") -> None:
        edge = f' stroke="{stroke}" stroke-width="0.5"' if stroke else ""
        self.parts.append(f'<rect x="{x:.2f}" y="{y:.2f}" width="{w:.2f}" height="{h:.2f}" fill="{fill}"{edge}/>')

    def circle(self, cx: float, cy: float, r: float, fill: str, opacity: float = 1.0, stroke: str = "") -> None:
        extra = f' fill-opacity="{opacity}"' if opacity < 1 else ""
        extra += f' stroke="{stroke}" stroke-width="0.8"' if stroke else ""
        self.parts.append(f'<circle cx="{cx:.2f}" cy="{cy:.2f}" r="{r:.2f}" fill="{fill}"{extra}/>')

    def dots(self, centres: list[tuple[float, float]], r: float, fill: str, opacity: float) -> None:
        """Many equal translucent dots, drawn as a few paths instead of one element each.

        A layout engine pays for every SVG element (its style cascade, its graphics state), and a
        strip chart has one dot per municipality. Dots that overlap go into different paths, so each
        overlap is still painted twice and shows darker, exactly as with one <circle> per dot (equal
        colour and opacity: the result depends only on how many dots cover a point, not their order)."""
        side, reach = 2 * r, (2 * r) ** 2
        groups: list[tuple[list[tuple[float, float]], dict[tuple[int, int], list[tuple[float, float]]]]] = []
        for cx, cy in centres:
            cx, cy = round(cx, 2), round(cy, 2)  # the coordinates written, so the overlap test is exact
            col, row = int(cx // side), int(cy // side)
            near = [(col + i, row + j) for i in (-1, 0, 1) for j in (-1, 0, 1)]
            free = (
                group
                for group in groups
                if all((cx - gx) ** 2 + (cy - gy) ** 2 >= reach for cell in near for gx, gy in group[1].get(cell, ()))
            )
            members, cells = next(free, None) or ([], {})
            if not members:
                groups.append((members, cells))
            members.append((cx, cy))
            cells.setdefault((col, row), []).append((cx, cy))
        # Each dot is a subpath of length zero, stroked with round caps as wide as the dot: PDF and SVG
        # both paint such a subpath as a filled circle (PDF 32000-1, 8.5.3.2; SVG 2, "stroke-linecap").
        # Two numbers a dot instead of four curves: WeasyPrint parses and writes a fifth of the path data,
        # and the strip charts' share of a report's layout time falls by about two thirds. The paint is a
        # style attribute: on a web page, the style sheet matplotlib puts in every chart it draws
        # (`* {stroke-linecap: butt}`) applies to the whole page and would win over an attribute.
        paint = (
            f"fill: none; stroke: {fill}; stroke-opacity: {opacity}; stroke-width: {2 * r:.2f}; stroke-linecap: round"
        )
        for members, _ in groups:
            shape = "".join(f"M{cx:.2f} {cy:.2f}h0" for cx, cy in members)
            self.parts.append(f'<path d="{shape}" style="{paint}"/>')

    def line(self, x1: float, y1: float, x2: float, y2: float, colour: str, width: float, dashes: str = "") -> None:
        dash = f' stroke-dasharray="{dashes}"' if dashes else ""
        self.parts.append(
            f'<line x1="{x1:.2f}" y1="{y1:.2f}" x2="{x2:.2f}" y2="{y2:.2f}" stroke="{colour}" '
            f'stroke-width="{width}"{dash}/>'
        )

    def text(self, x: float, y: float, text: str, size: float, anchor: str = "start") -> None:
        self.parts.append(
            f'<text x="{x:.2f}" y="{y:.2f}" font-size="{size}" text-anchor="{anchor}">{escape(text)}</text>'
        )

    def finish(self) -> str:
        return (
            f'<?xml version="1.0" encoding="utf-8"?>\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width:.1f}pt" height="{self.height:.1f}pt" '
            f'viewBox="0 0 {self.width:.1f} {self.height:.1f}" font-family="{FONT}" fill="{INK}">\n'
            f'<rect width="100%" height="100%" fill="#ffffff"/>\n' + "\n".join(self.parts) + "\n</svg>\n"
        )


LEGEND_SIZE, LEGEND_GAP, LEGEND_ROW = 8.0, 14.0, 13.0


def _legend_rows(metrics: _FontMetrics, entries: list[tuple[str, str, str]], sample: str) -> list:
    """Centred rows of legend entries (label, colour, dash pattern), as many as the width needs."""
    sample_width = _sample_width(sample)
    widths = [sample_width + 5 + metrics.width(label, LEGEND_SIZE) for label, _, _ in entries]
    rows: list = []
    current: list = []
    used = 0.0
    for entry, width in zip(entries, widths):
        if current and used + LEGEND_GAP + width > WIDTH - 20:
            rows.append((current, used))
            current, used = [], 0.0
        used += (LEGEND_GAP if current else 0) + width
        current.append((entry, width))
    if current:
        rows.append((current, used))
    return rows


def _draw_legend(svg: _Svg, rows: list, y: float, sample: str) -> None:
    sample_width = _sample_width(sample)
    for row, (items, used) in enumerate(rows):
        x, line_y = (WIDTH - used) / 2, y + row * LEGEND_ROW
        for (label, colour, dashes), width in items:
            if sample == "line":
                svg.line(x, line_y - 3, x + sample_width, line_y - 3, colour, 1.4, dashes)
            else:
                svg.rect(x, line_y - 7, sample_width, 7, colour)
            svg.text(x + sample_width + 5, line_y, label, LEGEND_SIZE)
            x += width + LEGEND_GAP


def _sample_width(sample: str) -> float:
    return 20.0 if sample == "line" else 12.0


class _FontMetrics:
    """Advance widths of the shipped text fonts, to lay out labels without a drawing engine.

    The wider of Noto Sans and DejaVu Sans counts: a chart file opened on its own may be shown in the
    fallback font."""

    def __init__(self, font_dir: str):
        from fontTools.ttLib import TTFont

        self.advances: dict[int, float] = {}
        for name in ("NotoSans-Regular.ttf", "DejaVuSans.ttf"):
            font = TTFont(str(Path(font_dir) / name), lazy=True)
            cmap, advances, units = font.getBestCmap(), font["hmtx"].metrics, font["head"].unitsPerEm
            for code, glyph in cmap.items():
                self.advances[code] = max(self.advances.get(code, 0.0), advances[glyph][0] / units)
        self.fallback = self.advances[ord("M")]

    def width(self, text: str, size: float) -> float:
        return sum(self.advances.get(ord(c), self.fallback) for c in text) * size


@functools.cache
def _metrics(font_dir: str) -> _FontMetrics:
    return _FontMetrics(font_dir)


def _nice_ticks(low: float, high: float, most: int = 7) -> list[float]:
    """Round tick values inside [low, high]: steps of 1, 2, 2.5 or 5 times a power of ten."""
    span = high - low
    if span <= 0:
        return [low]
    power = 10 ** math.floor(math.log10(span / most))
    for factor in (1, 2, 2.5, 5, 10, 20):
        step = factor * power
        first = math.ceil(low / step - 1e-9)
        last = math.floor(high / step + 1e-9)
        if last - first + 1 <= most:
            return [round(i * step, 10) for i in range(first, last + 1)]
    return [low, high]


def _decimals(ticks) -> int:
    for decimals in range(4):
        if all(abs(round(t, decimals) - t) < 1e-9 for t in ticks):
            return decimals
    return 3
