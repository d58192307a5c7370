"""The Open SDG data layout: a CSV with `Year`, disaggregation columns and `Value`.

A series reads `Year` and `Value` unless it names other columns, and only the headline rows:
those whose disaggregation columns (every column the series does not name) are all empty.
"""

from __future__ import annotations

from typing import ClassVar

from vlrgen.inputs.tables.csvfile import CsvReader
from vlrgen.inputs.tables.model import Row

__all__ = ["OpenSdgReader"]


class OpenSdgReader(CsvReader):
    format = "opensdg"
    extensions: ClassVar[tuple[str, ...]] = ()  # an Open SDG file is a .csv: it is chosen by `format = "opensdg"` only
    series_defaults: ClassVar[dict[str, str]] = {"period": "Year", "value": "Value"}

    def select(self, rows: list[Row], used: set[str]) -> list[Row]:
        return [r for r in rows if all(not text for name, text in r.texts().items() if name not in used)]
