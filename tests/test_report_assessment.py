"""The example reports show the assessment: dashboard, status with text, trends, sentences, method annex."""

import re

import pytest
from test_pdf import pdftext


def page(output, slug, lang):
    return (output / slug / lang / "index.html").read_text(encoding="utf-8")


def test_dashboard_has_17_tiles_with_text_labels(example_build_fake):
    for lang, grey in (("nb", "grå (for lite data)"), ("en", "grey (insufficient data)")):
        html = page(example_build_fake, "porsgrunn-2025", lang)
        dashboard = html[html.index('id="dashboard"') : html.index("</section>", html.index('id="dashboard"'))]
        assert dashboard.count('<li class="tile') == 17
        assert grey in dashboard  # goals without data are grey, said in words
        assert re.search(
            r'status-(green|yellow|orange|red)"><span class="status-dot" aria-hidden="true"></span>'
            r"(grønn|gul|oransje|rød|green|yellow|orange|red) \(",
            dashboard,
        )


def test_generated_highlights_name_best_and_worst_goals(example_build_fake):
    nb = page(example_build_fake, "porsgrunn-2025", "nb")
    en = page(example_build_fake, "porsgrunn-2025", "en")
    assert "av 17 bærekraftsmål har nok data til en samlet vurdering" in nb and "Høyest poengsum har mål" in nb
    assert "Lavest poengsum har mål 13 (Stoppe klimaendringene) med 25 poeng" in nb
    assert "of 17 goals have enough data for an overall assessment" in en and "Doing best: goal" in en
    assert "Facing the greatest challenges: goal 13 (Climate action) with a score of 25" in en


def test_kpi_tables_show_status_and_trend_in_words(example_build_fake):
    nb = page(example_build_fake, "porsgrunn-2025", "nb")
    table = nb[nb.index('id="goal-13"') :]
    table = table[: table.index("</table>")]
    assert 'class="status-badge status-red"' in table and "rød" in table
    assert "stagnerer" in table or "går i feil retning" in table or "moderat forbedring" in table
    assert "Lokalt mål 1,00\u00a0tonn CO₂-ekv. per innbygger innen 2030: fremgang, men for sakte" in table


def test_generated_sentences_in_both_languages_and_chart_descriptions(example_build_fake):
    nb = page(example_build_fake, "porsgrunn-2025", "nb")
    en = page(example_build_fake, "porsgrunn-2025", "en")
    sentence_nb = (
        "Andelen barn i alderen 1–5 år som går i barnehage, økte fra 96,6\u00a0% i 2020 til 97,8\u00a0% i 2025; "
        "det lokale målet for 2030 er 97,0\u00a0%."
    )
    sentence_en = (
        "The share of children aged 1–5 who attend kindergarten rose from 96.6% in 2020 to 97.8% in 2025; "
        "the local target for 2030 is 97.0%."
    )
    assert sentence_nb in nb and sentence_en in en
    # The chart itself is named by its caption and described line by line, with the target it draws.
    chart_nb = nb[nb.index('<title id="fig-') :]
    assert re.search(
        r'<desc id="fig-\d+-kindergarten_coverage-desc">Linjediagram fra \d{4} til 2025\. Porsgrunn: fra ', nb
    )
    assert "det lokale målet for 2030 (97,0\u00a0%)" in nb and "the local target for 2030 (97.0%)" in en
    assert "<title" in chart_nb and 'role="img" aria-labelledby="fig-' in nb


def test_charts_have_status_bands_and_threshold_or_target_lines(example_build_fake):
    svg = (example_build_fake / "porsgrunn-2025" / "nb" / "figures").glob("*ghg_road_per_capita.svg")
    text = next(svg).read_text(encoding="utf-8")
    for band in ("#dcefdc", "#fbf2c8", "#fde2c6", "#f7d3cf"):
        assert band in text
    assert "Grønn terskel (0,50" in text and "Lokalt mål 2030: 1,00" in text


def test_method_annex_and_coverage(example_build_fake):
    for lang, words in (
        (
            "nb",
            (
                "Metode for vurderingen",
                "Basisår for trend og avstand til lokalt mål: 2015",
                "SDSN-praksis",
                "Eksempel",
                "Nasjonalt mål",
                "Datadekning",
                "Indikatorer med utilstrekkelige data",
            ),
        ),
        (
            "en",
            (
                "Assessment method",
                "Base year for trends and distance to local targets: 2015",
                "SDSN practice",
                "Example",
                "National target",
                "Data coverage",
                "Indicators with insufficient data",
            ),
        ),
    ):
        html = page(example_build_fake, "notodden-2025", lang)
        annex = html[html.index('id="annex-method"') :]
        for word in words:
            assert word in annex, (lang, word)


@pytest.mark.pdf
def test_pdf_carries_the_assessment(example_build):
    nb = pdftext(example_build / "porsgrunn-2025" / "porsgrunn-2025-nb.pdf")
    en = pdftext(example_build / "porsgrunn-2025" / "porsgrunn-2025-en.pdf")
    assert "Oversikt over bærekraftsmålene" in nb and "Metode for vurderingen" in nb and "Datadekning" in nb
    assert "Overview of the goals" in en and "Assessment method" in en
    assert "holder nivået" in nb and "maintaining the level" in en


def test_method_annex_explains_thresholds_beyond_the_bounds(make_project, tmp_path):
    """A constructed row whose green threshold lies beyond the best value (as SDSN publishes some): accepted with
    a warning at its cell, and the method annex says in words how it is judged."""
    from conftest import INDICATORS

    from vlrgen.build.pipeline import BuildOptions, build_projects

    header, row = INDICATORS.strip().split("\n")
    catalogue = f"{header},best,worst,green,red\n{row},90,40,95,60\n"
    project = make_project({"data/indicators.csv": catalogue})
    report = build_projects([project], BuildOptions(out_dir=tmp_path / "out", formats=("html",)))
    assert not report.problems.errors
    assert [p.code for p in report.problems.items if p.code.startswith("data.threshold")] == [
        "data.threshold_beyond_bound"
    ]
    for lang, words in (("nb", "slik det også forekommer i tabellene SDSN selv publiserer"), ("en", "as also happens")):
        html = page(tmp_path / "out", "porsgrunn-2025", lang)
        assert words in html[html.index('id="annex-method"') :], lang
