"""Editions (report.previous): the previous edition from a project folder or a built manifest, the changes
section in both languages, the manifest's judgement, the site links, and every refusal located."""

from __future__ import annotations

import json
import re
from pathlib import Path

from vlrgen.build.pipeline import BuildOptions, build_projects, check_projects
from vlrgen.output.pdf import FakePdfRenderer
from vlrgen.problems import format_problem

HEADER = (
    "id,goal,targets,name_nb,name_en,unit_nb,unit_en,decimals,direction,source_name_nb,source_name_en,"
    "source_url,framework_ref,sdg_relation,sdg_indicator,best,worst,green,red\n"
)
WATER = "water,6,6.1,Drikkevann,Drinking water,%,%,1,higher,FHI,FHI,https://fhi.no,,adapted,6.1.1,100,80,95,90\n"
AIR = "air,11,11.6,Luftkvalitet,Air quality,µg/m³,µg/m³,1,lower,NILU,NILU,https://nilu.no,,adapted,11.6.2,5,30,10,20\n"
JOBS = "jobs,8,8.5,Sysselsetting,Employment,%,%,1,higher,SSB,SSB,https://ssb.no,,adapted,8.5.2,90,50,80,60\n"
# water: yellow in 2021 (93), green by 2025 (97); air has values from 2023 only (new); jobs only in 2021 (dropped)
OBSERVATIONS = """\
indicator,entity,period,value,period_label
water,4001,2015,91,
water,4001,2019,92,
water,4001,2021,93,
water,4001,2023,96,
water,4001,2025,97,
air,4001,2023,12,
air,4001,2024,11,
"""
PREVIOUS_OBSERVATIONS = """\
indicator,entity,period,value,period_label
water,4001,2015,91,
water,4001,2019,92,
water,4001,2021,93,
jobs,4001,2018,70,
jobs,4001,2021,72,
"""


def config(year: int, previous: str | None = None, extra: str = "") -> str:
    setting = f'previous = "{previous}"\n' if previous else ""
    return f"""\
[entity]
name = "Porsgrunn"
code = "4001"
kind = "municipality"

[report]
year = {year}
outputs = ["html"]
{setting}
[data]
indicators = "data/indicators.csv"
observations = "data/observations.csv"
{extra}"""


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def found(root: Path) -> list[str]:
    _, problems = check_projects([root])
    return [format_problem(p, root) for p in problems.sorted()]


def current(make_project, previous: str | None, extra: str = "", files: dict | None = None) -> Path:
    return make_project(
        {
            "vlrgen.toml": config(2025, previous, extra),
            "data/indicators.csv": HEADER + WATER + AIR,
            "data/observations.csv": OBSERVATIONS,
            **(files or {}),
        }
    )


PREVIOUS_FOLDER = {
    "editions/2021/vlrgen.toml": config(2021, extra='[content]\nnarrative = "."\n'),
    "editions/2021/data/indicators.csv": HEADER + WATER + JOBS,
    "editions/2021/data/observations.csv": PREVIOUS_OBSERVATIONS,
}


def build(root: Path, out: Path):
    report = build_projects([root], BuildOptions(out, pdf_renderer=FakePdfRenderer()))
    assert not report.problems.errors, [format_problem(p, root) for p in report.problems.errors]
    return report


def changes_text(out: Path, slug: str, lang: str) -> str:
    html = (out / slug / lang / "index.html").read_text(encoding="utf-8")
    start = html.index('<section id="changes"')
    return text(html[start : html.index("</section>", start)])


def test_folder_route_shows_status_changes_new_and_dropped_indicators(make_project, tmp_path):
    root = current(make_project, "editions/2021", files=PREVIOUS_FOLDER)
    build(root, tmp_path / "out")
    nb = changes_text(tmp_path / "out", "porsgrunn-2025", "nb")
    assert "Endringer siden forrige gjennomgang" in nb
    assert "Porsgrunn 2021 (ikke publisert sammen med denne rapporten)" in nb
    assert "vurdert på nytt med metoden i denne rapporten" in nb
    assert "Siden 2021 har 1 mål fått bedre status." in nb
    assert "har 1 fått bedre status siden 2021" in nb
    # water then and now, statuses in words: yellow → green, "bedre"
    assert re.search(r"Drikkevann 93,0 % 2021 gul .* 97,0 % 2025 grønn .* bedre", nb)
    assert "Denne indikatoren har verdier i denne utgaven, men hadde ingen i 2021: Luftkvalitet (mål 11)" in nb
    assert (
        "Denne indikatoren hadde verdier i 2021, men har ingen i denne utgaven: Sysselsetting (mål 8): 72,0 % (2021)"
        in nb
    )
    en = changes_text(tmp_path / "out", "porsgrunn-2025", "en")
    assert "Since 2021, the status has improved for 1 goal." in en
    assert "Of the indicators judged against thresholds in both reviews, 1 has improved since 2021." in en
    assert "Employment (goal 8): 72.0% (2021)" in en
    html = (tmp_path / "out" / "porsgrunn-2025" / "nb" / "index.html").read_text(encoding="utf-8")
    assert '<th scope="row">6. Rent vann og gode sanitærforhold</th>' in html
    assert '<a href="#changes">Endringer siden forrige gjennomgang</a>' in html  # contents and header link


def test_manifest_records_the_judgement_and_the_manifest_route_links_the_editions(make_project, tmp_path):
    out = tmp_path / "out"
    previous = make_project(
        {
            "vlrgen.toml": config(2021),
            "data/indicators.csv": HEADER + WATER + JOBS,
            "data/observations.csv": PREVIOUS_OBSERVATIONS,
        },
        name="porsgrunn-2021",
    )
    build(previous, out)
    manifest = json.loads((out / "porsgrunn-2021" / "manifest.json").read_text(encoding="utf-8"))
    water = manifest["assessment"]["indicators"]["water"]
    assert (water["status"], water["value"], water["period"], water["name"]["nb"]) == (
        "yellow",
        93.0,
        2021,
        "Drikkevann",
    )
    assert manifest["assessment"]["goals"]["6"]["status"] == "yellow"

    root = current(make_project, "../out/porsgrunn-2021/manifest.json", extra='\n[project]\nshared = ["../out"]\n')
    build(root, out)
    nb = changes_text(out, "porsgrunn-2025", "nb")
    assert "hentet fra rapporten slik den ble publisert" in nb
    assert "Siden 2021 har 1 mål fått bedre status." in nb
    assert "Sysselsetting (mål 8)" in nb
    page = (out / "porsgrunn-2025" / "nb" / "index.html").read_text(encoding="utf-8")
    assert '<a href="../../porsgrunn-2021/nb/index.html">Porsgrunn 2021</a>' in page
    assert json.loads((out / "porsgrunn-2025" / "manifest.json").read_text())["previous"]["slug"] == "porsgrunn-2021"
    landing = (out / "porsgrunn-2025" / "index.html").read_text(encoding="utf-8")
    assert 'Forrige gjennomgang: <a href="../porsgrunn-2021/index.html">Porsgrunn 2021</a>' in landing
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<a href="porsgrunn-2021/index.html">Porsgrunn 2021</a>' in index  # previous edition of 2025
    assert '<a href="porsgrunn-2025/index.html">Porsgrunn 2025</a>' in index  # later edition of 2021


def test_previous_edition_outside_the_allowed_folders_is_refused_unread(make_project, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "manifest.json").write_text("{ damaged", encoding="utf-8")
    root = current(make_project, "../elsewhere/manifest.json")
    problems = found(root)
    assert problems == [
        "vlrgen.toml:9:1: error[path.outside_project]: report.previous: ../elsewhere/manifest.json lies outside "
        "the project folder (links and ../ followed), so it is not read (hint: keep the previous edition inside "
        'the project folder, or add its folder to [project] shared, e.g. shared = ["../archive"])'
    ]


def test_missing_and_damaged_previous_editions_are_located_at_the_setting(make_project, tmp_path):
    root = current(make_project, "editions/2019")
    assert found(root) == ["vlrgen.toml:9:1: error[config.path_missing]: report.previous: editions/2019 does not exist"]

    root = current(make_project, "old/manifest.json", files={"old/manifest.json": '{"slug": "x",\n  "year": }'})
    (problem,) = found(root)
    assert problem.startswith(
        "vlrgen.toml:9:1: error[config.previous_damaged]: report.previous: old/manifest.json is damaged: "
        "it is not valid JSON (line 2, column 11)"
    )

    old = {"slug": "porsgrunn-2021", "entity": "Porsgrunn", "code": "4001", "kind": "municipality", "year": 2021}
    root = current(make_project, "old/manifest.json", files={"old/manifest.json": json.dumps(old)})
    (problem,) = found(root)
    assert "records no judgement of the edition: it was built by an older vlrgen" in problem

    root = current(make_project, "old/notes.txt", files={"old/notes.txt": "x"})
    assert "is neither a project folder nor a manifest.json" in found(root)[0]

    root = current(make_project, "old", files={"old/readme.md": "x"})
    assert "the folder old is not a report project (there is no vlrgen.toml in it)" in found(root)[0]


def test_previous_edition_of_another_place_or_a_later_year_is_refused(make_project):
    other = {**PREVIOUS_FOLDER, "editions/2021/vlrgen.toml": PREVIOUS_FOLDER["editions/2021/vlrgen.toml"]}
    other["editions/2021/vlrgen.toml"] = other["editions/2021/vlrgen.toml"].replace(
        'name = "Porsgrunn"\ncode = "4001"', 'name = "Skien"\ncode = "4003"'
    )
    root = current(make_project, "editions/2021", files=other)
    assert any(
        "error[config.previous_mismatch]: report.previous: editions/2021 is a review of Skien (4003), not of "
        "Porsgrunn (4001)" in p
        for p in found(root)
    )
    later = {**PREVIOUS_FOLDER, "editions/2021/vlrgen.toml": config(2025, extra='[content]\nnarrative = "."\n')}
    root = current(make_project, "editions/2021", files=later)
    assert any("is the review of 2025, which is not earlier than this one (2025)" in p for p in found(root))


def test_a_previous_project_with_errors_is_reported_in_its_own_file_and_at_the_setting(make_project):
    broken = {**PREVIOUS_FOLDER, "editions/2021/vlrgen.toml": config(2021).replace("year = 2021", 'year = "2O21"')}
    root = current(make_project, "editions/2021", files=broken)
    problems = found(root)
    assert any(
        p.startswith("editions/2021/vlrgen.toml:") and 'report.year: expected a year, got "2O21"' in p for p in problems
    )
    assert any(
        p.startswith(
            "vlrgen.toml:9:1: error[config.previous_damaged]: report.previous: the previous edition in "
            "editions/2021 cannot be read"
        )
        for p in problems
    )
