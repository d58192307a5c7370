"""Tables as municipal staff actually have them: CSV, XLSX, Open SDG and JSON-stat files, cell by cell.

Every format has one reader in the registry (`registry.READERS`); each gives a `Table` whose cells
keep their location (`file:line:col`, `file:Sheet!C14`, `file:value[12]`). Numbers are parsed
in one place (`numbers.parse_number`), per the source's decimal mark; SSB's markers `..`, `:`
and `-` mean "missing" and are never read as zero.
"""

from vlrgen.inputs.tables.model import (
    Cell,
    CellAt,
    ReadOptions,
    Row,
    Table,
    TableLimits,
    TableReader,
    column_texts,
    field_offsets,
)
from vlrgen.inputs.tables.numbers import (
    MISSING_MARKERS,
    RANGE_HINT,
    detect_decimal,
    number_problem,
    parse_number,
    plain_number,
    range_problem,
)
from vlrgen.inputs.tables.registry import FORMATS, READERS, read_table, reader_for, reader_named
from vlrgen.inputs.tables.tidy import TIDY, read_tidy

__all__ = [
    "FORMATS",
    "MISSING_MARKERS",
    "RANGE_HINT",
    "READERS",
    "TIDY",
    "Cell",
    "CellAt",
    "ReadOptions",
    "Row",
    "Table",
    "TableLimits",
    "TableReader",
    "column_texts",
    "detect_decimal",
    "field_offsets",
    "number_problem",
    "parse_number",
    "plain_number",
    "range_problem",
    "read_table",
    "read_tidy",
    "reader_for",
    "reader_named",
]
