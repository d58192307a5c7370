"""Reviews of many members (national VSR, county review): figures agree with the raw files."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import EXAMPLE, LIBRARY, REPO, own_source

from vlrgen.build.pipeline import check_projects
from vlrgen.inputs.members import SIZE_BANDS, size_band
from vlrgen.inputs.templates import template_root
from vlrgen.judge.assessment import assess_project
from vlrgen.problems import Problems, format_problem
from vlrgen.report.review import plan_review

SOURCES = LIBRARY / "sources"
POPULATION = REPO / "src" / "vlrgen" / "reference" / "norway_population_2005_2026_b2024.csv"


@pytest.fixture(scope="module")
def vsr_and_county(example_projects_checked):
    return {"vsr": example_projects_checked["norge"], "county": example_projects_checked["telemark"]}


def view_of(project, lang="en"):
    review = assess_project(project).review
    return plan_review(
        project.config,
        project.narrative,
        project.dataset,
        review,
        project.languages[lang],
        template_root() / "fonts",
        project.survey,
        {},
    )


def block(view, indicator):
    return next(b for g in view.goals for b in g.indicators if b.indicator.id == indicator)


def test_national_refugee_share_is_the_population_weighted_value_of_the_raw_files(vsr_and_county):
    """Recomputed from the raw SSB file and the population file, independently of vlrgen's readers."""
    refugees, codes = 0, set()
    with open(
        SOURCES / "all_municipalities" / "immigrants_by_reason_all_municipalities_2006_2021.csv", encoding="utf-8"
    ) as handle:
        for row in csv.DictReader(handle):
            if (
                row["year"] == "2021"
                and row["unit"] == "Personer"
                and row["region_code"] != "K1507"
                and row["immigration_reason"] == "Flyktninger og deres familieinnvandrede"
            ):
                refugees += float(row["value"])
                codes.add(row["region_code"])
    with open(POPULATION, encoding="utf-8") as handle:
        population = sum(
            int(r["population"])
            for r in csv.DictReader(handle)
            if r["level"] == "municipality" and r["year"] == "2021" and r["code"] not in ("1508", "1580")
        )
    view = view_of(vsr_and_county["vsr"])
    aggregate = block(view, "refugees_share").distribution.aggregate
    assert len(codes) == 355 and aggregate.with_data == 355 and aggregate.members == 357
    assert aggregate.method == "weighted" and aggregate.published is None
    assert aggregate.computed == pytest.approx(100 * refugees / population, rel=1e-12)


def test_goal_share_of_the_county_review_matches_the_raw_drinking_water_file(vsr_and_county):
    """Goal 6 has one indicator: a municipality is green when its latest value reaches 99 % (the catalogue)."""
    latest: dict[str, tuple[int, float]] = {}
    with open(SOURCES / "telemark" / "drinking_water_quality_telemark.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if (
                row["Parameter"] == "hygienisk kvalitet og leveringsstabilitet"
                and row["Måltall"] == "prosent"
                and row["Kommune"] not in ("Hele landet", "Telemark")
                and row["Andel"] not in ("", ":", "..")
            ):
                year = int(row["År"][:4])
                if year >= latest.get(row["Kommune"], (0, 0))[0]:
                    latest[row["Kommune"]] = (year, 100 * float(row["Andel"]))
    green = sum(value >= 99 for _, value in latest.values())
    red = sum(value < 90 for _, value in latest.values())
    view = view_of(vsr_and_county["county"])
    shares = next(g for g in view.goals if g.number == 6).shares
    assert len(view.members) == 17 and sum(shares.values()) == 17
    assert shares["green"] == green and shares["red"] == red
    assert shares["grey"] == 17 - len(latest)


def test_the_vsr_covers_all_357_municipalities_and_names_those_without_data(vsr_and_county):
    view = view_of(vsr_and_county["vsr"], "nb")
    assert len(view.members) == len(view.member_pages) == 357
    assert {m.slug for m in view.members if m.slug} == {"porsgrunn-2025", "notodden-2025"}
    coverage = {m.code: cells for m, cells in view.coverage.rows}
    ids = [i.id for i in view.coverage.indicators]
    assert coverage["1508"][ids.index("refugees_share")] is None  # Ålesund: the split 2020 code is excluded
    assert coverage["4001"][ids.index("ghg_per_capita")][1] == 2024
    # the survey: 70 rows in the illustrative file, summarised by county and by size band
    assert len(view.survey) == 3 and view.survey_illustrative
    assert all(len(b.figures) == 2 and b.respondents == 70 for b in view.survey)
    # the generated finding for the first question, recomputed from the answers file
    with open(EXAMPLE / "norge" / "survey" / "answers.csv", encoding="utf-8") as handle:
        answers = [row["sdgs_in_master_plan"] for row in csv.DictReader(handle)]
    top = max(("yes", "partly", "no"), key=answers.count)
    label = {"yes": "Ja", "partly": "Delvis", "no": "Nei"}[top]
    assert (
        f"Det vanligste svaret var «{label}», gitt av {answers.count(top)} av de {len(answers)} kommunene"
        in " ".join(view.highlights)
    )


def test_a_national_value_is_not_computed_from_a_few_municipalities(vsr_and_county):
    """Crowded housing exists for Telemark only (3 % of the population): no 'national' value from that."""
    aggregate = block(view_of(vsr_and_county["vsr"]), "crowded_housing").distribution.aggregate
    assert aggregate.method == "too_few" and aggregate.computed is None
    assert aggregate.published is not None  # the source's own national value is still shown


def test_size_bands():
    assert [size_band(n) for n in (0, 1999, 2000, 9999, 10000, 49999, 50000)] == [0, 0, 1, 2, 3, 4, 5]
    assert len(SIZE_BANDS) == 6 and size_band(None) == -1


def test_the_municipal_review_compares_with_county_nation_and_peers(vsr_and_county):
    from vlrgen.judge.compare import compare_entity

    project = vsr_and_county["vsr"]
    found = compare_entity(project.dataset, "4001", 2025)
    refugees = found["refugees_share"]
    assert len(refugees.spread) >= 340 and refugees.member.name == "Porsgrunn"
    assert refugees.band == 4 and refugees.peers.members == 47  # 20 000–49 999 inhabitants
    assert refugees.nation.method == "weighted" and refugees.county.published is not None  # county sum in the file
    assert refugees.rank is not None and refugees.ranked == 17


def _pdf_text(path: Path, *options: str) -> str:
    return subprocess.run(["pdftotext", *options, str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.pdf
def test_vsr_and_county_pdfs_have_the_review_chapters(example_build):
    folder = example_build / "vsr-norge-2025"
    text = _pdf_text(folder / "vsr-norge-2025-en.pdf", "-layout")
    for heading in (
        "Goal status across the municipalities",
        "Survey results",
        "Data coverage",
        "County and national values",
        "Member summaries",
        "Example survey",
        "one dot per municipality",
        "Vestland",  # the county annexes are listed by county, not by file name
    ):
        assert heading in text, heading
    assert ".pdf" not in text and "vsr-norge-2025" not in text
    assert "inhabitants (1 January 2025)" not in text  # the member pages are printed per county
    nb = _pdf_text(example_build / "telemark-2025" / "telemark-2025-nb.pdf")
    assert "Sammendrag per kommune" in nb and nb.count("innbyggere (1. januar 2025)") == 17
    index = (example_build / "index.html").read_text(encoding="utf-8")
    assert index.index("vsr-norge-2025") < index.index("telemark-2025") < index.index("porsgrunn-2025")


@pytest.mark.pdf
def test_vsr_member_pages_are_printed_once_each_in_their_county_annex(example_build):
    from vlrgen import reference

    folder = example_build / "vsr-norge-2025"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    annexes = manifest["annex_pdf"]["en"]
    counties = {place.county_code for place in reference.municipalities().values()}
    assert set(annexes) == counties and len(counties) == 15
    seen = []
    for county, name in annexes.items():
        text = _pdf_text(folder / name)
        assert f"Member summaries: {reference.display_name(county)}" in text
        titles = re.findall(r"^(.+?) (\d{4})\n", text, flags=re.M)
        codes = [code for _, code in titles if code in reference.municipalities()]
        assert codes and all(reference.municipalities()[c].county_code == county for c in codes), county
        assert text.count("inhabitants (1 January 2025)") == len(codes)
        assert manifest["annex_pages"]["en"][county] > 0
        seen += codes
    assert sorted(seen) == sorted(reference.municipalities())  # 357 members, each exactly once
    assert sum(manifest["annex_pages"]["en"].values()) < len(seen)  # several summaries share a page
    landing = (folder / "index.html").read_text(encoding="utf-8")
    assert 'href="vsr-norge-2025-nb-members-40.pdf">Telemark</a>' in landing


def test_member_links_point_to_built_reports(example_build_fake):
    html = (example_build_fake / "vsr-norge-2025" / "en" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../porsgrunn-2025/en/index.html"' in html
    assert (example_build_fake / "porsgrunn-2025" / "en" / "index.html").is_file()


def test_review_config_problems_are_located(make_project, tmp_path):
    project = make_project(
        {
            "vlrgen.toml": """\
[entity]
name = "Norge"
code = "40"
kind = "vsr"

[report]
year = 2025
outputs = ["html"]

[data]
indicators = "data/indicators.csv"
observations = "data/observations.csv"

[members]
projects = ["../nowhere", "../*/"]
municipalities = "some"
"""
        }
    )
    _, problems = check_projects([project])
    lines = [format_problem(p, project) for p in problems.errors]
    assert (
        'vlrgen.toml:3:1: error[config.unknown_entity]: entity.code: a VSR covers the whole country, so its code is "0", not "40"'
        in lines
    )
    assert any("members.projects: ../nowhere is not a report project" in line for line in lines)
    assert any('members.municipalities: expected one of "all", "in_data", got "some"' in line for line in lines)


def test_survey_answers_are_checked_with_file_line_and_column(make_project):
    project = make_project(
        {
            "vlrgen.toml": project_toml(
                "Telemark",
                "40",
                "county",
                '[members]\nmunicipalities = "all"\n\n[survey]\nanswers = "answers.csv"\nquestions = "questions.csv"\n',
            ),
            "questions.csv": "column,question_nb,question_en,answers,answers_nb,answers_en\nplan,Plan?,Plan?,yes;no,Ja;Nei,Yes;No\n",
            "answers.csv": "kommunenummer,plan\n4001,yes\n4001,no\nAtlantis,yes\n4005,kanskje\n",
        }
    )
    _, problems = check_projects([project])
    lines = [format_problem(p, project) for p in problems.errors]
    assert lines == [
        "answers.csv:3:1: error[survey.duplicate]: 4001 answers twice (first on line 2) (hint: keep one row per municipality)",
        'answers.csv:4:1: error[survey.unknown_municipality]: "Atlantis" is not a municipality in the 2024 structure '
        "(hint: use the kommunenummer or the 2024 name)",
        'answers.csv:5:6: error[survey.unknown_answer]: "kanskje" is not an answer to plan; allowed: yes, no (or empty for no answer)',
    ]


def test_survey_questions_need_their_columns_in_every_report_language(make_project):
    project = make_project(
        {
            "vlrgen.toml": project_toml(
                "Telemark",
                "40",
                "county",
                '[members]\nmunicipalities = "all"\n\n[survey]\nanswers = "answers.csv"\nquestions = "questions.csv"\n',
            ).replace("year = 2025\n", 'year = 2025\nlanguages = ["en"]\n'),
            "questions.csv": "column,question_nb,answers,answers_nb\nplan,Plan?,yes;no,Ja;Nei\n",
            "answers.csv": "kommunenummer,plan\n4001,yes\n",
        }
    )
    _, problems = check_projects([project])
    assert [format_problem(p, project) for p in problems.errors] == [
        'questions.csv:1:1: error[source.missing_column]: column "answers_en" is not in the header '
        '(hint: did you mean "answers_nb"?)',
        'questions.csv:1:1: error[source.missing_column]: column "question_en" is not in the header '
        '(hint: did you mean "question_nb"?)',
    ]


def project_toml(name: str, code: str, kind: str, extra: str = "") -> str:
    return (
        f'[entity]\nname = "{name}"\ncode = "{code}"\nkind = "{kind}"\n\n[report]\nyear = 2025\n'
        'outputs = ["html"]\n\n[data]\nindicators = "data/indicators.csv"\n'
        f'observations = "data/observations.csv"\n\n{extra}'
    )


REVIEW = project_toml("Telemark", "40", "county", '[members]\nprojects = ["../oslo"]\n')


def test_a_county_review_refuses_a_member_from_another_county(make_project):
    make_project({"vlrgen.toml": CONFIG_OSLO}, name="oslo")
    project = make_project({"vlrgen.toml": REVIEW}, name="review")
    _, problems = check_projects([project])
    assert [format_problem(p, project) for p in problems.errors] == [
        "vlrgen.toml:14:1: error[config.no_members]: the review has no members: list member projects or set "
        'members.municipalities = "all"',
        "vlrgen.toml:15:1: error[config.invalid]: members.projects: Oslo (0301) is not in Telemark; a county "
        "review's members are its own municipalities",
    ]


CONFIG_OSLO = project_toml("Oslo", "0301", "municipality")


def test_weighted_values_need_half_of_the_scope_population_not_of_the_listed_members(make_project):
    """A VSR listing two members must not call their weighted mean a national value."""
    from vlrgen.inputs.dataset import Dataset, Indicator, Observation
    from vlrgen.inputs.members import make_member
    from vlrgen.judge.aggregate import aggregate_indicator
    from vlrgen.problems import Location

    indicator = Indicator(
        "share",
        10,
        (),
        {"nb": "x", "en": "x"},
        {"nb": "%", "en": "%"},
        1,
        "none",
        {"nb": "", "en": ""},
        "",
        "",
        "local",
        "",
        {"nb": "", "en": ""},
        Location(Path("x")),
        weighting="population",
    )
    here = Location(Path("x"))
    dataset = Dataset(
        {"share": indicator},
        (Observation("share", "4001", 2021, 10.0, "", here), Observation("share", "4005", 2021, 20.0, "", here)),
    )
    members = (make_member("4001", 2025), make_member("4005", 2025))
    assert aggregate_indicator(dataset, indicator, members, 2021, "0").method == "too_few"
    peers = aggregate_indicator(dataset, indicator, members, 2021, None)  # a peer group is its own scope
    assert peers.method == "weighted" and 10 < peers.computed < 20


def test_ties_at_the_cut_are_all_listed():
    from vlrgen.inputs.dataset import Indicator
    from vlrgen.inputs.members import make_member
    from vlrgen.judge.aggregate import Aggregate, Distribution, top_and_bottom
    from vlrgen.problems import Location

    indicator = Indicator(
        "water",
        6,
        (),
        {"nb": "x", "en": "x"},
        {"nb": "%", "en": "%"},
        1,
        "higher",
        {"nb": "", "en": ""},
        "",
        "",
        "local",
        "",
        {"nb": "", "en": ""},
        Location(Path("x")),
    )
    codes = ["4001", "4003", "4005", "4010", "4012", "4014", "4016", "4018"]
    values = tuple((make_member(c, 2025), v) for c, v in zip(codes, (100, 100, 100, 100, 99, 98, 97, 90)))
    dist = Distribution(indicator, 2024, "2024", values, (), Aggregate(2024, None, None, "none", 8, 8, None))
    top, bottom = top_and_bottom(dist)
    assert [v for _, v in top] == [100, 100, 100, 100] and [v for _, v in bottom] == [90, 97, 98]


def test_a_glob_of_members_passes_over_other_reviews(example_copy):
    from vlrgen.inputs.config import load_config

    config_file = example_copy / "norge" / "vlrgen.toml"
    config_file.write_text(
        config_file.read_text(encoding="utf-8").replace(
            'projects = ["../porsgrunn", "../notodden"]', 'projects = ["../*"]'
        ),
        encoding="utf-8",
    )
    problems = Problems()
    config = load_config(example_copy / "norge", problems)
    assert not problems.errors and [p.name for p in config.member_projects] == ["notodden", "porsgrunn"]


def test_a_member_value_remakes_the_review_and_only_that_county_annex(example_build_fake, tmp_path):
    """Skien's latest bullying share changes: the VSR's main PDFs (distribution, shares) and the Telemark
    annex (Skien's summary) are remade; the other 14 county annexes come from the cache."""
    from vlrgen.build.pipeline import BuildOptions, build_projects
    from vlrgen.output.pdf import FakePdfRenderer

    content, out = tmp_path / "content", tmp_path / "out"
    shutil.copytree(EXAMPLE, content)
    shutil.copytree(example_build_fake, out)
    options = BuildOptions(out_dir=out, pdf_renderer=FakePdfRenderer())
    declaration = (
        '[[source.series]]\nindicator = "bullying_grade7"\nentity = "Kommune"\nperiod = "År"\nperiod_label = "Skoleår"\n'
        'value = "Andel"\nfilter = { "Kjønn" = "Kjønn samlet", Klassetrinn = "7. trinn" }\nscale = 100\n'
    )
    source = own_source(content, ("norge",), "telemark/bullying_grade7_telemark.csv", declaration)
    unchanged = build_projects([content / "norge"], options)
    assert not unchanged.problems.errors and unchanged.stats.pdfs_made == 0
    row = 'Skien,2023/24-2025/26,2025-01-01,2025/26,Kjønn samlet,spm. om mobbing,7. trinn,"andel (prosent, standardisert)",'
    text = source.read_text(encoding="utf-8")
    assert text.count(row + "0.084,") == 1
    source.write_text(text.replace(row + "0.084,", row + "0.184,"), encoding="utf-8")
    changed = build_projects([content / "norge"], options)
    assert not changed.problems.errors
    assert sorted(changed.stats.pdfs_made_names) == [
        "vsr-norge-2025/en",
        "vsr-norge-2025/en/40",
        "vsr-norge-2025/nb",
        "vsr-norge-2025/nb/40",
    ]
    assert changed.stats.pdfs_cached == 2 * 14
