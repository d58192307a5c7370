"""JSON-stat2 datasets, as `vlrgen fetch ssb` stores them (`data/ssb/<table>.json`), read as a table.

The table has, per dimension, a code column and a `(tekst)` label column, then `value`: the same
layout as the tidy CSV stored beside the JSON, so a `[[source]]` may name either file. A value
cell keeps its number; a status marker such as `..` stands in for a missing value. A cell's
location is its position in the dataset's value list, `file:value[12]`.
"""

from __future__ import annotations

import json
import math
import re
from itertools import product
from pathlib import Path
from typing import Any, ClassVar

from vlrgen.inputs.tables.model import Cell, ReadOptions, Row, Table, TableLimits, TableReader, find_header
from vlrgen.inputs.tables.numbers import plain_number
from vlrgen.problems import Location, Problems

__all__ = ["JsonStatReader", "TooManyValues", "jsonstat_records", "jsonstat_to_rows", "read_json"]

# (the dimension codes and labels, the value or None, the status marker or "") per value position
Record = tuple[list[str], float | None, str]


class JsonStatReader(TableReader):
    format = "jsonstat"
    extensions: ClassVar[tuple[str, ...]] = (".json",)

    def read(self, path: Path, options: ReadOptions, problems: Problems) -> Table | None:
        try:
            header, records = jsonstat_records(read_json(path.read_text(encoding="utf-8-sig")), options.limits)
        except TooManyValues as exc:
            limits = options.limits
            setting = "rows" if exc.values > limits.rows else "cells"
            message = f"the dataset holds {exc.values:,} values; at most {limits.rows:,} rows of at most {limits.cells:,} cells are read"
            at = Location(path, cell="value")
            problems.add(at, f"{options.code}.too_many_{setting}", message.replace(",", " "), hint=limits.hint(setting))
            return None
        except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
            hint = "store it with vlrgen fetch ssb, or declare the CSV stored beside it"
            message = f"the file is not a JSON-stat2 dataset: {exc}"
            problems.add(Location(path, 1, 1), f"{options.code}.jsonstat", message, hint=hint)
            return None
        if find_header(path, [header], options, problems) is None:
            return None
        index = {name: i for i, name in reversed(list(enumerate(header)))}
        rows = tuple(_row(path, position, record, index) for position, record in enumerate(records))
        cells = tuple(Cell(name, Location(path, cell=f"dimension.{name}")) for name in header)
        return Table(path, tuple(header), rows, Location(path, 1, 1), header_cells=cells)


def _row(path: Path, position: int, record: Record, index: dict[str, int]) -> Row:
    texts, value, marker = record
    at = Location(path, cell=f"value[{position}]")
    cells = [Cell(text, at) for text in texts]
    cells.append(Cell(marker if value is None else plain_number(value), at, value))
    return Row(path, 0, [c.text for c in cells], index, cells=cells)


class TooManyValues(ValueError):
    """The dataset's dimensions multiply to more values than the limits allow."""

    def __init__(self, values: int):
        super().__init__(f"{values} values")
        self.values = values


def jsonstat_records(data: Any, limits: TableLimits | None = None) -> tuple[list[str], list[Record]]:
    """The header (per dimension its code and label column, then `value`) and one record per value.

    Raises TooManyValues, before making any record, when the dimensions multiply past `limits`."""
    if not isinstance(data, dict) or data.get("class") != "dataset" or "id" not in data:
        raise ValueError('expected {"class": "dataset", ...}')
    categories = []
    for dim in data["id"]:
        category = data["dimension"][dim]["category"]
        index = category.get("index")
        codes = (
            sorted(index, key=lambda code: index[code])
            if isinstance(index, dict)
            else (index or list(category["label"]))
        )
        categories.append([(code, category.get("label", {}).get(code, code)) for code in codes])
    size = _size(categories)
    if limits is not None and (size > limits.rows or size * (2 * len(categories) + 1) > limits.cells):
        raise TooManyValues(size)
    values = data["value"]
    if isinstance(values, dict):  # sparse form
        values = [values.get(str(i)) for i in range(size)]
    status = data.get("status") or {}
    records = []
    for position, combination in enumerate(product(*categories)):
        value = values[position] if position < len(values) else None
        marker = status.get(str(position)) if isinstance(status, dict) else None
        texts = [str(part) for code, label in combination for part in (code, label)]
        number, text = _number(value)
        records.append((texts, number, str(marker or "") if value is None else text))
    header = [name for dim in map(str, data["id"]) for name in (dim, f"{dim} (tekst)")] + ["value"]
    return header, records


def jsonstat_to_rows(data: Any) -> list[list[str]]:
    """JSON-stat2 dataset → header + rows of text, as `vlrgen fetch` writes the tidy CSV."""
    header, records = jsonstat_records(data)
    return [header] + [texts + [marker if value is None else plain_number(value)] for texts, value, marker in records]


class _Written(str):
    """A JSON number kept as written, because float() would change it: 1e-400 (to 0), 1e400, NaN, Infinity."""


def read_json(text: str) -> Any:
    """JSON, with every number float() cannot keep left as its text (for the number parser to refuse)."""
    return json.loads(text, parse_float=_json_float, parse_constant=_Written)


def _json_float(text: str) -> float | str:
    value = float(text)
    mantissa = re.split("[eE]", text)[0]
    return value if math.isfinite(value) and (value != 0 or not re.search("[1-9]", mantissa)) else _Written(text)


def _number(value: Any) -> tuple[float | None, str]:
    """A JSON number as a float (a whole number too large for a float becomes infinity, refused where it
    is read); anything else (text, true, a number kept as written) as text, which the number parser then
    reads or refuses with its place."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return float(value), ""
        except OverflowError:
            return math.inf if value > 0 else -math.inf, ""
    if isinstance(value, str):
        return None, value[:200]
    return None, "" if value is None else json.dumps(value, ensure_ascii=False)[:200]


def _size(categories: list) -> int:
    size = 1
    for category in categories:
        size *= len(category)
    return size
