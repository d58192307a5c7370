"""The embedded example: real data, reproducible from the copied sources, complete in both languages."""

import csv
from pathlib import Path

from conftest import EXAMPLE, REPO

from vlrgen.inputs.content import SECTION_KEYS


def example_dataset():
    from vlrgen.inputs.observations import load_dataset
    from vlrgen.problems import Problems

    problems = Problems()
    dataset = load_dataset(
        EXAMPLE / "data" / "indicators.csv", None, problems, sources_path=EXAMPLE / "data" / "sources.toml"
    )
    assert not problems.items, problems.items
    return dataset


def test_example_data_comes_only_from_declared_sources_over_unchanged_raw_files():
    assert not (EXAMPLE / "data" / "observations.csv").exists()
    assert not list((REPO / "scripts").glob("derive*"))
    for project in ("porsgrunn", "notodden"):
        config = (EXAMPLE / project / "vlrgen.toml").read_text(encoding="utf-8")
        assert 'sources = "../data/sources.toml"' in config and "observations" not in config


def test_example_has_enough_indicators_goals_and_years():
    dataset = example_dataset()
    assert len(dataset.indicators) >= 8 and len({i.goal for i in dataset.indicators.values()}) >= 5
    for code in ("4001", "4005"):
        years = {}
        for o in dataset.observations:
            if o.entity == code and o.value is not None:
                years.setdefault(o.indicator, set()).add(o.period)
        assert sum(len(y) >= 5 for y in years.values()) >= 8
    assert any(o.entity == "40" for o in dataset.observations) and any(o.entity == "0" for o in dataset.observations)


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
            (EXAMPLE / "data" / "sources" / "ghg_emissions_by_sector_telemark_municipalities.csv")
            .read_text(encoding="utf-8")
            .splitlines()
        )
        if r["Kommune"] == "Porsgrunn" and r["År"] == "2024"
    )
    assert abs(values[("ghg_per_capita", "4001", 2024)].value - emissions / 37193) < 1e-9
    # suppressed values (":" in the source) are kept as missing, never as zero
    assert any(o.value is None for o in values.values())


def test_every_section_exists_in_both_languages_and_is_labelled_as_example():
    for project in ("porsgrunn", "notodden"):
        for lang in ("nb", "en"):
            for key in SECTION_KEYS:
                text = (EXAMPLE / project / "narrative" / lang / f"{key}.md").read_text(encoding="utf-8")
                assert "example: true" in text.split("---")[1], (project, lang, key)


def test_copied_sources_carry_attribution():
    readme = (EXAMPLE / "data" / "sources" / "README.md").read_text(encoding="utf-8")
    for path in (EXAMPLE / "data" / "sources").glob("*.csv"):
        assert path.name in readme
    assert "2f2c2110de64611a0bab80a5f8f109183475bc50" in readme
    assert Path(REPO / "src" / "vlrgen" / "reference" / "README.md").is_file()
