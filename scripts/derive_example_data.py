"""Derive the example indicator data (content/data/*.csv) from the copied Telemark source files.

Reads only content/data/sources/*.csv and src/vlrgen/reference/norway_municipalities_2024.csv and
writes content/data/observations.csv (tidy values) and content/data/indicators.csv (the bilingual
catalogue). Shares stored as fractions are converted to percent; missing or suppressed source values
(empty, ":") give no row. Deterministic: the same input always gives byte-identical output.
Run from anywhere: python scripts/derive_example_data.py [OUTPUT_DIR]
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path
from typing import NamedTuple

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "content" / "data" / "sources"
MUNICIPALITIES = ROOT / "src" / "vlrgen" / "reference" / "norway_municipalities_2024.csv"
OUTPUT = ROOT / "content" / "data"
COUNTY = "40"  # Telemark (2024 borders)
MISSING = {"", ":", ".."}  # empty cell or SSB/FHI symbol for a suppressed value
FHI = ("FHI, Kommunehelsa statistikkbank", "Norwegian Institute of Public Health (FHI), Kommunehelsa statistics bank")
FHI_URL = "https://statistikk.fhi.no/kh"
GHG_SOURCE = ("Miljødirektoratet, Klimagassutslipp i kommuner; SSB tabell 07459 (folketall)",
              "Norwegian Environment Agency, Greenhouse gas emissions in municipalities; Statistics Norway table 07459 (population)")
GHG_URL = "https://www.miljodirektoratet.no/tjenester/klimagassutslipp-kommuner/"


class Series(NamedTuple):
    """How to read one published indicator from one source file."""
    file: str
    filters: dict[str, str]
    entity_column: str
    value_column: str
    scale: float  # 100 turns a fraction into percent
    label_column: str | None = None  # published multi-year period text, if any


SERIES: dict[str, Series] = {
    "drinking_water_quality": Series("drinking_water_quality_telemark.csv", {
        "Parameter": "hygienisk kvalitet og leveringsstabilitet", "Måltall": "prosent"}, "Kommune", "Andel", 100),
    "life_expectancy": Series("life_expectancy_7yr_telemark.csv", {
        "Kjønn": "Kjønn samlet", "Alder": "Ved fødsel", "Utdanningsnivå": "alle utdanningsnivåer"},
        "Kommune", "Antall", 1, "År (intervall)"),
    "crowded_housing": Series("overcrowded_housing_telemark.csv", {
        "Innvandringsbakgrunn": "totalt", "Alder": "alle aldre"}, "Geografi", "Andel", 100),
    "kindergarten_coverage": Series("kindergarten_coverage_telemark.csv", {}, "Kommune", "Andel", 100),
    "measles_vaccination": Series("child_vaccination_coverage_telemark.csv", {
        "Vaksine mot": "Meslinger", "Alder": "9 år", "Kjønn": "Kjønn samlet"}, "Kommune", "Andel", 100, "År (intervall)"),
    "low_income_immigrants": Series("low_income_by_immigrant_category_telemark.csv", {
        "Innvandringskategori": "Innvandrere", "Alder": "25 år +", "Lavinntektsgrense": "EU 60"},
        "Geografi", "Andel", 1, "År"),
    "wellbeing_grade10": Series("wellbeing_grade10_telemark.csv", {
        "Kjønn": "Kjønn samlet", "Klassetrinn": "10. trinn"}, "Kommune", "Andel", 100, "Skoleår"),
    "bullying_grade7": Series("bullying_grade7_telemark.csv", {
        "Kjønn": "Kjønn samlet", "Klassetrinn": "7. trinn"}, "Kommune", "Andel", 100, "Skoleår"),
    "overweight_age17": Series("overweight_obesity_age17_telemark.csv", {
        "Kjønn": "Kjønn samlet", "Alder": "17 år"}, "Kommune", "Andel", 100, "År (intervall)"),
}

CATALOGUE_COLUMNS = ("id", "goal", "targets", "name_nb", "name_en", "unit_nb", "unit_en", "decimals", "direction",
                     "source_name_nb", "source_name_en", "source_url", "framework_ref", "sdg_relation",
                     "sdg_indicator", "definition_nb", "definition_en")
ASSESSMENT_COLUMNS = ("best", "worst", "green", "red", "target", "target_year", "threshold_origin",
                      "threshold_note_nb", "threshold_note_en")
EXAMPLE_NOTE = ("Eksempelterskler satt for å vise verktøyet, ikke vedtatt av kommunen.",
                "Example thresholds set to demonstrate the tool, not adopted by the municipality.")
# Judgement parameters, not data: SDSN-style thresholds (best, worst, green, red), an optional local
# target (value, year), where they come from and why. "example" means chosen for this demonstration.
ASSESSMENT: dict[str, tuple] = {
    "ghg_per_capita": (0, 20, 2, 6, "", "", "example",
        ("Eksempelterskler: grønn ved 2 tonn og rød over 6 tonn CO₂-ekv. per innbygger. " + EXAMPLE_NOTE[0],
         "Example thresholds: green at 2 tonnes and red above 6 tonnes CO₂e per inhabitant. " + EXAMPLE_NOTE[1])),
    "ghg_road_per_capita": (0, 3, 0.5, 1.5, 1.0, 2030, "example",
        ("Eksempelmål på 1,0 tonn per innbygger i 2030, i retning av det nasjonale målet om å halvere utslippene fra "
         "transport innen 2030; tallet er satt for eksempelet. " + EXAMPLE_NOTE[0],
         "Example target of 1.0 tonne per inhabitant in 2030, in the direction of the national aim of halving "
         "transport emissions by 2030; the figure is set for this example. " + EXAMPLE_NOTE[1])),
    "drinking_water_quality": (100, 50, 99, 90, "", "", "example",
        ("Drikkevannsforskriften krever trygt drikkevann for alle; tersklene (grønn fra 99 %, rød under 90 %) er satt "
         "for eksempelet.", "The Norwegian drinking water regulations require safe water for everyone; the thresholds "
         "(green from 99%, red below 90%) are set for this example.")),
    "life_expectancy": (83, 54, 80, 70, "", "", "sdsn_practice",
        ("Terskler etter SDSN-dashboardets praksis for forventet levealder (grønn fra 80 år, rød under 70 år); "
         "kontroller mot siste SDSN-rapport før publisering.",
         "Thresholds following SDSN dashboard practice for life expectancy (green from 80 years, red below 70 "
         "years); check against the latest SDSN report before publishing.")),
    "crowded_housing": (0, 25, 5, 12, "", "", "example", EXAMPLE_NOTE),
    "kindergarten_coverage": (100, 70, 95, 85, 97, 2030, "example",
        ("Eksempelmål: 97 % barnehagedekning i 2030. " + EXAMPLE_NOTE[0],
         "Example target: 97% kindergarten coverage in 2030. " + EXAMPLE_NOTE[1])),
    "measles_vaccination": (100, 80, 95, 90, "", "", "national_target",
        ("Grønn terskel er målet om minst 95 % vaksinasjonsdekning mot meslinger (FHI og WHO); rød terskel "
         "(90 %) er satt for eksempelet.", "The green threshold is the target of at least 95% measles vaccination "
         "coverage (FHI and WHO); the red threshold (90%) is set for this example.")),
    "low_income_immigrants": (0, 40, 10, 25, "", "", "example", EXAMPLE_NOTE),
    "wellbeing_grade10": (100, 50, 90, 75, "", "", "example", EXAMPLE_NOTE),
    "bullying_grade7": (0, 20, 3, 8, "", "", "example", EXAMPLE_NOTE),
    "overweight_age17": (5, 40, 15, 25, "", "", "example", EXAMPLE_NOTE),
}
PCT = ("%", "%")
# id, goal, targets, (name nb, en), (unit nb, en), decimals, direction, (source nb, en), url,
# framework_ref, sdg_relation, sdg_indicator, (definition nb, en)
CATALOGUE: list[tuple] = [
    ("ghg_per_capita", 13, "13.2", ("Klimagassutslipp per innbygger", "Greenhouse gas emissions per inhabitant"),
     ("tonn CO₂-ekv. per innbygger", "tonnes CO₂e per inhabitant"), 1, "lower", GHG_SOURCE, GHG_URL,
     "U4SSC EN:EN:AQ:2C", "adapted", "13.2.2",
     ("Direkte klimagassutslipp i kommunen, summert over alle sektorer og utslippskilder (tonn CO₂-ekvivalenter), delt på folketallet 1. januar samme år; Telemark er summen for de 17 kommunene delt på deres samlede folketall.",
      "Direct greenhouse gas emissions within the municipality, summed over all sectors and emission sources (tonnes CO₂-equivalent), divided by the population on 1 January of the same year; Telemark is the sum for its 17 municipalities divided by their total population.")),
    ("ghg_road_per_capita", 13, "13.2;11.6", ("Klimagassutslipp fra veitrafikk per innbygger", "Greenhouse gas emissions from road traffic per inhabitant"),
     ("tonn CO₂-ekv. per innbygger", "tonnes CO₂e per inhabitant"), 2, "lower", GHG_SOURCE, GHG_URL,
     "KS Utslipp av klimagasser i kommuner og fylker: 1001", "proxy", "13.2.2",
     ("Klimagassutslipp fra sektoren «Veitrafikk» (personbiler, varebiler, tunge kjøretøy og busser, tonn CO₂-ekvivalenter) delt på folketallet 1. januar samme år; Telemark er summen for de 17 kommunene delt på deres samlede folketall.",
      "Greenhouse gas emissions from the sector «Veitrafikk» (road traffic: cars, vans, heavy vehicles and buses, tonnes CO₂-equivalent) divided by the population on 1 January of the same year; Telemark is the sum for its 17 municipalities divided by their total population.")),
    ("drinking_water_quality", 6, "6.1", ("Hygienisk og stabil drikkevannsforsyning", "Safe and stable drinking water supply"),
     PCT, 1, "higher", (f"{FHI[0]} (drikkevannsforsyning)", f"{FHI[1]} (drinking water supply)"), FHI_URL,
     "JRC 2022: 2805", "adapted", "6.1.1",
     ("Andel personer tilknyttet vannverk med tilfredsstillende analyseresultater for både hygienisk kvalitet og leveringsstabilitet (parameter «hygienisk kvalitet og leveringsstabilitet»), per år.",
      "Share of people connected to waterworks with satisfactory results for both hygienic quality and delivery stability (parameter «hygienisk kvalitet og leveringsstabilitet»), per year.")),
    ("life_expectancy", 3, "3.4", ("Forventet levealder ved fødsel", "Life expectancy at birth"),
     ("år", "years"), 1, "higher", (f"{FHI[0]} (forventet levealder)", f"{FHI[1]} (life expectancy)"), FHI_URL,
     "U4SSC SC:EH:H:1C", "local", "",
     ("Forventet levealder ved fødsel, kjønn samlet, alle utdanningsnivåer, for sjuårige perioder (f.eks. 2018-2024) ført på periodens siste år.",
      "Life expectancy at birth, both sexes (Kjønn samlet), all education levels, for 7-year periods (e.g. 2018-2024) recorded under the last year of the period.")),
    ("crowded_housing", 11, "11.1", ("Andel som bor trangt", "Share of people living in crowded housing"),
     PCT, 1, "lower", (f"{FHI[0]} (trangboddhet); SSB boforholdsstatistikk", f"{FHI[1]} (crowded housing); Statistics Norway housing statistics"),
     FHI_URL, "", "proxy", "11.1.1",
     ("Andel personer i alle aldre (innvandringsbakgrunn «totalt») i privathusholdninger som bor trangt etter SSBs definisjon (færre rom enn personer eller én person på ett rom, og under 25 m² per person), per år.",
      "Share of people of all ages (immigrant background «totalt», i.e. everyone) in private households living in crowded conditions by Statistics Norway's definition (fewer rooms than persons or one person in one room, and less than 25 m² per person), per year.")),
    ("kindergarten_coverage", 4, "4.2", ("Barnehagedekning, 1-5 år", "Kindergarten coverage, children aged 1-5"),
     PCT, 1, "higher", ("SSB tabell 13502 (Utvalgte nøkkeltall for barnehager, KOSTRA)", "Statistics Norway table 13502 (Selected key figures for kindergartens, KOSTRA)"),
     "https://www.ssb.no/statbank/table/13502", "JRC 2022: 2798", "adapted", "4.2.2",
     ("Andel barn 1-5 år i barnehage i forhold til innbyggere 1-5 år, per år; kildefilen avkorter verdier over 100 % til 100 %.",
      "Children aged 1-5 in kindergarten as a share of all residents aged 1-5, per year; the source file caps values above 100 % at 100 %.")),
    ("measles_vaccination", 3, "3.b", ("Vaksinasjonsdekning mot meslinger, 9-åringer", "Measles vaccination coverage, 9-year-olds"),
     PCT, 1, "higher", (f"{FHI[0]} (vaksinasjonsdekning, SYSVAK)", f"{FHI[1]} (vaccination coverage, SYSVAK)"), FHI_URL,
     "KS Kommunehelsa-statistikkbank: 1270", "adapted", "3.b.1",
     ("Andel 9-åringer (kjønn samlet) vaksinert mot meslinger i barnevaksinasjonsprogrammet, for femårige perioder (f.eks. 2020-2024) ført på periodens siste år; bare kommunetall.",
      "Share of 9-year-olds (both sexes) vaccinated against measles in the childhood immunisation programme, for 5-year periods (e.g. 2020-2024) recorded under the last year; municipalities only.")),
    ("low_income_immigrants", 10, "10.2;1.2", ("Innvandrere med vedvarende lavinntekt", "Immigrants in persistent low income"),
     PCT, 1, "lower", (f"{FHI[0]} (vedvarende lavinntekt etter innvandringskategori)", f"{FHI[1]} (persistent low income by immigrant category)"),
     FHI_URL, "JRC 2022: 2720", "proxy", "10.2.1",
     ("Andel innvandrere 25 år og eldre i husholdninger med vedvarende lavinntekt (under 60 % av medianinntekten, EU-skala, «EU 60») over treårige perioder (f.eks. 2021-2023) ført på periodens siste år.",
      "Share of immigrants aged 25 and over living in households with persistent low income (below 60 % of median income, EU scale, «EU 60») over 3-year periods (e.g. 2021-2023) recorded under the last year.")),
    ("wellbeing_grade10", 4, "4.a;3.4", ("Trivsel på skolen, 10. trinn", "Well-being at school, grade 10"),
     PCT, 1, "higher", (f"{FHI[0]} (trivsel, Elevundersøkelsen)", f"{FHI[1]} (well-being, Pupil Survey)"), FHI_URL,
     "KS Kommunehelsa-statistikkbank: 1167", "local", "",
     ("Kjønnsstandardisert andel elever på 10. trinn som trives godt eller svært godt på skolen (Elevundersøkelsen), kjønn samlet, for treårige perioder (f.eks. 2021/22-2023/24) ført på året i FHIs År-kolonne.",
      "Sex-standardised share of grade-10 pupils who enjoy school well or very well (Pupil Survey), both sexes, for 3-school-year periods (e.g. 2021/22-2023/24) recorded under the year in FHI's År column.")),
    ("bullying_grade7", 16, "16.2;4.a", ("Mobbing, 7. trinn", "Bullying, grade 7"),
     PCT, 1, "lower", (f"{FHI[0]} (mobbing, Elevundersøkelsen)", f"{FHI[1]} (bullying, Pupil Survey)"), FHI_URL,
     "KS Kommunehelsa-statistikkbank: 1171", "local", "",
     ("Standardisert andel elever på 7. trinn som oppgir at de blir mobbet på skolen (Elevundersøkelsen), kjønn samlet, for treårige perioder (f.eks. 2021/22-2023/24) ført på året i FHIs År-kolonne.",
      "Standardised share of grade-7 pupils who report being bullied at school (Pupil Survey), both sexes, for 3-school-year periods (e.g. 2021/22-2023/24) recorded under the year in FHI's År column.")),
    ("overweight_age17", 2, "2.2;3.4", ("Overvekt og fedme, 17 år", "Overweight and obesity, age 17"),
     PCT, 1, "lower", (f"{FHI[0]} (overvekt og fedme, 17 år)", f"{FHI[1]} (overweight and obesity, age 17)"), FHI_URL,
     "JRC 2022: 2792", "proxy", "2.2.2",
     ("Standardisert andel 17-åringer med overvekt inkludert fedme (KMI over 25, selvrapportert), kjønn samlet, for fireårige perioder (f.eks. 2022-2025) ført på periodens siste år.",
      "Standardised share of 17-year-olds with overweight including obesity (BMI over 25, self-reported), both sexes, for 4-year periods (e.g. 2022-2025) recorded under the last year.")),
]


def read_source(name: str) -> pd.DataFrame:
    """One source file, every cell as text."""
    return pd.read_csv(SOURCES / name, dtype=str, keep_default_na=False, encoding="utf-8")


def entity_codes() -> dict[str, str]:
    """Name as written in the Telemark files -> entity code ("0" nation, "40" county, 4-digit municipality)."""
    table = pd.read_csv(MUNICIPALITIES, dtype=str, keep_default_na=False)
    telemark = table[table["county_code"] == COUNTY]
    if len(telemark) != 17:
        raise ValueError(f"expected 17 Telemark municipalities, found {len(telemark)}")
    return {**dict(zip(telemark["name"], telemark["code"])), "Hele landet": "0", "Landet": "0", "Telemark": COUNTY}


def end_year(text: str) -> int:
    """Year of a period cell: "2015-01-01" (FHI start-of-year date), "2004-2006" (range) or "2015"."""
    match = re.fullmatch(r"(\d{4})-01-01|\d{4}-(\d{4})|(\d{4})", text)
    if match is None:
        raise ValueError(f"unexpected period {text!r}")
    return int(next(group for group in match.groups() if group))


def published_series(indicator: str, spec: Series, codes: dict[str, str]) -> pd.DataFrame:
    """Filter one source file to one tidy series; rows with a missing value are dropped."""
    df = read_source(spec.file)
    for column, wanted in spec.filters.items():
        if wanted not in set(df[column]):
            raise ValueError(f"{spec.file}: no rows with {column} = {wanted!r}")
        df = df[df[column] == wanted]
    df = df[~df[spec.value_column].str.strip().isin(MISSING)]
    entity = df[spec.entity_column].map(codes)
    if entity.isna().any():
        raise ValueError(f"{spec.file}: unknown places {sorted(set(df[spec.entity_column][entity.isna()]))}")
    if "Kommunenummer" in df:  # cross-check names against the file's own codes; "08" is pre-2020 Telemark
        if not df["Kommunenummer"].replace({"00": "0", "08": COUNTY}).equals(entity):
            raise ValueError(f"{spec.file}: Kommunenummer does not match the place name")
    return pd.DataFrame({
        "indicator": indicator, "entity": entity,
        "period": df["År"].map(end_year),
        "value": pd.to_numeric(df[spec.value_column], errors="raise") * spec.scale,
        "period_label": df[spec.label_column] if spec.label_column else "",
    })


def ghg_per_capita(indicator: str, codes: dict[str, str], sector: str | None) -> pd.DataFrame:
    """Emissions (all sectors, or one) per inhabitant for each municipality-year, plus the Telemark total."""
    emissions = read_source("ghg_emissions_by_sector_telemark_municipalities.csv")
    if sector is not None:
        emissions = emissions[emissions["Sektor"] == sector]
    emissions = emissions.assign(Utslipp=pd.to_numeric(emissions["Utslipp"], errors="raise"))
    totals = emissions.groupby(["Kommune", "År"], as_index=False)["Utslipp"].sum()
    population = read_source("population_telemark_municipalities.csv")
    population = population[population["statistikkvariabel"] == "Personer"]
    population = population.assign(population=pd.to_numeric(population["value"], errors="raise"))
    merged = totals.merge(population.rename(columns={"region": "Kommune", "år": "År"}), how="left",
                          on=["Kommune", "År"], validate="one_to_one")
    if merged["population"].isna().any():
        raise ValueError("emissions without a population figure for the same year")
    county = merged.groupby("År").agg(Utslipp=("Utslipp", "sum"), population=("population", "sum"),
                                      municipalities=("Kommune", "nunique")).reset_index()
    county = county[county["municipalities"] == 17].assign(Kommune="Telemark")  # only complete years
    rows = pd.concat([merged, county], ignore_index=True)
    return pd.DataFrame({"indicator": indicator, "entity": rows["Kommune"].map(codes),
                         "period": rows["År"].astype(int), "value": rows["Utslipp"] / rows["population"],
                         "period_label": ""})


def format_value(value: float) -> str:
    """At most 4 decimals, no float noise or trailing zeros (0.9359999999999999*100 -> "93.6")."""
    return f"{round(value, 4):.4f}".rstrip("0").rstrip(".")


def write_csv(path: Path, header: tuple[str, ...] | list[str], rows: list[list[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def main(output: Path = OUTPUT) -> None:
    codes = entity_codes()
    frames = [ghg_per_capita("ghg_per_capita", codes, None),
              ghg_per_capita("ghg_road_per_capita", codes, "Veitrafikk")]
    frames += [published_series(indicator, spec, codes) for indicator, spec in SERIES.items()]
    data = pd.concat(frames, ignore_index=True).sort_values(["indicator", "entity", "period"], kind="mergesort")
    if data["entity"].isna().any():
        raise ValueError("a place name has no entity code")
    if data.duplicated(["indicator", "entity", "period"]).any():
        raise ValueError("more than one value for an indicator, entity and period")
    catalogue_ids = [entry[0] for entry in CATALOGUE]
    if sorted(catalogue_ids) != sorted(set(data["indicator"])):
        raise ValueError("catalogue and observations do not cover the same indicators")
    write_csv(output / "observations.csv", ["indicator", "entity", "period", "value", "period_label"],
              [[r.indicator, r.entity, r.period, format_value(r.value), r.period_label]
               for r in data.itertuples(index=False)])
    catalogue_rows = []
    for (ident, goal, targets, name, unit, decimals, direction, source, url, framework, relation, sdg,
         definition) in sorted(CATALOGUE, key=lambda entry: entry[1]):  # by goal, stable within a goal
        best, worst, green, red, target, target_year, origin, note = ASSESSMENT[ident]
        catalogue_rows.append([ident, goal, targets, *name, *unit, decimals, direction, *source, url, framework,
                               relation, sdg, *definition, best, worst, green, red, target, target_year, origin, *note])
    write_csv(output / "indicators.csv", CATALOGUE_COLUMNS + ASSESSMENT_COLUMNS, catalogue_rows)
    print(f"wrote {len(data)} observations for {len(catalogue_rows)} indicators to {output}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT)
