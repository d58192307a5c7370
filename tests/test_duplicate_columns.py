"""No silent wrong data: a column name written twice in a header is an error naming every place it is
written, unless the series picks its column by place (`value_column = "D"` or `4`)."""

from __future__ import annotations

import csv

import pytest
from conftest import CONFIG
from sheets import write_xlsx
from test_number_range import project_with, with_sources

from vlrgen.build.pipeline import BuildOptions, build_projects, check_projects
from vlrgen.output.pdf import FakePdfRenderer
from vlrgen.problems import format_problem

# Column C is the share, column D its upper confidence limit: both are headed "Andel".
RAW = "Kommune;År;Andel;Andel;Merknad;Merknad\nPorsgrunn;2022;91,5;97,0;;\nPorsgrunn;2023;92,5;98,0;a;b\n"
NAMES = 'entity = "Kommune"\nperiod = "År"\n'


def checked(tmp_path, columns: str, raw: str = RAW, name: str = "raw.csv"):
    files = with_sources(name, NAMES + columns)
    if name.endswith(".csv"):
        files["data/" + name] = raw
    project = project_with(tmp_path / "p", files)
    if name.endswith(".xlsx"):
        rows = [line.split(";") for line in raw.splitlines()]
        write_xlsx(project / "data" / name, rows)
    projects, problems = check_projects([project])
    printed = [format_problem(p, project) for p in problems.items]
    values = (
        sorted((o.period, o.value) for o in projects[0].dataset.observations if o.entity == "4001") if projects else []
    )
    return project, printed, values


def test_a_name_written_twice_is_an_error_naming_every_place(tmp_path):
    _, printed, _ = checked(tmp_path, 'value = "Andel"')
    assert printed == [
        'data/raw.csv:1:12: error[source.duplicate_column]: column "Andel" is written 2 times in the header '
        '(raw.csv:1:12 and raw.csv:1:18), so value = "Andel" cannot tell which one to read '
        '(hint: pick one by its place: value_column = "C" (3) or "D" (4))'
    ], printed


def test_in_a_spreadsheet_the_places_are_cells(tmp_path):
    _, printed, _ = checked(tmp_path, 'value = "Andel"', name="raw.xlsx")
    assert printed and printed[0].startswith("data/raw.xlsx:Data!C1: error[source.duplicate_column]"), printed
    assert "(raw.xlsx:Data!C1 and raw.xlsx:Data!D1)" in printed[0]


@pytest.mark.parametrize("pick", ['value_column = "D"', "value_column = 4", 'value = "Andel"\nvalue_column = "d"'])
def test_picking_by_place_reads_that_column(tmp_path, pick):
    _, printed, values = checked(tmp_path, pick)
    assert not [p for p in printed if "error" in p], printed
    assert values[-2:] == [(2022, 97.0), (2023, 98.0)]


def test_a_place_whose_header_reads_another_name_is_an_error(tmp_path):
    _, printed, _ = checked(tmp_path, 'value = "Andel"\nvalue_column = "B"')
    assert any(
        p.startswith("data/sources.toml:9:1: error[source.column_mismatch]")
        and 'whose header is "År", not "Andel"' in p
        for p in printed
    ), printed


@pytest.mark.parametrize("bad", ['"Z9"', "0", "-1", "true", '"column D"', "16385"])
def test_a_place_must_be_a_letter_or_a_number_from_one(tmp_path, bad):
    _, printed, _ = checked(tmp_path, f"value_column = {bad}")
    assert any("error[source.invalid]: value_column must be a column letter" in p for p in printed), printed


def test_a_place_past_the_last_column_is_an_error(tmp_path):
    _, printed, _ = checked(tmp_path, 'value_column = "K"')
    assert any('picks column "K" (11), but the header ends at column F' in p for p in printed), printed


def test_unused_duplicates_are_not_read_and_not_a_problem(tmp_path):
    _, printed, values = checked(tmp_path, 'value_column = "C"')
    assert not [p for p in printed if "error" in p], printed  # "Merknad" twice, never read
    assert values[-1] == (2023, 92.5)


def test_a_filter_on_a_duplicated_column_is_an_error(tmp_path):
    _, printed, _ = checked(tmp_path, 'value_column = "C"\nfilter = { Merknad = "a" }')
    assert any('error[source.duplicate_column]: column "Merknad" is written 2 times' in p for p in printed), printed


@pytest.mark.parametrize(
    "setting",
    [
        'merged = "counts"\ncount_filter = { Merknad = "a" }',
        'denominator = "Merknad"',
        'denominator = { Merknad = "b" }',
        'dimensions.Merknad = { dimension = "sex", values = { a = "female" } }',
    ],
)
def test_every_setting_naming_a_duplicated_column_is_an_error(tmp_path, setting):
    _, printed, _ = checked(tmp_path, f'value_column = "C"\n{setting}')
    assert any('error[source.duplicate_column]: column "Merknad" is written 2 times' in p for p in printed), printed


def test_every_column_picked_by_place(tmp_path):
    raw = "Tabell\nKommune;År;Andel;Andel\nPorsgrunn;2023;92,5;98,0\n"
    files = with_sources("raw.csv", 'entity_column = "A"\nperiod_column = 2\nvalue_column = "D"', "header_row = 2")
    files["data/raw.csv"] = raw
    project = project_with(tmp_path / "p", files)
    projects, problems = check_projects([project])
    assert not problems.errors, problems.errors
    assert [(o.period, o.value) for o in projects[0].dataset.observations] == [(2023, 98.0)]


def test_vlrgens_own_files_must_name_each_column_once(tmp_path):
    tidy = "indicator,entity,period,value,value\nwater,4001,2023,5,6\n"
    project = project_with(tmp_path / "p", {"data/observations.csv": tidy})
    _, problems = check_projects([project])
    printed = [format_problem(p, project) for p in problems.errors]
    assert printed == [
        'data/observations.csv:1:25: error[data.duplicate_column]: column "value" is written 2 times in the header '
        '(observations.csv:1:25 and observations.csv:1:31), so the column "value" cannot tell which one to read '
        "(hint: each column of this file is written once; remove or rename the other)"
    ], printed


def test_a_duplicated_survey_column_is_an_error(tmp_path):
    county = CONFIG.replace(
        'name = "Porsgrunn"\ncode = "4001"\nkind = "municipality"', 'name = "Telemark"\ncode = "40"\nkind = "county"'
    )
    config = (
        county
        + '\n[members]\nmunicipalities = "all"\n\n[survey]\nanswers = "answers.csv"\nquestions = "questions.csv"\n'
    )
    files = {
        "vlrgen.toml": config,
        "answers.csv": "kommunenummer,plan,plan\n4001,yes,no\n",
        "questions.csv": "column,question_nb,question_en,answers,answers_nb,answers_en\nplan,Plan?,Plan?,yes;no,Ja;Nei,Yes;No\n",
    }
    project = project_with(tmp_path / "p", files)
    _, problems = check_projects([project])
    printed = [format_problem(p, project) for p in problems.errors]
    assert [p.split(": error")[0] for p in printed] == ["answers.csv:1:15"], printed
    assert 'survey.duplicate_column]: column "plan" is written 2 times' in printed[0]


def test_the_build_reads_the_picked_column_into_report_and_download(tmp_path):
    project, _, _ = checked(tmp_path, 'value_column = "D"')
    report = build_projects(
        [project], BuildOptions(out_dir=tmp_path / "out", formats=("html",), pdf_renderer=FakePdfRenderer())
    )
    assert not report.problems.errors
    download = next((tmp_path / "out").rglob("observations.csv"))
    rows = list(csv.DictReader(download.open(encoding="utf-8")))
    assert [r["value"] for r in rows if r["entity"] == "4001" and r["period"] == "2023"] == ["98.0"]
    html = (tmp_path / "out" / "porsgrunn-2025" / "nb" / "index.html").read_text(encoding="utf-8")
    assert "98,0" in html and "92,5" not in html
