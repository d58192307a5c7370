"""check ⇔ build: a number the build could not format or chart (1e309, 1e-400, NaN, inf, 10^15 and
larger) is refused at `check`, with the cell's place, by every reader; and whatever `check` accepts,
`build --format html` builds (a property test over values)."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest
from conftest import CONFIG, INDICATORS, narrative_files
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sheets import Number, write_xlsx

from vlrgen.build.pipeline import BuildOptions, build_projects, check_projects
from vlrgen.output.pdf import FakePdfRenderer
from vlrgen.problems import format_problem

HOSTILE = ["1e309", "-1e309", "1e-400", "NaN", "nan", "inf", "-Infinity", "1e15", "-2.5e15", "1e300"]
REFUSED = ("out_of_range", "not_a_number")
SOURCES = """\
[[source]]
file = "{file}"
{extra}
[[source.series]]
indicator = "water"
{columns}
"""
THRESHOLDS = INDICATORS.splitlines()[0] + ",best,worst,green,red,target,target_year\n"


def project_with(folder: Path, files: dict[str, str | bytes]) -> Path:
    """A project of the conftest kind, with `files` added or replaced."""
    if folder.exists():
        shutil.rmtree(folder)
    everything = {
        "vlrgen.toml": CONFIG,
        "data/indicators.csv": INDICATORS,
        "data/observations.csv": "indicator,entity,period,value\nwater,4001,2022,50\n",
        **narrative_files(),
        **files,
    }
    for name, content in everything.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def with_sources(file: str, columns: str, extra: str = "") -> dict[str, str]:
    config = CONFIG.replace('observations = "data/observations.csv"', 'sources = "data/sources.toml"')
    return {"vlrgen.toml": config, "data/sources.toml": SOURCES.format(file=file, extra=extra, columns=columns)}


def in_every_reader(folder: Path, value: str) -> dict[str, tuple[Path, str]]:
    """For each reader, a project whose one bad cell holds `value`, and where that cell is."""
    tidy = "indicator,entity,period,value\nwater,4001,2022,50\nwater,4001,2023,{}\n"
    row = INDICATORS.splitlines()[1]
    csv_columns = 'entity = "Kommune"\nperiod = "År"\nvalue = "Andel"'
    jsonstat = (
        '{"class": "dataset", "id": ["Tid"], "size": [2], '
        '"dimension": {"Tid": {"category": {"index": {"2022": 0, "2023": 1}}}}, '
        f'"value": [50, {value}]}}'
    )
    cases = {
        "tidy observations": ({"data/observations.csv": tidy.format(value)}, "data/observations.csv:3:17"),
        "catalogue threshold": (
            {"data/indicators.csv": THRESHOLDS + row + f",100,0,{value},50,,\n"},
            f"data/indicators.csv:2:{len(row) + 8}",
        ),
        "catalogue target": (
            {"data/indicators.csv": THRESHOLDS + row + f",,,,,{value},2030\n"},
            f"data/indicators.csv:2:{len(row) + 6}",
        ),
        "csv source": (
            {
                **with_sources("raw.csv", csv_columns),
                "data/raw.csv": f"Kommune;År;Andel\nPorsgrunn;2022;5\nPorsgrunn;2023;{value}\n",
            },
            "data/raw.csv:3:16",
        ),
        "open sdg source": (
            {
                **with_sources("sdg.csv", 'entity_code = "4001"', 'format = "opensdg"'),
                "data/sdg.csv": f"Year,Sex,Value\n2022,,5\n2023,,{value}\n",
            },
            "data/sdg.csv:3:7",
        ),
        "json-stat source": (
            {
                **with_sources("07459.json", 'entity_code = "4001"\nperiod = "Tid"\nvalue = "value"'),
                "data/07459.json": jsonstat,
            },
            "data/07459.json:value[1]",
        ),
    }
    projects = {}
    for name, (files, located) in cases.items():
        projects[name] = (project_with(folder / name.replace(" ", "-"), files), located)
    sheet = folder / "xlsx-source"
    project_with(sheet, with_sources("raw.xlsx", csv_columns))
    write_xlsx(
        sheet / "data" / "raw.xlsx",
        [["Kommune", "År", "Andel"], ["Porsgrunn", 2022, 5], ["Porsgrunn", 2023, Number(value)]],
    )
    projects["xlsx source"] = (sheet, "data/raw.xlsx:Data!C3")
    return projects


@pytest.mark.parametrize("value", HOSTILE)
def test_a_number_the_build_cannot_show_is_refused_by_every_reader_at_its_cell(tmp_path, value):
    for reader, (project, located) in in_every_reader(tmp_path, value).items():
        if reader == "json-stat source" and value in ("nan", "inf"):
            continue  # not JSON: the whole file is refused (see below)
        _, problems = check_projects([project])
        printed = [format_problem(p, project) for p in problems.errors]
        assert any(
            line.startswith(f"{located}: error[") and line[len(located) :].split("]")[0].endswith(REFUSED)
            for line in printed
        ), (reader, value, printed)


def test_a_json_stat_file_that_is_not_json_is_one_located_problem(tmp_path):
    project, _ = in_every_reader(tmp_path, "nan")["json-stat source"]
    _, problems = check_projects([project])
    assert [format_problem(p, project).split(":")[0:2] for p in problems.errors] == [["data/07459.json", "1"]]


def test_the_refusal_says_why(tmp_path):
    project, _ = in_every_reader(tmp_path, "1e-400")["tidy observations"]
    _, problems = check_projects([project])
    assert "too close to zero" in problems.errors[0].message and "1e15" in problems.errors[0].hint
    project, _ = in_every_reader(tmp_path, "2e15")["csv source"]
    _, problems = check_projects([project])
    assert problems.errors[0].code == "source.out_of_range" and "too large" in problems.errors[0].message


def test_a_sum_or_scale_that_grows_past_the_bound_is_refused_at_its_cell(tmp_path):
    files = with_sources(
        "raw.csv", 'entity = "Kommune"\nperiod = "År"\nvalue = "Andel"\nscale = 1e6\naggregate = "sum"'
    )
    files["data/raw.csv"] = "Kommune;År;Andel\nPorsgrunn;2023;9e8\nPorsgrunn;2023;9e8\n"
    project = project_with(tmp_path / "p", files)
    _, problems = check_projects([project])
    printed = [format_problem(p, project) for p in problems.errors]
    assert printed[0].startswith(
        "data/raw.csv:2:16: error[source.out_of_range]: water for 4001 in 2023 comes to 1.8e+15"
    )


def test_a_scale_that_is_not_a_usable_number_is_refused(tmp_path):
    for scale in ("0", "inf", "nan", "1e300"):
        files = with_sources("raw.csv", f'entity = "Kommune"\nperiod = "År"\nvalue = "Andel"\nscale = {scale}')
        files["data/raw.csv"] = "Kommune;År;Andel\nPorsgrunn;2023;5\n"
        project = project_with(tmp_path / "p", files)
        _, problems = check_projects([project])
        assert [format_problem(p, project)[:25] for p in problems.errors] == ["data/sources.toml:9:1: er"], scale


def test_numbers_just_inside_the_bounds_build(tmp_path):
    tidy = "indicator,entity,period,value\nwater,4001,2020,9.99e14\nwater,4001,2021,-9.99e14\nwater,4001,2022,1e-300\nwater,4001,2023,0\n"
    project = project_with(tmp_path / "p", {"data/observations.csv": tidy})
    _, problems = check_projects([project])
    assert not problems.errors, problems.errors
    report = build_projects(
        [project], BuildOptions(out_dir=tmp_path / "out", formats=("html",), pdf_renderer=FakePdfRenderer(), jobs=1)
    )
    assert not report.problems.errors and report.built


# The property: anything check accepts, the HTML build builds.

finite = st.floats(allow_nan=False, allow_infinity=False)
showable = st.floats(min_value=-9.99e14, max_value=9.99e14)  # inside the bound: these should build
number_texts = st.one_of(
    showable.map(repr),
    showable.map(lambda x: f"{x:.6g}"),
    finite.map(repr),
    finite.map(lambda x: f"{x:.3e}"),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.sampled_from(HOSTILE + ["0", "-0", "1e-320", "5e-324", "9.99e14", "-9.99e14", "1e14", "0.000001", ""]),
    st.builds(lambda m, e: f"{m}e{e}", st.integers(-9, 9), st.integers(-400, 400)),
)
DECIMALS = st.integers(min_value=0, max_value=6)


ordered = st.lists(st.one_of(showable, finite), min_size=4, max_size=4, unique=True).map(
    lambda xs: [repr(x) for x in sorted(xs)]
)
THRESHOLD_SETS = st.one_of(st.just(["", "", "", ""]), ordered, st.lists(number_texts, min_size=4, max_size=4))


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    values=st.lists(number_texts, min_size=1, max_size=4),
    thresholds=THRESHOLD_SETS,
    target=number_texts,
    decimals=DECIMALS,
    direction=st.sampled_from(["higher", "lower"]),
)
def test_what_check_accepts_build_builds(tmp_path, values, thresholds, target, decimals, direction):
    worst, red, green, best = thresholds if direction == "higher" else thresholds[::-1]
    row = INDICATORS.splitlines()[1].replace(",1,higher,", f",{decimals},{direction},")
    target_year = "2030" if target else ""
    tidy = "indicator,entity,period,value\n" + "".join(
        f"water,4001,{2015 + i},{v}\nwater,40,{2015 + i},{v}\n" for i, v in enumerate(values)
    )
    files = {
        "data/observations.csv": tidy,
        "data/indicators.csv": THRESHOLDS + row + f",{best},{worst},{green},{red},{target},{target_year}\n",
    }
    project = project_with(tmp_path / "p", files)
    _, problems = check_projects([project])
    for problem in problems.errors:  # every refusal names its place
        assert problem.location.line >= 1 or problem.location.cell, format_problem(problem)
    if problems.errors:
        event("refused at check")
        return
    event("built")
    out = tmp_path / "out"
    options = BuildOptions(out_dir=out, formats=("html",), pdf_renderer=FakePdfRenderer(), jobs=1)
    report = build_projects([project], options)
    assert not report.problems.errors and report.built, (values, thresholds, report.problems.errors)


def test_stored_numbers_that_are_not_finite_are_refused_in_json_stat(tmp_path):
    """Python's json reads NaN and Infinity, and 1e-400 as 0.0: each is refused at its value."""
    from vlrgen.inputs.tables import ReadOptions, parse_number, range_problem, read_table
    from vlrgen.problems import Problems

    path = tmp_path / "x.json"
    data = {"class": "dataset", "id": ["Tid"], "dimension": {"Tid": {"category": {"index": ["1", "2", "3", "4"]}}}}
    path.write_text(json.dumps(data)[:-1] + ', "value": [NaN, 1e-400, -Infinity, 12]}', encoding="utf-8")
    table = read_table(path, ReadOptions(required=("value",)), Problems())
    cells = [row["value"] for row in table.rows]
    assert [parse_number(c) for c in cells] == [(None, False)] * 3 + [(12.0, True)]
    assert [range_problem(c) is not None for c in cells] == [False, True, False, False]  # NaN, Infinity: not numbers
    assert math.isfinite(parse_number(cells[3])[0])
