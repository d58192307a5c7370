"""The table-reader registry: one reader per input format, found by name or by file name ending.

To read a new format, write a `TableReader` subclass in its own module of this package (see
`jsonstat.py` for a small one) and add an instance to `READERS`; `format = "<name>"` in a
`[[source]]` then selects it, and so does a file ending in one of its `extensions`.
"""

from __future__ import annotations

from pathlib import Path

from vlrgen.inputs.tables.csvfile import CsvReader
from vlrgen.inputs.tables.jsonstat import JsonStatReader
from vlrgen.inputs.tables.model import ReadOptions, Table, TableReader
from vlrgen.inputs.tables.opensdg import OpenSdgReader
from vlrgen.inputs.tables.xlsxfile import XlsxReader
from vlrgen.problems import Location, Problems

__all__ = ["FORMATS", "READERS", "read_table", "reader_for", "reader_named"]

READERS: tuple[TableReader, ...] = (CsvReader(), XlsxReader(), OpenSdgReader(), JsonStatReader())
FORMATS = tuple(reader.format for reader in READERS)
_DEFAULT = READERS[0]  # a file with another ending is read as CSV (exports come as .txt, .dat, …)


def reader_named(format: str) -> TableReader | None:
    return next((reader for reader in READERS if reader.format == format), None)


def reader_for(path: Path, format: str | None = None) -> TableReader:
    """The reader `format` names, else the one for the file's ending, else CSV."""
    named = reader_named(format) if format else None
    if named is not None:
        return named
    suffix = path.suffix.lower()
    return next((reader for reader in READERS if suffix in reader.extensions), _DEFAULT)


def read_table(path: Path, options: ReadOptions, problems: Problems, format: str | None = None) -> Table | None:
    """Read `path` with the reader for `format` (or its file name ending); None after reporting why not.

    A file larger than `options.limits.file_megabytes` is refused before anything of it is read.
    """
    limit = options.limits.file_megabytes
    try:
        size = path.stat().st_size
    except OSError as exc:
        problems.add(Location(path), f"{options.code}.unreadable", f"the file cannot be read: {exc.strerror}")
        return None
    if size > limit * 1_000_000:
        message = f"the file is {size / 1_000_000:,.0f} MB; files of at most {limit} MB are read".replace(",", " ")
        wanted = max(limit * 2, -(-size // 1_000_000))
        hint = options.limits.hint("file_megabytes", wanted)
        problems.add(Location(path), f"{options.code}.too_large", message, hint=hint)
        return None
    return reader_for(path, format).read(path, options, problems)
