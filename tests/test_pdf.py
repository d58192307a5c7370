"""Real WeasyPrint output, read back with poppler's pdftotext and pdfinfo."""

import re
import subprocess
from pathlib import Path

from vlrgen.output.pdf import PdfRequest, render_pdf


def pdftext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


def pdfinfo(path: Path) -> str:
    return subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout


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


def test_english_pdf(example_build):
    pdf = example_build / "notodden-2025" / "notodden-2025-en.pdf"
    text = pdftext(pdf)
    assert "Contents" in text and "Progress on goals and targets" in text and "Climate action" in text
    assert re.search(r"\d\.\d\s?%", text)
    pages = int(re.search(r"Pages:\s+(\d+)", pdfinfo(pdf))[1])
    assert f"page 3 of {pages}" in text
    assert re.search(r"Opening statement \.+ ?\d+", text)


def test_pdf_is_tagged_with_metadata(example_build):
    info = pdfinfo(example_build / "porsgrunn-2025" / "porsgrunn-2025-nb.pdf")
    assert re.search(r"Tagged:\s+yes", info)
    assert re.search(r"Title:\s+Frivillig lokal gjennomgang 2025 – Porsgrunn", info)
    assert re.search(r"Author:\s+Porsgrunn", info)
    assert re.search(r"Page size:.*\(A4\)", info)


def test_pdf_has_bookmarks_and_language(example_build):
    from pypdf import PdfReader

    reader = PdfReader(example_build / "porsgrunn-2025" / "porsgrunn-2025-nb.pdf")
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "Forord fra ordføreren" in titles and "Vedlegg" in titles
    assert reader.trailer["/Root"]["/Lang"] == "nb"


def test_fetcher_refuses_network_and_files_outside_allowed_folders(tmp_path):
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
    result = render_pdf(PdfRequest(project / "page.html", project / "page.pdf", (project,), "pdf/ua-1"))
    assert result.pages == 1
    assert secret.as_uri() in result.refused and "http://127.0.0.1:9/x.png" in result.refused
    assert b"EmbeddedFile" not in (project / "page.pdf").read_bytes()


def test_pdf_embeds_only_the_shipped_fonts(example_build):
    fonts = subprocess.run(
        ["pdffonts", str(example_build / "porsgrunn-2025" / "porsgrunn-2025-nb.pdf")],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()[2:]
    names = {line.split()[0].split("+", 1)[1] for line in fonts}
    assert names and all(name.startswith(("Noto-Sans", "DejaVu-Sans")) for name in names), names
