"""PDF output: real WeasyPrint PDFs read back with poppler's pdftotext and pdfinfo (marked `pdf`), and the
fake renderer the fast tests use, held to the same URL policy."""

import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest

from vlrgen.output.pdf import FakePdfRenderer, PdfRequest, WeasyPrintRenderer


def pdftext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


def pdfinfo(path: Path) -> str:
    return subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout


@pytest.mark.pdf
def test_bokmal_pdf(example_build):
    pdf = example_build / "porsgrunn-2025" / "porsgrunn-2025-nb.pdf"
    text = pdftext(pdf)
    assert "Innholdsfortegnelse" in text and "Status og utvikling for målene" in text
    assert "Stoppe klimaendringene" in text and "God helse og livskvalitet" in text  # SDG names in bokmål
    assert re.search(r"\d,\d\s?%", text)  # decimal commas
    pages = int(re.search(r"Pages:\s+(\d+)", pdfinfo(pdf))[1])
    assert f"side 3 av {pages}" in text
    assert re.search(r"Forord fra ordføreren \.+ ?\d+", text)  # table of contents with page numbers
    assert "Figur 1:" in text and "Tabell 1:" in text and "Kilde:" in text


@pytest.mark.pdf
def test_english_pdf(example_build):
    pdf = example_build / "notodden-2025" / "notodden-2025-en.pdf"
    text = pdftext(pdf)
    assert "Contents" in text and "Progress on goals and targets" in text and "Climate action" in text
    assert re.search(r"\d\.\d\s?%", text)
    pages = int(re.search(r"Pages:\s+(\d+)", pdfinfo(pdf))[1])
    assert f"page 3 of {pages}" in text
    assert re.search(r"Opening statement \.+ ?\d+", text)


@pytest.mark.pdf
def test_pdf_is_tagged_with_metadata(example_build):
    info = pdfinfo(example_build / "porsgrunn-2025" / "porsgrunn-2025-nb.pdf")
    assert re.search(r"Tagged:\s+yes", info)
    assert re.search(r"Title:\s+Frivillig lokal gjennomgang 2025 – Porsgrunn", info)
    assert re.search(r"Author:\s+Porsgrunn", info)
    assert re.search(r"Page size:.*\(A4\)", info)


@pytest.mark.pdf
def test_pdf_has_bookmarks_and_language(example_build):
    from pypdf import PdfReader

    reader = PdfReader(example_build / "porsgrunn-2025" / "porsgrunn-2025-nb.pdf")
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "Forord fra ordføreren" in titles and "Vedlegg" in titles
    assert reader.trailer["/Root"]["/Lang"] == "nb"


RENDERERS = [
    pytest.param(WeasyPrintRenderer(), marks=pytest.mark.pdf, id="weasyprint"),
    pytest.param(FakePdfRenderer(), id="fake"),
]


@pytest.mark.parametrize("renderer", RENDERERS)
def test_fetcher_refuses_network_and_files_outside_allowed_folders(tmp_path, renderer):
    secret = tmp_path / "outside" / "secret.png"
    secret.parent.mkdir()
    secret.write_bytes(b"\x89PNG\r\n\x1a\n")
    project = tmp_path / "project"
    project.mkdir()
    (project / "page.html").write_text(
        f'<html lang="nb"><body><p>Hei</p><img src="{secret.as_uri()}"><img src="http://127.0.0.1:9/x.png">'
        f'<link rel="attachment" href="{secret.as_uri()}"></body></html>',
        encoding="utf-8",
    )
    result = renderer.render(PdfRequest(project / "page.html", project / "page.pdf", (project,), "pdf/ua-1"))
    assert result.pages == 1
    assert set(result.refused) == {secret.as_uri(), "http://127.0.0.1:9/x.png"}
    assert b"EmbeddedFile" not in (project / "page.pdf").read_bytes()


@pytest.mark.pdf
def test_pdf_embeds_only_the_shipped_fonts(example_build):
    fonts = subprocess.run(
        ["pdffonts", str(example_build / "porsgrunn-2025" / "porsgrunn-2025-nb.pdf")],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()[2:]
    names = {line.split()[0].split("+", 1)[1] for line in fonts}
    assert names and all(name.startswith(("Noto-Sans", "DejaVu-Sans")) for name in names), names


def write_page(folder: Path, body: str, name: str = "page.html") -> PdfRequest:
    folder.mkdir(parents=True, exist_ok=True)
    html = f'<html lang="en"><head><title>A “test” – page</title></head><body>{body}</body></html>'
    (folder / name).write_text(html, encoding="utf-8")
    return PdfRequest(folder / name, folder / name.replace(".html", ".pdf"), (folder,), "pdf/ua-1")


def test_fake_pdf_is_valid_deterministic_and_follows_the_html(tmp_path):
    from pypdf import PdfReader

    renderer = FakePdfRenderer()
    chapter = '<section class="chapter">' + "<p>" + "Lorem ipsum dolor sit amet. " * 400 + "</p></section>"
    long = "<style>/* { */ section.chapter { break-before: page }</style>" + chapter * 3 + "<figure>x</figure>" * 4
    first = renderer.render(write_page(tmp_path / "a", long))
    again = renderer.render(write_page(tmp_path / "b", long))
    other = renderer.render(write_page(tmp_path / "c", long + "<p>One more sentence.</p>"))
    pdf = first.pdf_path.read_bytes()
    assert pdf == again.pdf_path.read_bytes() and pdf != other.pdf_path.read_bytes()
    reader = PdfReader(first.pdf_path, strict=True)
    assert len(reader.pages) == first.pages == 3 + 6 + 2  # page breaks, 33 600 characters, 4 figures
    assert reader.metadata.title == "A “test” – page" and reader.trailer["/Root"]["/Lang"] == "en"
    assert "HTML sha256" in reader.pages[0].extract_text()


def test_fake_refuses_what_stylesheets_and_inline_styles_name(tmp_path):
    page = tmp_path / "report"
    (page / "assets").mkdir(parents=True)
    (page / "assets" / "report.css").write_text(
        '@font-face { src: url("fonts/Noto.ttf") } body { background: url(https://example.org/bg.png) }',
        encoding="utf-8",
    )
    request = write_page(
        page,
        '<link rel="stylesheet" href="assets/report.css"><a href="https://example.org/">a link is not fetched</a>'
        '<p style="background: url(\'/etc/hostname\')">x</p><style>@import "http://example.org/x.css";</style>'
        '<img src="data:image/png;base64,AAAA"><svg><image href="../outside.png"/></svg>',
    )
    result = FakePdfRenderer().render(request)
    assert result.refused == (
        "file:///etc/hostname",
        "http://example.org/x.css",
        (tmp_path / "outside.png").as_uri(),
        "https://example.org/bg.png",
    )


def test_renderers_travel_to_worker_processes_and_keep_their_caches_apart():
    for renderer in (WeasyPrintRenderer(), FakePdfRenderer()):
        assert pickle.loads(pickle.dumps(renderer.render_safely)).__self__ == renderer
    assert WeasyPrintRenderer().artifact_key("k") == "k" and FakePdfRenderer().artifact_key("k") != "k"


def test_a_build_with_the_fake_never_loads_weasyprint(make_project, tmp_path):
    from conftest import CONFIG

    project = make_project({"vlrgen.toml": CONFIG.replace('outputs = ["html"]', 'outputs = ["html", "pdf"]')})
    code = (
        "import sys; from pathlib import Path; from vlrgen.build.pipeline import BuildOptions, build_projects; "
        "from vlrgen.output.pdf import FakePdfRenderer; "
        f"r = build_projects([Path({str(project)!r})], BuildOptions(out_dir=Path({str(tmp_path / 'o')!r}), jobs=1, "
        "pdf_renderer=FakePdfRenderer())); "
        "assert not r.problems.errors and r.stats.pdfs_made == 2; print('weasyprint' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


@pytest.mark.pdf
def test_the_archival_variant_is_tagged_pdf_a_3a(make_project, tmp_path):
    """pdf.variant = "pdf/a-3a": tagged and archival (README, Accessibility: which to publish, which to archive)."""
    from conftest import CONFIG
    from pypdf import PdfReader

    from vlrgen.build.pipeline import BuildOptions, build_projects

    config = CONFIG.replace('outputs = ["html"]', 'outputs = ["pdf"]\nlanguages = ["nb"]').replace(
        'languages = ["nb", "en"]\n', ""
    )
    project = make_project({"vlrgen.toml": config + '\n[pdf]\nvariant = "pdf/a-3a"\n'})
    report = build_projects([project], BuildOptions(out_dir=tmp_path / "out"))
    assert not report.problems.errors, report.problems.errors
    reader = PdfReader(next((tmp_path / "out").rglob("*-nb.pdf")))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="A"' in xmp
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in reader.trailer["/Root"]
