"""Editions of a review of many members (report.previous on a county review): the manifest's record of the
members' statuses, the comparison from a project folder and from a built manifest, the part "Changes since
the previous review" in both languages (with the scope's own value of each indicator then and now), the
per-county summary of a large review, and every refusal located."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from test_editions import AIR, HEADER, JOBS, WATER, build, changes_text, found

import vlrgen.report.review_editions as review_editions
from vlrgen.inputs.editions import ReviewIndicator
from vlrgen.judge.assessment import assess_project
from vlrgen.judge.editions import _indicator_change
from vlrgen.report.views import Numbering

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
    assert "Notodden er med i denne gjennomgangen, men var ikke med i 2021." in nb
    assert "Bamble var med i 2021, men er ikke med i denne gjennomgangen." in nb
    assert "hadde status på til sammen 2 mål både i 2021 og nå" in nb
    assert "Av disse har 1 fått bedre status og 1 fått svakere status." in nb
    assert (
        "Mål 6, Rent vann og gode sanitærforhold, har størst økning i antallet kommuner med grønn status: 2 av 3" in nb
    )
    # per goal, statuses in words with their counts then and now, and the signed change per status
    assert re.search(r"6\. Rent vann .* grønn: 1 gul: 2 .* grønn: 2 gul: 0 .* grønn: \+1 gul: −2 rød: \+1 1 1", nb)
    assert "I 2 av de 2 kommunene som er med i begge gjennomgangene, har minst ett mål fått en annen status" in nb
    assert "Porsgrunn Mål 6: fra gul til grønn –" in nb
    assert "Skien – Mål 6: fra grønn til rød" in nb
    assert "Denne indikatoren har data for minst én kommune i denne gjennomgangen, men hadde ingen i 2021:" in nb
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
    assert "så tabellen viser antallet per fylke" in nb
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


# The county's own published value for water (entity 40) in both editions: 94.5 % in 2021, 95.3 % in 2025.
COUNTY_WATER = "water,40,2021,94.5,\n"
SCOPE_FILES = {
    **PREVIOUS_FOLDER,
    "editions/2021/data/observations.csv": PREVIOUS_OBSERVATIONS + COUNTY_WATER,
    "data/observations.csv": OBSERVATIONS + COUNTY_WATER + "water,40,2025,95.3,\n",
}
WATER_ROW_NB = "Drikkevann 94,5 % 2021, publisert 95,3 % 2025, publisert +0,8 prosentpoeng"
WATER_ROW_EN = "Drinking water 94.5% 2021, published 95.3% 2025, published +0.8 percentage points"


def test_folder_route_shows_the_scope_value_of_each_indicator_then_and_now(make_project, tmp_path):
    root = review(make_project, "editions/2021", files=SCOPE_FILES)
    out = tmp_path / "out"
    build(root, out)
    nb = changes_text(out, "telemark-2025", "nb")
    assert "Tallene for hele Telemark" in nb
    assert "Tabellen viser tallet for hele Telemark i 2021 og nå for hver indikator som har data i begge" in nb
    assert "Tabell 3: Tallet for hele Telemark i 2021 og 2025 for indikatorer med data i begge gjennomgangene" in nb
    assert "Indikator Verdi 2021 Verdi 2025 Endring " + WATER_ROW_NB in nb
    en = changes_text(out, "telemark-2025", "en")
    assert "Table 3: The figure for Telemark as a whole in 2021 and 2025, for indicators with data in both" in en
    assert "Indicator Value 2021 Value 2025 Change " + WATER_ROW_EN in en
    html = (out / "telemark-2025" / "nb" / "index.html").read_text(encoding="utf-8")
    assert '<td class="num scope-change">+0,8<br><span class="unit">prosentpoeng</span></td>' in html
    assert '<th scope="row">Drikkevann</th>' in html
    # the manifest records how the scope's value came about, without words
    assert manifest_of(out, "telemark-2025")["assessment"]["indicators"]["water"]["how"] == "published"


def test_manifest_route_shows_the_scope_value_as_published_and_reads_an_older_manifest(make_project, tmp_path):
    out = tmp_path / "out"
    previous = make_project(
        {
            "vlrgen.toml": review_config(2021),
            "data/indicators.csv": HEADER + WATER + JOBS,
            "data/observations.csv": PREVIOUS_OBSERVATIONS + COUNTY_WATER,
        },
        name="telemark-2021",
    )
    build(previous, out)
    path = out / "telemark-2021" / "manifest.json"
    recorded = json.loads(path.read_text(encoding="utf-8"))
    assert recorded["assessment"]["indicators"]["water"] | {"name": {}, "unit": {}} == {
        "goal": 6,
        "name": {},
        "unit": {},
        "decimals": 1,
        "judged": True,
        "with_data": 3,
        "value": 94.5,
        "how": "published",
        "period": 2021,
        "period_label": "",
    }
    extra = '\n[project]\nshared = ["../out"]\n'
    root = review(make_project, "../out/telemark-2021/manifest.json", extra=extra, files=SCOPE_FILES)
    build(root, out)
    assert WATER_ROW_NB in changes_text(out, "telemark-2025", "nb")
    assert WATER_ROW_EN in changes_text(out, "telemark-2025", "en")

    # a manifest built before vlrgen recorded how the value came about: the period alone under the value
    del recorded["assessment"]["indicators"]["water"]["how"]
    path.write_text(json.dumps(recorded), encoding="utf-8")
    build(root, out)
    assert "Drikkevann 94,5 % 2021 95,3 % 2025, publisert +0,8 prosentpoeng" in changes_text(out, "telemark-2025", "nb")
    recorded["assessment"]["indicators"]["water"]["how"] = "guessed"
    path.write_text(json.dumps(recorded), encoding="utf-8")
    (problem,) = errors(root)
    assert 'has a how "guessed" that is not one of published, sum, weighted, median, too_few, none' in problem


def scope_value(value: float | None, period: int, how: str, unit: str = "%") -> ReviewIndicator:
    return ReviewIndicator("water", 6, {"nb": "Drikkevann"}, {"nb": unit}, 1, True, 3, value, period, "", how)


@pytest.mark.parametrize(
    ("then", "now", "change", "why"),
    [
        (scope_value(94.5, 2021, "published"), scope_value(95.3, 2025, "weighted"), 95.3 - 94.5, ""),
        (scope_value(94.5, 2021, "published"), scope_value(94.5, 2021, "published"), None, "same_period"),
        (scope_value(94.5, 2021, "published"), scope_value(95.0, 2025, "median"), None, "method"),
        (scope_value(94.5, 2021, ""), scope_value(95.0, 2025, "median"), 95.0 - 94.5, ""),  # an older manifest
        (scope_value(94.5, 2021, "published"), scope_value(9.5, 2025, "published", "‰"), None, "unit"),
        (scope_value(None, 2021, "too_few"), scope_value(95.0, 2025, "weighted"), None, "no_value"),
    ],
)
def test_the_scope_value_is_compared_only_when_it_can_be(then, now, change, why):
    found = _indicator_change(then, now)
    assert (found.change, found.unchanged_because) == (change, why)


def test_the_telemark_example_shows_the_county_value_then_and_now(example_projects_checked):
    """The example's Telemark review against its 2021 edition (judged again from the same data)."""
    project = example_projects_checked["telemark"]
    changes = assess_project(project).review.changes
    assert changes is not None
    rows = {}
    for lang in ("nb", "en"):
        view = review_editions.plan_review_editions(changes, project.languages[lang], Numbering(), None)
        rows[lang] = {r.name: r for r in view.indicators}
    nb, en = rows["nb"]["Barnehagedekning, 1–5 år"], rows["en"]["Kindergarten coverage, children aged 1–5"]
    assert (nb.then_value, nb.then_note, nb.now_value, nb.now_note) == (
        "93,4\u00a0%",
        "2021, publisert",
        "95,3\u00a0%",
        "2025, publisert",
    )
    assert (nb.change, nb.change_note) == ("+1,9", "prosentpoeng")
    assert (en.then_value, en.now_value, en.change, en.change_note) == ("93.4%", "95.3%", "+1.9", "percentage points")
    # no newer figure since 2021: the same period in both editions, so no change is given
    same = rows["nb"]["Innvandrere, andel av befolkningen"]
    assert (same.then_note, same.change, same.change_note) == (
        "2021, fra summen for alle kommunene",
        "–",
        "ingen nyere tall",
    )
