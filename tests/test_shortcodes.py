"""Numbers inside the text: `{{< value … >}}` shortcodes, checked in phase 1 and filled in per language."""

from pathlib import Path

import pytest

from vlrgen.build.pipeline import BuildOptions, build_projects, check_projects
from vlrgen.inputs.shortcodes import extract_shortcodes
from vlrgen.problems import Location, Problems, format_problem

OBSERVATIONS = """\
indicator,entity,period,value,period_label
water,4001,2015,90.25,
water,4001,2022,94.5,
water,4001,2023,96.25,2021-2023
water,40,2023,90.5,
water,0,2023,88,
"""
THRESHOLDS = """\
id,goal,targets,name_nb,name_en,unit_nb,unit_en,decimals,direction,source_name_nb,source_name_en,source_url,framework_ref,sdg_relation,sdg_indicator,definition_nb,definition_en,best,worst,green,red,target,target_year,threshold_origin
water,6,6.1,Drikkevann,Drinking water,%,%,1,higher,FHI,FHI,https://statistikk.fhi.no/kh,,adapted,6.1.1,Andel.,Share.,100,50,95,80,98,2030,example
"""


def problems_of(make_project, text: str, lang: str = "nb") -> list[str]:
    root = make_project({f"narrative/{lang}/introduction.md": text, "data/observations.csv": OBSERVATIONS})
    _, problems = check_projects([root])
    return [format_problem(p, root) for p in problems.sorted() if "introduction" in str(p.location.path)]


def built_page(make_project, tmp_path: Path, nb: str, en: str) -> tuple[str, str]:
    root = make_project(
        {
            "narrative/nb/introduction.md": nb,
            "narrative/en/introduction.md": en,
            "data/observations.csv": OBSERVATIONS,
            "data/indicators.csv": THRESHOLDS,
        }
    )
    out = tmp_path / "out"
    report = build_projects([root], BuildOptions(out_dir=out, formats=("html",)))
    assert not report.problems.errors, report.problems.errors
    return tuple((out / "porsgrunn-2025" / lang / "index.html").read_text(encoding="utf-8") for lang in ("nb", "en"))


def intro(html: str) -> str:
    start = html.index('id="introduction"')
    return html[start : html.index("</section>", start)]


def test_values_are_formatted_per_language_as_in_the_kpi_table(make_project, tmp_path):
    text = (
        "Siste {{< value water >}} ({{< value water period >}}), før {{< value water previous >}} i "
        "{{< value water previous period >}}, fra {{< value water base >}} i {{< value water base period >}}; "
        "endring {{< value water change >}}; fylket {{< value water county >}}, landet {{< value water nation >}}; "
        "mål {{< value water target >}}; status {{< value water status >}}, trend {{< value water trend >}}.\n"
    )
    nb, en = built_page(make_project, tmp_path, text, text)
    assert (
        "Siste 96,2\u00a0% (2021\u2013\u20602023), før 94,5\u00a0% i 2022, fra 90,2\u00a0% i 2015; endring +1,8; "
        "fylket 90,5\u00a0%, landet 88,0\u00a0%; mål 98,0\u00a0%; status grønn, trend holder nivået" in intro(nb)
    )
    assert (
        "Siste 96.2% (2021\u2013\u20602023), før 94.5% i 2022, fra 90.2% i 2015; endring +1.8; fylket 90.5%"
        in intro(en)
    )
    assert "status green, trend maintaining the level" in intro(en)
    assert "\ue000" not in nb + en


def test_other_braces_come_out_exactly_as_written(make_project, tmp_path):
    text = (
        "Mal: {{ config.secret }} og {% include 'x' %} og }} og {{< /* value water */ >}}.\n\n"
        "Skrevet: {{</* value water */>}}. Kode: `{{< value water >}}`.\n"
    )
    nb, _ = built_page(make_project, tmp_path, text, "Text.\n")
    section = intro(nb)
    assert "Mal: {{ config.secret }} og {% include &#39;x&#39; %} og }}" in section or (
        "Mal: {{ config.secret }} og {% include 'x' %} og }}" in section
    )
    assert "Skrevet: {{&lt; value water &gt;}}." in section
    assert "<code>{{&lt; value water &gt;}}</code>" in section


def test_unknown_indicator_and_option_are_located_errors(make_project):
    found = problems_of(
        make_project, "---\ntitle: Innledning\n---\nTekst {{< value watr >}} og\n{{< value water latets >}}.\n"
    )
    assert found[0].startswith("narrative/nb/introduction.md:4:7: error[content.unknown_indicator]")
    assert 'did you mean "water"?' in found[0]
    assert found[1].startswith("narrative/nb/introduction.md:5:1: error[content.shortcode_option]")


def test_unknown_shortcode_and_missing_value(make_project):
    found = problems_of(make_project, "{{< vaule water >}} og {{< value >}} og {{< value water status >}}\n")
    assert any("1:1: error[content.shortcode]" in p and 'did you mean "value"' in p for p in found)
    assert any("1:24: error[content.shortcode]" in p for p in found)
    assert any("1:41: warning[content.no_value]" in p and "no thresholds" in p for p in found)


def test_a_shortcode_in_a_link_address_is_reported(make_project):
    found = problems_of(make_project, "[lenke](https://x.no/{{< value water >}})\n")
    assert any("error[content.shortcode_place]" in p for p in found)


@pytest.mark.parametrize("text", ["\ue000" + "0" + "\ue001", "a \ue002 b"])
def test_author_text_cannot_pose_as_a_placeholder(text):
    body, codes, todos = extract_shortcodes(text, Location(Path("x.md"), 1), Problems())
    assert "\ue000" not in body and "\ue002" not in body and not codes and not todos


def test_example_narratives_quote_their_numbers_from_the_data(example_projects_checked):
    quoting = {
        project: sorted({c.indicator for s in p.narrative.sections.values() for c in s.shortcodes})
        for project, p in example_projects_checked.items()
    }
    assert quoting["porsgrunn"] and quoting["notodden"]


def test_a_review_quotes_its_own_published_values(example_copy, tmp_path):
    intro = example_copy / "telemark" / "narrative" / "nb" / "introduction.md"
    intro.write_text(
        intro.read_text(encoding="utf-8") + "\nBarnehagedekningen i Telemark var {{< value kindergarten_coverage >}} i "
        "{{< value kindergarten_coverage period >}}, mot {{< value kindergarten_coverage nation >}} i landet.\n",
        encoding="utf-8",
    )
    # Both of the example's languages: the national library, read once per process and set of languages, is
    # then the one the session's example builds read already (nb alone would read it again, about 10 s).
    report = build_projects([example_copy / "telemark"], BuildOptions(out_dir=tmp_path / "out", formats=("html",)))
    assert not report.problems.errors, report.problems.errors
    page = (tmp_path / "out" / "telemark-2025" / "nb" / "index.html").read_text(encoding="utf-8")
    assert "Barnehagedekningen i Telemark var 95,3\u00a0% i 2025, mot 94,5\u00a0% i landet." in page
