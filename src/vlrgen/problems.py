"""Problems found in a project: where they are, how bad, and how they are printed.

Every phase reports what is wrong as `Problem` values instead of raising, so that one run
can show an author every problem at once. The only exceptions vlrgen raises on purpose are
the small tree below, and they always carry problems that the CLI prints.
"""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "BuildFailed",
    "Location",
    "Problem",
    "Problems",
    "Severity",
    "VlrgenError",
    "format_problem",
]


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Location:
    """A place in an input file; line and column count from 1, 0 means unknown."""

    path: Path
    line: int = 0
    column: int = 0
    cell: str = ""  # spreadsheet cell such as "Ark1!C14"; used instead of line:column

    def render(self, relative_to: Path | None = None) -> str:
        shown = _display_path(self.path, relative_to)
        if self.cell:
            return f"{shown}:{self.cell}"
        if self.line:
            return f"{shown}:{self.line}:{self.column or 1}"
        return shown


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, in words a content author understands."""

    location: Location
    code: str
    message: str
    severity: Severity = Severity.ERROR
    hint: str = ""

    def sort_key(self) -> tuple:
        loc = self.location
        return (str(loc.path), loc.line, loc.column, self.code, self.message)

    def as_error(self) -> Problem:
        return Problem(self.location, self.code, self.message, Severity.ERROR, self.hint)


@dataclass
class Problems:
    """A collector passed to loaders; they add problems and carry on."""

    items: list[Problem] = field(default_factory=list)

    def add(
        self, location: Location, code: str, message: str, *, hint: str = "", severity: Severity = Severity.ERROR
    ) -> None:
        self.items.append(Problem(location, code, message, severity, hint))

    def warn(self, location: Location, code: str, message: str, *, hint: str = "") -> None:
        self.add(location, code, message, hint=hint, severity=Severity.WARNING)

    def extend(self, problems: Problems | list[Problem]) -> None:
        self.items.extend(problems.items if isinstance(problems, Problems) else problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.sorted() if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.sorted() if p.severity is Severity.WARNING]

    def sorted(self) -> list[Problem]:
        return sorted(set(self.items), key=Problem.sort_key)

    def strict(self, promote=lambda problem: True) -> Problems:
        """The same problems with every warning promoted to an error (`--strict`); `promote` may keep some
        warnings as they are (those about files the author cannot change)."""
        return Problems([p.as_error() if promote(p) else p for p in self.items])


def format_problem(problem: Problem, relative_to: Path | None = None) -> str:
    """`path:line:col: error[code]: message (hint: ...)` — the one format used everywhere."""
    text = f"{problem.location.render(relative_to)}: {problem.severity.value}[{problem.code}]: {problem.message}"
    if problem.hint:
        text += f" (hint: {problem.hint})"
    return text


def _display_path(path: Path, relative_to: Path | None) -> str:
    base = relative_to or Path.cwd()
    try:
        return os.path.relpath(path, base)
    except ValueError:  # another drive on Windows
        return str(path)


class VlrgenError(Exception):
    """Base of the exceptions vlrgen raises on purpose; each carries problems to print."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


class BuildFailed(VlrgenError):
    """The project has errors, or a phase failed; nothing was written to the output."""
