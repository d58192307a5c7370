"""The tables' print column widths that vlrgen measures as it writes a page (src/vlrgen/output/tablewidths.py).

The widths must be the ones WeasyPrint's automatic table layout finds (so the PDF looks as it did),
never narrower than a word a column holds, and only for tables the measurement models."""

from __future__ import annotations

import re

import pytest

from vlrgen.inputs.templates import template_root
from vlrgen.output.tablewidths import (
    TABLE_SIZES,
    TEXT_WIDTH,
    column_widths,
    fix_table_widths,
    measurer,
    parse,
)

MEASURE = measurer(template_root() / "fonts")
SIZE = TABLE_SIZES["kpi"]
PAGE = '<html><head><link rel="stylesheet" href="../assets/report.css"></head><body><main><section>{}</section></main></body></html>'


def table(html: str):
    return next(n for n in parse(html).children if not isinstance(n, str))


def width(text: str, bold: bool = False) -> float:
    return MEASURE.width(text, SIZE, bold)


def minmax(html: str, th: bool = False) -> tuple[float, float]:
    from vlrgen.output.tablewidths import cell_widths

    return cell_widths(
        table(f"<table><tr><td>{html}</td></tr></table>").children[0].children[0], (SIZE, th, False, False), MEASURE
    )  # type: ignore[union-attr]


def test_text_is_measured_in_the_report_fonts():
    assert width("Porsgrunn") > 0
    assert width("Porsgrunn", bold=True) > width("Porsgrunn")  # Noto Sans Bold is wider
    assert width("mmmm") > width("iiii")
    # U+2212 is not in Noto Sans: measured in DejaVu Sans, as Pango falls back to it
    assert width("\u2212") > 0


def test_a_cells_widest_is_its_longest_line_and_its_narrowest_its_longest_word():
    low, high = minmax("kommuner av tilsvarende størrelse")
    assert high == pytest.approx(width("kommuner av tilsvarende størrelse"))
    assert low == pytest.approx(max(width(word) for word in ["kommuner", "av", "tilsvarende", "størrelse"]))
    low, high = minmax("9,1 %<br>utdatert")
    assert high == pytest.approx(max(width("9,1 %"), width("utdatert")))


def test_breaks_only_where_weasyprint_breaks_too():
    # after a hyphen between letters, not before a slash, not inside a no-break space
    assert minmax("csdata-pakke")[0] == pytest.approx(max(width("csdata-"), width("pakke")))
    assert minmax("0,0\u00a0% / 8,0\u00a0%")[0] == pytest.approx(width("0,0\u00a0% /"))
    assert minmax("17-åringer")[0] == pytest.approx(width("17-åringer"))  # not sure to break: kept whole
    assert minmax("2011–\u20602013")[0] == pytest.approx(width("2011–\u20602013"))


def test_a_smaller_span_and_a_header_cell_are_measured_in_their_own_style():
    assert minmax('x<br><span class="period">2014</span>')[1] == pytest.approx(MEASURE.width("2014", SIZE * 0.85))
    assert minmax("Indikator", th=True)[1] == pytest.approx(width("Indikator", bold=True))


def test_columns_share_the_text_width_as_the_automatic_layout_does():
    wide = table(
        '<table class="kpi"><thead><tr><th scope="col">Indikator</th><th scope="col">Verdi</th></tr></thead>'
        "<tbody><tr><th scope=row>Andel</th><td>9,1</td></tr></tbody></table>"
    )
    total, columns = column_widths(wide, MEASURE)
    assert total == pytest.approx(TEXT_WIDTH) and sum(columns) == pytest.approx(TEXT_WIDTH)
    # room left over goes to the columns in proportion to their widest content
    padding = 2 * 0.55 * SIZE
    widest = [width("Indikator", True) + padding, width("Verdi", True) + padding]
    assert columns[0] / columns[1] == pytest.approx(widest[0] / widest[1])
    plain = table("<table><tr><td>a</td><td>bb</td></tr></table>")  # a plain table is as wide as its content
    total, columns = column_widths(plain, MEASURE)
    assert total == pytest.approx(sum(columns)) and total < TEXT_WIDTH


def test_a_page_gets_print_widths_for_its_measurable_tables():
    html = PAGE.format(
        '<div class="table-block"><table class="kpi" id="table-1"><caption>Tabell 1</caption>'
        "<tr><th scope=row>Andel</th><td>9,1</td></tr></table></div>"
    )
    fixed = fix_table_widths(html, MEASURE)
    assert re.search(
        r'<table class="kpi" id="table-1" style="--tw:[\d.]+px"><caption>Tabell 1</caption>'
        r'<colgroup><col style="--cw:[\d.]+px"><col style="--cw:[\d.]+px"></colgroup><tr>',
        fixed,
    )
    assert fix_table_widths(fixed, MEASURE) == fixed  # a table with columns already is left alone


@pytest.mark.parametrize(
    "inner",
    [
        '<table class="kpi"><tr><td colspan="2">x</td></tr></table>',  # a spanning cell
        '<table class="kpi"><tr><td><img src="x.png" alt="x"></td></tr></table>',  # an image
        '<table class="kpi"><tr><td class="mystery">x</td></tr></table>',  # a class report.css may style
        '<table class="chart-data"><tr><td>x</td></tr></table>',  # a table of another kind
        '<table class="kpi"><tr><td>\u4e2d\u6587</td></tr></table>',  # characters the report fonts lack
        '<div class="case"><table class="kpi"><tr><td>x</td></tr></table></div>',  # not the full text width
        "<ul><li><table><tr><td>x</td></tr></table></li></ul>",
        # after a nested table (left alone), the next table in the same case box is still in the box
        '<div class="case"><table><tr><td><table><tr><td>y</td></tr></table></td></tr></table>'
        '<table class="kpi"><tr><td>x</td></tr></table></div>',
    ],
)
def test_what_is_not_modelled_keeps_weasyprints_layout(inner):
    html = PAGE.format(inner)
    assert fix_table_widths(html, MEASURE) == html


def test_a_page_with_styles_of_its_own_keeps_weasyprints_layout():
    inner = "<table><tr><td>x</td></tr></table>"
    for head in ('<link rel="stylesheet" href="mine.css">', "<style>td { padding: 2em }</style>"):
        html = PAGE.format(inner).replace("</head>", head + "</head>")
        assert fix_table_widths(html, MEASURE) == html
    colours = PAGE.format(inner).replace("</head>", "<style>:root { --accent: #123456; }</style></head>")
    assert "--tw" in fix_table_widths(colours, MEASURE)  # the planned palette changes no width


@pytest.mark.pdf
def test_the_widths_are_weasyprints_own_on_every_example_table(example_build_html, tmp_path):
    """Every measured table of the example, laid out by WeasyPrint with our widths and with its own."""
    import weasyprint
    from weasyprint.formatting_structure import boxes

    tables: dict[str, None] = {}
    for page in sorted(example_build_html.glob("*/*/index.html")):
        for found in re.findall(r"<table\b[^>]*--tw.*?</table>", page.read_text(encoding="utf-8"), re.S):
            tables.setdefault(found)
    assert len(tables) > 100
    no_ids = (re.sub(r' id="[^"]*"', "", t) for t in tables)  # table ids repeat from page to page
    measured = "".join(f'<div class="table-block">{t}</div>' for t in no_ids)
    own = re.sub(r' style="--tw:[^"]*"|<colgroup>(<col style="--cw:[^"]*">)*</colgroup>', "", measured)
    css = example_build_html / "porsgrunn-2025" / "assets" / "report.css"
    laid_out = []
    for body in (measured, own):
        html = f'<html lang="nb"><head><link rel="stylesheet" href="{css.as_uri()}"></head><body><section>{body}</section></body></html>'
        document = weasyprint.HTML(string=html, base_url=str(tmp_path), media_type="print").render()
        found: list = []
        for page in document.pages:
            stack = [page._page_box]
            while stack:
                box = stack.pop(0)
                if isinstance(box, boxes.TableBox) and (not found or found[-1][0] is not box.element):
                    found.append(
                        (box.element, box.style["table_layout"], box.width, list(box.column_widths), box.height)
                    )
                stack[:0] = list(getattr(box, "children", []) or [])
        laid_out.append([f for i, f in enumerate(found) if all(f[0] is not g[0] for g in found[:i])])
    ours, theirs = laid_out
    assert len(ours) == len(theirs) == len(tables)
    for (_, layout, width, columns, height), (_, auto, their_width, their_columns, their_height) in zip(ours, theirs):
        assert (layout, auto) == ("fixed", "auto")
        assert width == pytest.approx(their_width, abs=0.02 * len(columns) + 0.01)
        assert columns == pytest.approx(their_columns, abs=0.05)
        assert height == pytest.approx(their_height, abs=0.01)  # every cell breaks its lines as before


def strip_widths(html: str) -> str:
    html = re.sub(r' style="--tw:[^"]*"|<colgroup>(<col style="--cw:[^"]*">)*</colgroup>', "", html)
    return html


def test_the_example_pages_keep_every_character_but_the_widths(example_build_html):
    pages = sorted(example_build_html.glob("*/*/index.html"))
    measured = 0
    for page in pages:
        html = page.read_text(encoding="utf-8")
        measured += html.count("--tw:")
        assert fix_table_widths(strip_widths(html), MEASURE) == html, page
    assert measured > 200


def chart(rows: str) -> str:
    return PAGE.format(
        '<figure id="figure-1" class="chart"><div class="chart-body"><div class="chart-image"><svg></svg></div>'
        '<table class="chart-data"><caption>Tallene bak figuren</caption><thead><tr><th scope="col">Periode</th>'
        f'<th scope="col" class="num">Porsgrunn</th></tr></thead><tbody>{rows}</tbody></table></div></figure>'
    )


def test_a_charts_data_table_too_wide_to_sit_beside_it_becomes_a_block_under_it():
    narrow = chart("<tr><th scope=row>2024</th><td class=num>9,1</td></tr>")
    assert fix_table_widths(narrow, MEASURE) == narrow  # beside the chart: WeasyPrint measures it
    wide = chart('<tr><th scope="row">Norskfødte med innvandrerforeldre og andre</th><td class="num">9,1</td></tr>')
    fixed = fix_table_widths(wide, MEASURE)
    assert '<table class="chart-data" style="--tw:' in fixed
    assert "<caption>Tallene bak figuren</caption><colgroup>" in fixed
    assert strip_widths(fixed) == wide
    review = wide.replace("<body>", '<body class="review">')  # a review's chart is a block of its own
    assert fix_table_widths(review, MEASURE) == review
