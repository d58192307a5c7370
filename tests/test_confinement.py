"""Confinement by resolved path: a file a project names that lies outside its allowed folders is a
located error at the setting that names it, and is never opened (an audit hook records every open).

Allowed folders are the project folder and the folders it declares in `[project] shared`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from conftest import CONFIG, EXAMPLE

from vlrgen.build.pipeline import BuildOptions, build_projects, check_projects
from vlrgen.output.pdf import FakePdfRenderer
from vlrgen.problems import format_problem

SECRET = "root:x:0:0:SECRET-LINE-FROM-OUTSIDE"
_opened: list[str] | None = None  # paths opened or listed while recording


def _record(event: str, args: tuple) -> None:
    watched = event in ("open", "os.listdir", "os.scandir")
    if _opened is not None and watched and args and isinstance(args[0], (str, bytes, os.PathLike)):
        _opened.append(os.fsdecode(args[0]))


sys.addaudithook(_record)  # audit hooks cannot be removed; this one only acts while `_opened` is a list


def check_recording_opens(project: Path):
    """check_projects, and every path it opened or listed, resolved."""
    global _opened
    _opened = []
    try:
        _, problems = check_projects([project])
    finally:
        opened, _opened = _opened, None
    return problems, {Path(p).resolve() for p in opened if p}


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder beside the project, with a file whose first line must never be read."""
    folder = tmp_path / "outside"
    folder.mkdir()
    for name in ("passwd", "passwd.csv", "sources.toml", "nb.toml", "report.html", "logo.svg"):
        (folder / name).write_text(SECRET + "\n", encoding="utf-8")
    (folder / "narrative-nb").mkdir()
    (folder / "narrative-nb" / "secret-section-name.md").write_text(SECRET + "\n", encoding="utf-8")
    return folder


def where(text: str, key: str, path: Path) -> str:
    """`path:line:col` of the line where `key =` is written in `text`."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith(f"{key} ") or line.lstrip().startswith(f"{key}="):
            return f"{path}:{number}:{line.index(key) + 1}"
    raise AssertionError(f"{key} not in {text!r}")


def assert_refused(project: Path, outside: Path, located: str, code: str = "path.outside_project", tmp_path=None):
    problems, opened = check_recording_opens(project)
    printed = [format_problem(p, project) for p in problems.items]
    assert any(line.startswith(f"{located}: error[{code}]") for line in printed), (located, printed)
    assert not any(SECRET in line or "secret-section-name" in line for line in printed), printed
    assert not [p for p in opened if p.is_relative_to(outside.resolve())], opened
    out = project.parent / "out"
    report = build_projects([project], BuildOptions(out_dir=out, formats=("html",), pdf_renderer=FakePdfRenderer()))
    assert report.problems.errors and not report.built
    published = [p for p in out.rglob("*") if p.is_file()] if out.exists() else []
    assert not any(SECRET in p.read_text(encoding="utf-8", errors="replace") for p in published)


def link(path: Path, target: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() or path.is_symlink():
        path.unlink()
    os.symlink(target, path)


@pytest.mark.parametrize("key", ["indicators", "observations"])
def test_a_data_file_written_with_dotdot_outside_is_refused_at_its_key(make_project, outside, key):
    config = CONFIG.replace(f"{key} = ", f'{key} = "../outside/passwd.csv"\n# was ', 1)
    project = make_project({"vlrgen.toml": config})
    assert_refused(project, outside, where(config, key, Path("vlrgen.toml")))


@pytest.mark.parametrize("key", ["indicators", "observations"])
def test_a_data_file_that_is_a_link_to_outside_is_refused_at_its_key(make_project, outside, key):
    project = make_project()
    link(project / "data" / f"{key}.csv", outside / "passwd.csv")
    assert_refused(project, outside, where(CONFIG, key, Path("vlrgen.toml")))


def test_a_sources_file_outside_is_refused_and_not_read(make_project, outside):
    config = CONFIG.replace('observations = "data/observations.csv"', 'sources = "data/sources.toml"')
    project = make_project({"vlrgen.toml": config})
    link(project / "data" / "sources.toml", outside / "sources.toml")
    assert_refused(project, outside, where(config, "sources", Path("vlrgen.toml")))


SOURCES = """\
[[source]]
file = "{file}"

[[source.series]]
indicator = "water"
entity = "Kommune"
period = "År"
value = "Andel"
"""


@pytest.mark.parametrize("kind", ["dotdot", "link", "absolute"])
def test_a_source_file_outside_is_refused_at_its_file_line(make_project, outside, kind):
    file = {"dotdot": "../../outside/passwd.csv", "link": "raw.csv", "absolute": str(outside / "passwd.csv")}[kind]
    sources = SOURCES.format(file=file)
    config = CONFIG.replace('observations = "data/observations.csv"', 'sources = "data/sources.toml"')
    project = make_project({"vlrgen.toml": config, "data/sources.toml": sources})
    if kind == "link":
        link(project / "data" / "raw.csv", outside / "passwd.csv")
    assert_refused(project, outside, "data/sources.toml:2:1")


def test_the_settings_file_itself_may_not_be_a_link_to_outside(make_project, outside):
    project = make_project()
    (outside / "vlrgen.toml").write_text(CONFIG, encoding="utf-8")
    link(project / "vlrgen.toml", outside / "vlrgen.toml")
    problems, opened = check_recording_opens(project)
    assert [p.code for p in problems.errors] == ["path.outside_project"], problems.items
    assert not [p for p in opened if p.is_relative_to(outside.resolve())], opened


def test_a_logo_linked_outside_is_refused(make_project, outside):
    config = CONFIG + '\n[branding]\nlogo = "media/logo.svg"\n'
    project = make_project({"vlrgen.toml": config})
    link(project / "media" / "logo.svg", outside / "logo.svg")
    assert_refused(project, outside, where(config, "logo", Path("vlrgen.toml")))


def test_a_logo_in_a_shared_folder_is_refused_since_it_is_published_from_the_project(make_project, tmp_path):
    (tmp_path / "common").mkdir()
    (tmp_path / "common" / "logo.svg").write_text("<svg/>", encoding="utf-8")
    config = CONFIG + '\n[project]\nshared = ["../common"]\n\n[branding]\nlogo = "../common/logo.svg"\n'
    problems, _ = check_recording_opens(make_project({"vlrgen.toml": config}))
    found = [p for p in problems.errors if p.code == "path.outside_project"]
    assert found and "lies outside the project folder" in found[0].message, problems.items


def test_a_narrative_folder_linked_outside_is_refused_without_listing_it(make_project, outside):
    project = make_project()
    for lang in ("nb", "en"):
        for md in (project / "narrative" / lang).iterdir():
            md.unlink()
        (project / "narrative" / lang).rmdir()
    (project / "narrative").rmdir()
    link(project / "narrative", outside)
    assert_refused(project, outside, "vlrgen.toml:1:1")  # the default narrative folder: no key written


def test_a_language_folder_linked_outside_is_refused_without_listing_it(make_project, outside):
    project = make_project()
    for md in (project / "narrative" / "nb").iterdir():
        md.unlink()
    (project / "narrative" / "nb").rmdir()
    link(project / "narrative" / "nb", outside / "narrative-nb")
    assert_refused(project, outside, "narrative/nb")


@pytest.mark.parametrize("what", ["folder", "template", "catalog", "nested"])
def test_templates_linked_outside_are_refused(make_project, outside, what):
    config = CONFIG.replace("[data]", '[content]\ntemplates = "templates"\n\n[data]')
    project = make_project({"vlrgen.toml": config, "templates/README.txt": "own templates\n"})
    templates = project / "templates"
    if what == "folder":
        (templates / "README.txt").unlink()
        templates.rmdir()
        link(templates, outside)
        located = where(config, "templates", Path("vlrgen.toml"))
    elif what == "template":
        link(templates / "report.html", outside / "report.html")
        located = "templates/report.html:1:1"
    elif what == "catalog":
        link(templates / "i18n" / "nb.toml", outside / "nb.toml")
        located = "templates/i18n/nb.toml:1:1"
    else:  # a folder link that stays inside, holding a link that leads out
        (project / "parts").mkdir()
        link(project / "parts" / "footer.html", outside / "report.html")
        link(templates / "parts", project / "parts")
        located = "templates/parts/footer.html:1:1"
    assert_refused(project, outside, located)


def test_survey_files_outside_are_refused(make_project, outside):
    config = (
        CONFIG.replace(
            'name = "Porsgrunn"\ncode = "4001"\nkind = "municipality"',
            'name = "Telemark"\ncode = "40"\nkind = "county"',
        )
        + '\n[members]\nmunicipalities = "all"\n\n[survey]\nanswers = "survey/answers.csv"\n'
        'questions = "../outside/passwd.csv"\nillustrative = true\n'
    )
    project = make_project({"vlrgen.toml": config})
    link(project / "survey" / "answers.csv", outside / "passwd.csv")
    problems, opened = check_recording_opens(project)
    printed = [format_problem(p, project) for p in problems.errors]
    for key in ("answers", "questions"):
        located = where(config, key, Path("vlrgen.toml"))
        assert any(line.startswith(f"{located}: error[path.outside_project]") for line in printed), printed
    assert not any(SECRET in line for line in printed)
    assert not [p for p in opened if p.is_relative_to(outside.resolve())], opened


def test_a_link_loop_is_reported_at_the_key(make_project):
    project = make_project()
    indicators = project / "data" / "indicators.csv"
    indicators.unlink()
    os.symlink(indicators, indicators)
    problems, _ = check_recording_opens(project)
    printed = [format_problem(p, project) for p in problems.errors]
    assert any(
        line.startswith(where(CONFIG, "indicators", Path("vlrgen.toml")) + ": error[path.link_loop]")
        for line in printed
    ), printed


def test_a_missing_file_is_still_just_missing(make_project):
    problems, _ = check_recording_opens(make_project({"data/observations.csv": None}))
    assert [p.code for p in problems.errors] == ["config.path_missing"]


# Shared folders: a group of projects declares the folder it shares, each in its own vlrgen.toml.


def shared_project(make_project, tmp_path, shared: str = '["../data"]'):
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    project = make_project({"data/indicators.csv": None, "data/observations.csv": None})
    for name in ("indicators.csv", "observations.csv"):
        from conftest import INDICATORS, OBSERVATIONS

        (data / name).write_text(INDICATORS if name == "indicators.csv" else OBSERVATIONS, encoding="utf-8")
    config = CONFIG.replace('"data/', '"../data/').replace("[data]", f"[project]\nshared = {shared}\n\n[data]")
    (project / "vlrgen.toml").write_text(config, encoding="utf-8")
    return project, data, config


def test_a_declared_shared_folder_is_read(make_project, tmp_path):
    project, _, _ = shared_project(make_project, tmp_path)
    problems, _ = check_recording_opens(project)
    assert not problems.errors, problems.errors


def test_without_the_declaration_the_shared_folder_is_outside(make_project, tmp_path):
    project, _, config = shared_project(make_project, tmp_path)
    config = config.replace('[project]\nshared = ["../data"]\n\n', "")
    (project / "vlrgen.toml").write_text(config, encoding="utf-8")
    problems, _ = check_recording_opens(project)
    printed = [format_problem(p, project) for p in problems.errors]
    assert any(
        line.startswith(where(config, "indicators", Path("vlrgen.toml")) + ": error[path.outside_project]")
        for line in printed
    ), printed
    assert "[project] shared" in " ".join(p.hint for p in problems.errors)


def test_a_link_inside_a_shared_folder_that_leads_elsewhere_is_refused(make_project, tmp_path, outside):
    project, data, config = shared_project(make_project, tmp_path)
    link(data / "observations.csv", outside / "passwd.csv")
    assert_refused(project, outside, where(config, "observations", Path("vlrgen.toml")))


@pytest.mark.parametrize(
    ("shared", "code"),
    [
        ('[".."]', "config.invalid"),
        ('["../.."]', "config.invalid"),
        ('["/"]', "config.invalid"),
        ('["../nowhere"]', "config.path_missing"),
        ('"../data"', "config.invalid"),
    ],
)
def test_a_shared_folder_must_be_one_named_folder_beside_the_project(make_project, tmp_path, shared, code):
    project, _, config = shared_project(make_project, tmp_path, shared)
    problems, _ = check_recording_opens(project)
    printed = [format_problem(p, project) for p in problems.errors]
    assert any(
        line.startswith(where(config, "shared", Path("vlrgen.toml")) + f": error[{code}]") for line in printed
    ), printed


def test_the_example_projects_declare_their_shared_data_folder():
    for config in sorted(EXAMPLE.glob("*/vlrgen.toml")):
        assert 'shared = ["../data"]' in config.read_text(encoding="utf-8"), config


def test_projects_sharing_a_data_folder_load_it_once(monkeypatch):
    from conftest import example_projects

    import vlrgen.inputs.project as project_module

    calls = []
    original = project_module.load_dataset
    monkeypatch.setattr(project_module, "load_dataset", lambda *a, **k: calls.append(a) or original(*a, **k))
    _, problems = check_projects(example_projects())
    assert not problems.errors and len(calls) == 1, (problems.errors, len(calls))


def test_data_read_for_one_project_is_not_reused_for_a_project_not_allowed_to_read_it(tmp_path, make_project):
    from conftest import INDICATORS

    data = tmp_path / "data"
    data.mkdir()
    (data / "indicators.csv").write_text(INDICATORS, encoding="utf-8")
    (data / "sources.toml").write_text(SOURCES.format(file="../a/raw.csv"), encoding="utf-8")
    config = CONFIG.replace('"data/indicators.csv"', '"../data/indicators.csv"')
    config = config.replace('observations = "data/observations.csv"', 'sources = "../data/sources.toml"')
    config = config.replace("[data]", '[project]\nshared = ["../data"]\n\n[data]')
    a = make_project({"vlrgen.toml": config, "raw.csv": "Kommune,År,Andel\nPorsgrunn,2023,5\n"}, name="a")
    b = make_project({"vlrgen.toml": config.replace('name = "Porsgrunn"', 'name = "Porsgrunn B"')}, name="b")
    _, problems = check_projects([a, b])
    refused = [p for p in problems.errors if p.code == "path.outside_project"]
    assert [str(p.location.path) for p in refused] == [str((data / "sources.toml").resolve())], problems.errors
