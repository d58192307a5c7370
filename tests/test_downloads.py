"""Data downloads cannot run as spreadsheet formulas (OWASP CSV injection rule)."""

from __future__ import annotations

import csv

import pytest

from vlrgen.build.pipeline import BuildOptions, build_projects
from vlrgen.output.downloads import safe_cell

HOSTILE = ["=1+2", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1+2", "\r=1+2", '=HYPERLINK("http://x")']


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_cells_become_text(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["-3.5", "12", "+4", "1e-3", "Porsgrunn", "", "2018-2024"])
def test_numbers_and_plain_text_stay_as_they_are(text):
    assert safe_cell(text) == text


def _cells(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return [cell for row in csv.reader(handle) for cell in row]


def test_built_downloads_hold_no_formula(make_project, tmp_path):
    from conftest import INDICATORS

    hostile_catalogue = INDICATORS.replace("Andel.,Share.", '"=HYPERLINK(""http://evil"")","\t=1+2"')
    observations = "indicator,entity,period,value,period_label\nwater,4001,2023,-1.5,@2023\nwater,4001,2022,2,=1+1\n"
    project = make_project({"data/indicators.csv": hostile_catalogue, "data/observations.csv": observations})
    report = build_projects([project], BuildOptions(out_dir=tmp_path / "out", formats=("html",)))
    assert not report.problems.errors, report.problems.errors
    folder = tmp_path / "out" / "porsgrunn-2025" / "data"
    cells = _cells(folder / "observations.csv") + _cells(folder / "indicators.csv")
    # What a spreadsheet would evaluate: a cell starting with a formula character that is not a number.
    evaluated = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r") and safe_cell(c) != c]
    assert not evaluated, evaluated
    assert "-1.5" in cells and "'@2023" in cells and "'=1+1" in cells
    assert '\'=HYPERLINK("http://evil")' in cells and "'\t=1+2" in cells
