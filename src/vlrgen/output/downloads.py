"""Data downloads beside each report: the observations and the indicator catalogue as CSV.

Every text cell that a spreadsheet would read as a formula (it starts with =, +, -, @, a tab or
a carriage return) is written with a leading apostrophe, as OWASP recommends for CSV injection,
so opening a download runs nothing. Numbers (also negative ones) are written as numbers.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from pathlib import Path

from vlrgen.inputs.dataset import Dataset

__all__ = ["safe_cell", "write_data_downloads"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def safe_cell(text: str) -> str:
    """The cell as a spreadsheet should show it: text that looks like a formula gets a leading apostrophe."""
    if text.startswith(FORMULA_START) and not NUMBER.fullmatch(text):
        return "'" + text
    return text


def write_data_downloads(dataset: Dataset, folder: Path) -> None:
    folder.mkdir(parents=True)
    rows = (
        [o.indicator, o.entity, str(o.period), "" if o.value is None else repr(o.value), o.period_label]
        for o in sorted(dataset.observations, key=lambda o: (o.indicator, o.entity, o.period))
    )
    _write_csv(folder / "observations.csv", [["indicator", "entity", "period", "value", "period_label"], *rows])
    if dataset.indicators:
        catalogue = next(iter(dataset.indicators.values())).location.path
        with open(catalogue, newline="", encoding="utf-8-sig") as handle:
            _write_csv(folder / "indicators.csv", list(csv.reader(handle)))


def _write_csv(path: Path, rows: Iterable[list[str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)  # RFC 4180: comma, CRLF, quotes only where needed
        for row in rows:
            writer.writerow([safe_cell(cell) for cell in row])
