"""Confinement: every file a project names or contains must lie inside the project's allowed roots.

Paths are resolved with symbolic links followed before anything is opened, so a link (or `../`)
to a file outside the project is a located error and the outside file is never read. A link
loop is reported, not skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from vlrgen.problems import Location, Problems

__all__ = ["confine", "inside"]


def inside(resolved: Path, roots: Sequence[Path]) -> bool:
    return any(resolved.is_relative_to(root.resolve()) for root in roots)


def confine(path: Path, roots: Sequence[Path], problems: Problems, at: Location, what: str) -> Path | None:
    """The resolved path when it lies inside one of `roots`; otherwise a problem at `at` and None.

    A path that does not exist is returned unresolved, for the caller's own "not found" message.
    """
    try:
        resolved = path.resolve(strict=True)
    except FileNotFoundError:
        return path
    except (RuntimeError, OSError):  # a symbolic link loop (RuntimeError before Python 3.13)
        problems.add(
            at, "path.link_loop", f"{what} {path.name} is a symbolic link that leads to itself", hint="remove the link"
        )
        return None
    if not inside(resolved, roots):
        problems.add(
            at,
            "path.outside_project",
            f"{what} {path.name} lies outside the project's folders (through a symbolic link or ../), so it is not read",
            hint="copy the file into the project folder, or declare a shared folder (see README, Allowed folders)",
        )
        return None
    return resolved
