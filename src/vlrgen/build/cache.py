"""The content-addressed artifact cache, and the keys that say what each artifact depends on.

Every chart, PDF and loaded data set is stored under a digest of exactly what it depends on
(a chart: its job's fields, the fonts, its drawing code and library versions; a PDF: the final
HTML, every asset file it can load, the PDF variant and library versions; data: every file the
input phase read and the code that reads it). A rebuild redoes only what has no stored result;
a failed artifact is never stored. `BuildStats` records what was made and what was reused.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from vlrgen import __version__
from vlrgen.charts.jobs import Drawable, drawing_code
from vlrgen.inputs.compiled import reading_code_digest

__all__ = ["CACHE_NAME", "ArtifactCache", "BuildStats", "assets_digest", "chart_key", "data_key", "pdf_key"]

CACHE_NAME = ".vlrgen-cache"


@dataclass
class BuildStats:
    charts_drawn: int = 0
    charts_cached: int = 0
    pdfs_made: int = 0
    pdfs_cached: int = 0
    html_changed: list[str] = field(default_factory=list)
    charts_drawn_names: list[str] = field(default_factory=list)
    pdfs_made_names: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # wall time per phase, for the benchmark


class ArtifactCache:
    """Files by kind and key under one folder; `enabled=False` (``--force``) reads nothing but still stores.

    Between `hold()` and `release()` stored artifacts wait in memory: a build checks its projects first and
    writes nothing into the output folder (the cache included) when the check finds errors.
    """

    def __init__(self, folder: Path, enabled: bool = True):
        self.folder, self.enabled = folder, enabled
        self._held: list[tuple[str, str, str, bytes]] | None = None

    def hold(self) -> None:
        self._held = []

    def release(self) -> None:
        """Write what was stored since `hold()`."""
        held, self._held = self._held or [], None
        for item in held:
            self.put_bytes(*item)

    def sweep(self) -> None:
        """Remove the temporary files of killed builds (call only while no build writes here: under the lock)."""
        for kind in _subfolders(self.folder):
            for folder in _subfolders(kind):
                for entry in os.scandir(folder):
                    if _TEMPORARY.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                        os.unlink(entry.path)

    def path(self, kind: str, key: str, suffix: str) -> Path:
        return self.folder / kind / key[:2] / f"{key}{suffix}"

    def get(self, kind: str, key: str, suffix: str) -> Path | None:
        path = self.path(kind, key, suffix)
        return path if self.enabled and path.is_file() else None

    def put_file(self, kind: str, key: str, suffix: str, source: Path) -> None:
        self.put_bytes(kind, key, suffix, source.read_bytes())

    def put_bytes(self, kind: str, key: str, suffix: str, data: bytes) -> None:
        if self._held is not None:
            self._held.append((kind, key, suffix, data))
            return
        target = self.path(kind, key, suffix)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")  # the name `sweep` knows
        try:
            temporary.write_bytes(data)
            os.replace(temporary, target)
        except BaseException:  # a full disk, or the build is stopped: no half-written file stays
            temporary.unlink(missing_ok=True)
            raise

    def put_text(self, kind: str, key: str, suffix: str, text: str) -> None:
        self.put_bytes(kind, key, suffix, text.encode("utf-8"))


_TEMPORARY = re.compile(r"\.[0-9a-f]{64}\.[a-z]+\.\d+\.tmp")


def _subfolders(folder: str | Path) -> list[str]:
    try:
        return [e.path for e in os.scandir(folder) if e.is_dir(follow_symlinks=False)]
    except OSError:
        return []


@functools.lru_cache(maxsize=8192)  # asked for when charts start and again when the page is written
def chart_key(job: Drawable) -> str:
    fields = dataclasses.asdict(job)  # type: ignore[call-overload]  # every chart job is a dataclass
    fields["type"] = type(job).__name__
    fonts = fields.pop("font_dir")
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str)
    extra = [__version__, _version("matplotlib"), _font_digest(fonts), _code_digest(drawing_code(job))]
    return hashlib.sha256("\n".join([payload, *extra]).encode()).hexdigest()


def assets_digest(staging: Path) -> str:
    """Every file under a report's assets and media: all its PDFs can load besides their HTML."""
    return _digest_files(
        [p for folder in ("assets", "media") for p in (staging / folder).rglob("*") if p.is_file()], staging
    )


def pdf_key(html_path: Path, assets: str, variant: str | None) -> str:
    """The final HTML plus the report's assets digest (`assets_digest`)."""
    parts = [
        hashlib.sha256(html_path.read_bytes()).hexdigest(),
        assets,
        str(variant),
        __version__,
        _version("weasyprint"),
        _version("pydyf"),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def data_key(*paths: Path | None) -> str:
    """Exactly these files (a missing one counts as missing), and the code that reads data."""
    digest = hashlib.sha256(f"{__version__}|{_version('openpyxl')}|{reading_code_digest()}".encode())
    for path in sorted({p for p in paths if p}):
        digest.update(str(path).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest() if path.is_file() else b"missing")
    return digest.hexdigest()


@functools.cache
def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


def _digest_files(paths: Iterable[Path], relative_to: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.relative_to(relative_to).as_posix().encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@functools.cache
def _font_digest(folder: str) -> str:
    return _digest_files(Path(folder).glob("*.ttf"), Path(folder))


@functools.cache
def _code_digest(files: tuple[Path, ...]) -> str:
    parts = [p.read_bytes() for p in files] + [_version("babel").encode()]  # tick labels come from Babel
    return hashlib.sha256(b"".join(parts)).hexdigest()
