"""`vlrgen serve`: a local preview that rebuilds the web pages when a file changes and reloads the open page.

The project is built (HTML only) into a private folder and served on 127.0.0.1. A watcher
(watchfiles) rebuilds on every change of the project, its data files or the templates; the page
served carries a small script, added only here and never to built output, that waits for the next
build (a long poll of `/__vlrgen/version`) and reloads. When a build has problems they are printed
in the terminal and shown as a banner on the page, which keeps showing the last good build. The
PDF of a language is made on request (`/__vlrgen/pdf/<lang>`, a link in the banner bar).
"""

from __future__ import annotations

import html
import json
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from vlrgen.build.pipeline import BuildOptions, BuildReport, build_projects
from vlrgen.inputs.templates import template_root
from vlrgen.output.pdf import PdfRenderer, WeasyPrintRenderer
from vlrgen.problems import format_problem

__all__ = ["Preview", "inject", "serve_project"]

POLL_SECONDS = 25  # a waiting page asks again after this long
ROUTE = "/__vlrgen/"


@dataclass
class Preview:
    """What the server shows: the folder built into, the build's version and its problems."""

    project: Path
    out_dir: Path
    renderer: PdfRenderer = field(default_factory=WeasyPrintRenderer)
    report: Callable[[BuildReport], None] = lambda _: None  # the terminal's view of each build
    version: int = 0
    problems: list[str] = field(default_factory=list)
    slug: str = ""
    languages: tuple[str, ...] = ()
    changed: threading.Condition = field(default_factory=threading.Condition)
    building: threading.Lock = field(default_factory=threading.Lock)
    watched: tuple[Path, ...] = ()

    def build(self) -> BuildReport:
        """Build the web pages; the page version moves on whatever the outcome (the banner may change)."""
        with self.building:
            options = BuildOptions(out_dir=self.out_dir, formats=("html",), jobs=1, pdf_renderer=self.renderer)
            result = build_projects([self.project], options)
            self._remember(result)
            self.report(result)
            return result

    def build_pdf(self, lang: str) -> tuple[Path | None, BuildReport]:
        """One language's PDF, built beside the pages (in a folder of its own) and copied next to them."""
        with self.building:
            folder = self.out_dir.with_name(self.out_dir.name + "-pdf")
            options = BuildOptions(
                out_dir=folder, formats=("html", "pdf"), languages=(lang,), pdf_renderer=self.renderer
            )
            result = build_projects([self.project], options)
            self.report(result)
            made = folder / self.slug / f"{self.slug}-{lang}.pdf"
            if result.problems.errors or not made.is_file():
                return None, result
            target = self.out_dir / self.slug / made.name
            shutil.copyfile(made, target)
            return target, result

    def _remember(self, result: BuildReport) -> None:
        shown = result.problems.errors or result.problems.warnings
        self.problems = [format_problem(p, self.project) for p in shown]
        manifests = sorted(self.out_dir.glob("*/manifest.json"))
        if manifests and not result.problems.errors:
            manifest = json.loads(manifests[0].read_text(encoding="utf-8"))
            self.slug, self.languages = manifest["slug"], tuple(manifest["languages"])
        self.watched = _watched_paths(self.project, result)
        with self.changed:
            self.version += 1
            self.changed.notify_all()

    def wait(self, since: int, timeout: float = POLL_SECONDS) -> int:
        with self.changed:
            self.changed.wait_for(lambda: self.version != since, timeout=timeout)
            return self.version


def _watched_paths(project: Path, result: BuildReport) -> tuple[Path, ...]:
    """The project folder, the folders of every data file it read and the templates."""
    found = {project.resolve(), template_root().resolve()}
    found.update(path.resolve().parent for path in result.inputs)
    return tuple(sorted(p for p in found if p.exists()))


def serve_project(
    project: Path,
    port: int = 8000,
    host: str = "127.0.0.1",
    renderer: PdfRenderer | None = None,
    report: Callable[[BuildReport], None] = lambda _: None,
    started: Callable[[str], None] = lambda _: None,
    stop: threading.Event | None = None,
) -> None:
    """Build, serve and rebuild on change until `stop` is set (or the process is interrupted)."""
    stop = stop or threading.Event()
    out_dir = Path(tempfile.mkdtemp(prefix="vlrgen-serve-"))
    preview = Preview(project.resolve(), out_dir, renderer or WeasyPrintRenderer(), report)
    preview.build()
    server = ThreadingHTTPServer((host, port), _handler(preview))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    started(f"http://{host}:{server.server_address[1]}/")
    try:
        _watch(preview, stop)
    finally:
        server.shutdown()
        server.server_close()
        with preview.changed:
            preview.changed.notify_all()
        shutil.rmtree(out_dir, ignore_errors=True)
        shutil.rmtree(out_dir.with_name(out_dir.name + "-pdf"), ignore_errors=True)


def _watch(preview: Preview, stop: threading.Event) -> None:
    import watchfiles  # only the preview watches files

    while not stop.is_set():
        watched = preview.watched
        for changes in watchfiles.watch(
            *watched, stop_event=stop, debounce=10, step=10, rust_timeout=500, yield_on_timeout=True
        ):
            relevant = [Path(p) for _, p in changes if not Path(p).is_relative_to(preview.out_dir)]
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
                since = int((parse_qs(url.query).get("since") or ["-1"])[0] or -1)
                self._send(json.dumps({"version": preview.wait(since)}).encode(), "application/json")
            elif url.path.startswith(ROUTE + "pdf/"):
                self._pdf(url.path.removeprefix(ROUTE + "pdf/"))
            elif url.path == "/" and preview.slug:
                self._redirect(f"/{preview.slug}/{preview.languages[0]}/index.html")
            elif url.path == "/":  # the first build failed: only the problems to show
                page = "<!DOCTYPE html><html><body><p>No report yet: the build has errors.</p></body></html>"
                self._send(inject(page, preview.version, preview.problems, ()).encode(), "text/html")
            elif url.path.endswith((".html", "/")):
                self._page(url.path)
            else:
                super().do_GET()

        def _page(self, path: str) -> None:
            file = Path(self.translate_path(path))
            file = file / "index.html" if file.is_dir() else file
            if not file.is_file():
                self.send_error(HTTPStatus.NOT_FOUND)
                return
            page = file.read_text(encoding="utf-8")
            self._send(inject(page, preview.version, preview.problems, preview.languages).encode(), "text/html")

        def _pdf(self, lang: str) -> None:
            if lang not in preview.languages:
                self.send_error(HTTPStatus.NOT_FOUND)
                return
            pdf, result = preview.build_pdf(lang)
            if pdf is None:
                text = "\n".join(format_problem(p, preview.project) for p in result.problems.errors)
                self._send(f"The PDF could not be made:\n{text}".encode(), "text/plain", HTTPStatus.CONFLICT)
                return
            self._redirect(f"/{preview.slug}/{pdf.name}?t={time.time_ns()}")

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


def inject(page: str, version: int, problems: list[str], languages: tuple[str, ...]) -> str:
    """The page with the preview bar (PDF links, problems) and the reload script; served, never written."""
    links = " ".join(f'<a href="{ROUTE}pdf/{lang}">PDF ({html.escape(lang)})</a>' for lang in languages)
    listed = "".join(f"<li>{html.escape(p)}</li>" for p in problems)
    banner = (
        '<div id="vlrgen-preview" style="position:sticky;top:0;z-index:99;background:#222;color:#fff;'
        'font:13px/1.4 sans-serif;padding:4px 10px">vlrgen preview · '
        + links
        + (f'<ul style="color:#ffb3b3;margin:4px 0">{listed}</ul>' if listed else "")
        + "</div>"
    )
    script = (
        "<script>(function(){var v=" + str(version) + ";function poll(){fetch('" + ROUTE + "version?since='+v)"
        ".then(function(r){return r.json()}).then(function(d){if(d.version!==v){location.reload()}else{poll()}})"
        ".catch(function(){setTimeout(poll,1000)})}poll()})();</script>"
    )
    at = page.find("<body")
    at = page.find(">", at) + 1 if at >= 0 else 0
    page = page[:at] + banner + page[at:]
    end = page.rfind("</body>")
    return page[:end] + script + page[end:] if end >= 0 else page + script
