"""`vlrgen serve`: a local preview that rebuilds the web pages when a file changes and reloads the open page.

The project is built into a private folder and served on 127.0.0.1. A watcher (watchfiles) rebuilds on
every change of the project, its data files or the templates; the page served carries a small script,
added only here and never to built output, that waits for the next build (a long poll of
`/__vlrgen/version`) and reloads. When a build has problems they are printed in the terminal and shown
as a banner on the page, which keeps showing the last good build.

PDFs follow the edits. The pages are written as a PDF build writes them (with their PDF links and print
versions), but the build lays out nothing (`BuildOptions.defer_pdfs`): it hands back the requests. A
language is *followed* once asked for (`vlrgen serve --pdf LANG`, the bar's link `/__vlrgen/pdf/<lang>`, or
the page's own PDF link): after every good build the preview lays out its PDF again, with the build's own
renderer and request, in one long-lived worker process that has WeasyPrint imported. It renders from a
private snapshot of the report folder (hard links), since the next build replaces the published version;
the PDF replaces `<report>/<report>-<lang>.pdf` in one step (`os.replace`) only if no newer good build came
meanwhile. Newest wins: edits made during a layout are not queued; the next layout is of the latest build.
A build with errors publishes nothing, so the last good PDF stays. Between a good build and its PDF the
previous PDF stays in place (the build links it into the new version) while the bar says "being made".
"""

from __future__ import annotations

import contextlib
import gc
import html
import json
import multiprocessing
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, urlparse

from vlrgen.build.cache import assets_digest, pdf_key
from vlrgen.build.executor import _worker_started, end_processes
from vlrgen.build.pipeline import BuildOptions, BuildReport, build_projects
from vlrgen.build.publish import link_file
from vlrgen.inputs.config import CONFIG_NAME
from vlrgen.inputs.templates import template_root
from vlrgen.output import pdf as pdf_output
from vlrgen.output.pdf import PdfRenderer, PdfRequest, PdfResult, WeasyPrintRenderer
from vlrgen.problems import format_problem

__all__ = ["PdfState", "Preview", "inject", "pdf_worker", "serve_project", "snapshot"]

POLL_SECONDS = 25  # a waiting page asks again after this long
PDF_WAIT_SECONDS = 300  # `/__vlrgen/pdf/<lang>` waits this long for a PDF being made
# PDFs per worker process before a fresh one takes over (started at once, so it is ready for the next edit). One
# page laid out again and again keeps the worker near its first peak (Porsgrunn nb: 420-445 MB over four layouts);
# the fresh process bounds a slow growth over a long session.
PDFS_PER_WORKER = 20
ROUTE = "/__vlrgen/"


class PdfPool(Protocol):
    """Where PDFs are laid out: `pdf_worker()` (one process), or threads in tests."""

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> Future: ...

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None: ...


def pdf_worker(renderer: PdfRenderer) -> ProcessPoolExecutor:
    """One worker process that imports the renderer's modules (WeasyPrint) at once, before its first PDF."""
    context = multiprocessing.get_context("forkserver")  # not a fork of this process and its threads
    # What the fork server imports, if this starts it: not the main module (`python -m vlrgen` would run again).
    context.set_forkserver_preload([pdf_output.__name__])
    modules = (pdf_output.__name__, *renderer.heavy_imports)
    pool = ProcessPoolExecutor(
        max_workers=1, mp_context=context, initializer=_pdf_worker_started, initargs=(os.getpid(), modules)
    )
    pool.submit(os.getpid)  # start the process now: it imports WeasyPrint while the pages are built
    return pool


def _pdf_worker_started(preview: int, modules: tuple[str, ...]) -> None:
    import importlib

    _worker_started(preview)  # Ctrl-C is the preview's to handle; the worker ends with the preview
    for module in modules:
        importlib.import_module(module)


@dataclass
class PdfState:
    """A followed language's PDF, by build (the page version of a good build, `Preview.good`; 0: none)."""

    made: int = 0  # the build whose PDF is in place
    making: int = 0  # the build whose PDF is being laid out
    failed: int = 0  # the build whose PDF could not be made (`error` says why)
    error: str = ""
    seconds: float = 0.0  # the last PDF made: from its start in the worker to its place
    key: str = ""  # what the PDF in place was made from (build/cache.py's `pdf_key`: page, assets, variant)

    def text(self, good: int) -> str:
        if self.made == good:
            return "up to date"
        return "could not be made" if self.failed == good else "being made"


@dataclass
class Preview:
    """What the server shows: the folder built into, the build's version and its problems, and the PDFs."""

    project: Path
    out_dir: Path
    renderer: PdfRenderer = field(default_factory=WeasyPrintRenderer)
    report: Callable[[BuildReport], None] = lambda _: None  # the terminal's view of each build
    notice: Callable[[str], None] = lambda _: None  # … and of each PDF
    make_pool: Callable[[PdfRenderer], PdfPool] = pdf_worker
    version: int = 0
    problems: list[str] = field(default_factory=list)
    slug: str = ""
    languages: tuple[str, ...] = ()
    changed: threading.Condition = field(default_factory=threading.Condition)
    building: threading.Lock = field(default_factory=threading.Lock)  # a build, a snapshot or a PDF put in place
    watched: tuple[Path, ...] = ()  # folders watched, recursively
    read: tuple[tuple[Path, ...], frozenset[Path]] = ((), frozenset())  # what a change must touch to count
    # The PDFs (the fields below change under `changed`; the files of a version only under `building`).
    good: int = 0  # the page version of the last good build, the one published
    requests: dict[str, PdfRequest] = field(default_factory=dict)  # its PDFs, by language, as the build made them
    followed: list[str] = field(default_factory=list)
    follow_all: bool = False
    pdfs: dict[str, PdfState] = field(default_factory=dict)
    pdf_version: int = 0  # moves on whenever a PDF's state changes (the bar updates itself)
    stopped: bool = False
    _pool: PdfPool | None = None
    _pool_pdfs: int = 0
    _follower: threading.Thread | None = None

    @property
    def scratch(self) -> Path:
        """The preview's own folder beside the output, for the snapshots PDFs are made from."""
        return self.out_dir.with_name(self.out_dir.name + "-pdf")

    def build(self) -> BuildReport:
        """Build the web pages; the page version moves on whatever the outcome (the banner may change)."""
        with self.building:
            options = BuildOptions(
                out_dir=self.out_dir,
                formats=("html", "pdf"),
                jobs=1,
                pdf_renderer=self.renderer,
                defer_pdfs=True,
            )
            result = build_projects([self.project], options)
            self._remember(result)
            self.report(result)
            return result

    def _remember(self, result: BuildReport) -> None:
        shown = result.problems.errors or result.problems.warnings
        self.problems = [format_problem(p, self.project) for p in shown]
        good = not result.problems.errors
        manifests = sorted(self.out_dir.glob("*/manifest.json"))
        if manifests and good:
            manifest = json.loads(manifests[0].read_text(encoding="utf-8"))
            self.slug, self.languages = manifest["slug"], tuple(manifest["languages"])
        self.watched, self.read = _watched_paths(self.project, result), _read_paths(self.project, result)
        requests = {p.lang: p.request for p in result.pdfs if p.slug == self.slug and not p.part}
        with self.changed:
            self.version += 1
            if good:
                self.good, self.requests = self.version, requests
            self.changed.notify_all()

    def wait(self, since: int, pdf_since: int | None = None, timeout: float = POLL_SECONDS) -> int:
        """The page version once it is not `since` (or a PDF's state has moved on from `pdf_since`)."""
        with self.changed:
            self.changed.wait_for(
                lambda: (
                    self.stopped or self.version != since or (pdf_since is not None and self.pdf_version != pdf_since)
                ),
                timeout=timeout,
            )
            return self.version

    # --- PDFs that follow the edits

    def follow(self, *languages: str) -> None:
        """Keep these languages' PDFs up to date from now on ("all": every language of the project)."""
        with self.changed:
            for lang in languages:
                if lang == "all":
                    self.follow_all = True
                elif lang not in self.followed:
                    self.followed.append(lang)
            start = self._follower is None and not self.stopped
            if start:
                self._follower = threading.Thread(target=self._follow, name="vlrgen-pdf", daemon=True)
            self.changed.notify_all()
        if start and self._follower is not None:
            self._follower.start()

    def following(self) -> list[str]:
        with self.changed:
            return list(self.languages) if self.follow_all else list(self.followed)

    def pdf_texts(self) -> dict[str, str]:
        """Each followed language's PDF in a few words: "up to date", "being made" or "could not be made"."""
        with self.changed:
            return {lang: self._state(lang).text(self.good) for lang in self.following() if lang in self.requests}

    def wait_pdf(self, lang: str, timeout: float = PDF_WAIT_SECONDS) -> tuple[str, str]:
        """Wait for the PDF of the last good build: ("ready", ""), ("failed", why) or ("waiting", "")."""

        def outcome() -> tuple[str, str] | None:
            if self.stopped:
                return "failed", "the preview has stopped"
            if not self.good or lang not in self.requests:
                return "failed", "\n".join(self.problems) or f"the report has no {lang} PDF"
            state = self._state(lang)
            if state.made == self.good:
                return "ready", ""
            return ("failed", state.error) if state.failed == self.good else None

        with self.changed:
            return self.changed.wait_for(outcome, timeout) or ("waiting", "")

    def close(self) -> None:
        """Stop following: end the worker at once (a layout in progress is dropped) and remove the snapshots."""
        with self.changed:
            self.stopped = True
            self.changed.notify_all()
        self._end_worker(at_once=True)
        if self._follower is not None:
            self._follower.join(10)
        shutil.rmtree(self.scratch, ignore_errors=True)

    def _state(self, lang: str) -> PdfState:
        return self.pdfs.setdefault(lang, PdfState())

    def _pdf_changed(self) -> None:
        self.pdf_version += 1
        self.changed.notify_all()

    def _next(self) -> str | None:
        """The first followed language whose PDF of the last good build is neither made nor tried."""
        if not self.good:
            return None
        for lang in self.following():
            state = self._state(lang)
            if lang in self.requests and self.good not in (state.made, state.failed):
                return lang
        return None

    def _follow(self) -> None:
        """The follower thread: one PDF at a time, always of the last good build."""
        self._start_worker()
        while True:
            with self.changed:
                self.changed.wait_for(lambda: self.stopped or self._next() is not None)
                if self.stopped:
                    return
            try:
                self._make_next()
            except Exception as exc:  # a full disk, a bug: said, and the next good build is tried again
                with self.changed:
                    for state in self.pdfs.values():
                        if state.making:
                            state.failed, state.error, state.making = state.making, f"{type(exc).__name__}: {exc}", 0
                    self._pdf_changed()
                self.notice(f"a PDF could not be made: {type(exc).__name__}: {exc}")

    def _make_next(self) -> None:
        job = self._take()
        if job is None:
            return
        lang, build, request, copy = job
        key = pdf_key(copy.html_path, assets_digest(copy.html_path.parents[1]), copy.variant)
        with self.changed:
            same = self._state(lang).made and self._state(lang).key == key
        if same:  # an edit of another language or of the landing page: the PDF in place stays (the build kept it)
            with self.building:
                if build != self.good or request.pdf_path.is_file():
                    self._place(lang, build, request, copy, None, "", 0.0, same=True)
                    return
        began, worker = time.perf_counter(), None
        try:
            worker = self._worker()
            result, error = worker.submit(self.renderer.render_safely, copy).result()
        except Exception as exc:  # the worker died (out of memory?) or the preview is stopping
            result, error = None, f"the PDF worker stopped ({type(exc).__name__}: {exc})"
            self._end_worker(at_once=True)
        else:
            self._pool_pdfs += 1
            if self._pool_pdfs >= PDFS_PER_WORKER:
                self._end_worker(at_once=False)
                self._start_worker()
        with self.building:
            self._place(lang, build, request, copy, result, error, time.perf_counter() - began, key)
        with self.changed:
            idle = self._next() is None and worker is not None and worker is self._pool
        if result is not None and idle and worker is not None:
            # The layout's garbage (a whole document, some 600 000 objects in cycles) is freed now, while the author
            # reads or types, not during the next layout: measured, the next one is then 0.5-1 s faster (Porsgrunn
            # nb, 7 s). Freeing takes about 0.9 s; an edit saved meanwhile waits for it.
            with contextlib.suppress(RuntimeError):  # the worker was shut down meanwhile
                worker.submit(gc.collect)

    def _take(self) -> tuple[str, int, PdfRequest, PdfRequest] | None:
        """The next PDF to make, with a snapshot of its page: no build runs meanwhile, so the good build's
        version is the published one and complete."""
        with self.building:
            with self.changed:
                lang = self._next()
                if lang is None:
                    return None
                build, request = self.good, self.requests[lang]
                self._state(lang).making = build
                self._pdf_changed()
            try:
                copy = snapshot(request, self.scratch, tuple(lang_ for lang_ in self.languages if lang_ != lang))
            except OSError as exc:
                self._place(lang, build, request, None, None, f"no snapshot of the page: {exc}", 0.0)
                return None
        return lang, build, request, copy

    def _place(
        self,
        lang: str,
        build: int,
        request: PdfRequest,
        copy: PdfRequest | None,
        result: PdfResult | None,
        error: str,
        seconds: float,
        key: str = "",
        same: bool = False,
    ) -> None:
        """Put a PDF made in its place, unless a newer good build came meanwhile; remove the snapshot (`same`:
        the PDF in place was made from the same page and assets). Holding `building`."""
        current = build == self.good  # a good build moves `good` only under `building`
        if same:
            if copy is not None:
                shutil.rmtree(copy.pdf_path.parent, ignore_errors=True)
            with self.changed:
                state = self._state(lang)
                state.making, state.made = 0, build if current else state.made
                self._pdf_changed()
            return
        if copy is not None:
            try:
                if current and result is not None:  # into the version of its own build, the published one
                    os.replace(copy.pdf_path, request.pdf_path)
            finally:
                shutil.rmtree(copy.pdf_path.parent, ignore_errors=True)
        with self.changed:
            state = self._state(lang)
            state.making = 0
            if current and result is not None:
                state.made, state.error, state.seconds, state.key = build, "", seconds, key
            elif current:
                state.failed, state.error = build, error
            self._pdf_changed()
        if current and result is not None:
            self.notice(f"PDF {lang} made ({seconds:.2f} s)")
            for url in result.refused:
                self.notice(f"the PDF engine was not allowed to fetch {url} (only files inside the project are used)")
        elif current:
            self.notice(f"the {lang} PDF could not be made: {error}")

    def _start_worker(self) -> None:
        """Start the worker now, so that it is ready (WeasyPrint imported) when a PDF is wanted."""
        try:
            self._worker()
        except Exception as exc:  # stopped, or no process could be started: each PDF will say why
            if not self.stopped:
                self.notice(f"the PDF worker could not start: {exc}")

    def _worker(self) -> PdfPool:
        with self.changed:
            if self.stopped:
                raise RuntimeError("the preview has stopped")
            if self._pool is None:
                self._pool, self._pool_pdfs = self.make_pool(self.renderer), 0
            return self._pool

    def _end_worker(self, at_once: bool) -> None:
        """Let the worker end after its task, or (`at_once`) end it now."""
        with self.changed:
            pool, self._pool = self._pool, None
        if pool is None:
            return
        if at_once:
            end_processes(pool)
        pool.shutdown(wait=False, cancel_futures=True)


def snapshot(request: PdfRequest, into: Path, others: tuple[str, ...] = ()) -> PdfRequest:
    """A private copy of the report folder of `request` (hard links where the filesystem allows), without its
    PDFs and the folders of the `others` languages, and the same request on it: the PDF is written beside it."""
    report = request.pdf_path.parent
    into.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="snapshot-", dir=into))
    copy = folder / report.name
    try:
        copy.mkdir()
        for entry in report.iterdir():
            if entry.name in others or (entry.suffix == ".pdf" and entry.is_file()):
                continue
            if entry.is_dir():
                shutil.copytree(entry, copy / entry.name, copy_function=link_file)
            else:
                link_file(entry, copy / entry.name)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    roots = tuple(copy if root == report else root for root in request.allowed_roots)
    return PdfRequest(
        copy / request.html_path.relative_to(report), folder / request.pdf_path.name, roots, request.variant
    )


def _watched_paths(project: Path, result: BuildReport) -> tuple[Path, ...]:
    """The project folder, the folders of every data file it read and the templates."""
    found = {project.resolve(), template_root().resolve()}
    found.update(path.resolve().parent for path in result.inputs)
    return tuple(sorted(p for p in found if p.exists()))


def _read_paths(project: Path, result: BuildReport) -> tuple[tuple[Path, ...], frozenset[Path]]:
    """What the build read: folders (the project's, the templates, each member's, a previous edition's) and
    files (its data files, a previous edition's manifest). The folders around them are watched, for a file
    saved by renaming or a member added, but another file there (a log the author writes beside the project)
    is no reason to build again."""
    folders, files = {project.resolve(), template_root().resolve()}, set[Path]()
    for path in result.inputs:
        (folders if path.is_dir() else files).add(path.resolve())
    return tuple(sorted(folders)), frozenset(files)


def _counts(path: Path, read: tuple[tuple[Path, ...], frozenset[Path]]) -> bool:
    """Does a change at `path` (an absolute path under a watched folder) matter to the build?"""
    folders, files = read
    return path in files or path.name == CONFIG_NAME or any(path.is_relative_to(folder) for folder in folders)


def serve_project(
    project: Path,
    port: int = 8000,
    host: str = "127.0.0.1",
    renderer: PdfRenderer | None = None,
    report: Callable[[BuildReport], None] = lambda _: None,
    started: Callable[[str], None] = lambda _: None,
    stop: threading.Event | None = None,
    pdf: tuple[str, ...] = (),
    notice: Callable[[str], None] = lambda _: None,
    out_dir: Path | None = None,
) -> None:
    """Build, serve and rebuild on change until `stop` is set (or the process is interrupted).

    `pdf`: languages whose PDF follows the edits from the start ("all": every language); `notice` hears of
    each PDF; `out_dir`: an empty folder to build into (default: a temporary folder, removed at the end)."""
    stop = stop or threading.Event()
    own = out_dir is None
    out_dir = Path(tempfile.mkdtemp(prefix="vlrgen-serve-")) if out_dir is None else out_dir.resolve()
    preview = Preview(project.resolve(), out_dir, renderer or WeasyPrintRenderer(), report, notice)
    try:
        if pdf:
            preview.follow(*pdf)  # the worker starts while the first build runs
        preview.build()
        unknown = [lang for lang in pdf if lang != "all" and preview.languages and lang not in preview.languages]
        if unknown:
            notice(f"the report has no language {', '.join(unknown)} (it has {', '.join(preview.languages)})")
        server = ThreadingHTTPServer((host, port), _handler(preview))
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        started(f"http://{host}:{server.server_address[1]}/")
        try:
            _watch(preview, stop)
        finally:
            server.shutdown()
            server.server_close()
    finally:
        preview.close()  # wakes the waiting pages, ends the PDF worker, removes the snapshots
        if own:
            shutil.rmtree(out_dir, ignore_errors=True)


def _watch(preview: Preview, stop: threading.Event) -> None:
    import watchfiles  # only the preview watches files

    while not stop.is_set():
        watched = preview.watched
        for changes in watchfiles.watch(
            *watched, stop_event=stop, debounce=10, step=10, rust_timeout=500, yield_on_timeout=True
        ):
            ours = (preview.out_dir, preview.scratch)
            relevant = [
                Path(p)
                for _, p in changes
                if not any(Path(p).is_relative_to(o) for o in ours) and _counts(Path(p), preview.read)
            ]
            if relevant:
                preview.build()
            if preview.watched != watched:  # a data file in another folder: watch again
                break


def _handler(preview: Preview) -> type[SimpleHTTPRequestHandler]:
    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(preview.out_dir), **kwargs)

        def log_message(self, format, *args) -> None:  # the terminal shows builds, not every request
            pass

        def do_GET(self) -> None:
            url = urlparse(self.path)
            if url.path == ROUTE + "version":
                query = parse_qs(url.query)
                since = int((query.get("since") or ["-1"])[0] or -1)
                pdf_since = int(query["pdf"][0]) if query.get("pdf", [""])[0].lstrip("-").isdigit() else None
                version = preview.wait(since, pdf_since)
                answer = {"version": version, "pdf": preview.pdf_version, "pdfs": preview.pdf_texts()}
                self._send(json.dumps(answer).encode(), "application/json")
            elif url.path.startswith(ROUTE + "pdf/"):
                self._pdf(url.path.removeprefix(ROUTE + "pdf/"))
            elif url.path == "/" and preview.slug:
                self._redirect(f"/{preview.slug}/{preview.languages[0]}/index.html")
            elif url.path == "/":  # the first build failed: only the problems to show
                page = "<!DOCTYPE html><html><body><p>No report yet: the build has errors.</p></body></html>"
                self._send(inject(page, preview.version, preview.problems, ()).encode(), "text/html")
            elif url.path.endswith((".html", "/")):
                self._page(url.path)
            elif (lang := self._missing_pdf(url.path)) is not None:  # the page's own PDF link: made now
                self._pdf(lang)
            else:
                super().do_GET()

        def _page(self, path: str) -> None:
            file = Path(self.translate_path(path))
            file = file / "index.html" if file.is_dir() else file
            if not file.is_file():
                self.send_error(HTTPStatus.NOT_FOUND)
                return
            page = file.read_text(encoding="utf-8")
            served = inject(
                page, preview.version, preview.problems, preview.languages, preview.pdf_texts(), preview.pdf_version
            )
            self._send(served.encode(), "text/html")

        def _missing_pdf(self, path: str) -> str | None:
            """The language of `/<report>/<report>-<lang>.pdf` when that file is not there (yet)."""
            slug = preview.slug
            lang = path.removeprefix(f"/{slug}/{slug}-").removesuffix(".pdf")
            named = slug and path == f"/{slug}/{slug}-{lang}.pdf" and lang in preview.languages
            return lang if named and not Path(self.translate_path(path)).exists() else None

        def _pdf(self, lang: str) -> None:
            if lang not in preview.languages:
                self.send_error(HTTPStatus.NOT_FOUND)
                return
            preview.follow(lang)
            outcome, why = preview.wait_pdf(lang)
            if outcome == "ready":
                self._redirect(f"/{preview.slug}/{preview.slug}-{lang}.pdf?t={time.time_ns()}")
            elif outcome == "failed":
                self._send(f"The PDF could not be made:\n{why}".encode(), "text/plain", HTTPStatus.CONFLICT)
            else:
                text = f"The {lang} PDF is still being made; load this address again to wait for it."
                self._send(text.encode(), "text/plain", HTTPStatus.SERVICE_UNAVAILABLE)

        def _redirect(self, location: str) -> None:
            self.send_response(HTTPStatus.SEE_OTHER)
            self.send_header("Location", location)
            self.end_headers()

        def _send(self, body: bytes, kind: str, status: HTTPStatus = HTTPStatus.OK) -> None:
            self.send_response(status)
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

    return Handler


def inject(
    page: str,
    version: int,
    problems: list[str],
    languages: tuple[str, ...],
    pdfs: dict[str, str] | None = None,
    pdf_version: int = 0,
) -> str:
    """The page with the preview bar (PDF links and the state of each followed PDF, problems) and the reload
    script; served, never written."""
    pdfs = pdfs or {}

    def link(lang: str) -> str:
        text = html.escape(f"PDF ({lang})" + (f": {pdfs[lang]}" if lang in pdfs else ""))
        return f'<a id="vlrgen-pdf-{html.escape(lang)}" href="{ROUTE}pdf/{html.escape(lang)}" style="color:#fff">{text}</a>'

    links = " · ".join(link(lang) for lang in languages)
    listed = "".join(f"<li>{html.escape(p)}</li>" for p in problems)
    banner = (
        '<div id="vlrgen-preview" style="position:sticky;top:0;z-index:99;background:#222;color:#fff;'
        'font:13px/1.4 sans-serif;padding:4px 10px">vlrgen preview · <span aria-live="polite">'
        + links
        + "</span>"
        + (f'<ul style="color:#ffb3b3;margin:4px 0">{listed}</ul>' if listed else "")
        + "</div>"
    )
    # Waits for the next build (then reloads) or for a PDF's state to change (then updates the bar's words).
    script = (
        "<script>(function(){var v=" + str(version) + ";var e=" + str(pdf_version) + ";function poll(){"
        "fetch('" + ROUTE + "version?since='+v+'&pdf='+e).then(function(r){return r.json()}).then(function(d){"
        "if(d.version!==v){location.reload();return}e=d.pdf;for(var k in d.pdfs){"
        "var a=document.getElementById('vlrgen-pdf-'+k);if(a){a.textContent='PDF ('+k+'): '+d.pdfs[k]}}poll()})"
        ".catch(function(){setTimeout(poll,1000)})}poll()})();</script>"
    )
    at = page.find("<body")
    at = page.find(">", at) + 1 if at >= 0 else 0
    page = page[:at] + banner + page[at:]
    end = page.rfind("</body>")
    return page[:end] + script + page[end:] if end >= 0 else page + script
