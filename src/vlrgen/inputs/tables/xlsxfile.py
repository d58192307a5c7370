"""XLSX as saved by Excel or LibreOffice: one sheet (default the first) and an optional cell range.

Cells are read with their stored values; a number keeps its value (a percentage-formatted cell
reads as shown, 0.942 → 94.2), and a formula without a stored result is a problem. A cell's
location is `file:Sheet!C14`.

The sheet is streamed (openpyxl's read-only mode) in one pass. The sheet's own `<dimension>` is
not trusted: a file whose dimension says A1:B3 but holds a hundred rows is read to its last row.
Before openpyxl reads anything, the parts of the file are checked against the limits (`TableLimits`):
each part that is read whole (shared strings, styles) may unpack to `file_megabytes`, a sheet (which
is streamed) to ten times that; and the sheet's rows and cells are counted in its unpacked XML, so a
sheet with too many rows is refused in seconds, not read for minutes.
A cell openpyxl cannot read (a number cell holding `nan`, `1e-400` or text) becomes that cell's
text, which the one number parser then refuses with the cell's place, instead of ending the read.
"""

from __future__ import annotations

import contextlib
import math
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

from vlrgen.inputs.tables.model import ReadOptions, Row, Table, TableReader, column_letter, find_header, header_names
from vlrgen.inputs.tables.numbers import plain_number
from vlrgen.problems import Location, Problems

__all__ = ["XlsxReader"]

_COORDINATE = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")
SHEET_FACTOR = 10  # a sheet is streamed, so it may unpack to ten times file_megabytes


class _Unreadable(str):
    """The stored text of a cell openpyxl could not read as its type says."""


class _NoResult(str):
    """A formula cell without a stored result: the formula's text."""


class XlsxReader(TableReader):
    format = "xlsx"
    extensions: ClassVar[tuple[str, ...]] = (".xlsx", ".xlsm")

    def read(self, path: Path, options: ReadOptions, problems: Problems) -> Table | None:
        if not _parts_within_limits(path, options, problems):
            return None
        sheet = _open_sheet(path, options, problems)
        if sheet is None:
            return None
        name, worksheet, window = sheet
        read = _records(path, name, worksheet, window, options, problems)
        if read is None:
            return None
        records, first_row = read
        if options.header_row is not None:  # counted on the sheet, like Excel's row numbers
            options = replace(options, header_row=options.header_row - first_row + 1)
        header_index = find_header(path, [texts for _, texts, _ in records], options, problems)
        if header_index is None:
            return None
        header_line, _, _ = records[header_index]
        first_column = window[0]
        columns = tuple(header_names([texts for _, texts, _ in records], header_index, options.header_rows))
        index = {column: i for i, column in reversed(list(enumerate(columns)))}
        width = len(columns)
        rows = tuple(
            Row(
                path,
                line,
                _fit(texts, width, ""),
                index,
                sheet=name,
                numbers=_fit(numbers, width, None),
                first_column=first_column,
            )
            for line, texts, numbers in records[header_index + 1 :]
            if any(texts)
        )
        header_row = Row(path, header_line, list(columns), index, sheet=name, first_column=first_column)
        header_cells = tuple(header_row.cell_at(i) for i in range(width))
        header_at = header_cells[0].location if header_cells else Location(path)
        return Table(path, columns, rows, header_at, header_cells=header_cells)


def _fit(values: list, width: int, filler: Any) -> list:
    return values[:width] + [filler] * (width - len(values)) if len(values) != width else values


def _open_sheet(path: Path, options: ReadOptions, problems: Problems) -> tuple[str, Any, tuple] | None:
    """(sheet name, read-only worksheet, (min_col, min_row, max_col, max_row)) or None after a problem."""
    import openpyxl
    from openpyxl.utils import range_boundaries

    code = options.code
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        hint = "vlrgen reads .xlsx; save an old .xls file as .xlsx first"
        problems.add(Location(path), f"{code}.xlsx", f"the spreadsheet cannot be read: {_short(exc)}", hint=hint)
        return None
    name = options.sheet or (book.sheetnames[0] if book.sheetnames else "")
    if not isinstance(name, str) or name not in book.sheetnames:
        hint = "sheets: " + ", ".join(book.sheetnames)
        problems.add(Location(path), f"{code}.sheet", f'no sheet named "{name}"', hint=hint)
        book.close()
        return None
    try:
        bounds = range_boundaries(options.cell_range) if options.cell_range else (1, 1, None, None)
    except (ValueError, TypeError):
        message = f'range must look like "A3:F200", got {options.cell_range!r}'
        problems.add(Location(path), f"{code}.range", message)
        book.close()
        return None
    worksheet = book[name]
    worksheet.reset_dimensions()  # read to the last row written, whatever <dimension> claims
    part = getattr(worksheet, "_worksheet_path", None)
    if part and not _rows_within_limits(path, part, name, options, problems):
        book.close()
        return None
    return name, worksheet, (bounds[0] or 1, bounds[1] or 1, bounds[2], bounds[3])


def _parts_within_limits(path: Path, options: ReadOptions, problems: Problems) -> bool:
    """Each part of the file unpacks to at most what the limits allow (a zip file says, and keeps to, each
    part's unpacked size); a file that is not a zip file is left to openpyxl to report."""
    limits = options.limits
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return True
    for part in parts:
        sheet = part.filename.startswith("xl/worksheets/")
        allowed = limits.file_megabytes * 1_000_000 * (SHEET_FACTOR if sheet else 1)
        if part.file_size > allowed:
            message = (
                f"{'the sheet ' if sheet else 'the part '}{part.filename} unpacks to "
                f"{part.file_size / 1_000_000:,.0f} MB, more than the {allowed / 1_000_000:,.0f} MB read"
            ).replace(",", " ")
            problems.add(Location(path), f"{options.code}.too_large", message, hint=limits.hint("file_megabytes"))
            return False
    return True


def _rows_within_limits(path: Path, part: str, sheet: str, options: ReadOptions, problems: Problems) -> bool:
    """Count the sheet's rows and cells in its unpacked XML, stopping at the first past a limit."""
    limits = options.limits
    rows = cells = 0
    tail = b""
    with zipfile.ZipFile(path) as archive, archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            data = tail + chunk
            found_rows = _new_matches(data, tail, b"<row ", b"<row>")
            cells += _new_matches(data, tail, b"<c ", b"<c>")
            if rows + found_rows > limits.rows or cells > limits.cells:
                too_many_rows = rows + found_rows > limits.rows
                line = _row_number(data, limits.rows - rows) if too_many_rows else 0
                _too_many(path, sheet, line or limits.rows + 1, too_many_rows, options, problems)
                return False
            rows += found_rows
            tail = data[-4:]  # a pattern across two chunks is found in the next one
    return True


def _new_matches(data: bytes, tail: bytes, *patterns: bytes) -> int:
    """Matches in `data` that are not wholly in `tail` (the end of the chunk before, counted then)."""
    return sum(data.count(p) - tail.count(p) for p in patterns)


def _row_number(data: bytes, before: int) -> int:
    """The row number written on the row element after `before` others in `data` (0 when unclear)."""
    for seen, match in enumerate(re.finditer(rb"<row[ >]", data)):
        if seen == before:
            number = re.match(rb'[^>]*?\br="(\d{1,9})"', data[match.end() - 1 : match.end() + 200])
            return int(number[1]) if number else 0
    return 0


def _too_many(path: Path, sheet: str, line: int, rows: bool, options: ReadOptions, problems: Problems) -> None:
    limits = options.limits
    what, setting = (f"{limits.rows:,} rows", "rows") if rows else (f"{limits.cells:,} cells", "cells")
    message = f"the sheet {sheet} has more than {what}; it is not read".replace(",", " ")
    at = Location(path, line, 1, cell=f"{sheet}!A{line}")
    problems.add(at, f"{options.code}.too_many_{setting}", message, hint=limits.hint(setting))


def _records(
    path: Path, name: str, worksheet: Any, window: tuple, options: ReadOptions, problems: Problems
) -> tuple[list[tuple[int, list[str], list[float | None]]], int] | None:
    """Per sheet row of the window: (row number, texts, stored numbers); and the row the window starts on."""
    min_col, min_row, max_col, max_row = window
    limits = options.limits
    records: list[tuple[int, list[str], list[float | None]]] = []
    line = min_row - 1
    read = 0
    try:
        with _strict_cells(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for cells in worksheet.iter_rows(min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col):
                line = next((c.row for c in cells if getattr(c, "row", None)), line + 1)
                read += len(cells)
                if len(records) >= limits.rows or read > limits.cells:  # rows the count above could not see
                    _too_many(path, name, line, len(records) >= limits.rows, options, problems)
                    return None
                texts, numbers = [], []
                for position, cell in enumerate(cells):
                    text, number = _value(path, name, line, min_col + position, cell, problems, options)
                    texts.append(text)
                    numbers.append(number)
                records.append((line, texts, numbers))
    except Exception as exc:  # a damaged sheet: report where reading stopped
        at = Location(path, line + 1, 0, cell=f"{name}!A{line + 1}")
        message = f"the sheet cannot be read from row {line + 1} on: {_short(exc)}"
        problems.add(
            at, f"{options.code}.xlsx", message, hint="open the file in Excel or LibreOffice and save it again"
        )
        return None
    finally:
        worksheet.parent.close()
    return records, min_row


def _value(
    path: Path, sheet: str, row: int, column: int, cell: Any, problems: Problems, options: ReadOptions
) -> tuple[str, float | None]:
    """A cell's text and, for a number cell, its stored number (a percentage as shown: 0.942 → 94.2)."""
    value = getattr(cell, "value", None)
    code = options.code
    limit = options.limits.cell_characters
    if isinstance(value, str) and len(value) > limit:
        at = Location(path, row, column, cell=f"{sheet}!{column_letter(column)}{row}")
        message = f"the cell holds {len(value):,} characters; at most {limit:,} are read".replace(",", " ")
        problems.add(at, f"{code}.cell_too_long", message, hint=options.limits.hint("cell_characters", len(value)))
        return "", None
    if isinstance(value, _NoResult):
        at = Location(path, row, column, cell=f"{sheet}!{column_letter(column)}{row}")
        problems.add(
            at,
            f"{code}.formula_without_result",
            f"the formula {str(value)[:200]} has no stored result",
            hint="open the file in Excel or LibreOffice and save it, so the results are stored",
        )
        return "", None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:  # a whole number too large for a float: refused by the number parser
            number = math.inf
        if "%" in (getattr(cell, "number_format", "") or ""):
            number = round(number * 100, 10) if math.isfinite(number) else number  # 94.2 as Excel shows it
            return plain_number(number) + "%" if math.isfinite(number) else str(number), number
        return plain_number(number) if math.isfinite(number) else str(number), number
    return ("" if value is None else str(value).strip()), None


@contextlib.contextmanager
def _strict_cells() -> Iterator[None]:
    """While reading: a number cell whose text is not a finite number of a double's range (`nan`, `inf`,
    `abc`, `1e-400`, which float() would silently make 0) or any cell openpyxl fails on becomes an
    `_Unreadable` text; a formula without a stored result becomes `_NoResult`. One pass then tells
    both, where openpyxl's own reader would need a second pass over the sheet (data_only=False)."""
    from openpyxl.worksheet import _reader

    parser = _reader.WorkSheetParser
    parse_cell, cast_number = parser.parse_cell, _reader._cast_number

    def strict_number(text: str) -> float | int:
        number = cast_number(text)
        mantissa = re.split("[eE]", text)[0]
        if isinstance(number, float) and (not math.isfinite(number) or (number == 0 and re.search("[1-9]", mantissa))):
            raise ValueError(text)
        return number

    def safe_parse_cell(self: Any, element: Any) -> dict:
        try:
            cell = parse_cell(self, element)
        except Exception:
            cell = _unreadable_cell(self, element)
        if cell["value"] is None and element.find(_reader.FORMULA_TAG) is not None:
            cell["value"] = _NoResult("=" + (element.findtext(_reader.FORMULA_TAG) or ""))
        return cell

    parser.parse_cell, _reader._cast_number = safe_parse_cell, strict_number
    try:
        yield
    finally:
        parser.parse_cell, _reader._cast_number = parse_cell, cast_number


def _unreadable_cell(parser: Any, element: Any) -> dict:
    from openpyxl.utils import column_index_from_string
    from openpyxl.worksheet import _reader

    found = _COORDINATE.fullmatch(element.get("r") or "")
    try:
        row, column = int(found[2]), column_index_from_string(found[1].upper())  # type: ignore[index]
    except (TypeError, ValueError):  # no reference, or one past the sheet's last column
        row, column = parser.row_counter, parser.col_counter + 1
    parser.col_counter = column
    text = element.findtext(_reader.VALUE_TAG) or "".join(element.itertext())
    return {"row": row, "column": column, "value": _Unreadable(text[:200]), "data_type": "s", "style_id": 0}


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
