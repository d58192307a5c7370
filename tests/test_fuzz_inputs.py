"""Fuzzing the input phase: whatever a file holds, the readers end with values or located problems,
never an unhandled exception. Hypothesis property tests, kept small (set FUZZ_EXAMPLES to search longer)."""

from __future__ import annotations

import math
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sheets import Number, write_xlsx

from vlrgen.inputs.config import SCHEMA, load_config
from vlrgen.inputs.content import read_section, render_markdown
from vlrgen.inputs.series import parse_period, read_sources
from vlrgen.inputs.sources import load_source_specs
from vlrgen.inputs.tables import Cell, ReadOptions, parse_number, range_problem, read_table, read_tidy
from vlrgen.inputs.tables.numbers import MAX_MAGNITUDE
from vlrgen.problems import Location, Problems

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
fuzz = settings(
    max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)  # no files written into the checkout
CELL_LEVEL = (
    "not_a_number",
    "out_of_range",
    "invalid_period",
    "column_count",
    "cell_too_long",
    "formula_without_result",
)


def assert_located(problems: Problems, *files: Path) -> None:
    """Every problem names one of `files`; one about a cell also names its line or cell."""
    for problem in problems.items:
        where = problem.location
        assert where.path in files, (where, files, problem.message)
        if problem.code.endswith(CELL_LEVEL):
            assert where.line >= 1 or where.cell, problem


def scratch() -> Path:
    return Path(tempfile.mkdtemp(prefix="vlrgen-fuzz-"))


# Numbers and periods

number_like = st.text(alphabet="0123456789.,-+eE %\u00a0\u2212 :x", max_size=25)


@fuzz
@given(
    text=st.one_of(number_like, st.text(max_size=30)),
    decimal=st.sampled_from([".", ","]),
    thousands=st.sampled_from(["", " ", ".", ","]),
    plain=st.booleans(),
)
def test_the_number_parser_gives_a_showable_number_or_a_reason(text, decimal, thousands, plain):
    cell = Cell(text, Location(Path("x.csv"), 1, 1))
    value, ok = parse_number(cell, decimal, thousands, plain)
    if ok and value is not None:
        assert math.isfinite(value) and abs(value) < MAX_MAGNITUDE
        assert range_problem(cell, decimal, thousands, plain) is None
    if not ok:
        assert value is None


@fuzz
@given(number=st.floats(allow_nan=True, allow_infinity=True))
def test_a_stored_number_is_showable_or_refused(number):
    value, ok = parse_number(Cell("", Location(Path("x.xlsx"), cell="Data!A1"), number))
    showable = math.isfinite(number) and abs(number) < MAX_MAGNITUDE
    assert ok == (showable and (number == 0 or abs(number) >= sys.float_info.min))
    assert (value is not None) == ok


@fuzz
@given(
    text=st.one_of(st.text(alphabet="0123456789-/–MKQ T:", max_size=25), st.text(max_size=25)),
    number=st.none() | st.floats(),
)
def test_the_period_parser_gives_a_year_or_a_located_problem(text, number):
    problems = Problems()
    found = parse_period(Cell(text, Location(Path("x.csv"), 3, 7), number), problems)
    if found is None:
        assert [p.location for p in problems.items] == [Location(Path("x.csv"), 3, 7)]
    else:
        assert isinstance(found[0], int) and not problems.items


# CSV and tidy files

csv_alphabet = st.sampled_from(
    list("Kommune;År,Andel\"'\n\r\t |0123456789.,-é\u00a0\ufeff\x00\x0c\u2028x%") + ["..", "Porsgrunn", "4001"]
)
csv_text = st.lists(csv_alphabet, max_size=200).map("".join)


@fuzz
@given(
    text=csv_text,
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
    options=st.builds(
        ReadOptions,
        encoding=st.sampled_from(["auto", "utf-8", "cp1252", "latin-1", "no-such-codec"]),
        delimiter=st.sampled_from(["auto", ";", ",", "tab", "ab", ""]),
        header_row=st.none() | st.integers(min_value=1, max_value=5),
        required=st.sampled_from([(), ("Kommune",), ("Kommune", "Andel"), ("År",)]),
    ),
)
def test_the_csv_reader_never_crashes(text, encoding, options):
    folder = scratch()
    try:
        path = folder / "raw.csv"
        try:
            path.write_bytes(text.encode(encoding))
        except UnicodeEncodeError:
            path.write_bytes(text.encode("utf-8"))
        problems = Problems()
        table = read_table(path, options, problems)
        assert_located(problems, path)
        for row in table.rows if table else ():
            for column in table.columns:
                assert row[column].location.path == path
        problems = Problems()
        read_tidy(path, ("indicator", "value"), ("period",), problems)
        assert_located(problems, path)
    finally:
        shutil.rmtree(folder)


# XLSX

cell_value = st.one_of(
    st.text(max_size=12),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(),
    st.builds(Number, st.one_of(st.text(alphabet="0123456789.eE-+naif", max_size=10), st.text(max_size=5))),
)


@fuzz
@given(
    rows=st.lists(st.lists(cell_value, max_size=5), max_size=6),
    header=st.sampled_from([["Kommune", "År", "Andel"], ["Andel", "Andel"], []]),
    dimension=st.none() | st.sampled_from(["A1", "A1:B2", "ZZ9", "nonsense", "A1:XFD1048576"]),
    options=st.builds(
        ReadOptions,
        sheet=st.none() | st.sampled_from(["Data", "Ark1", ""]),
        cell_range=st.none() | st.sampled_from(["A1:C5", "B2:B", "C3:A1", "bad", "A1:ZZZ99"]),
        header_row=st.none() | st.integers(min_value=1, max_value=4),
        required=st.sampled_from([(), ("Kommune",), ("Andel",)]),
    ),
)
def test_the_xlsx_reader_never_crashes(rows, header, dimension, options):
    folder = scratch()
    try:
        path = write_xlsx(folder / "raw.xlsx", [header, *rows] if header else rows, dimension=dimension)
        problems = Problems()
        table = read_table(path, options, problems)
        assert_located(problems, path)
        for row in table.rows if table else ():
            for column in table.columns:
                parse_number(row[column])
    finally:
        shutil.rmtree(folder)


@fuzz
@given(data=st.binary(max_size=300), zipped=st.booleans())
def test_a_damaged_spreadsheet_is_one_located_problem(data, zipped):
    import zipfile

    folder = scratch()
    try:
        path = folder / "raw.xlsx"
        if zipped:
            with zipfile.ZipFile(path, "w") as book:
                book.writestr("xl/worksheets/sheet1.xml", data)
                book.writestr("xl/workbook.xml", data[::-1])
        else:
            path.write_bytes(data)
        problems = Problems()
        assert read_table(path, ReadOptions(), problems) is None or not problems.errors
        assert_located(problems, path)
    finally:
        shutil.rmtree(folder)


# TOML: vlrgen.toml and sources files

SOURCE_KEYS = ["file", "format", "indicator", "entity", "entity_code", "period", "value", "value_column"]
SOURCE_KEYS += ["entity_column", "period_column", "scale", "filter", "exclude", "aggregate", "header_row", "sheet"]
toml_key = st.one_of(
    st.sampled_from(sorted(SCHEMA) + SOURCE_KEYS),
    st.sampled_from(["entity", "report", "data", "x", "a.b.c", '"quoted key"', "limits", "project"]),
)
toml_value = st.recursive(
    st.one_of(
        st.integers(min_value=-(10**20), max_value=10**20).map(str),
        st.sampled_from(["true", "false", "nan", "inf", "-inf", "1e400", "1979-05-27", "0x1F", "1_000", "3"]),
        st.sampled_from(
            ['"raw.csv"', '"Kommune"', '"Andel"', '"År"', '"C"', '"sum"', '"water"', '"opensdg"', '"4001"']
        ),
        st.text(alphabet="abcæøå/._-* \\\"'", max_size=12).map(
            lambda t: '"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"'
        ),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.lists(st.tuples(st.sampled_from(["a", "b", "nb"]), inner), max_size=3).map(
            lambda kv: "{" + ", ".join(f"{k} = {v}" for k, v in kv) + "}"
        ),
    ),
    max_leaves=8,
)
toml_line = st.one_of(
    st.tuples(toml_key, toml_value).map(lambda kv: f"{kv[0]} = {kv[1]}"),
    st.sampled_from(
        ["[entity]", "[report]", "[data]", "[[source]]", "[[source.series]]", "[limits]", "[project]", "# note", ""]
    ),
    st.text(max_size=20),
)
toml_text = st.lists(toml_line, max_size=15).map("\n".join)


@fuzz
@given(text=toml_text)
def test_loading_any_vlrgen_toml_gives_a_config_or_located_problems(text):
    folder = scratch()
    try:
        (folder / "vlrgen.toml").write_text(text, encoding="utf-8")
        problems = Problems()
        config = load_config(folder, problems)
        for problem in problems.items:
            assert problem.location.path.is_relative_to(folder.resolve()), problem
        assert config is not None or problems.errors
    finally:
        shutil.rmtree(folder)


SKELETON = '[[source]]\nfile = "raw.csv"\n{}\n[[source.series]]\nindicator = "water"\n{}\n'
RAW = "Kommune;År;Andel;Andel\nPorsgrunn;2023;5;6\nSkien;2023;..;7\nPorsgrunn;2023;8;x\n"


@fuzz
@given(text=toml_text, series=toml_text, skeleton=st.booleans(), raw=st.one_of(st.just(RAW), csv_text))
def test_loading_any_sources_file_gives_specs_or_located_problems(text, series, skeleton, raw):
    folder = scratch()
    try:
        path = folder / "sources.toml"
        path.write_text(SKELETON.format(text, series) if skeleton else text, encoding="utf-8")
        (folder / "raw.csv").write_text(raw, encoding="utf-8")
        problems = Problems()
        specs = load_source_specs(path, problems)
        assert_located(problems, path)
        read_sources(specs, problems)
        assert_located(problems, path, folder / "raw.csv")
    finally:
        shutil.rmtree(folder)


# Markdown

markdown_alphabet = st.sampled_from(
    list("#*_`[]()!<>-+=|:~\\\n \t1.aæ\"'/")
    + [
        "```",
        "> ",
        "- ",
        "1. ",
        "[^1]",
        "![x](",
        "<script>",
        "<a href=",
        "{#id}",
        "---\n",
        "javascript:",
        "file:///etc/passwd",
        "{{< value water >}}",
        "{{< value water change >}}",
        "{{< todo >}}",
        "{{< /todo >}}",
        "{{<",
        ">}}",
        "../../",
    ]
)
markdown_text = st.lists(markdown_alphabet, max_size=120).map("".join)


def tags_of(html: str) -> list[tuple[str, str, str | None]]:
    """(tag, attribute, value) of every real tag in `html` (text that only looks like a tag is not one)."""
    from html.parser import HTMLParser

    found: list[tuple[str, str, str | None]] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.extend((tag, name, value) for name, value in attrs or [("", None)])

    Collector().feed(html)
    return found


@fuzz
@given(text=markdown_text, level=st.integers(min_value=1, max_value=6))
def test_rendering_any_markdown_gives_clean_html(text, level):
    folder = scratch()
    try:
        html, assets, _ = render_markdown(
            text, folder, folder, prefix="introduction", top_level=level, media_prefix="../media/"
        )
        for tag, name, value in tags_of(html):
            assert tag not in ("script", "style", "iframe", "base") and not name.startswith("on"), html
            assert not (name in ("href", "src") and re.match(r"\s*(javascript|file|data):", value or "", re.I)), html
        assert all(source.is_relative_to(folder) for source, _ in assets)
    finally:
        shutil.rmtree(folder)


@fuzz
@given(text=st.one_of(markdown_text, st.text(max_size=200)))
def test_reading_any_section_file_gives_a_section_or_located_problems(text):
    folder = scratch()
    try:
        path = folder / "narrative" / "nb" / "introduction.md"
        path.parent.mkdir(parents=True)
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        problems = Problems()
        read_section(folder, path, "introduction", "nb", problems, "../media/")
        for problem in problems.items:
            assert problem.location.path == path and problem.location.line >= 0, problem
    finally:
        shutil.rmtree(folder)


# JSON-stat

json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=12,
)
dataset = st.fixed_dictionaries(
    {
        "class": st.sampled_from(["dataset", "collection"]),
        "id": st.lists(st.sampled_from(["Tid", "Region", 3]), max_size=3),
    },
    optional={"dimension": json_value, "value": json_value, "status": json_value},
)


@fuzz
@given(data=st.one_of(dataset, json_value))
def test_the_json_stat_reader_never_crashes(data):
    import json

    folder = scratch()
    try:
        path = folder / "x.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        problems = Problems()
        table = read_table(path, ReadOptions(required=("value",)), problems)
        assert_located(problems, path)
        for row in table.rows if table else ():
            parse_number(row["value"])
    finally:
        shutil.rmtree(folder)


series_setting = st.sampled_from(
    [
        'value = "Andel"',
        'value_column = "D"',
        "value_column = 3",
        'value_column = "Z"',
        'entity = "Kommune"',
        "entity_column = 1",
        'entity_code = "4001"',
        'period = "År"',
        'period_column = "B"',
        'period_label = "År"',
        'filter = { Kommune = "Porsgrunn" }',
        'filter = { Andel = ["5", "8"] }',
        'exclude = { Kommune = "Skien" }',
        'aggregate = "sum"',
        'aggregate = "mean"',
        'aggregate = "last"',
        "scale = 100",
        "scale = 1e-300",
        "county_totals = true",
        "per_inhabitant = true",
    ]
)


@fuzz
@given(
    settings_=st.lists(series_setting, max_size=7, unique=True),
    raw=st.one_of(st.just(RAW), csv_text),
    extra=st.sampled_from(["", "header_row = 1", 'decimal = ","', 'format = "opensdg"', 'delimiter = ";"']),
)
def test_any_declared_series_over_any_table_gives_observations_or_located_problems(settings_, raw, extra):
    folder = scratch()
    try:
        path = folder / "sources.toml"
        path.write_text(SKELETON.format(extra, "\n".join(settings_)), encoding="utf-8")
        (folder / "raw.csv").write_text(raw, encoding="utf-8")
        problems = Problems()
        observations = read_sources(load_source_specs(path, problems), problems)
        assert_located(problems, path, folder / "raw.csv")
        assert all(o.value is None or (math.isfinite(o.value) and abs(o.value) < MAX_MAGNITUDE) for o in observations)
    finally:
        shutil.rmtree(folder)
