"""The embedded example: real data from the packaged national library, reproducible from its unchanged
files, complete in both languages, and national in reach."""

import collections
import csv
import functools

from conftest import EXAMPLE, LIBRARY, REPO

from vlrgen.inputs.content import SECTION_KEYS


@functools.cache
def example_dataset():
    from vlrgen.inputs.library import library_named
    from vlrgen.inputs.observations import load_dataset
    from vlrgen.problems import Problems

    problems = Problems()
    dataset = load_dataset(
        EXAMPLE / "data" / "indicators.csv", None, problems, library=library_named("national"), languages=("nb", "en")
    )
    assert not problems.items, problems.items
    return dataset


def test_example_data_comes_only_from_the_library_over_unchanged_raw_files():
    assert not (EXAMPLE / "data" / "observations.csv").exists()
    assert not (EXAMPLE / "data" / "sources").exists() and not (EXAMPLE / "data" / "sources.toml").exists()
    assert not list((REPO / "scripts").glob("derive*"))
    for project in ("norge", "telemark", "porsgrunn", "notodden"):
        config = (EXAMPLE / project / "vlrgen.toml").read_text(encoding="utf-8")
        assert 'library = "national"' in config and "observations" not in config and "sources =" not in config
    # The example's own catalogue only sets (example) thresholds on library indicators, visibly labelled.
    with open(EXAMPLE / "data" / "indicators.csv", encoding="utf-8") as handle:
        own = list(csv.DictReader(handle))
    with open(LIBRARY / "indicators.csv", encoding="utf-8") as handle:
        library = {row["id"]: row for row in csv.DictReader(handle)}
    assert own and all(row["id"] in library and row["threshold_origin"] == "example" for row in own)
    assert all("ksempel" in row["threshold_note_nb"] and "xample" in row["threshold_note_en"] for row in own)


def test_example_has_enough_indicators_goals_and_years():
    dataset = example_dataset()
    assert len(dataset.indicators) >= 20 and len({i.goal for i in dataset.indicators.values()}) >= 10
    for code in ("4001", "4005"):
        years: dict[str, set[int]] = {}
        for o in dataset.observations:
            if o.entity == code and o.value is not None:
                years.setdefault(o.indicator, set()).add(o.period)
        assert sum(len(y) >= 5 for y in years.values()) >= 10
    assert any(o.entity == "40" for o in dataset.observations) and any(o.entity == "0" for o in dataset.observations)


def test_national_reach_of_the_library():
    """At least 8 indicators have values for at least 340 municipalities, on at least 7 goals."""
    dataset = example_dataset()
    municipalities = collections.defaultdict(set)
    for o in dataset.observations:
        if o.value is not None and len(o.entity) == 4:
            municipalities[o.indicator].add(o.entity)
    wide = [i for i, found in municipalities.items() if len(found) >= 340]
    assert len(wide) >= 8, sorted((len(f), i) for i, f in municipalities.items())
    assert len({dataset.indicators[i].goal for i in wide}) >= 7


def test_spot_checks_against_the_raw_files():
    values = {(o.indicator, o.entity, o.period): o for o in example_dataset().observations}
    # FHI drinking water, whole country 2015: 0.868 in the source file → 86.8 %
    assert values[("drinking_water_quality", "0", 2015)].value == 86.8
    # life expectancy, Porsgrunn, 2018-2024 (7-year period recorded under its end year)
    assert values[("life_expectancy", "4001", 2024)].value == 82.3
    assert values[("life_expectancy", "4001", 2024)].period_label == "2018-2024"
    # emissions per inhabitant: sum over all sectors / population 1 January (37 193 in 2024)
    emissions = sum(
        float(r["Utslipp"])
        for r in csv.DictReader(
            (LIBRARY / "sources" / "telemark" / "ghg_emissions_by_sector_telemark_municipalities.csv")
            .read_text(encoding="utf-8")
            .splitlines()
        )
        if r["Kommune"] == "Porsgrunn" and r["År"] == "2024"
    )
    assert abs(values[("ghg_per_capita", "4001", 2024)].value - emissions / 37193) < 1e-9
    # Storting election 2025, Porsgrunn: 22 186 votes of 28 352 eligible voters (published: 78.2 %)
    assert round(values[("election_turnout", "4001", 2025)].value, 1) == 78.2
    # 2017: Bø (0821) and Sauherad (0822) are added up for today's Midt-Telemark (4020)
    with open(LIBRARY / "sources" / "election_turnout_storting" / "valgresultat_storting_turnout_2009_2025.csv") as f:
        rows = [r for r in csv.DictReader(f) if r["valgaar"] == "2017" and r["nr"] in ("0821", "0822")]
    votes, voters = (sum(int(r[k]) for r in rows) for k in ("stemmer_total", "antallsb"))
    assert len(rows) == 2 and values[("election_turnout", "4020", 2017)].value == round(100 * votes / voters, 10)
    # measles: FHI's 2019 export up to 2014-2018, Telemark's later export after it (Porsgrunn 95.4, 96.0)
    assert values[("measles_vaccination", "4001", 2018)].value == 95.4
    assert values[("measles_vaccination", "4001", 2024)].value == 96.0
    # suppressed values (":" in the source) are kept as missing, never as zero
    assert any(o.value is None for o in values.values())


def test_every_section_exists_in_both_languages_and_is_labelled_as_example():
    for project in ("porsgrunn", "notodden"):
        for lang in ("nb", "en"):
            for key in SECTION_KEYS:
                text = (EXAMPLE / project / "narrative" / lang / f"{key}.md").read_text(encoding="utf-8")
                assert "example: true" in text.split("---")[1], (project, lang, key)


def test_every_library_file_carries_attribution():
    readme = (LIBRARY / "README.md").read_text(encoding="utf-8")
    for path in (LIBRARY / "sources").rglob("*.*"):
        assert path.name in readme, path
    for commit in ("2f2c2110de64611a0bab80a5f8f109183475bc50", "08c9315a5bfed2ec8ae00c21396a3f2419dd4054"):
        assert commit in readme
    assert (REPO / "src" / "vlrgen" / "reference" / "README.md").is_file()
