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

from vlrgen.inputs.dataset import Dataset, Indicator

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
    files = {i.location.path for i in dataset.indicators.values()}
    if len(files) == 1:
        with open(files.pop(), newline="", encoding="utf-8-sig") as handle:
            _write_csv(folder / "indicators.csv", list(csv.reader(handle)))
    elif files:  # a library's catalogue with the project's own rows over it: the indicators as used
        _write_csv(folder / "indicators.csv", _catalogue_rows(list(dataset.indicators.values())))


def _catalogue_rows(indicators: list[Indicator]) -> list[list[str]]:
    languages = list(dict.fromkeys(lang for i in indicators for lang in i.name))
    texts = ("name", "unit", "source_name", "definition", "threshold_note")
    header = ["id", "goal", "targets", "decimals", "direction", "source_url", "framework_ref", "sdg_relation"]
    header += ["sdg_indicator", "best", "worst", "green", "red", "target", "target_year", "threshold_origin"]
    header += ["weighting", "scope", "u4ssc", "jrc2022", "breakdowns"]
    rows = [header + [f"{field}_{lang}" for field in texts for lang in languages]]
    for i in sorted(indicators, key=lambda i: (i.goal, i.id)):
        limits = i.thresholds or {}
        numbers = [limits.get(k) for k in ("best", "worst", "green", "red")] + [i.target]
        row = [i.id, str(i.goal), ";".join(i.targets), str(i.decimals), i.direction, i.source_url, i.framework_ref]
        row += [i.sdg_relation, i.sdg_indicator] + ["" if n is None else f"{n:g}" for n in numbers]
        row += [str(i.target_year or ""), i.threshold_origin, i.weighting, ";".join(i.scope), i.u4ssc, i.jrc2022]
        row += [";".join(i.breakdowns)]
        by_field = {"name": i.name, "unit": i.unit, "source_name": i.source_name, "definition": i.definition}
        by_field["threshold_note"] = i.threshold_note or {}
        rows.append(row + [by_field[field].get(lang, "") for field in texts for lang in languages])
    return rows


def _write_csv(path: Path, rows: Iterable[list[str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)  # RFC 4180: comma, CRLF, quotes only where needed
        for row in rows:
            writer.writerow([safe_cell(cell) for cell in row])
