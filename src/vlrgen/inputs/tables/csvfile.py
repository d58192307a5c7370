"""CSV as exported: encoding, delimiter and header row detected unless set; every cell located.

Encodings tried: UTF-8 (with or without a byte-order mark), then Windows-1252; UTF-16 when the
file starts with its byte-order mark (Excel's "Unicode text"). The delimiter is the one under
which a row holds every required column, else the most frequent one. Title rows above the header
are skipped. A cell's location is `file:line:column` of the physical line it starts on.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import ClassVar

from vlrgen.inputs.tables.model import (
    Cell,
    ReadOptions,
    Row,
    Table,
    TableReader,
    field_offsets,
    find_header,
    header_names,
)
from vlrgen.problems import Location, Problems

__all__ = ["CsvReader"]

DELIMITERS = (",", ";", "\t", "|")
SNIFFED = 1_000_000  # characters looked at to find the delimiter
DELIMITER_NAMES = {",": "a comma", ";": "a semicolon", "\t": "a tab", "|": "a |"}
_Record = tuple[int, list[str], str]  # (first line, cells, the physical line when the record has only one)


class CsvReader(TableReader):
    format = "csv"
    extensions: ClassVar[tuple[str, ...]] = (".csv", ".txt", ".tsv")

    def read(self, path: Path, options: ReadOptions, problems: Problems) -> Table | None:
        decoded = _decode(path, options, problems)
        if decoded is None:
            return None
        text, encoding = decoded
        delimiter = {"tab": "\t", "\\t": "\t"}.get(options.delimiter, options.delimiter)
        if delimiter == "auto":
            delimiter = _sniff_delimiter(text[:SNIFFED].splitlines(), options.required)
        if not isinstance(delimiter, str) or len(delimiter) != 1:
            message = f'delimiter must be one character or "tab", got {delimiter!r}'
            problems.add(Location(path), f"{options.code}.delimiter", message)
            return None
        records = _records(path, text, delimiter, options, problems)
        if records is None:
            return None
        header_index = find_header(path, [r for _, r, _ in records], options, problems)
        if header_index is None:
            return None
        header_line, _, header_raw = records[header_index]
        columns = tuple(header_names([r for _, r, _ in records], header_index, options.header_rows))
        offsets = field_offsets(header_raw, delimiter) if header_raw else []
        header_cells = tuple(
            Cell(name, Location(path, header_line, offsets[i] if i < len(offsets) else 1))
            for i, name in enumerate(columns)
        )
        rows, left_out = _rows(path, records[header_index + 1 :], columns, delimiter, options, problems)
        header_at = Location(path, header_line, 1)
        return Table(path, columns, rows, header_at, delimiter, encoding, header_cells, left_out)


def _decode(path: Path, options: ReadOptions, problems: Problems) -> tuple[str, str] | None:
    data, encoding = path.read_bytes(), options.encoding
    if not isinstance(encoding, str):
        message = f'encoding must be a text such as "cp1252", got {encoding!r}'
        problems.add(Location(path), f"{options.code}.encoding", message)
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
            hint = 'use "utf-8", "utf-8-sig", "cp1252" or "latin-1"'
            problems.add(Location(path), f"{options.code}.encoding", f'unknown encoding "{encoding}"', hint=hint)
            return None
    line = data[: error.start].count(b"\n") + 1
    shown = "UTF-8" if encoding.lower().replace("_", "-") in ("utf-8", "utf8", "utf-8-sig") else encoding
    message = f"the file is not {shown} text"
    problems.add(Location(path, line, 1), f"{options.code}.encoding", message, hint=options.encoding_hint)
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


class _TooWide(Exception):
    """A line holds more cells than are left to read."""


def _records(path: Path, text: str, delimiter: str, options: ReadOptions, problems: Problems) -> list[_Record] | None:
    """Every record with the line it starts on and, when it is one line, that line as written.

    The file is refused at the first record past `limits.rows` or `limits.cells` (a file with more lines
    than rows allowed is first counted without keeping its records, and a line is measured before it is
    split, so neither costs memory), and at a cell longer than `limits.cell_characters` (the csv
    module's own field limit, set for this read only).
    """
    limits = options.limits
    if text.count("\n") >= limits.rows and not _count_within(path, text, delimiter, options, problems):
        return None
    left = [limits.cells]  # cells still allowed
    lines = io.StringIO(text, newline="").readlines()

    def physical_lines():
        for line in lines:
            if line.count(delimiter) >= left[0]:
                raise _TooWide
            yield line

    records: list[_Record] = []
    # A file with fewer delimiters than cells allowed needs no line measured before it is split.
    few = text.count(delimiter) + len(lines) < limits.cells
    reader = csv.reader(lines if few else physical_lines(), delimiter=delimiter)
    previous_end = 0
    field_limit = csv.field_size_limit(limits.cell_characters)
    try:
        for record in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            left[0] -= len(record)
            if left[0] < 0:
                _too_many(path, start, False, options, problems)
                return None
            records.append((start, record, lines[start - 1].rstrip("\r\n") if start == previous_end else ""))
    except _TooWide:
        _too_many(path, reader.line_num + 1, False, options, problems)
        return None
    except csv.Error as exc:
        if "field limit" in str(exc):
            _cell_too_long(path, reader.line_num, lines[reader.line_num - 1], delimiter, options, problems)
        else:
            problems.add(
                Location(path, reader.line_num, 1),
                f"{options.code}.csv",
                f"the file cannot be read as CSV: {exc}",
                hint="check for an unclosed double quote",
            )
        return None
    finally:
        csv.field_size_limit(field_limit)
    return records


def _count_within(path: Path, text: str, delimiter: str, options: ReadOptions, problems: Problems) -> bool:
    """False, after the problem, when the file holds more records than `limits.rows` (none is kept)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    field_limit = csv.field_size_limit(options.limits.cell_characters)
    try:
        for count, _ in enumerate(reader, start=1):
            if count > options.limits.rows:
                _too_many(path, reader.line_num, True, options, problems)
                return False
    except csv.Error:
        pass  # the reading pass reports it, with its line
    finally:
        csv.field_size_limit(field_limit)
    return True


def _too_many(path: Path, line: int, rows: bool, options: ReadOptions, problems: Problems) -> None:
    limits = options.limits
    what, setting = (f"{limits.rows:,} rows", "rows") if rows else (f"{limits.cells:,} cells", "cells")
    message = f"the file has more than {what}; it is not read".replace(",", " ")
    problems.add(Location(path, line, 1), f"{options.code}.too_many_{setting}", message, hint=limits.hint(setting))


def _cell_too_long(path: Path, line: int, text: str, delimiter: str, options: ReadOptions, problems: Problems) -> None:
    """A cell longer than the limit, located at the start of the first long field on its line."""
    limit = options.limits.cell_characters
    column, start = 1, 1
    for field in text.split(delimiter):
        if len(field) > limit:
            column = start
            break
        start += len(field) + 1
    message = f"a cell is longer than {limit:,} characters; the file is not read".replace(",", " ")
    hint = "an unclosed double quote makes the rest of the file one cell; " + options.limits.hint("cell_characters")
    problems.add(Location(path, line, column), f"{options.code}.cell_too_long", message, hint=hint)


def _rows(
    path: Path,
    records: list[_Record],
    columns: tuple[str, ...],
    delimiter: str,
    options: ReadOptions,
    problems: Problems,
) -> tuple[tuple[Row, ...], tuple[Row, ...]]:
    """The rows, and those left out after a problem."""
    index = {name: i for i, name in reversed(list(enumerate(columns)))}  # the first of equal names wins
    rows, left_out = [], []
    width = len(columns)
    for line, record, raw in records:
        if not "".join(record).strip():  # faster than any(...) over cells; files have 100 000 rows
            continue
        texts = list(map(str.strip, record[:width])) + [""] * (width - len(record))
        too_wide = len(record) > width and "".join(record[width:]).strip()
        if too_wide or (options.exact_width and len(record) != width):
            problems.add(
                Location(path, line, 1),
                f"{options.code}.column_count",
                f"row has {len(record)} cells but the header has {width}",
                hint=f"a value with {DELIMITER_NAMES.get(delimiter, repr(delimiter))} must be in double quotes",
            )
            left_out.append(Row(path, line, texts, index, raw, delimiter))
            continue
        rows.append(Row(path, line, texts, index, raw, delimiter))
    return tuple(rows), tuple(left_out)
