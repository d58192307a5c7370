"""`vlrgen serve`: the preview answers on 127.0.0.1, rebuilds when a file changes and shows problems on the page."""

import threading
import time
import urllib.error
import urllib.request

import pytest

from vlrgen.build.serve import inject, serve_project
from vlrgen.output.pdf import FakePdfRenderer

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
