"""Templates: where the report templates are, their Jinja2 environment, and the check `vlrgen check` runs.

The default templates live in `report_templates/` (inside the wheel as `vlrgen/report_templates`);
a project's own `templates/` folder is searched first.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import jinja2

from vlrgen.problems import Location, Problems

__all__ = ["check_templates", "template_root"]


def template_root() -> Path:
    """The default templates: inside the installed wheel, or beside `src/` in a checkout."""
    packaged = resources.files("vlrgen").joinpath("report_templates")
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[3] / "report_templates"


MESSAGE_KEY = re.compile(r"""L\.t\(\s*['"]([a-z0-9_.]+)['"]\s*[,)]""")


def check_templates(search_path: list[Path], messages: dict[str, str], problems: Problems) -> None:
    """Parse every template and check the catalog keys it names, so `check` catches what a build would.

    Projects sharing the same templates and catalog (a review and its members) are checked once.
    """
    state = tuple((p.as_posix(), p.stat().st_mtime_ns) for folder in search_path for p in sorted(folder.glob("*.html")))
    key = (tuple(search_path), state, frozenset(messages))
    if key not in _checked:
        found = Problems()
        _check_templates(search_path, messages, found)
        _checked[key] = found.items
    problems.extend(_checked[key])


_checked: dict[tuple, list] = {}


def _check_templates(search_path: list[Path], messages: dict[str, str], problems: Problems) -> None:
    env = jinja2.Environment(trim_blocks=True, lstrip_blocks=True)  # parsing only: syntax and catalog keys
    for folder in search_path:
        for path in sorted(folder.glob("*.html")):
            source = path.read_text(encoding="utf-8", errors="replace")
            try:
                env.parse(source, name=path.name, filename=str(path))
            except jinja2.TemplateSyntaxError as exc:
                problems.add(Location(path, exc.lineno or 1, 1), "template.syntax", f"template error: {exc.message}")
                continue
            for number, line in enumerate(source.splitlines(), start=1):
                for match in MESSAGE_KEY.finditer(line):
                    if match[1] not in messages:
                        problems.add(
                            Location(path, number, match.start(1) + 1),
                            "template.unknown_message",
                            f'the template uses message "{match[1]}", which no catalog defines',
                        )
