"""What every table reader produces: a `Table` of `Row`s whose cells keep their locations.

Also what every reader shares: the options a caller may set (`ReadOptions`), the reader base class
(`TableReader`, one subclass per format, found through `registry`), and header detection: the
header is the first row holding every column the caller needs, unless `header_row` says which.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from vlrgen.problems import Location, Problems

__all__ = ["Cell", "ReadOptions", "Row", "Table", "TableReader", "field_offsets", "find_header", "header_names"]

HEADER_SEARCH = 50  # rows searched for the header (title rows above it are skipped)


@dataclass(frozen=True)
class Cell:
    text: str
    location: Location
    number: float | None = None  # set when the file stored a real number (spreadsheets, JSON-stat)


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
        self._raw, self._delimiter, self._cells = raw, delimiter, cells
        self._offsets: list[int] | None = None

    @property
    def line(self) -> int:
        """The line (CSV) or sheet row (XLSX) the row starts on."""
        return self._line

    def __contains__(self, column: str) -> bool:
        return column in self._index

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
    delimiter: str = ","  # for a file without one (XLSX, JSON-stat): "," so decimals default to "."
    encoding: str = "utf-8"
    header_cells: tuple[Cell, ...] = ()  # one per column, where each name is written
    left_out: tuple[Row, ...] = ()  # rows reported as malformed and not in `rows`


@dataclass(frozen=True)
class ReadOptions:
    encoding: str = "auto"  # auto, utf-8, utf-8-sig, cp1252, latin-1
    delimiter: str = "auto"
    header_row: int | None = None  # 1-based; None: the first row holding every required column
    header_rows: int = 1  # rows the header spans, ending at header_row (a period row above the names row)
    sheet: str | None = None
    cell_range: str | None = None  # e.g. "A3:F200"
    required: tuple[str, ...] = ()
    code: str = "source"  # problem code prefix: source.encoding, data.encoding…
    exact_width: bool = False  # a row with fewer cells than the header is a problem too
    encoding_hint: str = 'leave encoding out to detect it, or set encoding = "cp1252" for Excel files from Windows'


class TableReader:
    """One input format. Subclasses set `format` (what a `[[source]]` may name) and the file name
    endings that select it when no format is named, and read a file into a Table."""

    format: ClassVar[str] = ""
    extensions: ClassVar[tuple[str, ...]] = ()
    series_defaults: ClassVar[dict[str, str]] = {}  # columns a [[source.series]] may leave out

    def read(self, path: Path, options: ReadOptions, problems: Problems) -> Table | None:
        raise NotImplementedError

    def select(self, rows: list[Row], used: set[str]) -> list[Row]:
        """The rows a series reads, given the columns it names (all of them, unless the layout says otherwise)."""
        return rows


def field_offsets(line: str, delimiter: str) -> list[int]:
    """1-based start column of each field in one physical line."""
    offsets, in_quotes = [1], False
    for position, char in enumerate(line, start=1):
        if char == '"':
            in_quotes = not in_quotes
        elif char == delimiter and not in_quotes:
            offsets.append(position + 1)
    return offsets


def find_header(path: Path, records: list[list[str]], options: ReadOptions, problems: Problems) -> int | None:
    """The index of the header among `records`, or None after reporting why there is none."""
    code = options.code
    if not records:
        problems.add(Location(path, 1, 1), f"{code}.empty", "the file is empty")
        return None
    if options.header_row is not None:
        index = options.header_row - 1
        if not 0 <= index < len(records):
            message = f"header_row = {options.header_row} is past the end of the file"
            problems.add(Location(path, 1, 1), f"{code}.header", message)
            return None
        names = header_names(records, index, options.header_rows)
        return index if _check_columns(path, index + 1, names, options, problems) else None
    for index in range(min(HEADER_SEARCH, len(records))):
        found = set(header_names(records, index, options.header_rows))
        if all(column in found for column in options.required):
            return index
    searched = range(min(HEADER_SEARCH, len(records)))
    best = max(searched, key=lambda i: sum(c.strip() in options.required for c in records[i]))
    _check_columns(path, best + 1, records[best], options, problems)
    return None


def header_names(records: list[list[str]], index: int, rows: int = 1) -> list[str]:
    """The column names of a header spanning `rows` rows that end at `index`: each column is named by its
    lowest non-empty cell (a period row above a names row gives `2014-2018` beside `Geografi`)."""
    block = records[max(0, index - rows + 1) : index + 1]
    width = max((len(r) for r in block), default=0)
    names = []
    for column in range(width):
        texts = [r[column].strip() for r in block if column < len(r) and r[column].strip()]
        names.append(texts[-1] if texts else "")
    return names


def _check_columns(path: Path, line: int, record: list[str], options: ReadOptions, problems: Problems) -> bool:
    names = [cell.strip() for cell in record]
    missing = [c for c in options.required if c not in names]
    for column in missing:
        guess = difflib.get_close_matches(column, names, n=1)
        hint = f'did you mean "{guess[0]}"?' if guess else "columns found: " + ", ".join(n for n in names if n)[:200]
        message = f'column "{column}" is not in the header'
        problems.add(Location(path, line, 1), f"{options.code}.missing_column", message, hint=hint)
    return not missing
