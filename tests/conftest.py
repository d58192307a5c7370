"""Shared fixtures: throwaway projects (`make_project`) and one real build of the example."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from vlrgen.build.pipeline import BuildOptions, build_projects
from vlrgen.inputs.content import SECTION_KEYS

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "content"

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


@pytest.fixture(scope="session")
def example_build(tmp_path_factory) -> Path:
    """The example content built once, HTML and PDF in both languages."""
    out = tmp_path_factory.mktemp("output")
    projects = sorted(p.parent for p in EXAMPLE.glob("*/vlrgen.toml"))
    report = build_projects(projects, BuildOptions(out_dir=out))
    assert not report.problems.errors, report.problems.errors
    return out
