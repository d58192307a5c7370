"""`vlrgen new`: a ready project for one municipality, one county or the national review.

Name, code and year come from the packaged reference data. Every handbook section is written in every
language as a visible "to be written" block with short guidance (`{{< todo >}}`), which `vlrgen check
--strict` reports until the author replaces it: never example prose about another place. The folder
also gets a .gitignore and a GitHub Actions workflow (check on pull requests, build and upload on main).
An existing file is never overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vlrgen import __version__, reference
from vlrgen.inputs.config import CONFIG_NAME, DEFAULT_LANGUAGES
from vlrgen.inputs.content import SECTION_KEYS
from vlrgen.inputs.i18n import Language, load_languages
from vlrgen.inputs.templates import template_root
from vlrgen.problems import Location, Problems

__all__ = ["NewProject", "data_section", "new_project", "plan_new_project"]

GITIGNORE = "# vlrgen: built reports and the artifact cache\noutput/\n.vlrgen-cache/\n__pycache__/\n"


@dataclass(frozen=True)
class NewProject:
    """The files of a new project: path relative to its folder → text."""

    name: str
    files: dict[str, str]


def default_year() -> int:
    """The year under review: the year before the latest population count in the packaged data (1 January)."""
    return max(year for _, year in reference.populations()) - 1


def plan_new_project(code: str, kind: str, year: int | None, problems: Problems) -> NewProject | None:
    """The files for the municipality or county `code` (kind "municipality" or "county"), or the nation ("vsr")."""
    place = reference.place(reference.NATION_CODE if kind == "vsr" else code)
    if place is None or place.kind != {"vsr": "nation"}.get(kind, kind):
        problems.add(
            Location(Path(code)),
            "usage.unknown_entity",
            f'"{code}" is not a {kind} code in the 2024 structure',
            hint="a municipality has 4 digits (e.g. 4003), a county 2 (e.g. 40)",
        )
        return None
    root = template_root() / "i18n"
    languages = load_languages([root], DEFAULT_LANGUAGES, Problems())
    name = place.name
    files = {
        CONFIG_NAME: _config(place.name, place.code, kind, year or default_year()),
        ".gitignore": GITIGNORE,
        ".github/workflows/vlrgen.yml": WORKFLOW.replace("{version}", __version__),
    }
    files.update(data_section(kind)[1])
    for lang in DEFAULT_LANGUAGES:
        for key in SECTION_KEYS:
            files[f"narrative/{lang}/{key}.md"] = _section(key, languages[lang])
    return NewProject(name, files)


def new_project(folder: Path, project: NewProject) -> list[Path]:
    """Write the files; refuses (returns none written) when the folder already holds any of them or a project."""
    if (folder / CONFIG_NAME).exists() or any((folder / relative).exists() for relative in project.files):
        return []
    written = []
    for relative, text in project.files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def data_section(kind: str) -> tuple[str, dict[str, str]]:
    """The [data] table of a new project and the files it names: the packaged national indicator library
    (`[data] library = "national"`), so a new project has public figures for its place from the start.

    The one place a new project's data is decided. Own data builds on the library: a catalogue
    (data.indicators) whose rows override the library's indicators or add new ones, and observations or
    declared sources whose values of an indicator replace the library's.
    """
    table = (
        "[data]\n"
        "# The packaged national indicator library: public figures for every municipality and county (README.md).\n"
        'library = "national"\n'
        '# Add your own indicators and values on top of it (see README.md, "Add an indicator"): a catalogue row\n'
        "# with a library id overrides that indicator, and your values of an indicator replace the library's.\n"
        '# indicators = "data/indicators.csv"\n'
        '# observations = "data/observations.csv"\n'
    )
    return table, {}


def _config(name: str, code: str, kind: str, year: int) -> str:
    members = (
        '\n[members]\nmunicipalities = "all"   # every municipality of the county (or of Norway); '
        'or "in_data"\n# projects = ["../kommune"]   # member projects whose own data joins the review\n'
        if kind in ("county", "vsr")
        else ""
    )
    return (
        f"# Made with `vlrgen new` (vlrgen {__version__}). Every setting is described in README.md.\n"
        "[entity]\n"
        f'name = "{name}"\n'
        f'code = "{code}"\n'
        f'kind = "{kind}"\n\n'
        "[report]\n"
        f"year = {year}\n"
        'languages = ["nb", "en"]\n'
        'outputs = ["html", "pdf"]\n\n'
        "[content]\n"
        'narrative = "narrative"\n\n' + data_section(kind)[0] + members
    )


def _section(key: str, language: Language) -> str:
    return f"{{{{< todo >}}}}\n{language.t(f'guidance.{key}')}\n{{{{< /todo >}}}}\n"


WORKFLOW = """\
# Checks the review on every pull request and builds it (HTML and PDF) on main. Made by `vlrgen new`.
name: vlrgen

on:
  pull_request:
  push:
    branches: [main]

jobs:
  review:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Install vlrgen and the libraries WeasyPrint needs
        run: |
          sudo apt-get update
          sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig
          # the vlrgen this project was made with; install another version or a copy of its repository here
          pip install "vlrgen=={version}"
      - name: Check
        run: vlrgen check --strict
      - name: Build
        if: github.event_name == 'push'
        run: vlrgen build --out output
      - name: Upload the report
        if: github.event_name == 'push'
        uses: actions/upload-artifact@v4
        with:
          name: review
          path: output/
"""
