"""Declared data sources: real-world files in, located problems out, nothing silently dropped."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from vlrgen.cli import main
from vlrgen.inputs.observations import load_dataset
from vlrgen.problems import Problems, format_problem

CATALOGUE = """\
id,goal,targets,name_nb,name_en,unit_nb,unit_en,decimals,direction,source_name_nb,source_name_en
water,6,6.1,Drikkevann,Drinking water,%,%,1,higher,FHI,FHI
ghg,13,13.2,Utslipp,Emissions,t,t,2,lower,Miljødirektoratet,Norwegian Environment Agency
"""

ROWS = [
    ("Porsgrunn", "2022", "94.2"),
    ("PORSGRUNN", "2023", "96.25"),
    ("Hele landet", "2023", "1234.5"),
    ("4005", "2023", ".."),
    ("Telemark", "2023", "88"),
]


def write_variant(folder: Path, encoding: str, delimiter: str, decimal: str) -> Path:
    """The same table written the ways Excel users produce it, with a title row above the header."""
    lines = [
        f"Drikkevannskvalitet – tabell fra Kommunehelsa{delimiter}{delimiter}",
        delimiter.join(["Område", "År", "Andel (prosent)"]),
    ]
    for place, year, value in ROWS:
        if value != "..":
            value = value.replace(".", decimal) + " %"
            value = f'"{value}"' if delimiter in value else value
        lines.append(delimiter.join([place, year, value]))
    path = folder / f"water-{encoding}-{ord(delimiter)}-{ord(decimal)}.csv"
    path.write_bytes("\r\n".join(lines).encode(encoding))
    return path


def load(folder: Path, sources: str, catalogue: str = CATALOGUE):
    (folder / "indicators.csv").write_text(catalogue, encoding="utf-8")
    (folder / "sources.toml").write_text(sources, encoding="utf-8")
    problems = Problems()
    dataset = load_dataset(folder / "indicators.csv", None, problems, sources_path=folder / "sources.toml")
    return dataset, [format_problem(p, folder) for p in problems.sorted()]


def water_source(file: str, extra: str = "") -> str:
    return f'''[[source]]
file = "{file}"
{extra}
[[source.series]]
indicator = "water"
entity = "Område"
period = "År"
value = "Andel (prosent)"
'''


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("delimiter", [",", ";"])
@pytest.mark.parametrize("decimal", [".", ","])
def test_same_data_in_any_encoding_separator_and_decimal_mark_gives_identical_observations(
    tmp_path, encoding, delimiter, decimal
):
    path = write_variant(tmp_path, encoding, delimiter, decimal)
    dataset, problems = load(tmp_path, water_source(path.name))
    assert problems == []
    assert sorted((o.entity, o.period, o.value or 0) for o in dataset.observations) == sorted(
        [("4001", 2022, 94.2), ("4001", 2023, 96.25), ("0", 2023, 1234.5), ("4005", 2023, 0), ("40", 2023, 88.0)]
    )
    assert next(o for o in dataset.observations if o.entity == "4005").value is None  # ".." is missing, not zero


def test_bad_cell_unknown_municipality_and_missing_column_are_three_located_problems(tmp_path):
    (tmp_path / "water.csv").write_text("Område;År;Andel\nPorsgrunn;2023;9x,1\nPorsgrun;2023;95,0\n", encoding="utf-8")
    (tmp_path / "ghg.csv").write_text("Kommune,År,Sektor\nNotodden,2023,Veitrafikk\n", encoding="utf-8")
    sources = (
        water_source("water.csv").replace('"Andel (prosent)"', '"Andel"')
        + """
[[source]]
file = "ghg.csv"

[[source.series]]
indicator = "ghg"
entity = "Kommune"
period = "År"
value = "Utslipp"
"""
    )
    _, problems = load(tmp_path, sources)
    assert problems == [
        'ghg.csv:1:1: error[source.missing_column]: column "Utslipp" is not in the header '
        "(hint: columns found: Kommune, År, Sektor)",
        'water.csv:2:16: error[source.not_a_number]: "9x,1" is not a number (column Andel) '
        "(hint: a missing value may be empty, .., : or -)",
        'water.csv:3:1: error[source.unknown_entity]: "Porsgrun" is not a known municipality, county or the nation '
        '(hint: did you mean "Porsgrunn"?)',
    ]


def test_check_command_exits_1_on_source_problems(tmp_path, make_project):
    project = make_project(
        {
            "vlrgen.toml": __import__("conftest").CONFIG.replace(
                'observations = "data/observations.csv"', 'sources = "data/sources.toml"'
            ),
            "data/sources.toml": water_source("water.csv").replace("water", "water", 1),
            "data/water.csv": "Område,År,Andel (prosent)\nPorsgrun,2023,95\n",
        }
    )
    result = CliRunner().invoke(main, ["check", str(project)])
    assert result.exit_code == 1 and 'did you mean "Porsgrunn"?' in result.output


def test_periods_fractions_aggregation_county_totals_and_per_inhabitant(tmp_path):
    (tmp_path / "ghg.csv").write_text(
        "Kommune,År,Sektor,Utslipp\n"
        + "".join(
            f"{m},2024,{s},{v}\n"
            for m, s, v in [
                ("Porsgrunn", "Veitrafikk", "1000"),
                ("Porsgrunn", "Jordbruk", "500"),
                ("Notodden", "Veitrafikk", "300"),
            ]
        ),
        encoding="utf-8",
    )
    sources = """[[source]]
file = "ghg.csv"

[[source.series]]
indicator = "ghg"
entity = "Kommune"
period = "År"
value = "Utslipp"
aggregate = "sum"
per_inhabitant = true
"""
    dataset, problems = load(tmp_path, sources)
    assert problems == []
    values = {(o.entity, o.period): o.value for o in dataset.observations}
    assert values[("4001", 2024)] == pytest.approx(1500 / 37193)
    assert values[("4005", 2024)] == pytest.approx(300 / 13266)
    assert ("40", 2024) not in values  # county totals only when asked, and only when all 17 are there


def test_rolling_periods_school_years_dates_and_historic_codes(tmp_path):
    (tmp_path / "f.csv").write_text(
        "Kode,Periode,Verdi\n0805,2004-2010,0.5\nK-4005,2019/2020,0.25\n3806,2021-01-01,0.75\n0709,2016,0.5\n",
        encoding="utf-8",
    )
    sources = """[[source]]
file = "f.csv"

[[source.series]]
indicator = "water"
entity = "Kode"
period = "Periode"
value = "Verdi"
scale = 100
"""
    dataset, problems = load(tmp_path, sources)
    assert sorted((o.entity, o.period, o.value, o.period_label) for o in dataset.observations) == [
        ("3909", 2016, 50.0, ""),
        ("4001", 2010, 50.0, "2004-2010"),
        ("4001", 2021, 75.0, ""),
        ("4005", 2020, 25.0, "2019/2020"),
    ]
    # 0805 and 3806 were only new numbers for Porsgrunn: nothing to say. In 2016 Larvik (0709) was one of
    # two municipalities now in 3909, so its value is not the whole of today's Larvik: the author is told.
    assert problems == [
        "f.csv:5:1: warning[source.entity_mapped]: code 0709 was in 2016 one of several units now merged into 3909"
    ]


def test_duplicates_need_a_filter_or_aggregate_and_filters_must_match(tmp_path):
    (tmp_path / "f.csv").write_text(
        "Kommune,År,Kjønn,Andel\nNotodden,2023,Menn,1\nNotodden,2023,Kvinner,2\n", encoding="utf-8"
    )
    base = water_source("f.csv").replace('"Område"', '"Kommune"').replace('"Andel (prosent)"', '"Andel"')
    _, problems = load(tmp_path, base)
    assert problems == [
        "f.csv:3:23: error[source.duplicate]: 2 rows give water for 4005 in 2023 (first on line 2) "
        '(hint: add a filter to keep one row, or set aggregate = "sum", "mean" or "last")'
    ]
    _, problems = load(tmp_path, base + 'filter = { "Kjønn" = "Begge" }\n')
    assert problems == [
        'sources.toml:9:1: error[source.filter_matches_nothing]: no row of f.csv has Kjønn = "Begge" '
        "(hint: check the spelling in the file)"
    ]


def test_unknown_keys_in_the_sources_file_are_located(tmp_path):
    _, problems = load(tmp_path, water_source("missing.csv").replace("period =", "perod ="))
    assert problems == [
        "sources.toml:2:1: error[source.missing_file]: file missing.csv does not exist",
    ]
    (tmp_path / "w.csv").write_text("Område,År,Andel (prosent)\n", encoding="utf-8")
    _, problems = load(tmp_path, water_source("w.csv").replace("period =", "perod ="))
    assert problems == [
        'sources.toml:4:1: error[source.invalid]: series needs period = "…" (a column name, or a year) '
        'or period_column = "C" (its place)',
        'sources.toml:7:1: error[source.unknown_key]: unknown series setting "perod" (hint: did you mean "period"?)',
    ]


def test_xlsx_sheet_and_range_with_cell_locations(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data"
    sheet["A1"] = "Tabell 1: drikkevann"
    sheet.append([])
    sheet.append(["Kommune", "År", "Andel"])
    sheet.append(["Porsgrunn", 2023, 0.942])
    sheet.append(["Notodden", 2023, "høy"])
    book.save(tmp_path / "water.xlsx")
    sources = (
        water_source("water.xlsx", 'sheet = "Data"\nrange = "A3:C10"\n')
        .replace('"Område"', '"Kommune"')
        .replace('"Andel (prosent)"', '"Andel"')
        + "scale = 100\n"
    )
    dataset, problems = load(tmp_path, sources)
    assert [(o.entity, o.value) for o in dataset.observations] == [("4001", 94.2)]
    assert problems == [
        'water.xlsx:Data!C5: error[source.not_a_number]: "høy" is not a number (column Andel) '
        "(hint: a missing value may be empty, .., : or -)"
    ]


def test_open_sdg_layout_uses_the_headline_rows(tmp_path):
    (tmp_path / "indicator_6-1-1.csv").write_text(
        "Year,Sex,Value\n2020,,90.5\n2020,Female,91\n2021,,92\n", encoding="utf-8"
    )
    sources = """[[source]]
file = "indicator_6-1-1.csv"
format = "opensdg"

[[source.series]]
indicator = "water"
entity_code = "4001"
"""
    dataset, problems = load(tmp_path, sources)
    assert problems == []
    assert [(o.entity, o.period, o.value) for o in dataset.observations] == [("4001", 2020, 90.5), ("4001", 2021, 92.0)]


def test_a_sum_over_rows_with_a_missing_value_is_missing_not_too_small(tmp_path):
    (tmp_path / "s.csv").write_text(
        "Kommune;År;Sektor;Utslipp\nPorsgrunn;2023;Industri;..\nPorsgrunn;2023;Veitrafikk;50,5\n"
        "Notodden;2023;Veitrafikk;10\n",
        encoding="utf-8",
    )
    sources = (
        '[[source]]\nfile = "s.csv"\n\n[[source.series]]\nindicator = "ghg"\nentity = "Kommune"\nperiod = "År"\n'
        'value = "Utslipp"\naggregate = "sum"\n'
    )
    dataset, problems = load(tmp_path, sources)
    assert {o.entity: o.value for o in dataset.observations} == {"4001": None, "4005": 10.0}
    assert problems == [
        "s.csv:2:25: warning[source.incomplete_total]: ghg for 4001 in 2023 is left missing: some of the "
        "rows to sum have no value"
    ]


def test_mac_line_endings_utf16_and_a_wrong_header_row_are_handled(tmp_path):
    (tmp_path / "mac.csv").write_bytes(b"Omr\xc3\xa5de;\xc3\x85r;Andel (prosent)\rPorsgrunn;2023;94,2\r")
    dataset, problems = load(tmp_path, water_source("mac.csv"))
    assert problems == [] and [o.value for o in dataset.observations] == [94.2]
    (tmp_path / "u16.csv").write_bytes("Område\tÅr\tAndel (prosent)\r\nNotodden\t2023\t95,5\r\n".encode("utf-16"))
    dataset, problems = load(tmp_path, water_source("u16.csv"))
    assert problems == [] and [(o.entity, o.value) for o in dataset.observations] == [("4005", 95.5)]
    _, problems = load(tmp_path, water_source("mac.csv", "header_row = 2\n"))
    assert any(
        p.startswith('mac.csv:2:1: error[source.missing_column]: column "Område" is not in the header')
        for p in problems
    )


def test_ambiguous_names_split_codes_and_ssb_markers(tmp_path):
    (tmp_path / "f.csv").write_text(
        "Sted,År,Andel (prosent)\nHerøy,2023,1\nHerøy (Nordland),2023,2\n38,2023,3\nNotodden,2023,.\n", encoding="utf-8"
    )
    dataset, problems = load(tmp_path, water_source("f.csv").replace('"Område"', '"Sted"'))
    assert [(o.entity, o.value) for o in dataset.observations] == [("1818", 2.0), ("4005", None)]
    assert [p.split(": error[")[0] for p in problems] == ["f.csv:2:1", "f.csv:4:1"]
    assert "the name of more than one municipality: 1515" in problems[0]
    assert "code 38 was later split" in problems[1]


def test_xlsx_percent_cells_and_formulas_without_results(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Kommune", "År", "Andel"])
    sheet.append(["Porsgrunn", 2023, 0.942])
    sheet["C2"].number_format = "0.0%"
    sheet.append(["Notodden", 2023, "=B3/100"])
    book.save(tmp_path / "p.xlsx")
    sources = water_source("p.xlsx").replace('"Område"', '"Kommune"').replace('"Andel (prosent)"', '"Andel"')
    dataset, problems = load(tmp_path, sources)
    assert [(o.entity, o.value) for o in dataset.observations] == [("4001", 94.2), ("4005", None)]
    assert problems == [
        "p.xlsx:Sheet!C3: error[source.formula_without_result]: the formula =B3/100 has no stored result "
        "(hint: open the file in Excel or LibreOffice and save it, so the results are stored)"
    ]


def test_sources_file_shape_mistakes_are_problems_not_crashes(tmp_path):
    (tmp_path / "w.csv").write_text("Område,År,Andel (prosent)\n", encoding="utf-8")
    single = water_source("w.csv").replace("[[source.series]]", "[source.series]")
    _, problems = load(tmp_path, single)
    assert problems == [
        "sources.toml:1:1: error[source.invalid]: write each series as a [[source.series]] table (two brackets)"
    ]
    _, problems = load(tmp_path, water_source("w.csv", "delimiter = 5\n") + 'filter = "x"\n')
    assert [p.split("error[")[1].split("]")[0] for p in problems] == ["source.invalid", "source.invalid"]


def test_monthly_periods_and_mean(tmp_path):
    (tmp_path / "nav.csv").write_text(
        "Geografisk enhet,Dato,Andel\nPorsgrunn,2024-01-01,0.03\nPorsgrunn,2024-02-01,0.02\nPorsgrunn,2025M01,0.04\n",
        encoding="utf-8",
    )
    sources = (
        water_source("nav.csv")
        .replace('"Område"', '"Geografisk enhet"')
        .replace('"År"', '"Dato"')
        .replace('"Andel (prosent)"', '"Andel"')
        + 'aggregate = "mean"\nscale = 100\n'
    )
    dataset, problems = load(tmp_path, sources)
    assert problems == []
    assert [(o.period, round(o.value, 6)) for o in dataset.observations] == [(2024, 2.5), (2025, 4.0)]


def test_source_files_read_in_parts_give_the_same_series_and_problems_in_the_same_order(monkeypatch):
    """A cold build reads the national library's files in parts in its worker processes (inputs.series
    spread_reading): the parts are put back together exactly as one reading in order would give them."""
    import vlrgen
    from vlrgen.inputs import series
    from vlrgen.inputs.sources import load_source_specs

    folder = Path(vlrgen.__file__).parent / "library" / "national"
    specs = load_source_specs(folder / "sources.toml", Problems(), (folder,))
    small = [s for s in specs if s.path.stat().st_size < 150_000][:12]  # a quick subset, CSV and XLSX
    assert len(small) >= 8 and {s.path.suffix for s in small} >= {".csv"}
    whole = Problems()
    expected = series.read_sources(small, whole)
    assert len({o.location.path for o in expected}) >= 8  # series from every file, in the files' order

    calls = []

    def spread(function, parts, costs):  # read the parts last first, hand the results back in the parts' order
        assert len(costs) == len(parts) and all(cost > 0 for cost in costs)
        calls.append([len(p) for p in parts])
        done = {i: function(part) for i, part in reversed(list(enumerate(parts)))}
        return [done[i] for i in range(len(parts))]

    monkeypatch.setattr(series, "_SPREAD_FROM", 2)
    parted = Problems()
    with series.spread_reading(spread, 4):
        got = series.read_sources(small, parted)
    assert calls and len(calls[0]) > 1 and sum(calls[0]) == len(small)
    assert got == expected
    assert [(p.code, p.location, p.message) for p in parted.items] == [
        (p.code, p.location, p.message) for p in whole.items
    ]
    assert series.read_sources(small, Problems()) == expected  # outside the block: read here, in order


def test_a_second_filter_after_one_that_matches_nothing_is_still_checked(tmp_path):
    (tmp_path / "f.csv").write_text(
        "Kommune,År,Kjønn,Alder,Andel\nNotodden,2023,Menn,Alle,1\nNotodden,2023,Kvinner,Alle,2\n", encoding="utf-8"
    )
    base = water_source("f.csv").replace('"Område"', '"Kommune"').replace('"Andel (prosent)"', '"Andel"')
    _, problems = load(tmp_path, base + 'filter = { "Kjønn" = "Begge", "Alder" = "Alle" }\n')
    assert [p.split(": ")[1].split("]")[0] for p in problems] == [
        "error[source.filter_matches_nothing",
        "error[source.filter_matches_nothing",
    ]
