"""PDF structure checks: what a tagged report PDF must have for a screen reader (PDF/UA-1 essentials).

Reads a PDF with pypdf and walks its structure tree: the document language (/Lang), /MarkInfo
/Marked, a title shown in the window (/Title and /DisplayDocTitle), the PDF/UA identification in
the XMP metadata, every /Figure with alternative text (/Alt or /ActualText), every /Table with
header cells (/TH) and every data cell tied to its headers (WeasyPrint writes /Headers from the
HTML's `th` cells). Where the `pdfua` package is installed, its certain findings are added (it
checks a further subset of PDF/UA-1: untagged content, empty headings, annotations).
`output.accessibility` runs these over an output folder; pypdf and pdfua are imported lazily.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

__all__ = ["Finding", "check_pdf", "structure_elements"]

PDFUA_PART = "{http://www.aiim.org/pdfua/ns/id/}part"
DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"


@dataclass(frozen=True, order=True)
class Finding:
    """One accessibility problem: the document, the element in it, the rule and what is wrong."""

    document: str
    element: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.document}: {self.rule}: {self.element}: {self.message}"


@dataclass(frozen=True)
class _Element:
    role: str  # "Figure", "Table", "TH", …
    page: int | None  # 1-based, when the element names its page
    node: Any  # the pypdf dictionary
    path: tuple[str, ...]  # roles from the document down to this element
    ancestors: tuple[int, ...]  # positions (in the list of all elements) of the elements above it

    def nearest(self, role: str) -> int | None:
        """The position of the closest element above this one with `role`."""
        for position, above in zip(reversed(self.ancestors), reversed(self.path[:-1])):
            if above == role:
                return position
        return None


def structure_elements(reader) -> list[_Element]:
    """Every structure element of the document in reading order, with its page and role path."""
    pages = {page.indirect_reference.idnum: number for number, page in enumerate(reader.pages, start=1)}
    root = reader.trailer["/Root"].get("/StructTreeRoot")
    found: list[_Element] = []
    if root is None:
        return found
    stack: list[tuple[Any, tuple[str, ...], tuple[int, ...], int | None]] = [(root.get_object(), (), (), None)]
    while stack:
        node, path, ancestors, page = stack.pop()
        role = str(node.get("/S", ""))[1:]
        if "/Pg" in node:
            page = pages.get(node.raw_get("/Pg").idnum, page)
        if role:
            found.append(_Element(role, page, node, (*path, role), ancestors))
            path, ancestors = (*path, role), (*ancestors, len(found) - 1)
        kids = node.get("/K")
        kids = kids if isinstance(kids, list) else [kids]
        children = [k.get_object() for k in kids if k is not None and not isinstance(k.get_object(), int)]
        stack.extend((child, path, ancestors, page) for child in reversed(children) if hasattr(child, "get"))
    return found


def check_pdf(path: Path, name: str | None = None, *, pdf_ua: bool = True) -> list[Finding]:
    """The problems of one PDF (an empty list when it has none); `name` is how findings call it."""
    from pypdf import PdfReader

    document = name or str(path)
    reader = PdfReader(path)
    found = _document_findings(reader, pdf_ua) + _structure_findings(structure_elements(reader))
    return [Finding(document, element, rule, message) for element, rule, message in found] + _pdfua_findings(
        path, document
    )


def _document_findings(reader, pdf_ua: bool) -> list[tuple[str, str, str]]:
    """Language, tagging, title and PDF/UA identification: (element, rule, message) each."""
    catalog: Any = reader.trailer["/Root"]  # a pypdf dictionary (typed as any PDF object)
    xmp = _xmp(catalog)
    found = []
    if not str(catalog.get("/Lang", "")).strip():
        found.append(("catalog", "pdf.lang", "no document language (/Lang): a screen reader cannot choose its voice"))
    if not _true(catalog.get("/MarkInfo", {}).get("/Marked")):
        found.append(("catalog", "pdf.marked", "/MarkInfo /Marked is not true: the PDF does not declare itself tagged"))
    if not (reader.metadata and (reader.metadata.title or "").strip()) and not xmp.get(DC_TITLE):
        found.append(("metadata", "pdf.title", "no document title"))
    if not _true(catalog.get("/ViewerPreferences", {}).get("/DisplayDocTitle")):
        found.append(("catalog", "pdf.display_title", "/DisplayDocTitle is not true: readers show the file name"))
    if pdf_ua and not xmp.get(PDFUA_PART):
        found.append(("metadata", "pdf.pdfua_id", "the XMP metadata has no PDF/UA identification (pdfuaid:part)"))
    if "/StructTreeRoot" not in catalog:
        found.append(("catalog", "pdf.structure", "no structure tree (/StructTreeRoot): the PDF is not tagged"))
    return found


def _structure_findings(elements: list[_Element]) -> list[tuple[str, str, str]]:
    """Figures without alternative text; tables without rows, header cells or header association."""
    found = []
    figures = [e for e in elements if e.role == "Figure"]
    for number, figure in enumerate(figures, start=1):
        if not str(figure.node.get("/Alt") or figure.node.get("/ActualText") or "").strip():
            found.append(
                (_where(figure, number, len(figures)), "pdf.figure_alt", "figure without alternative text (/Alt)")
            )
    cells: dict[int, list[_Element]] = {}
    for element in elements:
        holder = element.nearest("Table") if element.role in ("TH", "TD") else None
        if holder is not None:
            cells.setdefault(holder, []).append(element)
    tables = [(i, e) for i, e in enumerate(elements) if e.role == "Table"]
    for number, (position, table) in enumerate(tables, start=1):
        own, where = cells.get(position, []), _where(table, number, len(tables))
        if not own:
            found.append((where, "pdf.table_rows", "table without rows"))
        elif not any(c.role == "TH" for c in own):
            found.append((where, "pdf.table_headers", "table without header cells (TH)"))
        elif any(c.role == "TD" and not _headers(c.node) for c in own):
            found.append((where, "pdf.table_headers", "data cells not tied to their headers"))
    return found


def _where(element: _Element, number: int, total: int) -> str:
    page = f" on page {element.page}" if element.page else ""
    return f"{element.role} {number} of {total}{page} ({'/'.join(element.path)})"


def _true(value) -> bool:
    return value is True or str(value).lower() == "true"


def _headers(node) -> bool:
    attributes = node.get("/A")
    attributes = attributes if isinstance(attributes, list) else [attributes]
    return any(a is not None and len(a.get_object().get("/Headers", [])) > 0 for a in attributes)


def _xmp(catalog) -> dict[str, str]:
    """The XMP properties that matter here, by expanded name, whether written as attribute or element."""
    stream = catalog.get("/Metadata")
    if stream is None:
        return {}
    try:
        root = ElementTree.fromstring(stream.get_object().get_data())
    except ElementTree.ParseError:
        return {}
    found: dict[str, str] = {}
    for element in root.iter():
        found.update({key: value for key, value in element.attrib.items() if key in (PDFUA_PART, DC_TITLE)})
        if element.tag in (PDFUA_PART, DC_TITLE):
            found[element.tag] = "".join(element.itertext()).strip()
    return found


def _pdfua_findings(path: Path, document: str) -> list[Finding]:
    """The certain findings of the `pdfua` validator, when it is installed (its heuristic ones are
    left out: it counts a table's header association only on the TH cells, while WeasyPrint ties
    every data cell to its headers, which the check above verifies)."""
    try:
        from pdfua import validate
        from pdfua.model import Confidence, filter_findings
    except ImportError:
        return []
    report = validate(str(path))
    return [
        Finding(document, f.location.describe(), f"pdfua.{f.rule_id}", f.message)
        for f in filter_findings(report.findings, min_confidence=Confidence.CERTAIN)
    ]
