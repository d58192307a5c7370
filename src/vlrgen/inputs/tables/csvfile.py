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
        lines = text.splitlines()
        delimiter = {"tab": "\t", "\\t": "\t"}.get(options.delimiter, options.delimiter)
        if delimiter == "auto":
            delimiter = _sniff_delimiter(lines, options.required)
        if not isinstance(delimiter, str) or len(delimiter) != 1:
            message = f'delimiter must be one character or "tab", got {delimiter!r}'
            problems.add(Location(path), f"{options.code}.delimiter", message)
            return None
        records = _records(path, text, lines, delimiter, options, problems)
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


def _records(
    path: Path, text: str, lines: list[str], delimiter: str, options: ReadOptions, problems: Problems
) -> list[_Record] | None:
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
            f"{options.code}.csv",
            f"the file cannot be read as CSV: {exc}",
            hint="check for an unclosed double quote",
        )
        return None
    return records


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
        texts = [value.strip() for value in record[:width]] + [""] * (width - len(record))
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
