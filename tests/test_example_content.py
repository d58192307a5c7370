"""The embedded example: real data, reproducible from the copied sources, complete in both languages."""

import csv
import runpy
import sys
from pathlib import Path

from conftest import EXAMPLE, REPO

from vlrgen.content import SECTION_KEYS


def test_observations_are_reproduced_from_the_copied_sources(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["derive_example_data.py", str(tmp_path)])
    runpy.run_path(str(REPO / "scripts" / "derive_example_data.py"), run_name="__main__")
    for name in ("observations.csv", "indicators.csv"):
        assert (tmp_path / name).read_bytes() == (EXAMPLE / "data" / name).read_bytes(), name


def test_example_has_enough_indicators_goals_and_years():
    with open(EXAMPLE / "data" / "indicators.csv", encoding="utf-8") as handle:
        indicators = list(csv.DictReader(handle))
    with open(EXAMPLE / "data" / "observations.csv", encoding="utf-8") as handle:
        observations = list(csv.DictReader(handle))
    assert len(indicators) >= 8 and len({i["goal"] for i in indicators}) >= 5
    for code in ("4001", "4005"):
        years = {}
        for o in observations:
            if o["entity"] == code:
                years.setdefault(o["indicator"], set()).add(o["period"])
        assert sum(len(y) >= 5 for y in years.values()) >= 8
    assert any(o["entity"] == "40" for o in observations) and any(o["entity"] == "0" for o in observations)


def test_spot_check_against_raw_source():
    # FHI drinking water, whole country 2015: 0.868 in the source file → 86.8 %
    with open(EXAMPLE / "data" / "observations.csv", encoding="utf-8") as handle:
        rows = {(r["indicator"], r["entity"], r["period"]): r["value"] for r in csv.DictReader(handle)}
    assert rows[("drinking_water_quality", "0", "2015")] == "86.8"


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
