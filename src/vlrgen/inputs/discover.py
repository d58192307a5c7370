"""Find report projects where the user stands, as mkdocs and Quarto do.

A folder with a `vlrgen.toml` is a project. Given no path, the current folder is used: itself when
it is a project, otherwise every project below it. A path given that is not a project stands for
every project below it (`vlrgen build content`). Search does not descend into a project, nor into
hidden folders, output folders or virtual environments.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["CONFIG_NAME", "find_projects"]

CONFIG_NAME = "vlrgen.toml"  # a folder holding one is a project (standard library only: `vlrgen build` reads this
# module before the build's own, to see whether anything changed since the last build)

SKIPPED = {"output", "node_modules", "__pycache__", "site-packages"}


def find_projects(paths: list[Path], here: Path) -> tuple[list[Path], list[Path]]:
    """(project folders, given paths under which no project was found)."""
    found: list[Path] = []
    empty: list[Path] = []
    for path in paths or [here]:
        below = _projects_at(path)
        if below:
            found.extend(p for p in below if p not in found)
        else:
            empty.append(path)
    return found, empty


def _projects_at(path: Path) -> list[Path]:
    if path.is_file() and path.name == CONFIG_NAME:
        return [path.parent]
    if not path.is_dir():
        return [path]  # not a folder: the project loader reports it, with its name
    if (path / CONFIG_NAME).is_file():
        return [path]
    found = []
    for folder, subfolders, files in os.walk(path):
        if CONFIG_NAME in files:
            found.append(Path(folder))
            subfolders.clear()  # a project's own folders are its business
            continue
        subfolders[:] = sorted(d for d in subfolders if not d.startswith(".") and d not in SKIPPED)
    return sorted(found)
