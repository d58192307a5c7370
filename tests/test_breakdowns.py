"""Leave no one behind: breakdowns read from files built like the real ones, the gap between groups, the
Porsgrunn report's breakdowns in both languages and their Open SDG disaggregation columns."""

import csv
import html
import re
from pathlib import Path

import pytest

from vlrgen.build.pipeline import check_projects
from vlrgen.inputs.dataset import Dataset, Indicator, Observation
from vlrgen.inputs.observations import load_dataset
from vlrgen.judge.breakdowns import breakdowns_of
from vlrgen.output.opensdg import export_opensdg
from vlrgen.problems import Location, Problems, format_problem

REPO = Path(__file__).resolve().parents[1]
CATALOGUE = """\
id,goal,name_nb,name_en,unit_nb,unit_en,direction,source_name_nb,source_name_en,breakdowns
x,1,X,X,%,%,lower,S,S,immigrant_category;sex
"""
# Like IMDi's imdikator files: long key-value layout, 2013 codes (0805 = Porsgrunn), "alle" the total.
IMDI = """\
"kommune_nr","innvkat_3","vreg_3","enhet","aar","tabellvariabel","tabell_navn"
"0805","alle","alle","prosent","2012","7.3","vedvarende_lavinntekt"
"0805","innvandrere","alle","prosent","2012","27","vedvarende_lavinntekt"
"0805","innvandrere","1","prosent","2012","18.8","vedvarende_lavinntekt"
"0805","befolkningen_ellers","alle","prosent","2012","5.7","vedvarende_lavinntekt"
"0805","alle","alle","prosent","2014","8.1","vedvarende_lavinntekt"
"0805","innvandrere","alle","prosent","2014","33.2","vedvarende_lavinntekt"
"0805","befolkningen_ellers","alle","prosent","2014",":","vedvarende_lavinntekt"
"0806","befolkningen_ellers","alle","prosent","2014","x1","vedvarende_lavinntekt"
"""
SOURCES = """\
[[source]]
file = "imdi.csv"
borders = "period"

[[source.series]]
indicator = "x"
entity = "kommune_nr"
period = "aar"
value = "tabellvariabel"
filter = {{ innvkat_3 = "alle", vreg_3 = "alle", enhet = "prosent" }}

[source.series.dimensions.innvkat_3]
dimension = "{dimension}"
values = {{ innvandrere = "immigrants", {rest} = "{code}" }}
"""


def read(tmp_path: Path, dimension="immigrant_category", rest="befolkningen_ellers", code="rest_of_population"):
    (tmp_path / "imdi.csv").write_text(IMDI)
    (tmp_path / "indicators.csv").write_text(CATALOGUE, encoding="utf-8")
    (tmp_path / "sources.toml").write_text(SOURCES.format(dimension=dimension, rest=rest, code=code))
    problems = Problems()
    dataset = load_dataset(tmp_path / "indicators.csv", None, problems, sources_path=tmp_path / "sources.toml")
    return dataset, [format_problem(p, tmp_path) for p in problems.sorted()]


def test_a_declared_dimension_keeps_the_groups_beside_the_total(tmp_path):
    dataset, problems = read(tmp_path)
    totals = {(o.entity, o.period): o.value for o in dataset.observations}
    assert totals == {("4001", 2012): 7.3, ("4001", 2014): 8.1}  # the totals are unchanged
    groups = dataset.groups("x", "4001")
    assert list(groups) == ["immigrant_category"]
    values = {g: [(o.period, o.value) for o in s] for g, s in groups["immigrant_category"].items()}
    assert values == {"immigrants": [(2012, 27.0), (2014, 33.2)], "rest_of_population": [(2012, 5.7), (2014, None)]}
    # a bad cell of a group's row is reported where it is; the catalogue's sex breakdown is missing
    assert any(p.startswith("imdi.csv:9:") and 'error[source.not_a_number]: "x1"' in p for p in problems)
    assert any("warning[data.breakdown_missing]" in p and "sex" in p for p in problems)
    assert not any("immigrant_category, but" in p for p in problems)


@pytest.mark.parametrize(
    ("dimension", "rest", "code", "expected"),
    [
        ("immigrant_categori", "befolkningen_ellers", "rest_of_population", "source.unknown_dimension"),
        ("immigrant_category", "befolkningen_elers", "rest_of_population", "source.unknown_group_value"),
        ("immigrant_category", "befolkningen_ellers", "the_rest", "source.unknown_group"),
    ],
)
def test_unknown_dimensions_groups_and_values_are_located_errors(tmp_path, dimension, rest, code, expected):
    _, problems = read(tmp_path, dimension, rest, code)
    found = [p for p in problems if expected in p]
    assert found and found[0].startswith("sources.toml:1"), problems  # at the series' dimensions (line 1x)
    if expected == "source.unknown_group_value":
        assert 'did you mean "befolkningen_ellers"?' in found[0]


def test_a_dimension_column_not_in_the_file_is_a_located_error(tmp_path):
    (tmp_path / "imdi.csv").write_text(IMDI)
    (tmp_path / "indicators.csv").write_text(CATALOGUE, encoding="utf-8")
    sources = SOURCES.format(dimension="immigrant_category", rest="befolkningen_ellers", code="all").replace(
        "dimensions.innvkat_3", "dimensions.kjonn"
    )
    (tmp_path / "sources.toml").write_text(sources)
    problems = Problems()
    load_dataset(tmp_path / "indicators.csv", None, problems, sources_path=tmp_path / "sources.toml")
    assert any(p.code == "source.missing_column" and "kjonn" in p.message for p in problems.errors)


def _obs(group: str, values: dict[int, float], dimension: str = "immigrant_category") -> list[Observation]:
    at = Location(Path("f.csv"), 1, 1)
    return [Observation("x", "4001", p, v, "", at, group=(dimension, group)) for p, v in values.items()]


def _indicator() -> Indicator:
    at = Location(Path("i.csv"), 2, 1)
    return Indicator("x", 1, (), {"en": "X"}, {"en": "%"}, 1, "lower", {"en": "S"}, "", "", "", "", {}, at)


def test_the_gap_between_groups_and_its_development():
    observations = _obs("immigrants", {2012: 27.0, 2013: 28.0, 2014: 33.2}) + _obs(
        "rest_of_population", {2012: 5.7, 2013: 6.3, 2014: 6.8}
    )
    dataset = Dataset({"x": _indicator()}, (), breakdowns=tuple(observations))
    (b,) = breakdowns_of(dataset, _indicator(), "4001")
    assert b.pair == ("immigrants", "rest_of_population")
    assert [round(g.value, 1) for g in b.gaps] == [21.3, 21.7, 26.4]
    assert b.development == "widened"
    shrinking = _obs("female", {2010: 82.8, 2024: 84.1}, "sex") + _obs("male", {2010: 77.5, 2024: 80.4}, "sex")
    (b,) = breakdowns_of(Dataset({}, (), breakdowns=tuple(shrinking)), _indicator(), "4001")
    assert b.pair == ("female", "male") and b.development == "narrowed"
    flipped = _obs("girls", {2016: 30.0, 2025: 20.0}, "sex") + _obs("boys", {2016: 25.0, 2025: 24.0}, "sex")
    (b,) = breakdowns_of(Dataset({}, (), breakdowns=tuple(flipped)), _indicator(), "4001")
    assert b.pair == ("girls", "boys") and b.development == "reversed"
    # crowded housing: immigrants against everyone (no "rest of the population" in the file)
    against_all = _obs("immigrants", {2024: 16.9}) + _obs("all", {2024: 6.6})
    (b,) = breakdowns_of(Dataset({}, (), breakdowns=tuple(against_all)), _indicator(), "4001")
    assert b.pair == ("immigrants", "all") and b.development == "single" and round(b.gaps[0].value, 1) == 10.3
    # one group alone is no breakdown
    assert breakdowns_of(Dataset({}, (), breakdowns=tuple(_obs("immigrants", {2024: 1.0}))), _indicator(), "4001") == ()


@pytest.fixture(scope="module")
def porsgrunn_html(example_build_html) -> Path:
    """Porsgrunn's report in the example's HTML build (the golden pages' build, made once per session)."""
    return example_build_html / "porsgrunn-2025"


SENTENCE = {
    "nb": re.compile(
        r"Blant (innvandrere|kvinner|jenter) var .+? i .+?, mot .+? – en forskjell på [\d,]+\s(prosentpoeng|år)"
    ),
    "en": re.compile(
        r"Among (immigrants|women|girls), .+? was .+? in .+?, against .+? – a gap of [\d.]+\s(percentage points|years)"
    ),
}


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_porsgrunn_report_shows_at_least_three_breakdowns_with_table_chart_and_gap_sentence(porsgrunn_html, lang):
    page = html.unescape((porsgrunn_html / lang / "index.html").read_text(encoding="utf-8"))
    blocks = re.findall(r'<section id="breakdown-[^"]+" class="breakdown".*?</section>', page, re.S)
    complete = [
        b
        for b in blocks
        if SENTENCE[lang].search(b) and "<svg" in b and "<desc" in b and 'class="chart-data"' in b and "−" in b
    ]
    assert len(complete) >= 3, len(complete)
    names = {
        "nb": ("Innvandrere", "Resten av befolkningen", "Kvinner", "Menn", "prosentpoeng"),
        "en": ("Immigrants", "Rest of the population", "Women", "Men", "percentage points"),
    }[lang]
    assert all(name in page for name in names)
    # the chart's description names every line, and the leave-no-one-behind section links every breakdown
    life = next(b for b in blocks if 'id="breakdown-life_expectancy-sex"' in b)
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", life, re.S)[1]
    assert all(g in desc for g in names[2:4])
    section = page[page.index('<section id="leave_no_one_behind"') :]
    section = section[: section.index("</section>")]
    assert section.count('href="#breakdown-') == len(blocks)


def test_open_sdg_export_writes_breakdowns_as_disaggregation_columns(tmp_path):
    projects, _ = check_projects([REPO / "content" / "porsgrunn"])
    export_opensdg(projects[0], tmp_path)
    with open(tmp_path / "data" / "indicator_1-persistent-low-income.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["Year", "Geography", "Immigrant category", "Value"]
    assert rows[0] == {"Year": "2012", "Geography": "", "Immigrant category": "", "Value": "7.3"}  # headline
    groups = {(r["Year"], r["Immigrant category"]): r["Value"] for r in rows if r["Geography"] == ""}
    assert groups[("2014", "Immigrants")] == "33.2" and groups[("2014", "Rest of the population")] == "6.8"
    with open(tmp_path / "data" / "indicator_3-life-expectancy.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert "Sex" in rows[0] and {"Women", "Men"} <= {r["Sex"] for r in rows}
    with open(tmp_path / "data" / "indicator_4-upper-secondary-completion.csv", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header == ["Year", "Geography", "Immigrant category", "Sex", "Value"]
