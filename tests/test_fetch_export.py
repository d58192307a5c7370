"""SSB fetch (offline, with a stored answer) and the Open SDG export."""

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from vlrgen.cli import main
from vlrgen.fetch import fetch_ssb
from vlrgen.output.opensdg import export_opensdg
from vlrgen.problems import Problems

ANSWER = (Path(__file__).parent / "fixtures" / "ssb_07459_answer.json").read_bytes()
QUERY = {
    "query": [
        {"code": "Region", "selection": {"filter": "item", "values": ["4001", "4005"]}},
        {"code": "Tid", "selection": {"filter": "item", "values": ["2024", "2025"]}},
    ]
}


def test_fetch_stores_answer_and_tidy_csv_and_reuses_it(tmp_path):
    (tmp_path / "q.json").write_text(json.dumps(QUERY), encoding="utf-8")
    calls = []

    def transport(url, body):
        calls.append((url, json.loads(body)))
        return ANSWER

    problems = Problems()
    result = fetch_ssb("07459", tmp_path / "q.json", tmp_path / "data" / "ssb", problems, transport)
    assert not problems.items and not result.from_cache and result.rows == 4
    assert calls[0][0] == "https://data.ssb.no/api/v0/no/table/07459/"
    assert calls[0][1]["response"] == {"format": "json-stat2"}
    assert (tmp_path / "data" / "ssb" / "07459.json").read_bytes() == ANSWER
    with open(result.csv_path, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0] == {
        "Region": "4001",
        "Region (tekst)": "Porsgrunn",
        "ContentsCode": "Personer1",
        "ContentsCode (tekst)": "Personer",
        "Tid": "2024",
        "Tid (tekst)": "2024",
        "value": "37193",
    }
    assert rows[3]["value"] == ".."  # missing stays missing

    def offline(url, body):
        raise OSError("no network")

    again = fetch_ssb("07459", tmp_path / "q.json", tmp_path / "data" / "ssb", problems, offline)
    assert again.from_cache and not problems.items


def test_fetch_problems_are_reported_not_raised(tmp_path):
    (tmp_path / "q.json").write_text('{"query": [', encoding="utf-8")
    problems = Problems()
    assert fetch_ssb("07459", tmp_path / "q.json", tmp_path / "ssb", problems, lambda u, b: ANSWER) is None
    assert problems.items[0].code == "fetch.query" and problems.items[0].location.line == 1

    (tmp_path / "q.json").write_text(json.dumps(QUERY), encoding="utf-8")
    problems = Problems()

    def offline(url, body):
        raise OSError("no network")

    assert fetch_ssb("07459", tmp_path / "q.json", tmp_path / "ssb", problems, offline) is None
    assert problems.items[0].code == "fetch.network"


def test_fetched_csv_feeds_a_declared_source(tmp_path):
    from vlrgen.inputs.observations import load_dataset

    (tmp_path / "q.json").write_text(json.dumps(QUERY), encoding="utf-8")
    fetch_ssb("07459", tmp_path / "q.json", tmp_path / "data" / "ssb", Problems(), lambda u, b: ANSWER)
    (tmp_path / "indicators.csv").write_text(
        "id,goal,name_nb,name_en,unit_nb,unit_en,direction,source_name_nb,source_name_en\n"
        "population,11,Folketall,Population,personer,persons,higher,SSB 07459,Statistics Norway 07459\n",
        encoding="utf-8",
    )
    (tmp_path / "sources.toml").write_text(
        '[[source]]\nfile = "data/ssb/07459.csv"\n\n[[source.series]]\n'
        'indicator = "population"\nentity = "Region"\nperiod = "Tid"\nvalue = "value"\n',
        encoding="utf-8",
    )
    problems = Problems()
    dataset = load_dataset(tmp_path / "indicators.csv", None, problems, sources_path=tmp_path / "sources.toml")
    assert not problems.items
    assert sorted((o.entity, o.period, o.value) for o in dataset.observations) == [
        ("4001", 2024, 37193.0),
        ("4001", 2025, 37289.0),
        ("4005", 2024, 13266.0),
        ("4005", 2025, None),
    ]


def test_the_stored_json_stat_answer_feeds_a_declared_source_like_its_csv(tmp_path):
    from vlrgen.inputs.observations import load_dataset

    (tmp_path / "q.json").write_text(json.dumps(QUERY), encoding="utf-8")
    fetch_ssb("07459", tmp_path / "q.json", tmp_path / "data" / "ssb", Problems(), lambda u, b: ANSWER)
    (tmp_path / "indicators.csv").write_text(
        "id,goal,name_nb,name_en,unit_nb,unit_en,direction,source_name_nb,source_name_en\n"
        "population,11,Folketall,Population,personer,persons,higher,SSB 07459,Statistics Norway 07459\n",
        encoding="utf-8",
    )
    found = {}
    for name in ("07459.csv", "07459.json"):
        (tmp_path / "sources.toml").write_text(
            f'[[source]]\nfile = "data/ssb/{name}"\n\n[[source.series]]\n'
            'indicator = "population"\nentity = "Region"\nperiod = "Tid"\nvalue = "value"\n',
            encoding="utf-8",
        )
        problems = Problems()
        dataset = load_dataset(tmp_path / "indicators.csv", None, problems, sources_path=tmp_path / "sources.toml")
        assert not problems.items
        found[name] = sorted((o.entity, o.period, o.value) for o in dataset.observations)
    assert found["07459.json"] == found["07459.csv"] and len(found["07459.json"]) == 4


def test_open_sdg_export_of_the_example(tmp_path, example_copy):
    from vlrgen.build.pipeline import check_projects

    projects, _problems = check_projects([example_copy / "porsgrunn"])
    out = tmp_path / "opensdg"
    written = export_opensdg(projects[0], out)
    assert "13-ghg-per-capita" in written and len(written) == 26  # every library indicator has data for Porsgrunn
    with open(out / "data" / "indicator_6-drinking-water-quality.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0] == {"Year": "2015", "Geography": "", "Value": "100"}  # headline: Porsgrunn itself
    assert {"Telemark", "Norge"} <= {r["Geography"] for r in rows}
    meta = (out / "meta" / "6-drinking-water-quality.md").read_text(encoding="utf-8")
    assert meta.startswith("---\n") and 'sdg_goal: "6"' in meta and 'global_indicator: "6.1.1"' in meta


def test_export_command(tmp_path, example_copy):
    result = CliRunner().invoke(
        main, ["export", "opensdg", str(example_copy / "notodden"), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "o" / "data" / "indicator_3-life-expectancy.csv").is_file()


def test_export_leaves_other_files_in_the_folder_alone(tmp_path, example_copy):
    from vlrgen.build.pipeline import check_projects

    out = tmp_path / "site"
    (out / ".git").mkdir(parents=True)
    (out / "config_data.yml").write_text("keep", encoding="utf-8")
    projects, _ = check_projects([example_copy / "porsgrunn"])
    export_opensdg(projects[0], out)
    export_opensdg(projects[0], out)
    assert (out / "config_data.yml").read_text(encoding="utf-8") == "keep" and (out / ".git").is_dir()
    assert sorted(p.name for p in out.iterdir()) == [".git", "config_data.yml", "data", "meta"]
