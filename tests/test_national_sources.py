"""Reading national files by configuration only: files built like the real ones (IMDi, FHI, NVE, NVDB,
election results), with periods, borders, names and merged or split municipalities declared, never coded."""

from pathlib import Path

import openpyxl

from vlrgen.inputs.entities import resolve_entity
from vlrgen.inputs.observations import load_dataset
from vlrgen.problems import Problems, format_problem

CATALOGUE = """\
id,goal,name_nb,name_en,unit_nb,unit_en,direction,source_name_nb,source_name_en
x,16,X,X,%,%,higher,S,S
"""


def load(folder: Path, sources: str, files: dict[str, str | bytes]):
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    (folder / "indicators.csv").write_text(CATALOGUE, encoding="utf-8")
    (folder / "sources.toml").write_text(sources, encoding="utf-8")
    problems = Problems()
    dataset = load_dataset(folder / "indicators.csv", None, problems, sources_path=folder / "sources.toml")
    values = {(o.entity, o.period): o.value for o in dataset.observations}
    return values, [format_problem(p, folder) for p in problems.sorted()], dataset


def series(extra: str, file: str = "f.csv", source: str = "") -> str:
    return f'[[source]]\nfile = "{file}"\n{source}\n[[source.series]]\nindicator = "x"\n{extra}\n'


def test_names_with_counties_of_any_structure_upper_case_and_changed_forms():
    cases = {
        "Våler (Hedmark)": "3419",
        "Våler (Østfold)": "3114",
        "Våler (Viken)": "3114",
        "Herøy (Nordland)": "1818",
        "Nes (Viken)": "3228",
        "Nes (Akershus)": "3228",
        "PORSGRUNN": "4001",
        "Voss": "4621",  # "Voss herad" since 2024
        "Snåase Snåsa": "5041",  # FHI writes bilingual names without the hyphen
        "Sande (Møre og Romsdal)": "1514",
        "Troms Romsa": "55",
    }
    assert {text: resolve_entity(text).code for text in cases} == cases
    # The unit of an earlier structure, read in that structure: part of a later merger, or later split.
    assert resolve_entity("Sande (Vestfold)", 2019, 2019).part
    assert resolve_entity("Sande (Vestfold)", 2019, 2019).code == "3903"
    assert resolve_entity("Tysfjord", 2015).split == "1850"
    assert resolve_entity("Hedmark", 2019, 2019).part  # a county of 2019, now part of Innlandet
    assert resolve_entity("Ålesund", 2022, 2022).split == "1507"
    assert resolve_entity("1507", 2022).split == "1507"


def test_a_name_for_a_split_unit_is_accepted_only_when_the_file_is_on_2024_borders(tmp_path):
    on_2024 = "Kommune,År,Verdi\nÅlesund,2022,1\nHaram,2022,2\nÅlesund,2024,3\n"
    values, problems, _ = load(
        tmp_path, series('entity = "Kommune"\nperiod = "År"\nvalue = "Verdi"'), {"f.csv": on_2024}
    )
    assert problems == []
    assert values == {("1508", 2022): 1.0, ("1580", 2022): 2.0, ("1508", 2024): 3.0}

    old = "Kommune,År,Verdi\nÅlesund,2022,1\nÅlesund,2024,3\n"
    values, problems, _ = load(tmp_path, series('entity = "Kommune"\nperiod = "År"\nvalue = "Verdi"'), {"f.csv": old})
    assert values == {("1508", 2024): 3.0}
    assert len(problems) == 1 and problems[0].startswith("f.csv:2:14: error[source.split_entity]: ")
    assert "Haram (1580)" in problems[0] and "1507" in problems[0]

    by_code = "Kommune,År,Verdi\n1507,2022,1\n"
    values, problems, _ = load(
        tmp_path, series('entity = "Kommune"\nperiod = "År"\nvalue = "Verdi"'), {"f.csv": by_code}
    )
    assert values == {} and "error[source.unknown_entity]: code 1507 was later split" in problems[0]


def test_fixed_period_entity_over_two_columns_sum_absent_and_per_inhabitant(tmp_path):
    # NVE's plant register: no period column, county number + municipality number, one row per plant.
    register = (
        "Vannkraftverk\n\nNavn;Type;Fylkesnr.;Kommunenr.;Maks ytelse [MW]\n"
        "A;Kraftverk;38;06;1,5;\nB;Kraftverk;38;06;0,5;\nC;Pumpe;38;05;9;\nD;Kraftverk;15;07;4;\n"
    )
    sources = series(
        'entity = ["Fylkesnr.", "Kommunenr."]\nvalue = "Maks ytelse [MW]"\nfilter = { Type = "Kraftverk" }\n'
        'aggregate = "sum"\nmerged = "leave_out"\nabsent = 0\n',
        source='borders = 2022\nperiod = 2022\ndecimal = ","',
    )
    values, problems, _ = load(tmp_path, sources, {"f.csv": register.encode("latin-1")})
    assert problems == []
    assert values[("4001", 2022)] == 2.0  # Porsgrunn (38 + 06 = 3806, 4001 since 2024): two plants added up
    assert values[("3909", 2022)] == 0  # Larvik (3805): a pump only, and pumps are not counted
    assert ("1508", 2022) not in values and ("1580", 2022) not in values  # Ålesund 1507 was split: no value, no zero
    assert values[("5001", 2022)] == 0  # Trondheim: no plant in the register
    assert len([k for k in values if len(k[0]) == 4]) == 355


def test_election_files_under_the_codes_of_their_year_add_up_merged_municipalities(tmp_path):
    rows = [
        "valgaar,nivaa,nr,antallsb,stemmer_total,source_file",
        "2017,kommune,0821,4500,3600,a",  # Bø (Telemark)    } Midt-Telemark (4020) since 2020
        "2017,kommune,0822,1700,1300,b",  # Sauherad         }
        "2017,kommune,0805,27000,20000,c",  # Porsgrunn: renumbered 3806 in 2020, 4001 in 2024
        "2017,kommune,1850,1400,1000,d",  # Tysfjord: split in 2020, left out
        "2017,kommune,0713,7000,5500,e",  # Sande (Vestfold), merged into Holmestrand with 0715, which is missing
        "2021,kommune,3817,6300,4700,f",  # Midt-Telemark
        "2021,land,0,3892507,3003290,data/2021/nasjonalt/norge/x.json",
        "2021,land,0,3891736,3003290,data/2021/nasjonalt/stortingsvalget/y.json",
    ]
    sources = series(
        'entity = "nr"\nperiod = "valgaar"\nvalue = "stemmer_total"\ndenominator = "antallsb"\nmerged = "sum"\n'
        'exclude = { source_file = "data/2021/nasjonalt/stortingsvalget/*" }\nscale = 100\n',
        source='borders = "period"',
    )
    values, problems, _ = load(tmp_path, sources, {"f.csv": "\n".join(rows) + "\n"})
    assert problems == []
    assert values[("4020", 2017)] == round(4900 / 6200 * 100, 10)
    assert values[("4001", 2017)] == round(20000 / 27000 * 100, 10)
    assert values[("4020", 2021)] == round(4700 / 6300 * 100, 10)
    assert values[("0", 2021)] == round(3003290 / 3892507 * 100, 10)
    assert ("1806", 2017) not in values and ("1875", 2017) not in values
    assert ("3903", 2017) not in values  # one part of two: no total that would look real but be too small


def test_shares_of_merged_municipalities_combine_through_their_counts_or_are_left_out(tmp_path):
    # IMDi's long layout: a share and the count behind it on two rows; "NULL" in unused code columns.
    rows = [
        "aar,kommune_nr,innvkat_3,enhet,tabellvariabel",
        "2014,0821,alle,personer,300",
        "2014,0821,alle,prosent,75",
        "2014,0822,alle,personer,100",
        "2014,0822,alle,prosent,50",
        "2014,0805,alle,personer,1822",
        '2014,0805,alle,prosent,"96,60657476"',
        "2014,0000,alle,personer,2649584",
        "2014,0000,alle,prosent,69.125",
        "2014,NULL,alle,prosent,12",
    ]
    counts = series(
        'entity = "kommune_nr"\nperiod = "aar"\nvalue = "tabellvariabel"\n'
        'filter = { innvkat_3 = "alle", enhet = "prosent" }\ncount_filter = { enhet = "personer" }\n'
        'merged = "counts"\nexclude = { kommune_nr = "NULL" }\n',
        source='borders = "period"\ndecimal = "either"',
    )
    files = {"f.csv": "\n".join(rows) + "\n"}
    values, problems, _ = load(tmp_path, counts, files)
    assert problems == []
    assert values[("4020", 2014)] == round(400 / (300 / 75 + 100 / 50), 10)  # 400 persons of a base of 600
    assert values[("4001", 2014)] == 96.60657476 and values[("0", 2014)] == 69.125
    leave_out = counts.replace('count_filter = { enhet = "personer" }\n', "").replace('"counts"', '"leave_out"')
    values, problems, _ = load(tmp_path, leave_out, files)
    assert problems == [] and ("4020", 2014) not in values and values[("4001", 2014)] == 96.60657476


def test_denominator_from_other_rows_and_placeholder_rows_of_other_structures(tmp_path):
    # IMDi's settlement file: every year lists the codes of several structures, most of them empty.
    rows = [
        "Enhet;År;Kommunenummer;Kommune;Bosetting;Antall",
        "Personer;2019;0805;;Anmodning om bosetting;20",
        "Personer;2019;0805;;Faktisk bosetting;15",
        "Personer;2019;3806;;Anmodning om bosetting;.",
        "Personer;2019;3806;;Faktisk bosetting;.",
        "Personer;2019;0102;;Faktisk bosetting;.",
        "Personer;2021;3806;;Anmodning om bosetting;40",
        "Personer;2021;3806;;Faktisk bosetting;50",
        "Personer;2021;0805;;Faktisk bosetting;.",
        "Personer;2021;2111;;Faktisk bosetting;0",
    ]
    sources = series(
        'entity = "Kommunenummer"\nperiod = "År"\nvalue = "Antall"\n'
        'filter = { Enhet = "Personer", Bosetting = "Faktisk bosetting" }\n'
        'denominator = { Bosetting = "Anmodning om bosetting" }\nmerged = "sum"\n'
        'exclude = { Kommunenummer = ["21*", "22*"] }\nscale = 100\n',
        source='borders = "period"',
    )
    values, problems, _ = load(tmp_path, sources, {"f.csv": "\n".join(rows).encode("latin-1")})
    assert problems == []
    assert values == {("4001", 2019): 75.0, ("4001", 2021): 125.0}


def fhi_webview(path: Path) -> None:
    """FHI's statistics bank export: title rows, periods in row 7 over the names in row 8, and place and
    age written on the first row of each block only."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Vaksinasjonsdekning - barnevaksinasjonprogrammet, 5-årige gjennomsnitt (B)"])
    for _ in range(5):
        sheet.append([])
    sheet.append(["År", None, None, "2013-2017", "2014-2018"])
    sheet.append(["Geografi", "Alder", "Vaksine mot ", None, None])
    sheet.append(["Hele landet", "9 år", "Meslinger", 95.5, 96])
    sheet.append([None, None, "Polio", 90, 91])
    sheet.append(["Porsgrunn", "9 år", "Meslinger", 95, 95.4])
    sheet.append(["Sande (Vestfold)", "9 år", "Meslinger", 93, 94])
    sheet.append(["Bydel Gamle Oslo", "9 år", "Meslinger", 80, 81])
    sheet.append(["Porsanger Porsángu Porsanki", "9 år", "Meslinger", "..", 97])
    sheet.append(["Hedmark", "9 år", "Meslinger", 96, 96])
    book.save(path)


def test_wide_fhi_export_with_a_two_row_header_filled_down_names_and_aliases(tmp_path):
    fhi_webview(tmp_path / "childhood.xlsx")
    sources = """[aliases]
"Porsanger Porsángu Porsanki" = "2020"

[[source]]
file = "childhood.xlsx"
header_row = [7, 8]
fill_down = ["Geografi", "Alder"]
borders = 2019

[[source.series]]
indicator = "x"
entity = "Geografi"
period_columns = ["2013-2017", "2014-2018"]
filter = { Alder = "9 år", "Vaksine mot" = "Meslinger" }
exclude = { Geografi = ["Bydel *", "* bydel"] }
merged = "leave_out"
"""
    values, problems, dataset = load(tmp_path, sources, {})
    assert problems == []
    assert values == {
        ("0", 2017): 95.5,
        ("0", 2018): 96.0,
        ("4001", 2017): 95.0,
        ("4001", 2018): 95.4,
        ("5622", 2017): None,  # ".." is missing, never zero
        ("5622", 2018): 97.0,
    }
    labels = {o.period_label for o in dataset.observations}
    assert labels == {"2013-2017", "2014-2018"}


def test_pooled_years_and_new_keys_are_checked(tmp_path):
    rows = "aar,kommune_nr,v\n2011_2013,0805,70.1\n"
    values, problems, dataset = load(
        tmp_path, series('entity = "kommune_nr"\nperiod = "aar"\nvalue = "v"', source="borders = 2013"), {"f.csv": rows}
    )
    assert problems == [] and values == {("4001", 2013): 70.1}
    assert dataset.observations[0].period_label == "2011-2013"
    bad = series('entity = "kommune_nr"\nperiod = "aar"\nvalue = "v"\nmerged = "all"', source='borders = "x"')
    _, problems, _ = load(tmp_path, bad, {"f.csv": rows})
    assert [p.split(": error")[1].split(":")[0] for p in problems] == ["[source.invalid]", "[source.invalid]"]
    assert "borders must be the year" in problems[0] and "merged must be one of" in problems[1]
