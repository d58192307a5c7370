"""Stop at once when a build would change nothing (issue 17: a no-change rebuild in ≤ 1 s).

After each published build, the pipeline records what the build could have read and what it published
(`record_build`, into the cache folder):
- every file in the projects' allowed folders (confinement keeps every file a project reads inside them),
  in their members' folders and previous editions, and in vlrgen's own code, templates and library, each
  by size and modification time, as make does;
- the options, the projects found, and every file of the site version made current;
- the problems printed and the notes on stale reviews.

`vlrgen build` asks `unchanged_build` first. When the options are the same, every file is as recorded and
the output folder shows the site recorded, it prints the same problems and notes and stops. Anything else
means a normal build, which itself reuses every chart and PDF it can:
- a file touched, added or removed;
- other options, another vlrgen, or another version of a library that shapes the output;
- a report changed or removed by hand;
- another build published since.

This module imports only the standard library and `vlrgen.problems`, so the question costs a fraction of
a second before the build's own modules are loaded.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from vlrgen import __version__
from vlrgen.problems import Problems

__all__ = ["Unchanged", "build_key", "record_build", "unchanged_build"]

RECORD = "last-build.pickle"  # in the cache folder (build/cache.py CACHE_NAME)
CACHE_FOLDER = ".vlrgen-cache"
SITE_FOLDER = ".vlrgen-site"
_SKIPPED = {"__pycache__", "node_modules", "site-packages"}  # never read by a build

Stamp = tuple[int, int]  # (size, modification time in ns)

# Libraries whose version changes what a build writes: another version of one of them means a build
# (read from the installed package's metadata, without importing it).
LIBRARIES = ("weasyprint", "pydyf", "matplotlib", "jinja2", "babel", "markdown", "nh3", "openpyxl")


@dataclass(frozen=True)
class Unchanged:
    """What the last build printed, for a build that stops because nothing changed."""

    built: tuple[Path, ...]
    problems: Problems
    stale_lines: tuple[str, ...]


@dataclass(frozen=True)
class _Record:
    key: str
    folders: tuple[str, ...]  # walked
    files: tuple[str, ...]  # stamped one by one (data files outside the folders)
    stamps: dict[str, Stamp]
    site: str  # the version made current
    site_stamps: dict[str, tuple[object, ...]]
    unchanged: Unchanged


def build_key(
    projects: Iterable[Path],
    out_dir: Path,
    *,
    languages: tuple[str, ...] | None,
    formats: tuple[str, ...] | None,
    strict: bool,
    with_reviews: bool,
    renderer: str,
) -> str:
    """The build asked for: the project folders found, the output folder and the options that change output
    (`renderer`: the PDF renderer's class name; tests use a fake one)."""
    named = [__version__, *map(_version, LIBRARIES), str(out_dir.resolve()), *(str(p.resolve()) for p in projects)]
    named += [repr(languages), repr(formats), repr(strict), repr(with_reviews), renderer]
    return hashlib.sha256("\n".join(named).encode()).hexdigest()


def record_build(
    out_dir: Path,
    key: str,
    folders: Iterable[Path],
    files: Iterable[Path],
    unchanged: Unchanged,
) -> None:
    """Write the record of a build just published (an unreadable folder or file: no record, a full build next)."""
    target = out_dir / CACHE_FOLDER / RECORD
    site = _current(out_dir)
    walked = tuple(sorted({str(f.resolve()) for f in folders}))
    single = tuple(sorted({str(f.resolve()) for f in files} - set(walked)))
    try:
        stamps = _stamps(walked, single, out_dir)
        record = _Record(key, walked, single, stamps, site or "", _site_stamps(out_dir, site), unchanged)
    except OSError:
        target.unlink(missing_ok=True)
        return
    temporary = target.with_name(f".{RECORD}.{os.getpid()}.tmp")
    temporary.parent.mkdir(parents=True, exist_ok=True)
    temporary.write_bytes(pickle.dumps(record))
    os.replace(temporary, target)


def unchanged_build(out_dir: Path, key: str) -> Unchanged | None:
    """What the last build printed, if building again now would change nothing; else None."""
    try:
        record = pickle.loads((out_dir / CACHE_FOLDER / RECORD).read_bytes())
    except Exception:  # none yet, damaged, or written by another vlrgen
        return None
    if not isinstance(record, _Record) or record.key != key:
        return None
    site = _current(out_dir)
    try:
        same = (
            site == record.site
            and _site_stamps(out_dir, site) == record.site_stamps
            and _stamps(record.folders, record.files, out_dir) == record.stamps
        )
    except OSError:
        return None
    return record.unchanged if same else None


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return ""


def _current(out_dir: Path) -> str | None:
    try:
        return os.readlink(out_dir / SITE_FOLDER / "current")
    except OSError:
        return None


def _site_stamps(out_dir: Path, site: str | None) -> dict[str, tuple[object, ...]]:
    """Every file of the published version, and what each entry readers open (`output/<report>`) is."""
    if not site:
        return {}
    stamps: dict[str, tuple[object, ...]] = dict(_walk(out_dir / SITE_FOLDER / site, skip=None))
    for entry in os.scandir(out_dir):
        if not entry.name.startswith("."):
            stamps[f"entry:{entry.name}"] = ("link", os.readlink(entry.path)) if entry.is_symlink() else ("other",)
    return stamps


def _stamps(folders: Iterable[str], files: Iterable[str], out_dir: Path) -> dict[str, Stamp]:
    skip = str(out_dir.resolve())
    stamps: dict[str, Stamp] = {}
    for folder in folders:
        stamps.update(_walk(Path(folder), skip))
    for name in files:
        found = os.stat(name)
        stamps[name] = (found.st_size, found.st_mtime_ns)
    return stamps


def _walk(folder: Path, skip: str | None) -> dict[str, Stamp]:
    """Size and modification time of every file below `folder` (not in hidden folders, nor in `skip`)."""
    stamps: dict[str, Stamp] = {}
    if not folder.exists():
        stamps[str(folder)] = (-1, -1)  # absent now: present later is a change
        return stamps
    if folder.is_file():
        found = folder.stat()
        return {str(folder): (found.st_size, found.st_mtime_ns)}
    for here, subfolders, names in os.walk(folder):
        subfolders[:] = [
            d
            for d in subfolders
            if not (skip is not None and (d.startswith(".") or d in _SKIPPED or os.path.join(here, d) == skip))
        ]
        for name in names:
            if skip is not None and name.endswith(".pyc"):
                continue
            path = os.path.join(here, name)
            found = os.stat(path)
            stamps[path] = (found.st_size, found.st_mtime_ns)
    return stamps
