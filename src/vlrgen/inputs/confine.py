"""Confinement: every file a project names or contains must lie inside the project's allowed roots.

Paths are resolved with symbolic links followed before anything is opened, so a link (or `../`)
to a file outside the project is a located error and the outside file is never read, not even
to quote its first line. A link loop is reported, not skipped.

The allowed roots of a project are its own folder and the folders it declares in
`[project] shared` (see `inputs/config.py` for why a group of projects declares its shared
data that way). Files published under the report's `media/` by their place in the project
(narrative, images, the logo) must lie in the project folder itself.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Sequence
from pathlib import Path

from vlrgen.problems import Location, Problems

__all__ = ["confine", "confine_tree", "inside", "resolve_strictly"]

MAX_TREE_ENTRIES = 10_000  # files and folders looked at in one folder tree (a template folder holds a few dozen)
HINT = "copy the file into the project folder, or add its folder to [project] shared in vlrgen.toml (see README)"


class LinkLoop(Exception):
    """A path runs through a symbolic link that leads back to itself."""


def inside(resolved: Path, roots: Sequence[Path]) -> bool:
    return any(resolved.is_relative_to(root.resolve()) for root in roots)


def resolve_strictly(path: Path) -> Path | None:
    """The path with every symbolic link followed; None when it does not exist. Raises LinkLoop."""
    try:
        return path.resolve(strict=True)
    except RuntimeError as exc:  # Python before 3.13 reports a loop as RuntimeError
        raise LinkLoop(str(path)) from exc
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise LinkLoop(str(path)) from exc
        return None  # missing, or a file used as a folder: the caller says "does not exist"


def confine(
    path: Path,
    roots: Sequence[Path],
    problems: Problems,
    at: Location,
    what: str,
    *,
    shown: str | None = None,
    hint: str = HINT,
) -> Path | None:
    """The resolved path when it lies inside one of `roots`; otherwise a problem at `at` and None.

    `what` and `shown` name the file in the message (`data.indicators:` and the path as written;
    by default the file's name). A path inside that does not exist is returned unresolved, for the
    caller's own "not found" message; nothing is opened either way.
    """
    name = shown if shown is not None else path.name
    try:
        resolved = resolve_strictly(path)
    except LinkLoop:
        problems.add(
            at, "path.link_loop", f"{what} {name} is a symbolic link that leads to itself", hint="remove the link"
        )
        return None
    if resolved is None:  # missing: refused all the same when even its written path leads outside
        resolved = path.resolve()
        if inside(resolved, roots):
            return path
    if not inside(resolved, roots):
        place = "the project folder" if len(roots) == 1 else "the project folder and its shared folders"
        problems.add(
            at,
            "path.outside_project",
            f"{what} {name} lies outside {place} (links and ../ followed), so it is not read",
            hint=hint,
        )
        return None
    return resolved


def confine_tree(folder: Path, roots: Sequence[Path], problems: Problems, what: str) -> bool:
    """True when every file and folder under `folder` resolves inside `roots`; otherwise each one
    that does not is a problem at its own path. A linked folder is looked into only after its link
    was found to stay inside (each folder once, so a loop of folder links ends)."""
    ok = True
    seen = 0
    pending = [folder]
    visited: set[Path] = set()
    while pending:
        current = pending.pop()
        real = current.resolve()
        if real in visited:
            continue
        visited.add(real)
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError:
            continue  # not a folder, or unreadable: the reader that needs it says so
        for entry in entries:
            seen += 1
            if seen > MAX_TREE_ENTRIES:
                message = f"{what} folder {folder.name} holds more than {MAX_TREE_ENTRIES} files and folders"
                problems.add(
                    Location(folder), "path.too_many_files", message, hint="keep only what the report uses in it"
                )
                return False
            path = Path(entry.path)
            if entry.is_symlink() and confine(path, roots, problems, Location(path, 1, 1), what) is None:
                ok = False
            elif entry.is_dir(follow_symlinks=True):
                pending.append(path)
    return ok
