"""Artifacts: the content-addressed cache and the executor that makes charts and PDFs.

Every chart and PDF is keyed by a digest of exactly what it depends on (for a chart: its data,
labels, colours, fonts and library versions; for a PDF: the final HTML and every asset file it
can reference, the PDF variant and library versions). A rebuild redoes only artifacts whose key
is not in the cache; a failed artifact is never stored. Work runs through one executor
interface: serial for `--jobs 1`, otherwise a process pool whose workers are recycled so
memory stays bounded (WeasyPrint does not give memory back).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import heapq
import json
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from vlrgen import __version__
from vlrgen.charts.timeseries import ChartJob, draw_chart

__all__ = [
    "CACHE_NAME",
    "TASKS_PER_WORKER",
    "ArtifactCache",
    "BuildStats",
    "Executor",
    "assets_digest",
    "chart_key",
    "data_key",
    "draw_chart_task",
    "make_executor",
    "pdf_key",
]

CACHE_NAME = ".vlrgen-cache"
TASKS_PER_WORKER = 6  # PDFs per worker before recycling: a WeasyPrint layout keeps its peak memory


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
def _drawing_code_digest(module: str) -> str:
    """The source of the module that draws a chart (and of charts.py, which sets up every figure)."""
    import importlib

    files = {
        Path(importlib.import_module(name).__file__)
        for name in (module, "vlrgen.charts.timeseries", "vlrgen.inputs.i18n")
    }
    parts = [p.read_bytes() for p in sorted(files)] + [_version("babel").encode()]  # tick labels come from Babel
    return hashlib.sha256(b"".join(parts)).hexdigest()


@functools.cache
def _reading_code_digest() -> str:
    """The modules that read data: a change to how files are read must not reuse old results."""
    package = Path(__file__).parents[1]
    names = ("inputs/tables", "inputs/entities", "inputs/sources", "inputs/dataset", "reference")
    files = [package / f"{n}.py" for n in names] + sorted((package / "reference").glob("*.csv"))  # populations, codes
    return hashlib.sha256(b"".join(p.read_bytes() for p in files)).hexdigest()


@functools.lru_cache(maxsize=8192)  # asked for when charts start and again when the page is written
def chart_key(job: ChartJob) -> str:
    fields = dataclasses.asdict(job)
    fields["type"] = type(job).__name__
    fonts = fields.pop("font_dir")
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str)
    extra = [__version__, _version("matplotlib"), _font_digest(fonts), _drawing_code_digest(type(job).__module__)]
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
    """The catalogue, the observations, the sources file and every raw file it names."""
    import tomllib

    files = {p for p in paths if p}
    sources = paths[-1]
    if sources:
        try:
            for entry in tomllib.loads(sources.read_text(encoding="utf-8-sig")).get("source", []):
                if isinstance(entry, dict) and isinstance(entry.get("file"), str):
                    files.add((sources.parent / entry["file"]).resolve())
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            pass
    digest = hashlib.sha256(f"{__version__}|{_version('openpyxl')}|{_reading_code_digest()}".encode())
    for path in sorted(files):
        digest.update(str(path).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest() if path.is_file() else b"missing")
    return digest.hexdigest()


class ArtifactCache:
    """Files by kind and key under one folder; `enabled=False` (``--force``) reads nothing but still stores."""

    def __init__(self, folder: Path, enabled: bool = True):
        self.folder, self.enabled = folder, enabled

    def path(self, kind: str, key: str, suffix: str) -> Path:
        return self.folder / kind / key[:2] / f"{key}{suffix}"

    def get(self, kind: str, key: str, suffix: str) -> Path | None:
        path = self.path(kind, key, suffix)
        return path if self.enabled and path.is_file() else None

    def put_file(self, kind: str, key: str, suffix: str, source: Path) -> None:
        self.put_bytes(kind, key, suffix, source.read_bytes())

    def put_bytes(self, kind: str, key: str, suffix: str, data: bytes) -> None:
        target = self.path(kind, key, suffix)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, target)

    def put_text(self, kind: str, key: str, suffix: str, text: str) -> None:
        self.put_bytes(kind, key, suffix, text.encode("utf-8"))


def warm_up_task(font_dir: str) -> int:
    """Run in each new worker while the parent is still reading the project: load fonts and caches."""
    from vlrgen.charts.timeseries import ChartLine

    line = ChartLine("x", ((2020, 1.0), (2021, 2.0)), "entity")
    draw_chart(ChartJob("warm-up", "", (line,), "", 1, "#000000", font_dir, locale="root"))  # Babel's neutral locale
    return os.getpid()


def draw_chart_task(jobs: list[ChartJob]) -> list[str]:
    """One task per batch of charts: a chart takes ~0.1 s, less than sending it to a worker."""
    return [job.draw() for job in jobs]


class Executor:
    """Runs tasks serially (`--jobs 1`, tests) or in worker processes, and hands back futures.

    Tasks wait in a queue in this process and go to the workers one per free worker, highest
    priority first (charts before PDFs, since pages wait for their charts; larger PDFs before
    smaller ones, so no long layout starts last). Never more than `jobs` tasks run at once, also
    while the workers are being recycled.
    """

    def __init__(self, jobs: int, preload: tuple[str, ...] = ()):
        self.jobs = max(1, jobs)
        self.preload = preload
        self._pool: ProcessPoolExecutor | None = None
        self._tasks = 0
        self._starting: threading.Thread | None = None
        self._lock = threading.RLock()
        self._queue: list = []  # heap of (-priority, sequence, function, item, future, heavy)
        self._sequence = 0
        self._running = 0
        self._retired: list[ProcessPoolExecutor] = []  # recycled pools still finishing their last tasks
        self._standby: _Standby | None = None
        self._standing: list[_Standby] = []  # standby processes given a task

    def warm_up(self, font_dir: Path) -> None:
        """Start the workers now (a cold build), so their start-up overlaps reading the project.

        Starting the pool blocks until the fork server has loaded its modules, so it happens in a
        thread; the first real task waits for that thread.
        """
        if self.jobs > 1:
            self._starting = threading.Thread(
                target=lambda: [self.submit(warm_up_task, str(font_dir), priority=1e9) for _ in range(self.jobs)],
                daemon=True,
            )
            self._starting.start()

    def stand_by(self, modules: tuple[str, ...]) -> None:
        """An incremental build: fork one process now that imports `modules` (WeasyPrint) while this one
        works out what changed. A lone changed PDF then starts there at once, beside the rest of the
        build, instead of after it in this process; unused, the process is simply ended."""
        if self.jobs > 1 and self._standby is None:
            self._standby = _Standby(modules)

    def submit_standby(self, function: Callable, item) -> Future | None:
        """Run one task in the standby process, or None when there is none (or it is taken)."""
        standby, self._standby = self._standby, None
        if standby is None:
            return None
        self._standing.append(standby)
        return standby.run(function, item)

    @property
    def started(self) -> bool:
        """Are worker processes running (so one more task costs no start-up)?"""
        return self._pool is not None

    def submit(
        self, function: Callable, item, inline: bool = False, heavy: bool = False, priority: float = 0
    ) -> Future:
        """Start one task; serial executors (or `inline=True`) run it at once, in this process.

        Only heavy tasks (PDF layouts, which keep their peak memory) count towards recycling.
        """
        starting = self._starting
        if starting is not None and starting is not threading.current_thread():
            starting.join()
            self._starting = None
        future: Future = Future()
        if self.jobs == 1 or inline:
            try:
                future.set_result(function(item))
            except Exception as exc:  # the caller sees it through the future, like a worker's
                future.set_exception(exc)
            return future
        with self._lock:
            heapq.heappush(self._queue, (-priority, self._sequence, function, item, future, heavy))
            self._sequence += 1
            self._dispatch()
        return future

    def _dispatch(self) -> None:
        with self._lock:
            while self._queue and self._running < self.jobs:
                _, _, function, item, future, heavy = heapq.heappop(self._queue)
                if not future.set_running_or_notify_cancel():
                    continue  # cancelled while it waited
                try:
                    if self._pool is None or (heavy and self._tasks >= self.jobs * TASKS_PER_WORKER):
                        # A new pool after a bounded number of PDFs recycles the workers (ProcessPoolExecutor's
                        # own max_tasks_per_child can hang on Python 3.11); the old one ends after its last task.
                        if self._pool is not None:
                            self._pool.shutdown(wait=False)
                            self._retired.append(self._pool)
                        context = multiprocessing.get_context("forkserver")
                        context.set_forkserver_preload(list(self.preload))
                        self._pool, self._tasks = ProcessPoolExecutor(max_workers=self.jobs, mp_context=context), 0
                    self._tasks += 1 if heavy else 0
                    inner = self._pool.submit(function, item)
                except BaseException as exc:  # no pool, or a broken one: the caller sees why through the future
                    future.set_exception(exc)
                    continue
                self._running += 1
                inner.add_done_callback(functools.partial(self._finished, future))

    def _finished(self, future: Future, inner: Future) -> None:
        """Runs in the pool's own thread: hand the outcome over, then start the next queued task."""
        try:
            with self._lock:
                self._running -= 1
            exception = inner.exception()
            if exception is not None:
                future.set_exception(exception)
            else:
                future.set_result(inner.result())
        finally:
            self._dispatch()

    def close(self) -> None:
        """Cancel what still waits, then wait for running tasks and every worker, old pools included."""
        if self._starting is not None:
            self._starting.join()
            self._starting = None
        with self._lock:
            for *_, future, _ in self._queue:
                future.cancel()
            self._queue.clear()
            pools = self._retired + ([self._pool] if self._pool is not None else [])
            self._pool, self._tasks, self._retired = None, 0, []
        for pool in pools:
            pool.shutdown()
        standby, self._standby = self._standby, None
        if standby is not None:
            standby.end()  # never used: nothing to wait for
        for busy in self._standing:  # a task in progress finishes (it may be writing into staging)
            busy.wait()
        self._standing = []

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Standby:
    """One forked process for one task; its result comes back through a pipe, read by a thread."""

    def __init__(self, modules: tuple[str, ...]):
        context = multiprocessing.get_context("fork")  # a copy of this process as it is: fast to start
        self._connection, child = context.Pipe()
        self._process = context.Process(target=_standby_main, args=(child, modules), daemon=True)
        self._process.start()
        child.close()

    def run(self, function: Callable, item) -> Future:
        future: Future = Future()
        future.set_running_or_notify_cancel()

        def receive() -> None:
            try:
                ok, value = self._connection.recv()
            except (EOFError, OSError) as exc:  # the process died (out of memory?)
                ok, value = False, exc
            finally:
                self.end()
            future.set_result(value) if ok else future.set_exception(value)

        try:
            self._connection.send((function, item))
        except OSError as exc:
            self.end()
            future.set_exception(exc)
            return future
        threading.Thread(target=receive, daemon=True).start()
        return future

    def wait(self) -> None:
        self._process.join()

    def end(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join(timeout=5)
        self._connection.close()


def _standby_main(connection, modules: tuple[str, ...]) -> None:
    import importlib

    for module in modules:
        importlib.import_module(module)
    try:
        function, item = connection.recv()
    except EOFError:
        return
    try:
        connection.send((True, function(item)))
    except Exception as exc:  # the caller sees it through the future
        connection.send((False, exc))


def make_executor(jobs: int | None, pdf: bool) -> Executor:
    count = jobs or os.cpu_count() or 1
    preload = ("vlrgen.charts.timeseries", "matplotlib.figure") + (("vlrgen.output.pdf", "weasyprint") if pdf else ())
    return Executor(count, preload)
