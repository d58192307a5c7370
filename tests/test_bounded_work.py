"""Bounded work: a hostile input is refused with its place in seconds and a bounded amount of memory,
never read for minutes; the limits a real project could outgrow are raised in vlrgen.toml, [limits]."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile

import pytest
from conftest import CONFIG
from sheets import write_long_xlsx, write_xlsx
from test_number_range import project_with, with_sources

from vlrgen.build.pipeline import BuildOptions, build_projects, check_projects
from vlrgen.output.pdf import FakePdfRenderer
from vlrgen.problems import format_problem

COLUMNS = 'entity = "Kommune"\nperiod = "År"\nvalue = "Andel"'


def check_in_a_process(project) -> tuple[list[str], float, float]:
    """`check` in its own process: the problems it prints, its seconds and its peak memory in MB."""
    code = (
        "import resource, sys, time; from pathlib import Path; from vlrgen.build.pipeline import check_projects; "
        "from vlrgen.problems import format_problem; start = time.perf_counter(); "
        f"_, found = check_projects([Path({str(project)!r})]); seconds = time.perf_counter() - start; "
        f"[print(format_problem(p, Path({str(project)!r}))) for p in found.errors]; "
        "print(seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    *printed, last = done.stdout.strip().splitlines()
    seconds, megabytes = map(float, last.split())
    return printed, seconds, megabytes


def assert_refused_quickly(project, located: str, code: str) -> list[str]:
    printed, seconds, megabytes = check_in_a_process(project)
    assert any(line.startswith(f"{located}: error[{code}]") for line in printed), printed
    assert seconds < 10 and megabytes < 500, (seconds, megabytes)
    return printed


def test_a_toml_nested_fifty_thousand_levels_is_refused_at_its_place(tmp_path):
    config = CONFIG + "\n[branding]\naccent = " + "[" * 50_000 + "]" * 50_000 + "\n"
    project = project_with(tmp_path / "p", {"vlrgen.toml": config})
    line = config.count("\n", 0, config.index("accent")) + 1
    assert_refused_quickly(project, f"vlrgen.toml:{line}:42", "config.too_deep")
    report = build_projects(
        [project], BuildOptions(out_dir=tmp_path / "out", formats=("html",), pdf_renderer=FakePdfRenderer())
    )
    assert report.problems.errors and not (tmp_path / "out").exists()


@pytest.mark.parametrize("nesting", ["dotted", "inline", "header"])
def test_a_sources_file_nested_too_deeply_is_refused_at_its_place(tmp_path, nesting):
    deep, column = {  # the column of the bracket, brace or dot that passes 32 levels
        "dotted": ("x" + ".x" * 50_000 + " = 1\n", 66),
        "inline": ("x = " + "{a = " * 50_000 + "1" + "}" * 50_000 + "\n", 165),
        "header": ("[" + "x." * 50_000 + "x]\n", 65),
    }[nesting]
    files = with_sources("raw.csv", COLUMNS)
    files["data/sources.toml"] += "\n" + deep
    files["data/raw.csv"] = "Kommune;År;Andel\nPorsgrunn;2023;5\n"
    project = project_with(tmp_path / "p", files)
    line = files["data/sources.toml"].count("\n")
    assert_refused_quickly(project, f"data/sources.toml:{line}:{column}", "source.too_deep")


def test_a_catalog_in_the_templates_nested_too_deeply_is_refused(tmp_path):
    config = CONFIG.replace("[data]", '[content]\ntemplates = "templates"\n\n[data]')
    files = {"vlrgen.toml": config, "templates/i18n/nb.toml": "[ui]\n" + "a" + ".a" * 50_000 + ' = "x"\n'}
    _, problems = check_projects([project_with(tmp_path / "p", files)])
    assert [(p.code, p.location.line) for p in problems.errors] == [("i18n.too_deep", 2)], problems.errors


def test_ordinary_toml_with_brackets_in_strings_and_comments_is_fine(tmp_path):
    config = CONFIG.replace('name = "Porsgrunn"', 'name = "Porsgrunn" # [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n')
    config = config.replace("[report]", '[report]\nauthor = "' + "{" * 40 + '"')
    _, problems = check_projects([project_with(tmp_path / "p", {"vlrgen.toml": config})])
    assert not problems.errors, problems.errors


def test_a_ten_megabyte_cell_is_refused_at_its_place(tmp_path):
    files = with_sources("raw.csv", COLUMNS)
    files["data/raw.csv"] = "Kommune;År;Andel\nPorsgrunn;2022;5\nPorsgrunn;2023;" + "9" * 10_000_000 + "\n"
    project = project_with(tmp_path / "p", files)
    printed = assert_refused_quickly(project, "data/raw.csv:3:16", "source.cell_too_long")
    assert all(len(line) < 1000 for line in printed)  # the cell is not quoted back


def test_a_ten_megabyte_cell_in_a_tidy_file_is_refused(tmp_path):
    tidy = "indicator,entity,period,value\nwater,4001,2023," + "1" * 10_000_000 + "\n"
    project = project_with(tmp_path / "p", {"data/observations.csv": tidy})
    assert_refused_quickly(project, "data/observations.csv:2:17", "data.cell_too_long")


def test_a_spreadsheet_of_one_and_a_half_million_rows_is_refused_in_seconds(tmp_path):
    project = project_with(tmp_path / "p", with_sources("raw.xlsx", COLUMNS))
    write_long_xlsx(project / "data" / "raw.xlsx", ["Kommune", "År", "Andel"], 1_500_000)
    printed = assert_refused_quickly(project, "data/raw.xlsx:Data!A500001", "source.too_many_rows")
    assert "[limits] rows" in printed[0]


def test_a_csv_of_one_and_a_half_million_rows_is_refused_in_seconds(tmp_path):
    files = with_sources("raw.csv", COLUMNS)
    files["data/raw.csv"] = "Kommune;År;Andel\n" + "Porsgrunn;2023;5\n" * 1_500_000
    project = project_with(tmp_path / "p", files)
    assert_refused_quickly(project, "data/raw.csv:500001:1", "source.too_many_rows")


def test_a_line_of_millions_of_cells_is_refused(tmp_path):
    files = with_sources("raw.csv", COLUMNS)
    files["data/raw.csv"] = "Kommune;År;Andel\n" + ";" * 20_000_000 + "\n"
    project = project_with(tmp_path / "p", files)
    assert_refused_quickly(project, "data/raw.csv:2:1", "source.too_many_cells")


def test_a_json_stat_dataset_whose_dimensions_multiply_past_the_limit_is_refused(tmp_path):
    dimension = {"category": {"index": {str(i): i for i in range(2_000)}}}
    data = {"class": "dataset", "id": ["A", "B"], "dimension": {"A": dimension, "B": dimension}, "value": {}}
    files = with_sources("x.json", 'entity_code = "4001"\nperiod = "A"\nvalue = "value"')
    files["data/x.json"] = json.dumps(data)
    project = project_with(tmp_path / "p", files)
    assert_refused_quickly(project, "data/x.json:value", "source.too_many_rows")


def test_rows_beyond_a_wrong_dimension_are_read(tmp_path):
    project = project_with(tmp_path / "p", with_sources("raw.xlsx", COLUMNS))
    rows = [["Kommune", "År", "Andel"]] + [["Porsgrunn", 1990 + i, i + 0.5] for i in range(30)]
    write_xlsx(project / "data" / "raw.xlsx", rows, dimension="A1:B3")  # the sheet claims 3 rows, 2 columns
    projects, problems = check_projects([project])
    assert not problems.errors, problems.errors
    values = sorted((o.period, o.value) for o in projects[0].dataset.observations if o.entity == "4001")
    assert len(values) == 30 and values[-1] == (2019, 29.5)


def test_a_spreadsheet_part_that_unpacks_past_the_limit_is_refused_before_it_is_read(tmp_path):
    project = project_with(tmp_path / "p", with_sources("raw.xlsx", COLUMNS))
    path = write_xlsx(project / "data" / "raw.xlsx", [["Kommune", "År", "Andel"], ["Porsgrunn", 2023, 5]])
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/sharedStrings.xml", b" " * 150_000_000)  # 150 MB of nothing, a few hundred kB packed
    assert_refused_quickly(project, "data/raw.xlsx", "source.too_large")


def test_a_file_past_the_size_limit_is_not_read(tmp_path):
    files = with_sources("raw.csv", COLUMNS)
    files["data/raw.csv"] = "Kommune;År;Andel\n" + "Porsgrunn;2023;5\n" * 70_000  # 1.2 MB
    files["vlrgen.toml"] += "\n[limits]\nfile_megabytes = 1\n"
    project = project_with(tmp_path / "p", files)
    _, problems = check_projects([project])
    printed = [format_problem(p, project) for p in problems.errors]
    assert printed and printed[0].startswith("data/raw.csv: error[source.too_large]: the file is 1 MB"), printed


def test_limits_are_raised_and_lowered_in_vlrgen_toml(tmp_path):
    files = with_sources("raw.csv", COLUMNS)
    files["data/raw.csv"] = "Kommune;År;Andel\n" + "".join(f"Porsgrunn;{2000 + i};5\n" for i in range(20))
    files["vlrgen.toml"] += "\n[limits]\nrows = 10\n"
    project = project_with(tmp_path / "p", files)
    _, problems = check_projects([project])
    assert [(p.code, p.location.line) for p in problems.errors] == [("source.too_many_rows", 11)]
    assert "[limits] rows = 20" in problems.errors[0].hint
    (project / "vlrgen.toml").write_text(files["vlrgen.toml"].replace("rows = 10", "rows = 100"), encoding="utf-8")
    _, problems = check_projects([project])
    assert not problems.errors, problems.errors


@pytest.mark.parametrize("setting", ["rows = 0", "cells = -1", 'cell_characters = "many"', "file_megabytes = 1.5"])
def test_a_limit_must_be_a_whole_number_from_one(tmp_path, setting):
    project = project_with(tmp_path / "p", {"vlrgen.toml": CONFIG + f"\n[limits]\n{setting}\n"})
    _, problems = check_projects([project])
    assert [p.code for p in problems.errors] == ["config.invalid"], problems.errors
    assert problems.errors[0].location.line == CONFIG.count("\n") + 3
