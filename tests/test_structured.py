"""Structured content: case studies, plans and measures mapped to SDG targets, the engagement log."""

import re

from vlrgen.build.pipeline import check_projects
from vlrgen.problems import format_problem

CASE = """\
example = true
goals = [6]
targets = ["6.1", "13.2", "6.77"]
partners = ["Vannverket"]
period = "2024"
colour = "red"

[title]
nb = "Rent vann"

[text]
nb = "Tekst."
"""
MEASURES = """\
plan,measure_nb,measure_en,targets,budget
Vannplan,Nye ledninger,New mains,6.1;6.4,1000000
Vannplan,,Leak search,6.x,mye
"""
ENGAGEMENT = """\
date,who,how_nb,how_en
2025-13-01,Ungdomsrådet,Verksted,Workshop
2025-02,Eldrerådet,Møte,
"""


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_structured_content_problems_are_located(make_project):
    root = make_project(
        {
            "narrative/cases/rent-vann.toml": CASE,
            "narrative/measures.csv": MEASURES,
            "narrative/engagement.csv": ENGAGEMENT,
        }
    )
    _, problems = check_projects([root])
    found = [format_problem(p, root) for p in problems.sorted()]
    expected = [
        "narrative/cases/rent-vann.toml:3:1: error[content.targets]: target 13.2 belongs to goal 13, not listed in goals",
        'narrative/cases/rent-vann.toml:3:1: error[content.targets]: "6.77" is not an SDG target',
        'narrative/cases/rent-vann.toml:6:1: error[content.case]: "colour" is not a setting of a case',
        "narrative/cases/rent-vann.toml:8:1: error[content.case]: title.en: the case has no title in en",
        "narrative/cases/rent-vann.toml:11:1: warning[content.untranslated]: text.en: the case has no text in en",
        "narrative/measures.csv:3:10: error[content.missing_text]: measure_nb: empty; every row needs its measure in nb",
        'narrative/measures.csv:3:23: error[content.targets]: "6.x" is not an SDG target',
        'narrative/measures.csv:3:27: error[content.not_a_number]: budget "mye" is not an amount in NOK',
        'narrative/engagement.csv:2:1: error[content.date]: "2025-13-01" is not a date',
        "narrative/engagement.csv:3:25: error[content.missing_text]: how_en: empty; every row needs its how in en",
    ]
    for line in expected:
        assert any(p.startswith(line) for p in found), (line, found)


def test_the_example_carries_a_case_measures_and_an_engagement_log(example_build_html):
    for lang, words in {
        "nb": ("Praksiseksempel", "6 tiltak følger opp 12 delmål.", "Medvirkning", "18. september 2024"),
        "en": ("Case study", "6 measures address 12 targets.", "Stakeholder engagement", "18 September 2024"),
    }.items():
        html = (example_build_html / "porsgrunn-2025" / lang / "index.html").read_text(encoding="utf-8")
        kicker, summary, engagement, date = words
        goal3 = html[html.index('id="goal-3"') : html.index('id="goal-4"')]
        assert 'id="case-trygg-skolevei"' in goal3 and kicker in goal3  # the box, in its first goal with data
        goal11 = html[html.index('id="goal-11"') : html.index('id="goal-13"')]
        assert 'href="#case-trygg-skolevei"' in goal11 and 'id="case-trygg-skolevei"' not in goal11
        assert 'class="annex-table measures"' in goal11  # the measures following up targets of goal 11
        highlights = html[html.index('id="highlights"') : html.index('id="introduction"')]
        assert summary in text(highlights) and 'href="#case-trygg-skolevei"' in highlights
        methodology = html[html.index('id="methodology"') : html.index('id="policy_environment"')]
        assert engagement in methodology and date in text(methodology)
        annex = html[html.index('id="annex-measures"') :]
        assert summary in text(annex) and html.count('id="annex-cases"') == 1
        assert html.count('class="example-label"') >= 4  # every structured part says it is example content
        toc = html[html.index('class="toc"') : html.index("</nav>", html.index('class="toc"'))]
        assert 'href="#engagement"' in toc and 'href="#annex-cases"' in toc and 'href="#annex-measures"' in toc


def test_structured_files_must_lie_inside_the_project(make_project, tmp_path):
    outside = tmp_path / "elsewhere.csv"
    outside.write_text("date,who,how\n2025,A,B\n", encoding="utf-8")
    root = make_project()
    (root / "narrative" / "engagement.csv").symlink_to(outside)
    _, problems = check_projects([root])
    assert any("engagement.csv" in str(p.location.path) and p.code.startswith("path.") for p in problems.errors)
