"""`vlrgen assess`: the documented interchange format, in and out."""

import csv

from click.testing import CliRunner

from vlrgen.cli import main

CATALOG = """\
id,goal,direction,best,worst,green,red,target,target_year
life,3,higher,83,54,80,70,,
co2,13,lower,0,10,2,4,1.5,2030
poverty,1,lower,0,50,2,10,,
"""
OBSERVATIONS = """\
indicator,entity,period,value
life,NOR,2015,82.0
life,NOR,2022,83.2
co2,NOR,2015,8.0
co2,NOR,2022,7.0
poverty,NOR,2022,
life,SWE,2022,75
co2,SWE,2015,4
co2,SWE,2021,4
"""


def run(tmp_path, catalog=CATALOG, observations=OBSERVATIONS, *extra):
    (tmp_path / "cat.csv").write_text(catalog, encoding="utf-8")
    (tmp_path / "obs.csv").write_text(observations, encoding="utf-8")
    args = [
        "assess",
        "--catalog",
        str(tmp_path / "cat.csv"),
        "--observations",
        str(tmp_path / "obs.csv"),
        "--out",
        str(tmp_path / "result.csv"),
        "--goals",
        str(tmp_path / "goals.csv"),
        *extra,
    ]
    return CliRunner().invoke(main, args, catch_exceptions=False)


def read(path):
    with open(path, encoding="utf-8") as handle:
        return {(r["entity"], r.get("indicator") or r["goal"]): r for r in csv.DictReader(handle)}


def test_indicator_and_goal_results(tmp_path):
    result = run(tmp_path)
    assert result.exit_code == 0, result.output
    rows = read(tmp_path / "result.csv")
    assert list(next(iter(rows.values()))) == [
        "entity",
        "indicator",
        "period",
        "value",
        "score",
        "status",
        "trend",
        "progress",
    ]
    assert rows[("NOR", "life")] == {
        "entity": "NOR",
        "indicator": "life",
        "period": "2022",
        "value": "83.2",
        "score": "100",
        "status": "green",
        "trend": "maintaining",
        "progress": "limited_progress",
    }
    assert (rows[("NOR", "co2")]["status"], rows[("NOR", "co2")]["score"], rows[("NOR", "co2")]["trend"]) == (
        "red",
        "30",
        "stagnating",
    )
    assert rows[("NOR", "poverty")]["status"] == "grey" and rows[("NOR", "poverty")]["value"] == ""  # kept, not dropped
    assert (rows[("SWE", "life")]["status"], rows[("SWE", "life")]["trend"]) == ("yellow", "unavailable")
    assert rows[("SWE", "co2")]["status"] == "orange"  # exactly at red
    goals = read(tmp_path / "goals.csv")
    assert list(next(iter(goals.values()))) == ["entity", "goal", "score", "status", "trend", "coverage"]
    assert goals[("NOR", "1")]["status"] == "grey" and goals[("NOR", "1")]["coverage"] == "0"
    assert goals[("NOR", "13")]["status"] == "red" and goals[("SWE", "3")]["status"] == "yellow"


def test_base_year_option(tmp_path):
    run(tmp_path, CATALOG, OBSERVATIONS, "--base-year", "2016")
    assert read(tmp_path / "result.csv")[("NOR", "co2")]["trend"] == "unavailable"


def test_bad_input_is_located_and_nothing_written(tmp_path):
    result = run(tmp_path, CATALOG.replace("83,54,80,70", "83,54,80,9O"), OBSERVATIONS + "life,NOR,2023,x\n")
    assert result.exit_code == 1
    assert "cat.csv:2:" in result.output and '"9O" is not a number (column red)' in result.output
    assert "obs.csv:10:" in result.output and not (tmp_path / "result.csv").exists()


def test_threshold_order_is_checked(tmp_path):
    result = run(tmp_path, CATALOG.replace("co2,13,lower,0,10,2,4", "co2,13,lower,0,10,4,2"))
    assert result.exit_code == 1 and "thresholds must run worst → red → green → best" in result.output
