"""Numbers in cells: the one parser for every file vlrgen reads, and the plain form it writes.

Raw exports are read as published: `94,2 %`, `1 234`, `1.234,5` per the source's decimal mark,
with SSB's markers `..`, `:` and `-` meaning "missing", never zero. vlrgen's own tidy files
(`plain=True`) take only a plain decimal-point number; there only an empty cell is missing.

Every number, from text or stored in a spreadsheet or JSON-stat file, must also be one the report
can show: finite, smaller in size than 10^15 (`MAX_MAGNITUDE`) and, unless zero, not so small that
it underflows. What `check` accepts, the build can then format and chart; see `range_problem`.
"""

from __future__ import annotations

import math
import re
import sys

from vlrgen.inputs.tables.model import Cell, CellAt

__all__ = [
    "MAX_MAGNITUDE",
    "MISSING_MARKERS",
    "RANGE_HINT",
    "detect_decimal",
    "number_problem",
    "parse_number",
    "plain_number",
    "range_problem",
]

# Not "NaN": it is what a program writes after dividing zero by zero, so it is refused, not read as missing.
MISSING_MARKERS = {"", ".", "..", "...", ":", "-", "–", "—", "x", "NA", "N/A"}
# Why 10^15: every whole number below it is exact in a double (up to 2^53, about 9·10^15), and with the
# catalogue's at most 6 decimals it needs 21 significant digits, well inside the 28 of the decimal
# arithmetic Babel formats with (a value of 10^22 with 6 decimals makes it fail), with room for changes,
# sums and weighted means of such values. Real indicators are far smaller: Norway's GDP is about 5·10^12 NOK.
MAX_MAGNITUDE = 1e15
MIN_MAGNITUDE = sys.float_info.min  # about 2.2·10^-308: below it a double loses precision, then becomes 0
RANGE_HINT = "vlrgen reads numbers smaller in size than 1e15 (999 999 999 999 999); check the cell and the unit"
SPACES = "\u00a0\u202f\u2009 "
_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
_COMMA_GROUPS = re.compile(r"-?[1-9]\d{0,2}(\.\d{3})+(,\d+)?")  # 1.234,5
_POINT_GROUPS = re.compile(r"-?[1-9]\d{0,2}(,\d{3})+(\.\d+)?")  # 1,234.5


def parse_number(
    cell: Cell | CellAt, decimal: str = ".", thousands: str = "", plain: bool = False
) -> tuple[float | None, bool]:
    """(value, ok). A missing value gives (None, True); text that is not a number, or a number out of
    range (`range_problem` says why), gives (None, False)."""
    value, status = _read(cell, decimal, thousands, plain)
    return (value, True) if status == "" else (None, False)


def range_problem(cell: Cell | CellAt, decimal: str = ".", thousands: str = "", plain: bool = False) -> str | None:
    """Why a cell that holds a number is refused all the same (to follow the quoted cell), or None."""
    status = _read(cell, decimal, thousands, plain)[1]
    return None if status in ("", "not_a_number") else _RANGE_WORDS[status]


def number_problem(value: float) -> str | None:
    """Why a computed value (a sum, a scaled value) cannot be shown, or None."""
    status = _range_status(value, nonzero=False)
    return None if status == "" else _RANGE_WORDS[status]


_RANGE_WORDS = {
    "not_finite": "is not a finite number",
    "too_large": "is too large: numbers must be smaller in size than 1e15",
    "too_small": "is too close to zero to be told apart from it (smaller in size than 1e-308)",
}


def _read(cell: Cell | CellAt, decimal: str, thousands: str, plain: bool) -> tuple[float | None, str]:
    """(value, "") for a number or a missing value; else (None, why): not_a_number, not_finite, too_large, too_small."""
    if cell.number is not None:
        status = _range_status(cell.number, nonzero=False)
        return (cell.number, "") if status == "" else (None, status)
    text = cell.text.strip()
    if text == "" or (not plain and text in MISSING_MARKERS):
        return None, ""
    if not plain:
        text = _without_grouping(text, decimal, thousands)
    match = _NUMBER.fullmatch(text)
    if not match:
        return None, "not_a_number"
    value = float(text)
    status = _range_status(value, nonzero=bool(re.search(r"[1-9]", match[1])))
    if status == "not_finite":  # written as a number, 1e309: too large for a double
        status = "too_large"
    return (value, "") if status == "" else (None, status)


def _range_status(value: float, nonzero: bool) -> str:
    """ "" for a number the report can show; `nonzero`: the text had a digit other than 0 (1e-400 is not 0)."""
    if not math.isfinite(value):
        return "not_finite"
    size = abs(value)
    if size >= MAX_MAGNITUDE:
        return "too_large"
    if (size == 0 and nonzero) or 0 < size < MIN_MAGNITUDE:
        return "too_small"
    return ""


def _without_grouping(text: str, decimal: str, thousands: str) -> str:
    """`94,2 %` → `94.2`, `1 234` → `1234`, `−3` → `-3`: a published number in Python's own form."""
    text = text.removesuffix("%").strip()
    for space in SPACES:
        text = text.replace(space, "")
    if thousands and thousands not in SPACES:
        text = text.replace(thousands, "")
    if decimal == ",":
        if _COMMA_GROUPS.fullmatch(text):
            text = text.replace(".", "")
        text = text.replace(",", ".")
    elif _POINT_GROUPS.fullmatch(text):
        text = text.replace(",", "")
    return text.replace("\u2212", "-")


def detect_decimal(texts: list[str], delimiter: str) -> str:
    """ "," or "." for a column of number texts: what the cells say, else the delimiter's custom."""
    comma = sum(bool(re.fullmatch(r"-?[\d .\u00a0]*\d,\d+\s*%?", t)) for t in texts)
    dot = sum(bool(re.fullmatch(r"-?[\d ,\u00a0]*\d\.\d+\s*%?", t)) for t in texts)
    if comma != dot:
        return "," if comma > dot else "."
    return "," if delimiter == ";" else "."


def plain_number(value: float) -> str:
    """The shortest exact text: `3` for 3.0, `0.868` for 0.868 (as vlrgen writes numbers into files)."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))
