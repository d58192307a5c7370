"""Readers for the files municipal staff actually have: CSV and XLSX as exported, cell by cell.

CSV: encoding (UTF-8, UTF-8 with BOM, Windows-1252/Latin-1), delimiter and header row are
detected unless set; title rows above the header are skipped. XLSX: a sheet and an optional
cell range. Every cell keeps its location (`file:line:col` or `file:Sheet!C14`). Values such
as `94,2 %`, `1 234` or `1.234,5` are parsed per the source's decimal mark; SSB's markers
`..`, `:` and `-` mean "missing" and are never read as zero.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from vlrgen.problems import Location, Problems

__all__ = [
    "MISSING_MARKERS",
    "Cell",
    "ReadOptions",
    "Row",
    "Table",
    "detect_decimal",
    "field_offsets",
    "parse_number",
    "read_table",
]

MISSING_MARKERS = {"", ".", "..", "...", ":", "-", "–", "—", "x", "NA", "N/A", "NaN"}
DELIMITERS = (",", ";", "\t", "|")
SPACES = "\u00a0\u202f\u2009 "


@dataclass(frozen=True)
class Cell:
    text: str
    location: Location
    number: float | None = None  # set when a spreadsheet stored a real number


class Row:
    """One data row. Texts are read without building locations; `row[column]` gives a located Cell."""

    __slots__ = ("_cells", "_delimiter", "_index", "_line", "_offsets", "_path", "_raw", "_texts")

    def __init__(
        self,
        path: Path,
        line: int,
        texts: list[str],
        index: dict[str, int],
        raw: str = "",
        delimiter: str = ",",
        cells: list[Cell] | None = None,
    ):
        self._path, self._line, self._texts, self._index = path, line, texts, index
        self._raw, self._delimiter, self._offsets, self._cells = raw, delimiter, None, cells

    def text(self, column: str) -> str:
        return self._texts[self._index[column]]

    def texts(self) -> dict[str, str]:
        return {column: self._texts[i] for column, i in self._index.items()}

    def __getitem__(self, column: str) -> Cell:
        position = self._index[column]
        if self._cells is not None:
            return self._cells[position]
        if self._offsets is None:
            self._offsets = field_offsets(self._raw, self._delimiter) if self._raw else []
        column_number = self._offsets[position] if position < len(self._offsets) else 1
        return Cell(self._texts[position], Location(self._path, self._line, column_number))


@dataclass(frozen=True)
class Table:
    path: Path
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    header: Location
    delimiter: str = ","
    encoding: str = "utf-8"


@dataclass(frozen=True)
class ReadOptions:
    encoding: str = "auto"  # auto, utf-8, utf-8-sig, cp1252, latin-1
    delimiter: str = "auto"
    header_row: int | None = None  # 1-based; None: the first row holding every required column
    sheet: str | None = None
    cell_range: str | None = None  # e.g. "A3:F200"
    required: tuple[str, ...] = ()


def read_table(path: Path, options: ReadOptions, problems: Problems) -> Table | None:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path, options, problems)
    return _read_csv(path, options, problems)


def _decode(path: Path, encoding: str, problems: Problems) -> tuple[str, str] | None:
    data = path.read_bytes()
    if not isinstance(encoding, str):
        problems.add(Location(path), "source.encoding", f'encoding must be a text such as "cp1252", got {encoding!r}')
        return None
    if encoding == "auto" and data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encoding = "utf-16"  # Excel's "Unicode text" export
    tried = ["utf-8-sig", "cp1252"] if encoding == "auto" else [encoding]
    for name in tried:
        try:
            return data.decode(name), name
        except UnicodeDecodeError as exc:
            error = exc
        except LookupError:
            problems.add(
                Location(path),
                "source.encoding",
                f'unknown encoding "{encoding}"',
                hint='use "utf-8", "utf-8-sig", "cp1252" or "latin-1"',
            )
            return None
    line = data[: error.start].count(b"\n") + 1
    problems.add(
        Location(path, line, 1),
        "source.encoding",
        f"the file is not {encoding} text",
        hint='leave encoding out to detect it, or set encoding = "cp1252" for Excel files from Windows',
    )
    return None


def _sniff_delimiter(lines: list[str], required: tuple[str, ...]) -> str:
    """The delimiter under which a row holds every required column; else the most frequent one."""
    sample = [line for line in lines[:50] if line.strip()]
    for delimiter in DELIMITERS:
        for line in sample:
            cells = {c.strip().strip('"') for c in line.split(delimiter)}
            if required and all(column in cells for column in required):
                return delimiter
    counts = {d: sum(line.count(d) for line in sample) for d in DELIMITERS}
    return max(DELIMITERS, key=lambda d: (counts[d], -DELIMITERS.index(d)))


def _read_csv(path: Path, options: ReadOptions, problems: Problems) -> Table | None:
    decoded = _decode(path, options.encoding, problems)
    if decoded is None:
        return None
    text, encoding = decoded
    lines = text.splitlines()
    delimiter = {"tab": "\t", "\\t": "\t"}.get(options.delimiter, options.delimiter)
    if delimiter == "auto":
        delimiter = _sniff_delimiter(lines, options.required)
    if not isinstance(delimiter, str) or len(delimiter) != 1:
        problems.add(Location(path), "source.delimiter", f'delimiter must be one character or "tab", got {delimiter!r}')
        return None
    records = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous_end = 0
    try:
        for record in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            raw = lines[start - 1] if start == previous_end and start <= len(lines) else ""
            records.append((start, record, raw))
    except csv.Error as exc:
        problems.add(
            Location(path, reader.line_num, 1),
            "source.csv",
            f"the file cannot be read as CSV: {exc}",
            hint="check for an unclosed double quote",
        )
        return None
    header_index = _find_header(path, [r for _, r, _ in records], options, problems)
    if header_index is None:
        return None
    header_line, header, _ = records[header_index]
    columns = tuple(h.strip() for h in header)
    index = {name: i for i, name in reversed(list(enumerate(columns)))}  # the first of equal names wins
    rows = []
    width = len(columns)
    for line, record, raw in records[header_index + 1 :]:
        if not "".join(record).strip():  # faster than any(...) over cells; files have 100 000 rows
            continue
        if len(record) > width and "".join(record[width:]).strip():
            problems.add(
                Location(path, line, 1),
                "source.column_count",
                f"row has {len(record)} cells but the header has {len(columns)}",
                hint=f"a value containing {delimiter!r} must be in double quotes",
            )
            continue
        texts = [value.strip() for value in record[:width]] + [""] * (width - len(record))
        rows.append(Row(path, line, texts, index, raw, delimiter))
    return Table(path, columns, tuple(rows), Location(path, header_line, 1), delimiter, encoding)


def field_offsets(line: str, delimiter: str) -> list[int]:
    """1-based start column of each field in one physical line."""
    offsets, in_quotes = [1], False
    for position, char in enumerate(line, start=1):
        if char == '"':
            in_quotes = not in_quotes
        elif char == delimiter and not in_quotes:
            offsets.append(position + 1)
    return offsets


def _find_header(path: Path, records: list[list[str]], options: ReadOptions, problems: Problems) -> int | None:
    if not records:
        problems.add(Location(path, 1, 1), "source.empty", "the file is empty")
        return None
    if options.header_row is not None:
        index = options.header_row - 1
        if not 0 <= index < len(records):
            problems.add(
                Location(path, 1, 1), "source.header", f"header_row = {options.header_row} is past the end of the file"
            )
            return None
        return index if _check_columns(path, index + 1, records[index], options.required, problems) else None
    for index, record in enumerate(records[:50]):
        names = {cell.strip() for cell in record}
        if all(column in names for column in options.required):
            return index
    best = max(range(min(50, len(records))), key=lambda i: sum(c.strip() in options.required for c in records[i]))
    _check_columns(path, best + 1, records[best], options.required, problems)
    return None


def _check_columns(path: Path, line: int, record: list[str], required: tuple[str, ...], problems: Problems) -> bool:
    names = [cell.strip() for cell in record]
    missing = [c for c in required if c not in names]
    for column in missing:
        guess = difflib.get_close_matches(column, names, n=1)
        hint = f'did you mean "{guess[0]}"?' if guess else "columns found: " + ", ".join(n for n in names if n)[:200]
        problems.add(
            Location(path, line, 1), "source.missing_column", f'column "{column}" is not in the header', hint=hint
        )
    return not missing


def _read_xlsx(path: Path, options: ReadOptions, problems: Problems) -> Table | None:
    import openpyxl
    from openpyxl.utils import range_boundaries

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        problems.add(
            Location(path),
            "source.xlsx",
            f"the spreadsheet cannot be read: {exc}",
            hint="vlrgen reads .xlsx; save an old .xls file as .xlsx first",
        )
        return None
    name = options.sheet or book.sheetnames[0]
    if not isinstance(name, str) or name not in book.sheetnames:
        problems.add(
            Location(path), "source.sheet", f'no sheet named "{name}"', hint="sheets: " + ", ".join(book.sheetnames)
        )
        return None
    try:
        bounds = range_boundaries(options.cell_range) if options.cell_range else (1, 1, None, None)
    except (ValueError, TypeError):
        problems.add(Location(path), "source.range", f'range must look like "A3:F200", got {options.cell_range!r}')
        return None
    min_col, min_row, max_col, max_row = bounds
    window = dict(min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col)
    records = [
        [_xlsx_cell(path, name, cell, raw, problems) for cell, raw in zip(row, raw_row)]
        for row, raw_row in zip(book[name].iter_rows(**window), formulas[name].iter_rows(**window))
    ]
    book.close()
    formulas.close()
    texts = [[c.text for c in r] for r in records]
    if options.header_row is not None:  # counted on the sheet, like Excel's row numbers
        options = ReadOptions(header_row=options.header_row - min_row + 1, required=options.required)
    header_index = _find_header(path, texts, options, problems)
    if header_index is None:
        return None
    columns = tuple(c.text for c in records[header_index])
    index = {name: i for i, name in reversed(list(enumerate(columns)))}
    rows = tuple(
        Row(path, r[0].location.line, [c.text for c in r], index, cells=list(r))
        for r in records[header_index + 1 :]
        if any(c.text for c in r)
    )
    return Table(path, columns, rows, records[header_index][0].location if records[header_index] else Location(path))


def _xlsx_cell(path: Path, sheet: str, cell, raw, problems: Problems) -> Cell:
    from openpyxl.utils import get_column_letter

    column, row = getattr(cell, "column", None), getattr(cell, "row", None)
    reference = f"{sheet}!{get_column_letter(column)}{row}" if column and row else sheet
    at = Location(path, row or 0, column or 0, cell=reference)
    value = getattr(cell, "value", None)
    if value is None and isinstance(getattr(raw, "value", None), str) and raw.value.startswith("="):
        problems.add(
            at,
            "source.formula_without_result",
            f"the formula {raw.value} has no stored result",
            hint="open the file in Excel or LibreOffice and save it, so the results are stored",
        )
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
        if "%" in (getattr(cell, "number_format", "") or ""):
            number = round(number * 100, 10)  # shown as "94,2 %" in Excel; read it as 94.2 like a CSV export would
        return Cell(_plain(number) + ("%" if "%" in (cell.number_format or "") else ""), at, number)
    return Cell("" if value is None else str(value).strip(), at)


def _plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def detect_decimal(texts: list[str], delimiter: str) -> str:
    """ "," or "." for a column of number texts: what the cells say, else the delimiter's custom."""
    comma = sum(bool(re.fullmatch(r"-?[\d .\u00a0]*\d,\d+\s*%?", t)) for t in texts)
    dot = sum(bool(re.fullmatch(r"-?[\d ,\u00a0]*\d\.\d+\s*%?", t)) for t in texts)
    if comma != dot:
        return "," if comma > dot else "."
    return "," if delimiter == ";" else "."


def parse_number(cell: Cell, decimal: str, thousands: str = "") -> tuple[float | None, bool]:
    """(value, ok). Missing markers give (None, True); text that is not a number gives (None, False)."""
    if cell.number is not None:
        return cell.number, True
    text = cell.text.strip()
    if text in MISSING_MARKERS:
        return None, True
    text = text.removesuffix("%").strip()
    for space in SPACES:
        text = text.replace(space, "")
    if thousands and thousands not in SPACES:
        text = text.replace(thousands, "")
    if decimal == ",":
        if re.fullmatch(r"-?[1-9]\d{0,2}(\.\d{3})+(,\d+)?", text):
            text = text.replace(".", "")
        text = text.replace(",", ".")
    elif re.fullmatch(r"-?[1-9]\d{0,2}(,\d{3})+(\.\d+)?", text):
        text = text.replace(",", "")
    text = text.replace("\u2212", "-")
    if not re.fullmatch(r"-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", text):
        return None, False
    return float(text), True
