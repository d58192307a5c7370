"""Publishing: the output folder switches from one complete site to the next in one atomic step.

An output folder (`vlrgen build --out output`) looks like this::

    output/index.html             -> .vlrgen-site/current/index.html   (symlinks, made once)
    output/<report>               -> .vlrgen-site/current/<report>
    output/.vlrgen-site/current   -> v7                                (the one pointer)
    output/.vlrgen-site/v7/       index.html, <report>/…               (a complete site version)
    output/.vlrgen-cache/         the artifact cache (build/cache.py)

A build stages the reports it makes straight into a new version folder (`v8`), hard-links into it the
reports it does not make (published earlier from other projects), writes that version's index, then
renames a new `current` symlink over the old one. That rename is the only step a reader can notice: a
person, a web server or a sync job sees the whole previous site or the whole new one, never a mix of
reports or an index that lists reports of another build. The previous version is removed afterwards.

Trade-offs. The paths stay what they were (`output/index.html`, `output/<report>/<lang>/index.html`,
`output/<report>/<report>-<lang>.pdf`, `output/<report>/manifest.json`) because the top-level entries are
symlinks: files opened directly, relative links between reports, and web servers that follow symlinks
(nginx by default, Apache with `Options FollowSymLinks`) work unchanged. Copying the site elsewhere must
follow the links (`cp -rL output/. site/`, `rsync -aL --exclude='.vlrgen-*' output/ host:/www/`) or copy
`output/.vlrgen-site/current/`, a plain and complete folder; `cp -r` and `rsync -a` copy the relative links
as links, which also works. A page already open in a browser during the switch may load a later resource
(an image, the stylesheet) from the new version. The output folder needs a filesystem with symlinks; hard
links fall back to copies. Consistency holds against a killed build (SIGKILL, out of memory), not against
a power cut: nothing is fsync'ed.

One build at a time: a build locks `.vlrgen-site` (flock) from its first write to its end; a second build
into the same folder waits. Under the lock, whatever is not the current version is a leftover of a killed
build and is removed (`sweep`): version folders, temporary pointer links, dangling report links, the cache's
`.tmp` files, and the staging folders, `.old-*` folders and index temporaries of vlrgen before this layout.
Only names vlrgen makes are removed, and at the top of the output folder only with vlrgen's marks (a link
into `.vlrgen-site/current/`, a staging folder holding `assets/`, an old report holding its manifest);
`.vlrgen-site` itself is used only when it holds its marker file. A foreign folder is never touched.

An output folder written by an earlier vlrgen (real report folders and a real `index.html`) is taken over
at the first publish: a version holding exactly what readers see is made current, then each real folder
is exchanged for its link (atomically where the kernel has renameat2, else with a moment of absence), and
then the new build is published as usual.
"""

from __future__ import annotations

import ctypes
import fcntl
import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

from vlrgen.build.cache import CACHE_NAME, ArtifactCache
from vlrgen.problems import BuildFailed, Location, Problem

__all__ = ["SITE_NAME", "Site", "checkpoint", "entry_state", "published_version"]

SITE_NAME = ".vlrgen-site"
MARKER = "vlrgen-site.json"  # inside SITE_NAME: the folder is vlrgen's
MARKER_TEXT = '{"made_by": "vlrgen", "layout": 1}\n'

_VERSION = re.compile(r"v(\d+)")
_SITE_TEMPORARY = re.compile(r"(current\.\d+|link-.+)\.tmp")  # a pointer or report link not yet in place
# left by vlrgen before this layout, at the top of the output folder
_OLD_STAGING = re.compile(r"\.staging-.+-\d+")
_OLD_ASIDE = re.compile(r"\.old-(.+)-\d+")
_OLD_INDEX = re.compile(r"\.index-\d+\.html")

Progress = Callable[[str], None]


def checkpoint(stage: str) -> None:
    """A named moment of the build; does nothing (the kill tests pause or stop the build here)."""


def published_version(out_dir: Path) -> str | None:
    """The version the output folder shows now (None: nothing published in this layout)."""
    try:
        return os.readlink(out_dir / SITE_NAME / "current")
    except OSError:
        return None


def link_text(name: str) -> str:
    """What `output/<name>` points to."""
    return f"{SITE_NAME}/current/{name}"


def entry_state(out_dir: Path, name: str) -> str:
    """`output/<name>`: "absent", "link" (vlrgen's, perhaps not yet pointing at anything), "legacy" (a report
    folder written by an earlier vlrgen) or "foreign"."""
    path = out_dir / name
    if path.is_symlink():
        return "link" if os.readlink(path) == link_text(name) else "foreign"
    if not path.exists():
        return "absent"
    return "legacy" if path.is_dir() and _is_report(path) else "foreign"


def _is_report(folder: Path) -> bool:
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and (manifest.get("slug") == folder.name or "languages" in manifest)


class Site:
    """The published site of one output folder, its versions and its lock (see the module's docstring)."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self.folder = out_dir / SITE_NAME
        self._lock: int | None = None
        self._next = 1

    def open(self, progress: Progress = lambda _: None) -> None:
        """Create the folders if needed, take the lock (waiting for another build), remove leftovers."""
        marker = self.folder / MARKER
        if self.folder.is_symlink() or (
            self.folder.exists() and not marker.is_file() and not (self.folder.is_dir() and _empty(self.folder))
        ):
            raise BuildFailed(
                [
                    Problem(
                        Location(self.folder),
                        "build.foreign_folder",
                        f"{self.folder} exists and was not made by vlrgen; refusing to publish into {self.out_dir}",
                        hint="choose another --out folder",
                    )
                ]
            )
        self.folder.mkdir(parents=True, exist_ok=True)
        if not marker.is_file():
            marker.write_text(MARKER_TEXT, encoding="utf-8")
        lock = os.open(self.folder, os.O_RDONLY)
        try:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                progress(f"waiting for another build into {self.out_dir}")
                fcntl.flock(lock, fcntl.LOCK_EX)
        except BaseException:
            os.close(lock)
            raise
        self._lock = lock
        # numbered past every folder there now, leftovers included: nothing still writing into one (a
        # worker of a killed build) can ever write into this build's version
        self._next = 1 + max((int(m[1]) for p in self.folder.iterdir() if (m := _VERSION.fullmatch(p.name))), default=0)
        self.sweep(cache=True)

    def close(self) -> None:
        """Remove what this build did not publish (a failed or stopped build), then release the lock."""
        if self._lock is None:
            return
        try:
            self.sweep()
        finally:
            os.close(self._lock)
            self._lock = None

    def new_version(self) -> Path:
        """An empty version folder; the build stages its reports into it."""
        version = self.folder / f"v{self._next}"
        self._next += 1
        version.mkdir()
        return version

    def sweep(self, cache: bool = False, keep: str = "") -> None:
        """Remove what unfinished builds left (but the version `keep`): only under the lock, so no build runs."""
        assert self._lock is not None
        pointer = self.folder / "current"
        if pointer.is_dir() and not pointer.is_symlink():  # copied by a tool that followed the links
            os.rename(pointer, self.folder / f"v{self._next}")  # removed just below, like any old version
            self._next += 1
        current = published_version(self.out_dir)
        for path in self.folder.iterdir():
            if path.name not in (current, keep) and (
                _VERSION.fullmatch(path.name) or _SITE_TEMPORARY.fullmatch(path.name)
            ):
                _remove(path)
        for path in self.out_dir.iterdir():
            name = path.name
            if path.is_symlink():
                if os.readlink(path) == link_text(name) and not path.exists():
                    path.unlink()  # a report link made for a build that never switched
            elif (match := _OLD_ASIDE.fullmatch(name)) and (path / "manifest.json").is_file():
                original = self.out_dir / match[1]
                if not original.exists() and not original.is_symlink():
                    os.rename(path, original)  # killed between its two renames: the previous report goes back
                else:
                    _remove(path)
            elif _OLD_STAGING.fullmatch(name) and path.is_dir() and (_empty(path) or (path / "assets").is_dir()):
                _remove(path)
            elif _OLD_INDEX.fullmatch(name) and path.is_file():
                path.unlink()
        if cache:
            ArtifactCache(self.out_dir / CACHE_NAME).sweep()

    def publish(self, version: Path, write_index: Callable[[Path], None]) -> None:
        """Make `version` (holding the reports built now) the published site in one step."""
        visible = self._visible_reports()
        for name, source in sorted(visible.items()):
            if not (version / name).exists():  # published earlier, not built now: kept as it is
                _link_tree(source, version / name)
        checkpoint("carried")
        write_index(version)
        checkpoint("indexed")
        self._adopt_old_layout(visible, version)
        for name in sorted(p.name for p in version.iterdir()):
            link = self.out_dir / name
            if not link.exists() and not link.is_symlink():
                os.symlink(link_text(name), link)  # points at nothing until the switch
        checkpoint("linked")
        self._point_to(version)
        checkpoint("switched")
        self.sweep()
        checkpoint("swept")

    def _visible_reports(self) -> dict[str, Path]:
        """The reports readers see now (vlrgen's links and an earlier vlrgen's folders), by name.

        A report whose link was removed (`rm output/<report>`) is not published again."""
        found = {}
        for path in self.out_dir.iterdir():
            state = entry_state(self.out_dir, path.name)
            if state == "legacy" or (state == "link" and path.is_dir()):
                found[path.name] = path
        return found

    def _adopt_old_layout(self, visible: dict[str, Path], building: Path) -> None:
        """Turn an earlier vlrgen's real folders (and index) into links, showing the same files throughout."""
        index = self.out_dir / "index.html"
        real = [n for n in sorted(visible) if entry_state(self.out_dir, n) == "legacy"]
        real += ["index.html"] if index.is_file() and not index.is_symlink() else []
        if not real:
            return
        bridge = self.new_version()
        for name, source in sorted(visible.items()):
            _link_tree(source, bridge / name)
        if index.is_file():
            link_file(index, bridge / "index.html")
        self._point_to(bridge)  # readers see the same files through the links as in the real folders
        checkpoint("adopted")
        for name in real:
            temporary = self.folder / f"link-{name}.tmp"
            _remove(temporary)
            os.symlink(link_text(name), temporary)
            if not _exchange(temporary, self.out_dir / name):
                os.rename(self.out_dir / name, self.folder / f"link-{name}-old.tmp")
                os.rename(temporary, self.out_dir / name)
            checkpoint("exchanged")
        self.sweep(keep=building.name)

    def _point_to(self, version: Path) -> None:
        temporary = self.folder / f"current.{os.getpid()}.tmp"
        _remove(temporary)
        os.symlink(version.name, temporary)
        os.replace(temporary, self.folder / "current")  # the atomic step


def _empty(folder: Path) -> bool:
    return next(folder.iterdir(), None) is None


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def link_file(source: str | Path, target: str | Path) -> None:
    """A hard link (the files of a published version never change), or a copy where links are refused."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _link_tree(source: Path, target: Path) -> None:
    shutil.copytree(source, target, copy_function=link_file)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two names in one step (Linux renameat2); False where the system cannot, and nothing changed."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    return renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0
