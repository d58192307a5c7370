"""Stop at once when a build would change nothing (issue 17: a no-change rebuild in ≤ 1 s).

After each published build, the pipeline records what the build could read and what it published
(`record_build`, into the cache folder):
- every file and folder in the projects' allowed folders (confinement keeps every file a project reads
  inside them), in their members' folders and the folders the members were found in, in their previous
  editions, and in vlrgen's own code, templates and library, each by size, modification time, inode and
  status change time; a file changed since the build began is recorded as unsettled (never the same);
- which vlrgen, the Python and library versions, the options and the projects found (`build_key`);
- every file of the site version made current;
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
import sys
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
_SKIPPED = {"__pycache__", ".git", ".hg", ".svn"}  # never read by a build (nor are vlrgen's `.vlrgen-*` folders)

Stamp = tuple[int, ...]  # (size, modification time, inode, status change time), the times in ns

# Libraries whose version changes what a build writes: another version of one of them means a build
# (read from the installed package's metadata, without importing it).
LIBRARIES = (
    "weasyprint",
    "pydyf",
    "tinycss2",
    "cssselect2",
    "pyphen",
    "pillow",
    "fonttools",
    "uharfbuzz",  # the tables' print column widths
    "matplotlib",
    "jinja2",
    "markupsafe",
    "babel",
    "markdown",
    "nh3",
    "openpyxl",
)
ABSENT = (-1, -1, -1, -1)
FOLDER = (-3, 0, 0, 0)
UNSETTLED = (-2, -2, -2, -2)  # a file changed while the build ran (or just before it): never the same again
SETTLE_NS = 2_000_000_000  # file times may be as coarse as 2 s


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
    here = str(Path(__file__).resolve().parents[1])  # which vlrgen: two copies may share a version number
    named = [__version__, here, sys.version, *map(_version, LIBRARIES), str(out_dir.resolve())]
    named += [str(p.resolve()) for p in projects]
    named += [repr(languages), repr(formats), repr(strict), repr(with_reviews), renderer]
    return hashlib.sha256("\n".join(named).encode()).hexdigest()


def record_build(
    out_dir: Path,
    key: str,
    folders: Iterable[Path],
    files: Iterable[Path],
    unchanged: Unchanged,
    began: int,
) -> None:
    """Write the record of a build just published (an unreadable folder or file: no record, a full build next).

    A file changed since the build began (`began`, ns, less the coarsest file time step) is recorded as
    unsettled: the build may have read it before the change, so it never counts as the same (as git treats
    "racy" entries). Called under the site's lock, so one build at a time writes the record."""
    target = out_dir / CACHE_FOLDER / RECORD
    site = _current(out_dir)
    walked = tuple(sorted({str(f.resolve()) for f in folders}))
    single = tuple(sorted({str(f.resolve()) for f in files} - set(walked)))
    try:
        stamps = {
            name: UNSETTLED if max(stamp[1], stamp[3]) >= began - SETTLE_NS else stamp
            for name, stamp in _stamps(walked, single, out_dir).items()
        }
        record = _Record(key, walked, single, stamps, site or "", _site_stamps(out_dir, site), unchanged)
        temporary = target.with_name(f".{RECORD}.tmp")
        temporary.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(pickle.dumps(record))
        os.replace(temporary, target)
    except OSError:  # the build itself is published; the next one is simply a whole build
        target.unlink(missing_ok=True)


def unchanged_build(out_dir: Path, key: str) -> Unchanged | None:
    """What the last build printed, if building again now would change nothing; else None."""
    try:
        record = pickle.loads((out_dir / CACHE_FOLDER / RECORD).read_bytes())
        if not isinstance(record, _Record) or record.key != key:
            return None
        site = _current(out_dir)
        same = (
            site == record.site
            and _site_stamps(out_dir, site) == record.site_stamps
            and _stamps(record.folders, record.files, out_dir) == record.stamps
        )
        return record.unchanged if same and isinstance(record.unchanged, Unchanged) else None
    except Exception:  # none yet, damaged, written by another vlrgen, or a file unreadable now: build
        return None


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
    """Every file of the published version, and what each entry readers open (`output/<report>`) is.

    Without the status change time: publishing links a report's files into the next version, which changes it."""
    if not site:
        return {}
    stamps: dict[str, tuple[object, ...]] = {
        name: stamp[:3] for name, stamp in _walk(out_dir / SITE_FOLDER / site, skip=None).items()
    }
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
        stamps[name] = _stamp(name)
    return stamps


def _stamp(path: str) -> Stamp:
    found = os.stat(path)
    return (found.st_size, found.st_mtime_ns, found.st_ino, found.st_ctime_ns)


def _walk(folder: Path, skip: str | None) -> dict[str, Stamp]:
    """A stamp for every file and folder below `folder`; with `skip` (the output folder) given, version control
    folders, vlrgen's own folders and Python's caches are left out, as nothing a build reads is there."""
    if not folder.exists():
        return {str(folder): ABSENT}  # present later is a change
    if folder.is_file():
        return {str(folder): _stamp(str(folder))}
    stamps: dict[str, Stamp] = {}
    for here, subfolders, names in os.walk(folder):
        if skip is not None:
            subfolders[:] = [
                d
                for d in subfolders
                if d not in _SKIPPED and not d.startswith(".vlrgen") and os.path.join(here, d) != skip
            ]
        stamps[here] = FOLDER  # an empty folder made or removed is a change (a new language, say)
        for name in names:
            if skip is None or not name.endswith(".pyc"):
                path = os.path.join(here, name)
                stamps[path] = _stamp(path)
    return stamps
