"""Shared fixtures: throwaway projects (`make_project`) and builds of the example.

Tests that need real WeasyPrint output are marked `@pytest.mark.pdf` (`pytest -m "not pdf and not browser"`
is the fast part). Only they, and the browser check of every example page (marker `browser`, which runs with
them and checks the HTML of the same one real build), may use `example_build`; every other test uses
`example_build_fake` (the same build with `FakePdfRenderer`) or `example_build_html` (`--format html`, what
the golden files hold). Outside pdf-marked tests the real renderer is switched off in this process, so a
build that forgets `FakePdfRenderer()` fails with a message instead of slowing the fast part down.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from vlrgen.build.pipeline import BuildOptions, build_projects, check_projects
from vlrgen.inputs.content import SECTION_KEYS
from vlrgen.output.pdf import FakePdfRenderer

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "content"
LIBRARY = REPO / "src" / "vlrgen" / "library" / "national"

CONFIG = """\
[entity]
name = "Porsgrunn"
code = "4001"
kind = "municipality"

[report]
year = 2025
languages = ["nb", "en"]
outputs = ["html"]

[data]
indicators = "data/indicators.csv"
observations = "data/observations.csv"
"""

INDICATORS = """\
id,goal,targets,name_nb,name_en,unit_nb,unit_en,decimals,direction,source_name_nb,source_name_en,source_url,framework_ref,sdg_relation,sdg_indicator,definition_nb,definition_en
water,6,6.1,Drikkevann,Drinking water,%,%,1,higher,FHI,FHI,https://statistikk.fhi.no/kh,,adapted,6.1.1,Andel.,Share.
"""

OBSERVATIONS = """\
indicator,entity,period,value,period_label
water,4001,2022,1234.5,
water,4001,2023,96.25,
water,40,2023,90.5,
water,0,2023,88,
"""


def narrative_files(languages=("nb", "en")) -> dict[str, str]:
    files = {}
    for lang in languages:
        for key in SECTION_KEYS:
            files[f"narrative/{lang}/{key}.md"] = f"---\ntitle: {key} {lang}\n---\nText for {key} in {lang}.\n"
    return files


@pytest.fixture
def make_project(tmp_path):
    """Write a small valid project, with `files` added or replacing defaults (None deletes)."""

    def make(files: dict[str, str | None] | None = None, name: str = "project") -> Path:
        root = tmp_path / name
        defaults = {
            "vlrgen.toml": CONFIG,
            "data/indicators.csv": INDICATORS,
            "data/observations.csv": OBSERVATIONS,
            **narrative_files(),
        }
        for relative, text in {**defaults, **(files or {})}.items():
            path = root / relative
            if text is None:
                path.unlink(missing_ok=True)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
        return root

    return make


@pytest.fixture
def example_copy(tmp_path) -> Path:
    """A writable copy of the repository's example content."""
    target = tmp_path / "content"
    shutil.copytree(EXAMPLE, target)
    return target


def own_source(content: Path, projects: tuple[str, ...], library_file: str, declaration: str) -> Path:
    """Make a copy of one of the library's raw files the own source of some example projects (a project's own
    data of an indicator replace the library's), so that a test can change it; returns the copy."""
    raw = content / "data" / "sources" / Path(library_file).name
    raw.parent.mkdir(exist_ok=True)
    shutil.copy(LIBRARY / "sources" / library_file, raw)
    sources = content / "data" / "sources.toml"
    before = sources.read_text(encoding="utf-8") if sources.exists() else ""
    sources.write_text(before + f'[[source]]\nfile = "sources/{raw.name}"\n\n{declaration}\n', encoding="utf-8")
    for name in projects:
        config = content / name / "vlrgen.toml"
        text = config.read_text(encoding="utf-8")
        if "sources =" not in text:
            text = text.replace("\nindicators =", '\nsources = "../data/sources.toml"\nindicators =', 1)
        config.write_text(text, encoding="utf-8")
    return raw


def example_projects() -> list[Path]:
    return sorted(p.parent for p in EXAMPLE.glob("*/vlrgen.toml"))


@pytest.fixture(scope="session")
def example_projects_checked() -> dict:
    """The example's projects gathered and checked once (phase 1 only), by folder name: norge, telemark…"""
    projects, problems = check_projects(example_projects())
    assert not problems.errors, problems.errors
    return {p.config.root.name: p for p in projects}


def build_example(out: Path, **options) -> Path:
    report = build_projects(example_projects(), BuildOptions(out_dir=out, **options))
    assert not report.problems.errors, report.problems.errors
    return out


@pytest.fixture(scope="session")
def example_build(tmp_path_factory) -> Path:
    """The example content built once, HTML and real WeasyPrint PDFs in both languages (pdf and browser tests only)."""
    return build_example(tmp_path_factory.mktemp("output"))


@pytest.fixture(scope="session")
def example_build_fake(tmp_path_factory) -> Path:
    """The example built once like `example_build`, but with fake PDFs: pages, links and manifests as in a
    real build (the page counts are estimates), in seconds instead of a minute."""
    return build_example(tmp_path_factory.mktemp("output-fake"), pdf_renderer=FakePdfRenderer())


@pytest.fixture(scope="session")
def example_build_html(tmp_path_factory) -> Path:
    """The example built with `--format html`, as `scripts/update-golden` builds it."""
    return build_example(tmp_path_factory.mktemp("output-html"), formats=("html",))


def pytest_collection_modifyitems(config, items):
    misplaced = [
        i.nodeid
        for i in items
        if "example_build" in i.fixturenames and not (i.get_closest_marker("pdf") or i.get_closest_marker("browser"))
    ]
    if misplaced:
        raise pytest.UsageError(
            "these tests use the real example_build but are not marked @pytest.mark.pdf (or browser) "
            "(use example_build_fake if the PDF bytes do not matter): " + ", ".join(misplaced)
        )


@pytest.fixture(autouse=True)
def no_real_pdfs_outside_pdf_tests(request, monkeypatch):
    """Fail a test that lays out a real PDF in this process without the pdf marker.

    Worker processes (builds with more than one job) are not covered; a forked standby process is."""
    if request.node.get_closest_marker("pdf"):
        return

    def refuse(pdf_request):
        raise AssertionError(
            f"{request.node.nodeid} lays out {pdf_request.html_path.name} with WeasyPrint: "
            "pass BuildOptions(pdf_renderer=FakePdfRenderer()) or mark the test @pytest.mark.pdf"
        )

    monkeypatch.setattr("vlrgen.output.pdf.render_pdf", refuse)
