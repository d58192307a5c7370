"""What every table reader produces: a `Table` of `Row`s whose cells keep their locations.

Also what every reader shares: the options a caller may set (`ReadOptions`), the reader base class
(`TableReader`, one subclass per format, found through `registry`), and header detection: the
header is the first row holding every column the caller needs, unless `header_row` says which.
"""

from __future__ import annotations

import copy
import difflib
import functools
import operator
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import ClassVar

from vlrgen.problems import Location, Problems

__all__ = [
    "Cell",
    "CellAt",
    "ReadOptions",
    "Row",
    "Table",
    "TableLimits",
    "TableReader",
    "column_letter",
    "column_texts",
    "field_offsets",
    "find_header",
    "header_names",
]

HEADER_SEARCH = 50  # rows searched for the header (title rows above it are skipped)


@dataclass(frozen=True)
class Cell:
    text: str
    location: Location
    number: float | None = None  # set when the file stored a real number (spreadsheets, JSON-stat)


class Row:
    """One data row. Texts are read without building locations; `row[column]` gives a located Cell.

    A CSV row finds a cell's column from its raw line; a spreadsheet row (`sheet` set) holds the numbers
    the sheet stored, and names a cell `Sheet!C14` from the row's first column; other readers give cells.
    """

    __slots__ = (
        "_cells",
        "_delimiter",
        "_filled",
        "_first_column",
        "_index",
        "_line",
        "_numbers",
        "_offsets",
        "_path",
        "_raw",
        "_sheet",
        "_texts",
    )

    def __init__(
        self,
        path: Path,
        line: int,
        texts: list[str],
        index: dict[str, int],
        raw: str = "",
        delimiter: str = ",",
        cells: list[Cell] | None = None,
        sheet: str | None = None,
        numbers: list[float | None] | None = None,
        first_column: int = 1,
    ):
        self._path, self._line, self._texts, self._index = path, line, texts, index
        self._raw, self._delimiter, self._cells = raw, delimiter, cells
        self._sheet, self._numbers, self._first_column = sheet, numbers, first_column
        self._offsets: list[int] | None = None
        self._filled: dict[int, tuple[Row, int]] | None = None

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

    def with_index(self, index: dict[str, int]) -> Row:
        """The same row, its columns found through `index` (a table with columns picked by place)."""
        row = copy.copy(self)
        row._index = index
        return row

    def __getitem__(self, column: str) -> Cell:
        return self.cell_at(self._index[column])

    def at(self, column: str) -> CellAt:
        """The cell of `column`, its location found only when asked for (see CellAt)."""
        return CellAt(self, self._index[column])

    def number_at(self, position: int) -> float | None:
        """The number a spreadsheet stored at a 0-based position, or None."""
        if self._filled is not None and position in self._filled:
            row, at = self._filled[position]
            return row.number_at(at) if row._texts[at] == self._texts[position] else None
        if self._cells is not None:
            return self._cells[position].number
        numbers = self._numbers
        return numbers[position] if numbers and position < len(numbers) else None

    def texts_in_order(self, width: int) -> list[str]:
        """The texts of the row's first `width` cells, in order (empty past its end)."""
        return self._texts[:width] + [""] * (width - len(self._texts))

    def filled(self, texts: list[str], sources: dict[int, tuple[Row, int]], index: dict[str, int]) -> Row:
        """The same row with other texts, the cell at each position in `sources` taken from (row, position)
        there: a cell filled down from a row above keeps the place it was written."""
        row = copy.copy(self)
        row._texts, row._filled, row._index = texts, sources, index
        return row

    def cell_at(self, position: int) -> Cell:
        """The cell at a 0-based position of the row (a spreadsheet row: with its stored number)."""
        if self._filled is not None and position in self._filled:
            row, at = self._filled[position]
            cell = row.cell_at(at)
            return cell if cell.text == self._texts[position] else Cell(self._texts[position], cell.location)
        if self._cells is not None:
            return self._cells[position]
        text = self._texts[position] if position < len(self._texts) else ""
        if self._sheet is not None:
            column = self._first_column + position
            number = self._numbers[position] if self._numbers and position < len(self._numbers) else None
            reference = f"{self._sheet}!{column_letter(column)}{self._line}"
            return Cell(text, Location(self._path, self._line, column, cell=reference), number)
        if self._offsets is None:
            self._offsets = field_offsets(self._raw, self._delimiter) if self._raw else []
        column_number = self._offsets[position] if position < len(self._offsets) else 1
        return Cell(text, Location(self._path, self._line, column_number))


class CellAt:
    """A row's cell read without its location, which is found only when a caller asks for it: reading the
    national library touches half a million cells, and only the values kept and the problems need a place."""

    __slots__ = ("_position", "_row", "number", "text")

    def __init__(self, row: Row, position: int):
        self._row, self._position = row, position
        self.text = row._texts[position] if position < len(row._texts) else ""
        plain = row._numbers is None and row._cells is None and not row._filled  # a CSV row stores no numbers
        self.number = None if plain else row.number_at(position)

    @property
    def location(self) -> Location:
        return self._row.cell_at(self._position).location


_INDEX = operator.attrgetter("_index")


def column_texts(rows: Sequence[Row], column: str) -> list[str]:
    """Each row's text in `column`, in order (what `row.text(column)` gives, read faster when the rows share
    their columns, as a table's rows do; filtering a national file's rows reads millions of cells)."""
    if not rows:
        return []
    if len(set(map(id, map(_INDEX, rows)))) > 1:
        return [row.text(column) for row in rows]
    position = rows[0]._index[column]
    return [row._texts[position] for row in rows]


@functools.lru_cache(maxsize=1024)
def column_letter(column: int) -> str:
    """1 → A, 27 → AA: a spreadsheet's name for a column."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


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

    def with_names(self, names: dict[str, int]) -> Table:
        """The table with more names for columns (`"Andel [D]"` → 3), for a series that picks by place."""
        index = {column: i for i, column in reversed(list(enumerate(self.columns)))} | names
        return replace(self, rows=tuple(row.with_index(index) for row in self.rows))


@dataclass(frozen=True)
class TableLimits:
    """How much one table may ask of a reader; past a limit the table is refused with the place where it
    was passed. A project raises them in vlrgen.toml, `[limits]` (see `inputs/config.py`)."""

    rows: int = 500_000  # six times the example's largest file (80 000 rows); Excel's own limit is 1 048 576
    cells: int = 5_000_000  # rows × columns, as read; bounds a few very wide rows too
    cell_characters: int = 32_767  # Excel's own limit for the text of one cell
    file_megabytes: int = 100  # the file, and each part of a spreadsheet once unpacked

    def hint(self, setting: str, wanted: int | None = None) -> str:
        current = getattr(self, setting)
        return f"if the file is right, raise the limit in vlrgen.toml: [limits] {setting} = {wanted or current * 2}"


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
    limits: TableLimits = TableLimits()


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
    if '"' not in line:  # most lines: each field ends at the next delimiter
        offsets = [1]
        for text in line.split(delimiter)[:-1]:
            offsets.append(offsets[-1] + len(text) + 1)
        return offsets
    offsets, start = [1], 0
    for number, part in enumerate(line.split('"')):  # parts between quotes: every other one is quoted
        if number % 2 == 0:
            at = part.find(delimiter)
            while at >= 0:
                offsets.append(start + at + 2)
                at = part.find(delimiter, at + 1)
        start += len(part) + 1
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
