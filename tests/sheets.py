"""XLSX files written cell by cell as XML, so tests can store what Excel never would: a number cell
holding `nan` or `1e-400`, a `<dimension>` that lies, or 1.5 million rows in a few seconds."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape

PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def _letter(column: int) -> str:
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_xml(reference: str, value: object) -> str:
    """A number (int or float) or `Number("text")` as a number cell; anything else as an inline text."""
    if isinstance(value, Number):
        return f'<c r="{reference}"><v>{escape(value.text)}</v></c>'
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<c r="{reference}"><v>{value!r}</v></c>'
    return f'<c r="{reference}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


class Number:
    """A number cell stored exactly as `text` (which need not be a number Excel would write)."""

    def __init__(self, text: str):
        self.text = text


def write_xlsx(path: Path, rows: Iterable[list], dimension: str | None = None) -> Path:
    """An XLSX with one sheet "Data" holding `rows` from A1; `dimension` as the sheet claims it (default: true)."""
    rows = list(rows) if not isinstance(rows, list) else rows
    width = max((len(r) for r in rows), default=1)
    claimed = dimension or f"A1:{_letter(width)}{max(len(rows), 1)}"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        for name, text in PARTS.items():
            book.writestr(name, text)
        with book.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(_sheet_start(claimed))
            buffer = io.StringIO()
            for number, row in enumerate(rows, start=1):
                cells = "".join(cell_xml(f"{_letter(c)}{number}", v) for c, v in enumerate(row, start=1))
                buffer.write(f'<row r="{number}">{cells}</row>')
                if number % 20_000 == 0:
                    sheet.write(buffer.getvalue().encode())
                    buffer = io.StringIO()
            sheet.write(buffer.getvalue().encode() + b"</sheetData></worksheet>")
    return path


def write_long_xlsx(path: Path, header: list[str], row_count: int) -> Path:
    """An XLSX of `row_count` small data rows below `header` (a hostile size, written in seconds)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        for name, text in PARTS.items():
            book.writestr(name, text)
        with book.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(_sheet_start(f"A1:{_letter(len(header))}{row_count + 1}"))
            cells = "".join(cell_xml(f"{_letter(c)}1", v) for c, v in enumerate(header, start=1))
            sheet.write(f'<row r="1">{cells}</row>'.encode())
            for start in range(2, row_count + 2, 50_000):
                chunk = "".join(
                    f'<row r="{r}"><c r="A{r}"><v>4001</v></c><c r="B{r}"><v>{2000 + r % 25}</v></c>'
                    f'<c r="C{r}"><v>{r % 97}.5</v></c></row>'
                    for r in range(start, min(start + 50_000, row_count + 2))
                )
                sheet.write(chunk.encode())
            sheet.write(b"</sheetData></worksheet>")
    return path


def _sheet_start(dimension: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>'
    ).encode()
