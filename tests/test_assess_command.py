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
    assert result.exit_code == 1 and "the red threshold worse than the green" in result.output


# Thresholds beyond the bounds, as in some SDSN tables: a green threshold better than the best value (water)
# and a red threshold worse than the worst value (waste). CONSTRUCTED rows, not copied from an SDSN table: the
# SDR 2024 and 2025 codebooks we could read (125 and 126 indicators) have no such row.
# A published case, SDSN's Benin 2022 dashboards, is tested in test_sdsn_published.py.
BEYOND = """\
id,goal,direction,best,worst,green,red
water,6,higher,90,40,95,60
waste,12,lower,0,40,10,45
"""
BEYOND_OBSERVATIONS = """\
indicator,entity,period,value
water,A,2022,92
water,B,2022,97
waste,A,2022,42
waste,B,2022,50
"""


def test_thresholds_beyond_the_bounds_are_accepted_with_located_warnings(tmp_path):
    result = run(tmp_path, BEYOND, BEYOND_OBSERVATIONS)
    assert result.exit_code == 0, result.output
    assert (
        "cat.csv:2:22: warning[data.threshold_beyond_bound]: indicator water: the green threshold (95) is better"
        in (result.output)
    )
    assert "cat.csv:3:24: warning[data.threshold_beyond_bound]: indicator waste: the red threshold (45) is worse" in (
        result.output
    )
    rows = read(tmp_path / "result.csv")
    # the status from the thresholds, the score clipped between the bounds
    assert (rows[("A", "water")]["status"], rows[("A", "water")]["score"]) == ("yellow", "100")
    assert (rows[("B", "water")]["status"], rows[("B", "water")]["score"]) == ("green", "100")
    assert (rows[("A", "waste")]["status"], rows[("A", "waste")]["score"]) == ("orange", "0")
    assert (rows[("B", "waste")]["status"], rows[("B", "waste")]["score"]) == ("red", "0")
    goals = read(tmp_path / "goals.csv")
    assert goals[("A", "6")]["status"] != "green" and goals[("B", "6")]["status"] == "green"
