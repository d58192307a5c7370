"""Page rules, read back from the example's built PDFs (issue 16, item 7; the rules: tests/page_rules.py).

Uses the session's one real build of the example (`example_build`), so these tests add reading time only.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from page_rules import CAPTION, findings, read_pages, sources_breaking_after_one_word

REPO = Path(__file__).resolve().parents[1]
REPORTS = ("porsgrunn-2025", "notodden-2025", "telemark-2025", "vsr-norge-2025")
SOURCES = {"nb": "Kilder", "en": "Sources"}
# One known finding, allowed by name: in English, two FHI entries whose rest would just fit on one line
# ("Norwegian / Institute of Public Health (FHI), Kommunehelsa statistics bank (bullying, Pupil Survey):")
# are broken after their first word by WeasyPrint's line breaking; no stylesheet change we tried (list
# markers, inline or block addresses, overflow-wrap, hyphens, kerning, padding) moves the break.
KNOWN = re.compile(r"'• Norwegian' breaks after its first word$")


def main_pdfs(output: Path) -> list[Path]:
    return [output / report / f"{report}-{lang}.pdf" for report in REPORTS for lang in ("nb", "en")]


@pytest.mark.pdf
@pytest.mark.parametrize("report", REPORTS)
@pytest.mark.parametrize("lang", ["nb", "en"])
def test_captions_stay_with_their_tables_and_no_page_is_left_nearly_empty(example_build, report, lang):
    pdf = example_build / report / f"{report}-{lang}.pdf"
    pages = read_pages(pdf)
    assert any(CAPTION.match(b.text) for p in pages for b in p.blocks)  # the rules see the captions at all
    found = findings(pdf, pages) + sources_breaking_after_one_word(pages, SOURCES[lang])
    found = [f for f in found if not (lang == "en" and KNOWN.search(f))]
    assert not found, "\n".join(found)


@pytest.mark.pdf
def test_member_summaries_share_pages(example_build):
    telemark = example_build / "vsr-norge-2025" / "vsr-norge-2025-nb-members-40.pdf"
    pages = read_pages(telemark)
    per_page = [sum(1 for b in p.blocks if re.fullmatch(r"\S.* 40\d\d", b.text.strip())) for p in pages]
    summaries = sum(per_page)
    assert summaries >= 17 and sum(1 for n in per_page if n) <= (summaries + 1) // 2, per_page
    assert not findings(telemark, pages)
    county = example_build / "telemark-2025" / "telemark-2025-nb.pdf"
    assert not findings(county)


@pytest.mark.pdf
def test_national_contents_list_has_increasing_page_numbers(example_build):
    text = subprocess.run(
        [
            "pdftotext",
            "-layout",
            "-f",
            "2",
            "-l",
            "2",
            str(example_build / "vsr-norge-2025" / "vsr-norge-2025-nb.pdf"),
            "-",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    numbers = [int(m[1]) for m in re.finditer(r"\.{3,} ?(\d+)\s*$", text, re.MULTILINE)]
    assert len(numbers) > 20 and numbers == sorted(numbers), numbers


def test_print_stylesheet_keeps_rows_whole_and_captions_with_their_rows():
    """What pdftotext cannot see reliably (a row split across two pages) is held by the stylesheet."""
    css = (REPO / "report_templates" / "static" / "report.css").read_text(encoding="utf-8")
    print_part = css[css.index("@media print") :]
    assert re.search(r"^\s*tr \{ break-inside: avoid; \}", print_part, re.MULTILINE)
    assert re.search(r"^\s*caption \{ break-after: avoid; \}", print_part, re.MULTILINE)
    assert ".footnote-backref { display: none; }" in print_part


@pytest.mark.pdf
def test_chart_and_table_are_placed_as_a_wrapping_flex_row_would_place_them(tmp_path):
    """In print a chart and its table are two inline boxes (cheaper for WeasyPrint than a flex row): beside
    each other when the table fits, else the table under the chart, 4 mm apart, and the caption where it was.
    Checked against the flex row the stylesheet used before, box by box: a short and a tall table beside the
    chart, and a wide one under it."""
    import weasyprint

    from vlrgen.inputs.templates import template_root

    chart = '<svg xmlns="http://www.w3.org/2000/svg" width="460.8pt" height="230.4pt" viewBox="0 0 460.8 230.4"/>'

    def figure(rows: int, label: str) -> str:
        body = "".join(f"<tr><th>{label} {i}</th><td class='num'>{i},5</td></tr>" for i in range(rows))
        return (
            f"<figure class='chart'><div class='chart-body'><div class='chart-image'>{chart}</div>"
            f"<table class='chart-data'><caption>Tallene bak figuren</caption><tbody>{body}</tbody></table></div>"
            f"<figcaption>Figur: {label}</figcaption></figure><p>Etter figuren.</p>"
        )

    figures = figure(3, "År") + figure(30, "År") + figure(3, "Et langt navn på en kommune i et stort fylke")
    flex = (
        "<style>@media print { .chart-body { display: flex; flex-wrap: wrap; gap: 4mm; align-items: flex-start;"
        " margin-bottom: 0 } .chart-image { display: block; flex: 0 0 64%; margin: 0 }"
        " .chart-body > .chart-data { display: table; flex: 1 1 auto; margin: 0 } }</style>"
    )
    css = (template_root() / "static" / "report.css").as_uri()

    def boxes(extra: str) -> list[tuple[str, float, float, float, float]]:
        page = f"<!DOCTYPE html><html lang='nb'><head><link rel='stylesheet' href='{css}'>{extra}</head><body>{figures}</body></html>"
        document = weasyprint.HTML(string=page, base_url=str(tmp_path), media_type="print").render()
        found = []

        def walk(box, number):
            element = getattr(box, "element", None)
            kind = element.get("class", "") if element is not None and box.element_tag in ("div", "table") else ""
            wanted = box.element_tag in ("figcaption", "p") or kind in ("chart-image", "chart-data")
            if wanted and type(box).__name__ != "TableBox":  # a table's wrapper box holds its caption too
                where = (box.position_x, box.position_y, box.width, box.height)
                found.append((f"{number}:{box.element_tag}.{kind}", *(round(v, 2) for v in where)))
                return
            for child in getattr(box, "children", []):
                walk(child, number)

        for number, page_box in enumerate(document.pages, 1):
            walk(page_box._page_box, number)
        return found

    now, before = boxes(""), boxes(flex)
    assert len(now) == 12 and now == before
    short, tall, wide = now[0:4], now[4:8], now[8:12]
    assert short[1][1] > short[0][1] and short[1][2] == short[0][2]  # beside the chart, top-aligned
    assert tall[1][1] > tall[0][1] and tall[1][4] > tall[0][4]  # beside, and taller than the chart
    assert wide[1][1] == wide[0][1] and wide[1][2] > wide[0][2] + wide[0][4]  # under the chart
