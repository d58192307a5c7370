"""Numbers in cells: the one parser for every file vlrgen reads, and the plain form it writes.

Raw exports are read as published: `94,2 %`, `1 234`, `1.234,5` per the source's decimal mark,
with SSB's markers `..`, `:` and `-` meaning "missing", never zero. vlrgen's own tidy files
(`plain=True`) take only a plain decimal-point number; there only an empty cell is missing.
"""

from __future__ import annotations

import math
import re

from vlrgen.inputs.tables.model import Cell

__all__ = ["MISSING_MARKERS", "detect_decimal", "parse_number", "plain_number"]

MISSING_MARKERS = {"", ".", "..", "...", ":", "-", "–", "—", "x", "NA", "N/A", "NaN"}
SPACES = "\u00a0\u202f\u2009 "
_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
_COMMA_GROUPS = re.compile(r"-?[1-9]\d{0,2}(\.\d{3})+(,\d+)?")  # 1.234,5
_POINT_GROUPS = re.compile(r"-?[1-9]\d{0,2}(,\d{3})+(\.\d+)?")  # 1,234.5


def parse_number(cell: Cell, decimal: str = ".", thousands: str = "", plain: bool = False) -> tuple[float | None, bool]:
    """(value, ok). A missing value gives (None, True); text that is not a number gives (None, False)."""
    if cell.number is not None:
        return cell.number, True
    text = cell.text.strip()
    if text == "" or (not plain and text in MISSING_MARKERS):
        return None, True
    if not plain:
        text = _without_grouping(text, decimal, thousands)
    if not _NUMBER.fullmatch(text):
        return None, False
    value = float(text)
    return (value, True) if math.isfinite(value) else (None, False)


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
