"""Column widths for the PDF, worked out while the page is written, so WeasyPrint need not find them.

WeasyPrint's automatic table layout measures every word of every cell twice (its narrowest and its
widest width) before it lays a table out; in a VLR, with a key-figure table per goal and long annex
tables, that was about a tenth of the PDF's layout time (README, "Speed"). The widths it arrives at
follow from the cells' text, the report's fonts and the stylesheet, and all three are known here: the
text is measured with HarfBuzz in the shipped fonts (the shaper WeasyPrint's Pango uses), and the
columns are shared out as CSS 2.1's automatic layout does it (the narrowest widths, then up to the
widest, then any room left in proportion). Each table we can measure gets its widths as custom
properties (`--tw` on the table, `--cw` on each `<col>`), which report.css applies in print only, with
`table-layout: fixed`; the web page keeps the browser's own layout.

Only what is modelled is touched: tables of the kinds report.css styles (`kpi`, `annex-table`, plain
narrative tables) sitting where the full text width is theirs, and a chart's data table too wide to sit
beside its chart (in print then a block under the chart, where WeasyPrint put it after first trying it
beside the chart), with cells made of text, line breaks, links and the report's
known inline elements. Anything else (a colspan, an image, an unknown class,
a character neither font has, a page with a style of its own) keeps WeasyPrint's automatic layout.
Breaks inside a word are allowed only where WeasyPrint surely breaks too, so a column is never made
narrower than a word it holds.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

__all__ = ["ColumnWidths", "fix_table_widths", "measurer"]

PX_PER_PT = 4 / 3
PX_PER_MM = 96 / 25.4
TEXT_WIDTH = (210 - 20 - 18) * PX_PER_MM  # A4 less the @page margins in report.css, in CSS px
ROOT_SIZE = 10 * PX_PER_PT  # html { font-size: 10pt } in print
SAFETY = 0.02  # px: WeasyPrint rounds glyph advances to Pango units (1/1024 px)

# Table font sizes in print (report.css): .kpi 8.5pt, .annex-table 7.5pt, a plain table .92em.
TABLE_SIZES = {
    "kpi": 8.5 * PX_PER_PT,
    "annex-table": 7.5 * PX_PER_PT,
    "chart-data": 7 * PX_PER_PT,
    "": 0.92 * ROOT_SIZE,
}
CHART_DATA_PADDING = 1.2 * PX_PER_MM  # .chart-data th, .chart-data td { padding: .5mm 1.2mm }
# In print a chart is an inline box 64 % wide with a 4 mm right margin; its data table follows it on the
# same line when it fits in what is left, else on a line of its own (report.css, .chart-body).
BESIDE_CHART = TEXT_WIDTH - (0.64 * TEXT_WIDTH + 4 * PX_PER_MM)
# Modifier classes that change nothing about a table's widths (or are modelled below).
TABLE_MODIFIERS = {
    "compare",
    "measures",
    "data-table",
    "breakdown-table",
    "editions-goals",
    "editions-indicators",
    "editions-shares",
    "editions-scope",
    "editions-counties",
    "editions-members",
}
# Containers that give a table the whole text width (no padding, border or margin at the sides).
FULL_WIDTH = {"html", "body", "main", "section", "article", "div"}
FULL_WIDTH_DIVS = {"table-block", "table-long", "narrative"}
# Inline classes whose look in print is colour only (or that the cell model handles).
PLAIN_CLASSES = {
    "num",
    "source",
    "change",
    "change-better",
    "change-worse",
    "change-same",
    "change-none",
    "status-badge",
    "status-green",
    "status-yellow",
    "status-orange",
    "status-red",
    "status-grey",
    "trend-badge",
    "target",
    "target-note",
    "outdated",
    "judgement",
    "status-dot",
    "arrow",
    "period",
    "unit",
    "shift",
    "scope-change",
    "trend-maintaining",
    "trend-on_track",
    "trend-moderately_improving",
    "trend-stagnating",
    "trend-decreasing",
    "trend-unavailable",
}
TREND_ARROWS = {  # .trend-… .arrow::before in report.css (drawn in DejaVu Sans, margin-right .3em)
    "trend-maintaining": "↑",
    "trend-on_track": "↑",
    "trend-moderately_improving": "↗",
    "trend-stagnating": "→",
    "trend-decreasing": "↓",
    "trend-unavailable": "·",
}
INLINE_TAGS = {"a", "span", "strong", "b", "em", "i", "br", "abbr"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
NO_BREAK_BEFORE = set(")]}!?,.:;/%»”’")
# A cell's content as characters, each with its style (size, bold, italic, nowrap), or a box
# ("\ufffc", width) for an inline-block or a generated arrow, which never breaks from its neighbours.
Style = tuple[float, bool, bool, bool]
BOX = "\ufffc"
Char = tuple[str, "Style | float"]


class ColumnWidths:
    """Text widths in the report's fonts, measured once per string and style."""

    def __init__(self, fonts: Path) -> None:
        self.fonts = fonts
        self.edits: dict[tuple[str, str], str | None] = {}  # (place, table's HTML) → with its widths, or None

    @functools.cached_property
    def _faces(self) -> dict[str, tuple[object, int, frozenset[int]]]:
        import uharfbuzz as hb  # type: ignore[import-untyped]
        from fontTools.ttLib import TTFont

        faces = {}
        for name in (
            "NotoSans-Regular.ttf",
            "NotoSans-Bold.ttf",
            "NotoSans-Italic.ttf",
            "NotoSans-BoldItalic.ttf",
            "DejaVuSans.ttf",
            "DejaVuSans-Bold.ttf",
        ):
            face = hb.Face(hb.Blob.from_file_path(str(self.fonts / name)))
            with TTFont(self.fonts / name, lazy=True) as font:
                covered = frozenset(font.getBestCmap())
            faces[name] = (hb.Font(face), face.upem, covered)
        return faces

    def covers(self, text: str) -> bool:
        """Whether the report's fonts have every character (else Pango would pick a system font)."""
        faces = self._faces
        return all(ord(c) in faces["NotoSans-Regular.ttf"][2] or ord(c) in faces["DejaVuSans.ttf"][2] for c in text)

    @functools.lru_cache(maxsize=16384)  # noqa: B019 - one instance per font folder, kept for the process
    def text_cell(self, text: str, style: Style) -> tuple[float, float]:
        return _cell_widths(Node("td", {}, [text]), style, self)

    @functools.lru_cache(maxsize=65536)  # noqa: B019 - one instance per font folder, kept for the process
    def width(self, text: str, size: float, bold: bool = False, italic: bool = False, dejavu: bool = False) -> float:
        """The advance width of `text` in CSS px at font size `size` px, as Pango shapes it: Noto Sans,
        and DejaVu Sans for what Noto Sans lacks (or for all of it, `dejavu`)."""
        import uharfbuzz as hb

        faces = self._faces
        noto = {(False, False): "NotoSans-Regular", (True, False): "NotoSans-Bold", (False, True): "NotoSans-Italic"}
        main = noto.get((bold, italic), "NotoSans-BoldItalic") + ".ttf"
        fallback = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
        if dejavu:
            main = fallback
        total, run, run_face = 0.0, "", main
        for char in text + "\0":
            face = main if char == "\0" or ord(char) in faces[main][2] else fallback
            if run and (face != run_face or char == "\0"):
                font, upem, _ = faces[run_face]
                buffer = hb.Buffer()
                buffer.add_str(run)
                buffer.guess_segment_properties()
                hb.shape(font, buffer, {})
                total += sum(p.x_advance for p in buffer.glyph_positions) / upem * size
                run = ""
            run_face = face
            run += char
        return total


@functools.cache
def measurer(fonts: Path) -> ColumnWidths:
    """One measurer per font folder for the process, so a running preview measures a string once."""
    return ColumnWidths(fonts)


class Unmodelled(Exception):
    """Something in a table the measurement does not model: WeasyPrint keeps its own layout there."""


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID_TAGS:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def _flatten(node: Node, style: Style, trend: str, out: list[list], measure: ColumnWidths) -> None:
    size, bold, italic, nowrap = style
    for child in node.children:
        if isinstance(child, str):
            out.append([child, style])
            continue
        tag, classes = child.tag, child.classes()
        if tag not in INLINE_TAGS or "style" in child.attrs or classes - PLAIN_CLASSES:
            raise Unmodelled(f"<{tag} class={' '.join(sorted(classes))}>")
        if tag == "br":
            out.append(["\n", style])
            continue
        child_size, child_bold, child_italic = size, bold or tag in ("strong", "b"), italic or tag in ("em", "i")
        if classes & {"period", "unit"}:
            child_size, child_bold = size * 0.85, False
        if "status-dot" in classes:  # inline-block .8em square, 1px border, .3em margin-right
            out.append([BOX, 0.8 * size + 2 + 0.3 * size])
            continue
        if "arrow" in classes:  # ::before: the trend's arrow in DejaVu Sans, .3em margin-right
            if trend not in TREND_ARROWS:
                raise Unmodelled("an arrow outside a trend badge")
            out.append([BOX, measure.width(TREND_ARROWS[trend], size, bold, False, dejavu=True) + 0.3 * size])
        child_trend = next((c for c in classes if c in TREND_ARROWS), trend)
        _flatten(child, (child_size, child_bold, child_italic, nowrap or "shift" in classes), child_trend, out, measure)


def _lines(cell: Node, style: Style, measure: ColumnWidths) -> list[list[Char]]:
    """The cell's lines (split at <br>) as (character, style-or-box-width), white space collapsed as CSS
    does it: runs of spaces become one, none at the start or end of a line."""
    pieces: list[list] = []
    _flatten(cell, style, "", pieces, measure)
    lines: list[list[Char]] = [[]]
    for text, what in pieces:
        if text == BOX:
            lines[-1].append((BOX, what))
            continue
        if text == "\n":
            lines.append([])
            continue
        for char in re.sub(r"[ \t\n\r\f]+", " ", text):
            line = lines[-1]
            if char == " " and (not line or line[-1][0] == " "):
                continue
            line.append((char, what))
    for line in lines:
        while line and line[-1][0] == " ":
            line.pop()
    return lines


def _width(chars: list[Char], measure: ColumnWidths) -> float:
    """The width of characters in a row: each run of one style shaped as a whole, boxes as they are."""
    total, start = 0.0, 0
    for i in range(1, len(chars) + 1):
        what = chars[start][1]
        if i == len(chars) or chars[i][1] != what or chars[i][0] == BOX or chars[start][0] == BOX:
            if isinstance(what, tuple):
                size, bold, italic, _ = what
                total += measure.width("".join(c for c, _ in chars[start:i]), size, bold, italic)
            else:
                total += what
            start = i
    return total


def _breaks_before(line: list[Char], i: int) -> bool:
    """Whether a line may break before character i, where WeasyPrint (Pango, UAX #14) surely allows it:
    after spaces (not before closing punctuation, a slash or a percent sign), and after a hyphen
    between two letters."""
    char, before = line[i][0], line[i - 1][0]
    here, there = line[i][1], line[i - 1][1]
    nowrap = (isinstance(here, tuple) and here[3]) or (isinstance(there, tuple) and there[3])
    if nowrap or char == " ":
        return False
    if before == " ":
        return char not in NO_BREAK_BEFORE
    if before == "-" and i >= 2:
        return line[i - 2][0].isalpha() and char.isalpha()
    return before == "\u200b"


def cell_widths(cell: Node, style: Style, measure: ColumnWidths) -> tuple[float, float]:
    """The cell content's narrowest (min-content) and widest (max-content) widths in px."""
    if all(isinstance(c, str) for c in cell.children):  # most cells: a number, a year, a word or two
        return measure.text_cell("".join(cell.children), style)  # type: ignore[arg-type]
    return _cell_widths(cell, style, measure)


def _cell_widths(cell: Node, style: Style, measure: ColumnWidths) -> tuple[float, float]:
    narrowest = widest = 0.0
    for line in _lines(cell, style, measure):
        if not line:
            continue
        if not measure.covers("".join(c for c, _ in line if c != BOX)):
            raise Unmodelled("a character the report's fonts lack")
        widest = max(widest, _width(line, measure))
        start = 0
        for i in range(1, len(line) + 1):
            if i == len(line) or _breaks_before(line, i):
                chunk = line[start:i]
                while chunk and chunk[-1][0] == " ":
                    chunk = chunk[:-1]
                narrowest = max(narrowest, _width(chunk, measure))
                start = i
    return narrowest, widest


def table_kind(classes: set[str]) -> str:
    kinds = classes & {"kpi", "annex-table", "chart-data"}
    if len(kinds) > 1 or classes - kinds - TABLE_MODIFIERS:
        raise Unmodelled(f"a table of class {' '.join(sorted(classes))}")
    return next(iter(kinds), "")


def column_widths(table: Node, measure: ColumnWidths) -> tuple[float, list[float]]:
    """The table's width and its columns' widths in px, as WeasyPrint's automatic layout gives them."""
    classes = table.classes()
    kind = table_kind(classes)
    size = TABLE_SIZES[kind]
    rows = [r for part in table.children if isinstance(part, Node) for r in _rows(part)]
    narrowest: list[float] = []
    widest: list[float] = []
    for row in rows:
        cells = [c for c in row.children if isinstance(c, Node)]
        for column, cell in enumerate(cells):
            if cell.tag not in ("td", "th") or {"colspan", "rowspan", "style"} & set(cell.attrs):
                raise Unmodelled(f"a <{cell.tag}> with a span or a style")
            cell_classes = cell.classes()
            if cell_classes - PLAIN_CLASSES:
                raise Unmodelled(f"a cell of class {' '.join(sorted(cell_classes))}")
            cell_size = size * (0.88 if "judgement" in cell_classes else 1)
            nowrap = "shift" in cell_classes and "editions-shares" in classes
            low, high = cell_widths(cell, (cell_size, cell.tag == "th", False, nowrap), measure)
            least = 0.0  # min-width in report.css
            if "judgement" in cell_classes:
                least = 8 * cell_size
            elif "scope-change" in cell_classes and "editions-scope" in classes:
                least = 7.5 * cell_size
            low = max(low, least)
            high = max(low, high, least)
            padding = 2 * (CHART_DATA_PADDING if kind == "chart-data" else 0.55 * cell_size)
            while len(narrowest) <= column:
                narrowest.append(0.0)
                widest.append(0.0)
            narrowest[column] = max(narrowest[column], low + padding)
            widest[column] = max(widest[column], high + padding)
    if not narrowest:
        raise Unmodelled("a table without cells")
    if kind in ("kpi", "annex-table"):  # width: 100%, or wider when the words do not fit (then it overflows)
        width = max(TEXT_WIDTH, sum(narrowest))
    else:
        width = min(max(sum(narrowest), TEXT_WIDTH), sum(widest))
    if width < sum(widest) * (1 + 1e-9):
        spread = sum(widest) - sum(narrowest)
        ratio = (width - sum(narrowest)) / spread if spread else 0
        columns = [low + (high - low) * ratio for low, high in zip(narrowest, widest)]
    else:
        excess = width - sum(widest)
        columns = [high + excess * high / sum(widest) for high in widest]
    # A column as wide as its widest line gets a hair more, so the line still fits after rounding; one
    # between its narrowest and widest keeps the width WeasyPrint gives it, so its lines break there too.
    columns = [c + SAFETY if abs(c - high) < SAFETY else c for c, high in zip(columns, widest)]
    return max(width, sum(columns)), columns


def _rows(part: Node) -> list[Node]:
    if part.tag == "tr":
        return [part]
    if part.tag in ("thead", "tbody", "tfoot"):
        return [r for r in part.children if isinstance(r, Node) and r.tag == "tr" and _plain_row(r)]
    if part.tag in ("caption", "colgroup"):
        return []
    raise Unmodelled(f"<{part.tag}> in a table")


def _plain_row(row: Node) -> bool:
    if row.classes() - {"gap-row"} or "style" in row.attrs:
        raise Unmodelled("a row with a class or a style")
    return True


TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>|<!--.*?-->", re.S)
RAW_TAGS = {"script", "style", "svg", "math", "template", "textarea"}


def fix_table_widths(html: str, measure: ColumnWidths) -> str:
    """The page with each measurable table's print widths written in (see the module's docstring)."""
    edits: list[tuple[int, int, str]] = []
    stack: list[tuple[str, set[str]]] = []
    position = 0
    while match := TAG.search(html, position):
        position = match.end()
        if match[0].startswith("<!--"):
            continue
        closing, tag, attrs = match[1], match[2].lower(), match[3]
        if closing:  # close up to the element it ends (one never opened, as a nested table's, is ignored)
            open_tags = [t for t, _ in stack]
            if tag in open_tags:
                del stack[len(open_tags) - 1 - open_tags[::-1].index(tag) :]
            continue
        if re.search(r"\sstyle\s*=", attrs) or (tag == "link" and _other_stylesheet(attrs)):
            return html  # a page with styles of its own (a project's template): WeasyPrint measures
        if tag in RAW_TAGS:  # skip to its end: what is inside is not HTML layout
            raw_end = re.compile(rf"</{tag}\s*>", re.I).search(html, position)
            if tag == "style" and not _colours_only(html[position : raw_end.start() if raw_end else len(html)]):
                return html
            position = raw_end.end() if raw_end else len(html)
            continue
        if tag == "table":
            end = html.find("</table>", position)
            if end < 0:
                break
            end += len("</table>")
            place = "chart" if _under_a_chart(stack) else "text" if _full_width(stack) else ""
            if place:
                edit = _table_edit(html[match.start() : end], place, measure)
                if edit:
                    edits.append((match.start(), end, edit))
            position = end
            continue
        if tag not in VOID_TAGS and not attrs.rstrip().endswith("/"):
            found = re.search(r"""\bclass\s*=\s*["']([^"']*)["']""", attrs)
            stack.append((tag, set(found[1].split()) if found else set()))
    for start, end, text in reversed(edits):
        html = html[:start] + text + html[end:]
    return html


def _full_width(stack: list[tuple[str, set[str]]]) -> bool:
    return all(tag in FULL_WIDTH and (tag != "div" or classes & FULL_WIDTH_DIVS) for tag, classes in stack)


def _under_a_chart(stack: list[tuple[str, set[str]]]) -> bool:
    """A chart's data table in a report's figure (not a review's, where the chart is a block of its own)."""
    if len(stack) < 2 or stack[-1] != ("div", {"chart-body"}) or stack[-2][0] != "figure":
        return False
    if not {"chart"} <= stack[-2][1] <= {"chart", "compare-chart", "breakdown-chart"}:
        return False
    return _full_width(stack[:-2]) and not any("review" in classes for _, classes in stack)


def _colours_only(css: str) -> bool:
    """Whether a page's own style sheet sets only colours (the planned palette), nothing that moves text."""
    names = re.findall(r"([-\w]+)\s*:", re.sub(r"[^{}]*\{", "{", css))
    return all(name.startswith("--") or name in ("color", "background", "background-color") for name in names)


def _other_stylesheet(attrs: str) -> bool:
    rel = re.search(r"""\brel\s*=\s*["']?([^"'\s>]*)""", attrs)
    href = re.search(r"""\bhref\s*=\s*["']([^"']*)["']""", attrs)
    return bool(rel and rel[1].lower() == "stylesheet" and not (href and href[1].endswith("assets/report.css")))


def _table_edit(source: str, place: str, measure: ColumnWidths) -> str | None:
    """The table with its print widths, or None; `place` is "text" (the full text width) or "chart" (a
    chart's figure)."""
    if (place, source) not in measure.edits:
        if len(measure.edits) > 4096:
            measure.edits.clear()
        measure.edits[place, source] = _measured_table(source, place, measure)
    return measure.edits[place, source]


def _measured_table(source: str, place: str, measure: ColumnWidths) -> str | None:
    root = parse(source)
    tables = [n for n in root.children if isinstance(n, Node)]
    if len(tables) != 1 or tables[0].tag != "table" or _has(tables[0], "table"):
        return None
    if ("chart-data" in tables[0].classes()) != (place == "chart"):
        return None
    try:
        width, columns = column_widths(tables[0], measure)
    except Unmodelled:
        return None
    opening = source[: source.index(">") + 1]
    if re.search(r"\sstyle\s*=", opening) or re.search(r"<col", source):
        return None
    # A chart's data table: beside the chart WeasyPrint measures it anyway (an inline table is as wide as
    # its content); under it, it becomes a block of its measured width, laid out once instead of twice
    # (once to find it does not fit beside the chart). Too close to call: left to WeasyPrint.
    if "chart-data" in tables[0].classes() and width < BESIDE_CHART + 0.5:
        return None
    cols = "".join(f'<col style="--cw:{_px(w)}">' for w in columns)
    rest = source[source.index(">") + 1 :]
    caption = re.match(r"\s*<caption\b.*?</caption>", rest, re.S)
    split = caption.end() if caption else 0
    marked = opening[:-1] + f' style="--tw:{_px(width)}">'
    return marked + rest[:split] + f"<colgroup>{cols}</colgroup>" + rest[split:]


def _has(node: Node, tag: str) -> bool:
    return any(isinstance(c, Node) and (c.tag == tag or _has(c, tag)) for c in node.children)


def _px(value: float) -> str:
    return f"{value:.4f}px"
