"""`vlrgen serve`: the preview answers on 127.0.0.1, rebuilds when a file changes and shows problems on the page;
a followed language's PDF is made again after every good build."""

import hashlib
import os
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from vlrgen.build.serve import Preview, inject, serve_project
from vlrgen.output.pdf import FakePdfRenderer, PdfRequest, WeasyPrintRenderer

pytest.importorskip("watchfiles")


def fetch(url: str) -> tuple[str, str]:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return answer.geturl(), answer.read().decode("utf-8", errors="replace")


def wait_for(condition, seconds: float = 20.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"not within {seconds} s")


@pytest.fixture
def preview(make_project):
    project = make_project()
    stop, urls = threading.Event(), []
    thread = threading.Thread(
        target=serve_project,
        args=(project,),
        kwargs=dict(port=0, renderer=FakePdfRenderer(), started=urls.append, stop=stop),
        daemon=True,
    )
    thread.start()
    wait_for(lambda: urls, 60)
    yield project, urls[0]
    stop.set()
    thread.join(10)
    assert not thread.is_alive()


def test_serve_answers_and_reloads_after_an_edit(preview):
    project, url = preview
    assert url.startswith("http://127.0.0.1:")
    page_url, page = fetch(url)
    assert page_url.endswith("/porsgrunn-2025/nb/index.html")
    assert "Text for introduction in nb." in page and "__vlrgen/version?since=" in page
    before = page
    (project / "narrative" / "nb" / "introduction.md").write_text("Ny tekst om Porsgrunn.\n", encoding="utf-8")
    changed = wait_for(lambda: (p := fetch(page_url)[1]) != before and "Ny tekst om Porsgrunn." in p and p)
    assert "Text for introduction in nb." not in changed

    # A mistake: shown in the banner, while the page keeps the last good build.
    (project / "narrative" / "nb" / "introduction.md").write_text("Verdi {{< value watr >}}.\n", encoding="utf-8")
    broken = wait_for(lambda: "content.unknown_indicator" in (p := fetch(page_url)[1]) and p)
    assert "Ny tekst om Porsgrunn." in broken

    # The PDF on request.
    pdf_url, _ = fetch(url.rstrip("/") + "/__vlrgen/pdf/en")
    assert pdf_url.split("?")[0].endswith("/porsgrunn-2025/porsgrunn-2025-en.pdf")
    with pytest.raises(urllib.error.HTTPError):
        fetch(url.rstrip("/") + "/__vlrgen/pdf/xx")


def test_the_reload_script_is_only_served_never_built(make_project, tmp_path):
    from vlrgen.build.pipeline import BuildOptions, build_projects

    project = make_project()
    build_projects([project], BuildOptions(out_dir=tmp_path / "out", formats=("html",)))
    for page in (tmp_path / "out").rglob("*.html"):
        assert "__vlrgen" not in page.read_text(encoding="utf-8")
    served = inject("<html><body class='x'><p>a</p></body></html>", 3, ["a <b>problem</b>"], ("nb",))
    assert "<body class='x'><div id=\"vlrgen-preview\"" in served
    assert "a &lt;b&gt;problem&lt;/b&gt;" in served and "since='+v" in served and "var v=3;" in served
    # Each followed language's PDF in words, on a real link the script updates when the PDF's state changes.
    served = inject("<html><body><p>a</p></body></html>", 3, [], ("nb", "en"), {"nb": "being made"}, 7)
    assert '<a id="vlrgen-pdf-nb" href="/__vlrgen/pdf/nb"' in served and ">PDF (nb): being made</a>" in served
    assert ">PDF (en)</a>" in served and "var e=7;" in served and "&pdf='+e" in served


# --- PDFs that follow the edits


def page_and_pdf(out: Path, lang: str = "nb") -> tuple[Path, Path]:
    return out / "porsgrunn-2025" / lang / "index.html", out / "porsgrunn-2025" / f"porsgrunn-2025-{lang}.pdf"


def made_from(pdf: Path, page: Path) -> bool:
    """A fake PDF names the SHA-256 of the page it was made from."""
    return hashlib.sha256(page.read_bytes()).hexdigest().encode() in pdf.read_bytes()


def inode(path: Path) -> int:
    return path.stat().st_ino if path.exists() else 0


def test_a_followed_pdf_follows_the_edits(make_project, tmp_path):
    project, out = make_project(), tmp_path / "out"
    out.mkdir()
    stop, urls, notices = threading.Event(), [], []
    thread = threading.Thread(
        target=serve_project,
        args=(project,),
        kwargs=dict(
            port=0,
            renderer=FakePdfRenderer(),
            started=urls.append,
            stop=stop,
            pdf=("nb",),
            notice=notices.append,
            out_dir=out,
        ),
        daemon=True,
    )
    thread.start()
    try:
        wait_for(lambda: urls, 60)
        url, (page, pdf) = urls[0], page_and_pdf(out)
        wait_for(lambda: pdf.exists() and notices, 60)  # the notice follows the PDF put in place
        assert made_from(pdf, page) and "PDF nb made" in notices[0]
        served = fetch(url)[1]
        assert ">PDF (nb): up to date</a>" in served and ">PDF (en)</a>" in served

        # An edit: the page, then its PDF, made from the new page.
        before, first = pdf.read_bytes(), inode(pdf)
        intro = project / "narrative" / "nb" / "introduction.md"
        intro.write_text("Ny tekst om Porsgrunn.\n", encoding="utf-8")
        wait_for(lambda: inode(pdf) != first)
        assert "Ny tekst om Porsgrunn." in page.read_text(encoding="utf-8")
        assert pdf.read_bytes() != before and made_from(pdf, page)

        # A mistake: no PDF is made, the last good one stays and is served at once.
        good, good_inode = pdf.read_bytes(), inode(pdf)
        intro.write_text("Verdi {{< value watr >}}.\n", encoding="utf-8")
        wait_for(lambda: "content.unknown_indicator" in fetch(url)[1])
        began = time.monotonic()
        pdf_url, _ = fetch(url.rstrip("/") + "/__vlrgen/pdf/nb")
        assert time.monotonic() - began < 5 and pdf_url.split("?")[0].endswith("/porsgrunn-2025/porsgrunn-2025-nb.pdf")
        assert pdf.read_bytes() == good and inode(pdf) == good_inode
        assert ">PDF (nb): up to date</a>" in fetch(url)[1]

        # The page's own link to a PDF not made yet: made now, and that language followed from then on.
        en_url, _ = fetch(url.rstrip("/") + "/porsgrunn-2025/porsgrunn-2025-en.pdf")
        assert en_url.split("?")[0].endswith("/porsgrunn-2025/porsgrunn-2025-en.pdf")
        assert made_from(page_and_pdf(out, "en")[1], page_and_pdf(out, "en")[0])
        answer = fetch(url.rstrip("/") + "/__vlrgen/version?since=-1&pdf=-1")[1]
        assert '"pdfs": {"nb": "up to date", "en": "up to date"}' in answer
    finally:
        stop.set()
        thread.join(20)
    assert not thread.is_alive()
    assert not (tmp_path / "out-pdf").exists()  # snapshots and kept PDFs removed


@dataclass(frozen=True)
class FailingRenderer(FakePdfRenderer):
    def render(self, request: PdfRequest):
        raise ValueError("no room on the page")


class GatedPool:
    """A PDF worker in a thread whose layouts each wait to be let through: what happens while one is made."""

    def __init__(self):
        self.threads = ThreadPoolExecutor(1)
        self.gates: list[threading.Event] = []
        self.calls: list[PdfRequest] = []

    def submit(self, fn, *args):
        if not args:  # freeing the last layout's garbage
            return self.threads.submit(fn)
        gate = threading.Event()
        self.gates.append(gate)
        self.calls.append(args[0])
        return self.threads.submit(lambda: gate.wait(30) and fn(*args))

    def release(self, call: int) -> None:
        wait_for(lambda: len(self.gates) > call)
        self.gates[call].set()

    def shutdown(self, wait=True, *, cancel_futures=False) -> None:
        for gate in self.gates:
            gate.set()
        self.threads.shutdown(wait=wait, cancel_futures=cancel_futures)


def edit(project: Path, text: str) -> None:
    (project / "narrative" / "nb" / "introduction.md").write_text(text + "\n", encoding="utf-8")


def test_newest_wins_and_a_superseded_pdf_never_replaces_a_newer_one(make_project, tmp_path):
    project, out, pool = make_project(), tmp_path / "out", GatedPool()
    preview = Preview(project, out, FakePdfRenderer(), make_pool=lambda _: pool)
    page, pdf = page_and_pdf(out)
    try:
        preview.follow("nb")
        assert not preview.build().problems.errors
        wait_for(lambda: len(pool.calls) == 1)  # build 1's PDF is being laid out
        first_page = page.read_bytes()
        assert preview.pdf_texts() == {"nb": "being made"}
        snapshot = pool.calls[0]
        assert snapshot.html_path.read_bytes() == first_page and not snapshot.html_path.is_relative_to(out)
        assert any(root == snapshot.html_path.parents[1] for root in snapshot.allowed_roots)  # the page's folder
        assert project.resolve() in snapshot.allowed_roots

        edit(project, "Andre utgave.")
        assert not preview.build().problems.errors  # build 2 replaces the published version…
        assert snapshot.html_path.read_bytes() == first_page  # …but not the snapshot being laid out
        pool.release(0)  # build 1's PDF is done, too late: thrown away, build 2's is laid out
        wait_for(lambda: len(pool.calls) == 2)
        assert not pdf.exists() and not snapshot.pdf_path.parent.exists()

        edit(project, "Tredje utgave.")
        preview.build()
        edit(project, "Fjerde utgave.")
        preview.build()  # builds 3 and 4 while build 2's PDF is made: only build 4's is made next
        pool.release(1)
        wait_for(lambda: len(pool.calls) == 3)
        assert not pdf.exists()
        assert "Fjerde utgave." in pool.calls[2].html_path.read_text(encoding="utf-8")
        pool.release(2)
        assert preview.wait_pdf("nb", timeout=20) == ("ready", "")
        assert made_from(pdf, page) and "Fjerde utgave." in page.read_text(encoding="utf-8")
        assert preview.pdf_texts() == {"nb": "up to date"}
        assert not list(preview.scratch.iterdir())  # no snapshot left

        # A build with errors makes no PDF and keeps the last good one.
        good = pdf.read_bytes()
        edit(project, "Verdi {{< value watr >}}.")
        assert preview.build().problems.errors
        time.sleep(0.3)
        assert len(pool.calls) == 3 and pdf.read_bytes() == good
        assert preview.wait_pdf("nb", timeout=0) == ("ready", "") and preview.pdf_texts() == {"nb": "up to date"}

        # The next good build shows the last PDF until its own is there.
        edit(project, "Femte utgave.")
        assert not preview.build().problems.errors
        assert pdf.read_bytes() == good and preview.pdf_texts() == {"nb": "being made"}
        assert preview.wait_pdf("nb", timeout=0.2) == ("waiting", "")
        pool.release(3)
        assert preview.wait_pdf("nb", timeout=20) == ("ready", "")
        assert pdf.read_bytes() != good and made_from(pdf, page)

        # An edit of another language: the bokmål page is the same, so is its PDF; nothing is laid out.
        made, made_inode = pdf.read_bytes(), inode(pdf)
        (project / "narrative" / "en" / "introduction.md").write_text("New English text.\n", encoding="utf-8")
        assert not preview.build().problems.errors
        assert preview.wait_pdf("nb", timeout=20) == ("ready", "")
        assert len(pool.calls) == 4 and pdf.read_bytes() == made and inode(pdf) == made_inode
        assert not list(preview.scratch.iterdir())
    finally:
        preview.close()
    assert not preview.scratch.exists()


def test_a_pdf_that_cannot_be_made_says_why_and_the_next_build_tries_again(make_project, tmp_path):
    project, out, pool = make_project(), tmp_path / "out", GatedPool()
    preview = Preview(project, out, FailingRenderer(), make_pool=lambda _: pool)
    try:
        preview.follow("all")
        preview.build()
        for call in range(2):
            pool.release(call)
        assert preview.wait_pdf("nb", timeout=20) == ("failed", "ValueError: no room on the page")
        assert preview.wait_pdf("en", timeout=20)[0] == "failed"
        assert preview.pdf_texts() == {"nb": "could not be made", "en": "could not be made"}
        assert not list(out.glob("*/*.pdf")) and not list(preview.scratch.glob("snapshot-*"))
        edit(project, "Ny tekst.")
        preview.build()
        pool.release(2)
        pool.release(3)  # each language tried again, once
        assert preview.wait_pdf("nb", timeout=20)[0] == preview.wait_pdf("en", timeout=20)[0] == "failed"
        assert len(pool.calls) == 4
        assert preview.wait_pdf("xx", timeout=0)[0] == "failed"
    finally:
        preview.close()


def test_the_worker_process_imports_the_renderer_once_and_ends_with_the_preview(make_project, tmp_path):
    preview = Preview(make_project(), tmp_path / "out", FakePdfRenderer())
    try:
        preview.follow("nb")
        preview.build()
        assert preview.wait_pdf("nb", timeout=60) == ("ready", "")
        pool = preview._pool
        pids = list(pool._processes)
        assert len(pids) == 1
        edit(preview.project, "Ny tekst.")
        preview.build()
        assert preview.wait_pdf("nb", timeout=60) == ("ready", "")
        assert list(pool._processes) == pids  # the same process made both
    finally:
        preview.close()
    with pytest.raises(ProcessLookupError):
        os.kill(pids[0], 0)


def test_a_fresh_worker_takes_over_after_some_pdfs(make_project, tmp_path, monkeypatch):
    monkeypatch.setattr("vlrgen.build.serve.PDFS_PER_WORKER", 2)
    pools: list[ThreadPoolExecutor] = []

    def make_pool(_):
        pools.append(ThreadPoolExecutor(1))
        return pools[-1]

    preview = Preview(make_project(), tmp_path / "out", FakePdfRenderer(), make_pool=make_pool)
    try:
        preview.follow("nb")
        for text in ("Første.", "Andre.", "Tredje."):
            edit(preview.project, text)
            preview.build()
            assert preview.wait_pdf("nb", timeout=20) == ("ready", "")
        assert len(pools) == 2 and pools[0]._shutdown and not pools[1]._shutdown  # type: ignore[attr-defined]
    finally:
        preview.close()
    assert pools[1]._shutdown  # type: ignore[attr-defined]


@pytest.mark.pdf
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")
def test_a_followed_weasyprint_pdf_gets_the_edited_text(make_project, tmp_path):
    project, out = make_project(), tmp_path / "out"
    out.mkdir()
    stop, urls = threading.Event(), []
    thread = threading.Thread(
        target=serve_project,
        args=(project,),
        kwargs=dict(port=0, renderer=WeasyPrintRenderer(), started=urls.append, stop=stop, pdf=("nb",), out_dir=out),
        daemon=True,
    )
    thread.start()

    def text(path: Path) -> str:
        return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout

    try:
        _, pdf = page_and_pdf(out)
        wait_for(lambda: pdf.exists(), 180)
        assert "Text for introduction in nb." in text(pdf)
        first = inode(pdf)
        edit(project, "Porsgrunn planter tusen trær langs elva.")
        wait_for(lambda: inode(pdf) != first, 180)
        after = text(pdf)
        assert "Porsgrunn planter tusen trær langs elva." in after and "Text for introduction in nb." not in after
    finally:
        stop.set()
        thread.join(20)
    assert not thread.is_alive()


def test_a_file_written_beside_the_project_is_no_reason_to_build_again(make_project, tmp_path):
    """A log the author writes where the project was found (`vlrgen serve project > serve.log`) is in a watched
    folder, but the build never reads it: writing it must not rebuild, or the preview would build forever."""
    project = make_project()
    stop, urls, builds = threading.Event(), [], []
    thread = threading.Thread(
        target=serve_project,
        args=(project,),
        kwargs=dict(port=0, renderer=FakePdfRenderer(), started=urls.append, stop=stop, report=builds.append),
        daemon=True,
    )
    thread.start()
    try:
        wait_for(lambda: urls, 60)
        log = tmp_path / "serve.log"
        for line in range(8):
            with log.open("a", encoding="utf-8") as out:
                out.write(f"vlrgen serve: built ({line})\n")
            time.sleep(0.2)
        time.sleep(1.0)
        assert len(builds) == 1, "a file the build does not read made it build again"
        (project / "narrative" / "nb" / "introduction.md").write_text("Ny tekst.\n", encoding="utf-8")
        wait_for(lambda: len(builds) == 2)
    finally:
        stop.set()
        thread.join(10)
