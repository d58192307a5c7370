"""Packaged indicator libraries: a catalogue and declared sources over unchanged public files, shipped
inside vlrgen, that a project uses by name (`data.library = "national"` in vlrgen.toml).

A library is a folder `vlrgen/library/<name>/` holding `indicators.csv`, `sources.toml`, the raw files
under `sources/` and a README with their provenance and licences. The project's own catalogue may
name a library indicator's id to override it: its filled cells replace the library's (own thresholds,
a council's target, other texts), its empty cells keep the library's. The project's own observations
of an indicator replace the library's observations of that indicator.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

__all__ = ["Library", "available_libraries", "in_a_library", "library_named"]


@dataclass(frozen=True)
class Library:
    name: str
    folder: Path

    @property
    def indicators(self) -> Path:
        return self.folder / "indicators.csv"

    @property
    def sources(self) -> Path:
        return self.folder / "sources.toml"


def _root() -> Path:
    return Path(str(resources.files("vlrgen").joinpath("library")))


def available_libraries() -> tuple[str, ...]:
    root = _root()
    return tuple(sorted(p.name for p in root.iterdir() if (p / "indicators.csv").is_file())) if root.is_dir() else ()


def library_named(name: str) -> Library | None:
    return Library(name, _root() / name) if name in available_libraries() else None


def in_a_library(path: Path) -> bool:
    """Does the file belong to a packaged library (not to the author, who cannot change it)?"""
    root = _root().resolve()
    return Path(path).resolve().is_relative_to(root)
