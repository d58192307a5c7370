"""Planning (phase 3): the views of a municipal report and of the national review, checked without writing.

Structure only: section order, goals, one consecutive numbering of figures and of tables, a chart job
behind every figure, cited sources and (for the national review) all 357 municipalities.
"""

import re

import pytest

from vlrgen.charts.comparison import ShareJob, StripJob
from vlrgen.charts.timeseries import ChartJob
from vlrgen.inputs.content import SECTION_KEYS
from vlrgen.inputs.templates import template_root
from vlrgen.judge.assessment import assess_project
from vlrgen.report.municipal import MunicipalView, plan_report
from vlrgen.report.review import ReviewView, plan_review

FONTS = template_root() / "fonts"


@pytest.fixture(scope="module", params=["nb", "en"])
def porsgrunn(request, example_projects_checked) -> MunicipalView:
    project = example_projects_checked["porsgrunn"]
    entity = assess_project(project).entity
    language = project.languages[request.param]
    return plan_report(project.config, project.narrative, project.dataset, entity, language, FONTS)


@pytest.fixture(scope="module", params=["nb", "en"])
def national(request, example_projects_checked) -> ReviewView:
    project = example_projects_checked["norge"]
    language = project.languages[request.param]
    links = {"4001": f"../../porsgrunn-2025/{request.param}/index.html"}
    review = assess_project(project).review
    return plan_review(
        project.config, project.narrative, project.dataset, review, language, FONTS, project.survey, links
    )


def assert_figures_are_numbered_and_drawable(figures, lang: str, kinds: tuple[type, ...]) -> None:
    """Figures in reading order are numbered 1, 2, 3…, and each has its own chart job and data table."""
    assert [f.number for f in figures] == list(range(1, len(figures) + 1))
    assert len({f.name for f in figures}) == len(figures)
    for figure in figures:
        assert re.fullmatch(rf"fig-{figure.number:02d}-[a-z0-9_-]+", figure.name), figure.name
        assert isinstance(figure.job, kinds) and figure.job.name == figure.name and figure.job.language == lang
        assert figure.caption and figure.description and figure.columns and figure.rows, figure.name


def assert_sources_are_cited(sources) -> None:
    assert sources and len(set(sources)) == len(sources)
    assert all(name and url.startswith(("http://", "https://")) for name, url in sources), sources


def test_municipal_sections_follow_the_report_outline(porsgrunn):
    assert tuple(s.key for s in porsgrunn.sections) == SECTION_KEYS
    assert {s.state for s in porsgrunn.sections} == {"ok"}  # the example is complete in both languages
    assert porsgrunn.contents[0].anchor == "opening_statement"
    progress = next(e for e in porsgrunn.contents if e.anchor == "progress")
    goals = [f"goal-{g.number}" for g in porsgrunn.goals]
    assert [p.anchor for p in progress.parts] == goals + ["changes"]  # changes since the previous edition last


def test_municipal_goals_cover_the_17_goals_once(porsgrunn):
    with_data = [g.number for g in porsgrunn.goals]
    assert with_data == [1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 13, 16]  # the national library adds 1, 7, 8 and 9
    assert sorted(with_data + [n for n, _ in porsgrunn.goals_without_data]) == list(range(1, 18))
    assert [t.number for t in porsgrunn.tiles] == list(range(1, 18))
    assert all(g.kpis and g.figures for g in porsgrunn.goals)


def test_municipal_figures_and_tables_are_numbered_once_in_reading_order(porsgrunn):
    lang = porsgrunn.language.code
    breakdowns = tuple(b.figure for g in porsgrunn.goals for b in g.breakdowns if b.figure)
    reading_order = [
        f
        for g in porsgrunn.goals
        for f in g.figures + g.comparison_figures + tuple(b.figure for b in g.breakdowns)
        if f
    ]
    assert list(porsgrunn.figures) == reading_order and len(reading_order) == 52 + len(breakdowns)
    assert len(breakdowns) == 8  # leave no one behind: the breakdowns with two periods or more have a chart
    assert_figures_are_numbered_and_drawable(reading_order, lang, (ChartJob, StripJob))
    assert all(isinstance(f.job, ChartJob) for g in porsgrunn.goals for f in g.figures)  # the time series
    assert all(isinstance(f.job, StripJob) for g in porsgrunn.goals for f in g.comparison_figures)
    tables = [
        n
        for g in porsgrunn.goals
        for n in (g.table_number, g.comparison_table, *(b.table_number for b in g.breakdowns))
        if n
    ]
    tables += [porsgrunn.editions.goal_table, porsgrunn.editions.indicator_table]  # changes since the previous edition
    assert tables + list(porsgrunn.annex_tables) == list(range(1, len(tables) + 5))


def test_municipal_sources_and_annex_data(porsgrunn):
    assert_sources_are_cited(porsgrunn.sources)
    assert porsgrunn.indicators and porsgrunn.observations and porsgrunn.method_rows
    assert {i.id for i, _ in porsgrunn.observations} == {i.id for i in porsgrunn.indicators}


def test_national_review_covers_all_357_municipalities(national):
    assert len(national.members) == len(national.member_pages) == 357
    assert len({m.code for m in national.members}) == 357
    parts = national.annex_parts
    assert [p.code for p in parts] == sorted(p.code for p in parts) and len(parts) == 15
    printed = [page.member.code for part in parts for page in part.pages]
    assert sorted(printed) == sorted(m.code for m in national.members)  # each member once, in its county
    assert all(page.member.county_code == part.code for part in parts for page in part.pages)
    assert next(p for p in national.member_pages if p.member.code == "4001").link.startswith("../../porsgrunn-2025/")


def test_national_sections_goals_and_sources(national):
    assert tuple(s.key for s in national.sections) == SECTION_KEYS
    numbers = [g.number for g in national.goals]
    assert numbers == sorted(set(numbers)) and set(numbers) <= set(range(1, 18))
    assert all(b.indicator.goal == g.number for g in national.goals for b in g.indicators)
    assert all(g.indicators and sum(g.shares.values()) == 357 for g in national.goals)
    assert_sources_are_cited(national.sources)


def test_national_figures_and_tables_are_numbered_once_in_reading_order(national):
    """The overview comes first, then the survey (it precedes the progress chapter), then one strip per indicator."""
    lang = national.language.code
    survey = [f for block in national.survey for f in block.figures]
    strips = [b.figure for g in national.goals for b in g.indicators if b.figure]
    reading_order = [national.overview, *survey, *strips]
    assert sorted(national.figures, key=lambda f: f.number) == reading_order
    assert_figures_are_numbered_and_drawable(reading_order, lang, (ShareJob, StripJob))
    assert isinstance(national.overview.job, ShareJob) and all(isinstance(f.job, ShareJob) for f in survey)
    assert len(survey) == 2 * len(national.survey) == 6  # by county and by size band, per question
    assert all(isinstance(f.job, StripJob) and 0 < len(f.job.values) <= 357 for f in strips)
    # the changes since the previous review (end of the progress chapter) come before the annex tables
    editions = national.editions
    assert editions is not None and (editions.goal_table, editions.member_table, editions.indicator_table) == (1, 2, 3)
    assert sorted(national.tables.values()) == list(range(4, len(national.tables) + 4))
