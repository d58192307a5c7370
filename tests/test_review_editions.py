"""Editions of a review of many members (report.previous on a county review): the manifest's record of the
members' statuses, the comparison from a project folder and from a built manifest, the part "Changes since
the previous review" in both languages, the per-county summary of a large review, and every refusal located."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from test_editions import AIR, HEADER, JOBS, WATER, build, changes_text, found

import vlrgen.report.review_editions as review_editions

# water (goal 6): green from 95, red up to 90. Porsgrunn (4001) yellow → green, Skien (4003) green → red;
# Bamble (4012) is a member in 2021 only, Notodden (4005) in 2025 only (members = those with data).
OBSERVATIONS = """\
indicator,entity,period,value,period_label
water,4001,2019,92,
water,4001,2021,93,
water,4001,2025,97,
water,4003,2021,96,
water,4003,2025,89,
water,4005,2025,96,
air,4001,2024,12,
air,4003,2024,11,
"""
PREVIOUS_OBSERVATIONS = """\
indicator,entity,period,value,period_label
water,4001,2019,92,
water,4001,2021,93,
water,4003,2021,96,
water,4012,2021,94,
jobs,4001,2021,72,
"""


def review_config(year: int, previous: str | None = None, extra: str = "") -> str:
    setting = f'previous = "{previous}"\n' if previous else ""
    return f"""\
[entity]
name = "Telemark"
code = "40"
kind = "county"

[report]
year = {year}
outputs = ["html"]
{setting}
[data]
indicators = "data/indicators.csv"
observations = "data/observations.csv"

[members]
municipalities = "in_data"
{extra}"""


PREVIOUS_FOLDER = {
    "editions/2021/vlrgen.toml": review_config(2021, extra='[content]\nnarrative = "."\n'),
    "editions/2021/data/indicators.csv": HEADER + WATER + JOBS,
    "editions/2021/data/observations.csv": PREVIOUS_OBSERVATIONS,
}


def review(make_project, previous: str | None, extra: str = "", files: dict | None = None, name: str = "project"):
    return make_project(
        {
            "vlrgen.toml": review_config(2025, previous, extra),
            "data/indicators.csv": HEADER + WATER + AIR,
            "data/observations.csv": OBSERVATIONS,
            **(files or {}),
        },
        name=name,
    )


def errors(root: Path) -> list[str]:
    return [p for p in found(root) if "error[" in p]


def manifest_of(out: Path, slug: str) -> dict:
    return json.loads((out / slug / "manifest.json").read_text(encoding="utf-8"))


def test_the_manifest_records_the_members_statuses_and_the_covered_indicators(make_project, tmp_path):
    root = review(make_project, None)
    build(root, tmp_path / "out")
    assessment = manifest_of(tmp_path / "out", "telemark-2025")["assessment"]
    assert assessment["of"] == "members"
    assert assessment["members"] == {"4001": "Porsgrunn", "4003": "Skien", "4005": "Notodden"}
    assert assessment["goals"]["6"]["members"] == {"green": 2, "yellow": 0, "orange": 0, "red": 1, "grey": 0}
    assert assessment["member_goals"] == {
        "4001": {"6": "green", "11": "yellow"},
        "4003": {"6": "red", "11": "yellow"},
        "4005": {"6": "green"},  # no value for air: grey on goal 11, left out
    }
    water = assessment["indicators"]["water"]
    assert (water["with_data"], water["period"], water["judged"], water["name"]["nb"]) == (3, 2025, True, "Drikkevann")
    assert assessment["indicators"]["air"]["with_data"] == 2
    assert "previous" not in manifest_of(tmp_path / "out", "telemark-2025")


def test_folder_route_shows_how_the_members_statuses_moved(make_project, tmp_path):
    root = review(make_project, "editions/2021", files=PREVIOUS_FOLDER)
    out = tmp_path / "out"
    build(root, out)
    nb = changes_text(out, "telemark-2025", "nb")
    assert "Telemark 2021 (ikke publisert sammen med denne rapporten)" in nb
    assert "Kommunenes status for 2021 er vurdert på nytt med metoden i denne rapporten" in nb
    assert "Gjennomgangen omfatter 3 kommuner, mot 3 i 2021." in nb
    assert "Notodden er med nå, men var ikke med i 2021." in nb
    assert "Bamble var med i 2021, men er ikke med nå." in nb
    assert "hadde status på til sammen 2 mål både i 2021 og nå" in nb
    assert "Av disse har 1 fått bedre status og 1 fått svakere status." in nb
    assert "Mål 6, Rent vann og gode sanitærforhold, har størst økning i antall grønne kommuner: 2 av 3" in nb
    # per goal, statuses in words with their counts then and now, and the signed change per status
    assert re.search(r"6\. Rent vann .* grønn: 1 gul: 2 .* grønn: 2 gul: 0 .* grønn: \+1 gul: −2 rød: \+1 1 1", nb)
    assert "I 2 av de 2 kommunene som er med i begge gjennomgangene, har minst ett mål fått en annen status" in nb
    assert "Porsgrunn Mål 6: fra gul til grønn –" in nb
    assert "Skien – Mål 6: fra grønn til rød" in nb
    assert "1 indikator har data for minst én kommune i denne utgaven, men hadde ingen i 2021:" in nb
    assert "Luftkvalitet (mål 11): data for 2 av 3 kommuner (2024)" in nb
    assert "Sysselsetting (mål 8): data for 1 av 3 kommuner (2021)" in nb
    en = changes_text(out, "telemark-2025", "en")
    assert "The review covers 3 municipalities, compared with 3 in 2021." in en
    assert "Notodden is part of this review but was not in 2021." in en
    assert "Of these, 1 has improved and 1 has worsened." in en
    assert "Skien – Goal 6: from green to red" in en
    assert "Employment (goal 8): data for 1 of 3 municipalities (2021)" in en
    html = (out / "telemark-2025" / "nb" / "index.html").read_text(encoding="utf-8")
    # tables with captions and headers; the status in words beside its colour dot
    assert '<th scope="col">Mål med svakere status</th>' in html
    assert "Antall kommuner etter status på hvert mål i 2021 og 2025</caption>" in html
    assert '<span class="status-dot" aria-hidden="true"></span>grønn: 1</span>' in html
    assert '<a href="#changes">Endringer siden forrige gjennomgang</a>' in html  # contents and the cover line
    assert manifest_of(out, "telemark-2025")["previous"] == {
        "slug": "telemark-2021",
        "entity": "Telemark",
        "year": 2021,
    }


def test_manifest_route_compares_with_the_review_as_published_and_links_the_editions(make_project, tmp_path):
    out = tmp_path / "out"
    previous = make_project(
        {
            "vlrgen.toml": review_config(2021),
            "data/indicators.csv": HEADER + WATER + JOBS,
            "data/observations.csv": PREVIOUS_OBSERVATIONS,
        },
        name="telemark-2021",
    )
    build(previous, out)
    recorded = manifest_of(out, "telemark-2021")["assessment"]
    assert recorded["member_goals"] == {
        "4001": {"6": "yellow", "8": "yellow"},
        "4003": {"6": "green"},
        "4012": {"6": "yellow"},
    }

    root = review(make_project, "../out/telemark-2021/manifest.json", extra='\n[project]\nshared = ["../out"]\n')
    build(root, out)
    nb = changes_text(out, "telemark-2025", "nb")
    assert "Kommunenes status for 2021 er hentet fra gjennomgangen slik den ble publisert." in nb
    assert "Av disse har 1 fått bedre status og 1 fått svakere status." in nb
    assert "Sysselsetting (mål 8): data for 1 av 3 kommuner (2021)" in nb
    page = (out / "telemark-2025" / "nb" / "index.html").read_text(encoding="utf-8")
    assert '<a href="../../telemark-2021/nb/index.html">Telemark 2021</a>' in page
    landing = (out / "telemark-2025" / "index.html").read_text(encoding="utf-8")
    assert 'Forrige gjennomgang: <a href="../telemark-2021/index.html">Telemark 2021</a>' in landing
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<a href="telemark-2021/index.html">Telemark 2021</a>' in index
    assert '<a href="telemark-2025/index.html">Telemark 2025</a>' in index


def test_a_review_with_too_many_members_to_list_counts_them_per_county(make_project, tmp_path, monkeypatch):
    monkeypatch.setattr(review_editions, "LIST_LIMIT", 2)
    root = review(make_project, "editions/2021", files=PREVIOUS_FOLDER)
    build(root, tmp_path / "out")
    nb = changes_text(tmp_path / "out", "telemark-2025", "nb")
    assert "så tabellen teller dem per fylke" in nb
    assert "Kommuner med endret status siden 2021, etter fylke" in nb
    assert "Telemark 2 1 1" in nb  # members in both, with a better and with a worse goal
    assert "Mål 6: fra gul til grønn" not in nb


def test_an_edition_of_the_other_kind_is_refused_at_the_setting(make_project, tmp_path):
    out = tmp_path / "out"
    own = make_project(
        {
            "vlrgen.toml": review_config(2021).split("[members]")[0],  # the county authority's own report
            "data/indicators.csv": HEADER + WATER,
            "data/observations.csv": "indicator,entity,period,value,period_label\nwater,40,2021,93,\n",
        },
        name="telemark-own-2021",
    )
    build(own, out)
    root = review(make_project, "../out/telemark-2021/manifest.json", extra='\n[project]\nshared = ["../out"]\n')
    (problem,) = errors(root)
    assert problem == (
        "vlrgen.toml:9:1: error[config.previous_mismatch]: report.previous: ../out/telemark-2021/manifest.json "
        "is Telemark's own report, not a review of members (2021), while this edition "
        "is a review of many members (hint: a review of many members compares with the previous review of the "
        "members, and a municipality's or county authority's own report with its own previous report)"
    )
    # and the reverse: the county authority's own report given a review's folder
    folder = make_project(
        {
            **PREVIOUS_FOLDER,
            "vlrgen.toml": review_config(2025, "editions/2021").split("[members]")[0],
        },
        name="own-2025",
    )
    (problem,) = errors(folder)
    assert (
        "is a review of the municipalities in Telemark (2021), while this edition is Telemark's own report" in problem
    )


def test_a_damaged_or_later_review_edition_is_refused_at_the_setting(make_project, tmp_path):
    out = tmp_path / "out"
    previous = make_project(
        {
            "vlrgen.toml": review_config(2021),
            "data/indicators.csv": HEADER + WATER + JOBS,
            "data/observations.csv": PREVIOUS_OBSERVATIONS,
        },
        name="telemark-2021",
    )
    build(previous, out)
    path = out / "telemark-2021" / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["assessment"]["member_goals"]["0301"] = {"6": "green"}  # not among its members
    path.write_text(json.dumps(manifest), encoding="utf-8")
    root = review(make_project, "../out/telemark-2021/manifest.json", extra='\n[project]\nshared = ["../out"]\n')
    (problem,) = errors(root)
    assert problem.startswith(
        "vlrgen.toml:9:1: error[config.previous_damaged]: report.previous: ../out/telemark-2021/manifest.json has "
        "goal colours for 0301, which is not among its members"
    )
    del manifest["assessment"]["member_goals"]
    path.write_text(json.dumps(manifest), encoding="utf-8")
    (problem,) = errors(root)
    assert "has an incomplete judgement of the members" in problem

    later = {**PREVIOUS_FOLDER, "editions/2021/vlrgen.toml": review_config(2025, extra='[content]\nnarrative = "."\n')}
    root = review(make_project, "editions/2021", files=later, name="later")
    assert any("is the review of 2025, which is not earlier than this one (2025)" in p for p in found(root))


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_every_review_changes_message_exists_in_both_catalogs(lang):
    """The messages the part uses (keys built from names) are in the catalog: no KeyError at build time."""
    text = (Path(__file__).parents[1] / "report_templates" / "i18n" / f"{lang}.toml").read_text(encoding="utf-8")
    section = text.split("[review_changes]")[1].split("\n[")[0]
    keys = set(re.findall(r"^(\w+) =", section, re.M))
    for direction in ("better", "worse", "same"):
        assert {f"colours_{direction}", f"colours_{direction}_one", f"colours_one_{direction}"} <= keys
    for kind in ("joined", "left"):
        assert {f"{kind}_named", f"{kind}_named_one", f"{kind}_counted"} <= keys
