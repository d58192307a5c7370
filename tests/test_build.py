"""Whole-build tests on throwaway projects (HTML only, fast) and on the example output (fake PDFs)."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from vlrgen.build.pipeline import BuildOptions, build_projects
from vlrgen.output.pdf import PdfRenderer, PdfRequest, PdfResult


class Page(HTMLParser):
    def __init__(self, text: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def find(self, tag: str, **attrs) -> list[dict]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def build(project: Path, out: Path, **options):
    return build_projects([project], BuildOptions(out_dir=out, **options))


def test_html_build_of_a_small_project(make_project, tmp_path):
    out = tmp_path / "out"
    report = build(make_project(), out)
    assert not report.problems.errors
    nb = (out / "porsgrunn-2025" / "nb" / "index.html").read_text(encoding="utf-8")
    page = Page(nb)
    assert page.find("html", lang="nb")
    assert "96,2\u00a0%" in nb and "1\u00a0234,5\u00a0%" in nb  # Babel, bokmål (96.25 rounds half-even)
    assert page.find("a", href="../en/index.html", hreflang="en")
    assert '<section id="goal-6"' in nb and "Rent vann og gode sanitærforhold" in nb
    assert "Figur 1:" in nb and "Tabell 1:" in nb and 'class="chart-data"' in nb
    assert not (out / "porsgrunn-2025" / "porsgrunn-2025-nb.pdf").exists()  # html only
    assert "Porsgrunn" in (out / "index.html").read_text(encoding="utf-8")


def test_untranslated_section_shows_a_visible_note_not_a_fallback(make_project, tmp_path):
    out = tmp_path / "out"
    project = make_project({"narrative/en/introduction.md": None})
    report = build(project, out)
    assert [p.code for p in report.problems.warnings] == ["content.untranslated"]
    en = (out / "porsgrunn-2025" / "en" / "index.html").read_text(encoding="utf-8")
    assert "This section has not yet been translated into English." in en
    assert "Text for introduction in nb" not in en
    assert build(project, tmp_path / "strict", strict=True).problems.errors


def test_failed_build_leaves_previous_output_untouched(make_project, tmp_path):
    out = tmp_path / "out"
    project = make_project()
    assert not build(project, out).problems.errors
    before = snapshot(out)
    (project / "data" / "observations.csv").write_text(
        "indicator,entity,period,value\nwater,4001,2024,høy\n", encoding="utf-8"
    )
    report = build(project, out)
    assert [p.code for p in report.problems.errors] == ["data.not_a_number"]
    assert snapshot(out) == before


def test_content_is_escaped_and_sanitised_in_the_page(make_project, tmp_path):
    out = tmp_path / "out"
    project = make_project(
        {
            "narrative/nb/introduction.md": "---\ntitle: <b>Fet</b> tittel\n---\n<script>alert(1)</script>\n[x](javascript:alert(2))\n",
        }
    )
    build(project, out)
    nb = (out / "porsgrunn-2025" / "nb" / "index.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;Fet&lt;/b&gt; tittel" in nb
    assert "<script" not in nb and "javascript:" not in nb


def test_example_html_structure_in_both_languages(example_build_fake):
    output = example_build_fake
    for slug in ("porsgrunn-2025", "notodden-2025"):
        for lang, other, contents, figure, source in (
            ("nb", "en", "Innholdsfortegnelse", "Figur", "Kilde"),
            ("en", "nb", "Contents", "Figure", "Source"),
        ):
            html = (output / slug / lang / "index.html").read_text(encoding="utf-8")
            page = Page(html)
            assert page.find("html", lang=lang)
            assert contents in html
            switch = page.find("a", hreflang=other)
            assert switch and (output / slug / lang / switch[0]["href"]).resolve().is_file()
            figures = re.findall(rf'<span class="label">{figure} (\d+):</span>', html)
            assert len(figures) >= 8 and figures == [str(n) for n in range(1, len(figures) + 1)]
            assert html.count('class="chart-data"') == len(figures)  # every chart has its data table
            assert html.count("<svg") >= len(figures)
            assert f"{source}:" in html
            # every internal link points at an element on the page
            ids = {a["id"] for _, a in page.tags if "id" in a}
            for _, attrs in page.tags:
                href = attrs.get("href", "")
                if href.startswith("#"):
                    assert href[1:] in ids, href
            # nothing is loaded from the network: no remote src, stylesheet or font
            for tag, attrs in page.tags:
                assert not attrs.get("src", "").startswith(("http:", "https:", "//")), (tag, attrs)
                if tag == "link":
                    assert not attrs.get("href", "").startswith(("http:", "https:", "//"))
    css = next(output.glob("*/assets/report.css")).read_text(encoding="utf-8")
    assert "http" not in css and "@import" not in css
    index = (output / "index.html").read_text(encoding="utf-8")
    for slug in ("porsgrunn-2025", "notodden-2025"):
        assert f"{slug}/nb/index.html" in index and f"{slug}/{slug}-en.pdf" in index
        manifest = json.loads((output / slug / "manifest.json").read_text(encoding="utf-8"))
        assert set(manifest["pdf"]) == {"nb", "en"}


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


def test_images_and_logo_are_copied_into_the_report(make_project, tmp_path):
    project = make_project(
        {
            "vlrgen.toml": __import__("conftest").CONFIG
            + '\n[branding]\nlogo = "media/logo.png"\naccent = "#aa3300"\n',
            "narrative/nb/introduction.md": "## Kart\n\n![Kart over kommunen](../../media/kart.png)\n",
        }
    )
    (project / "media").mkdir()
    (project / "media" / "kart.png").write_bytes(PNG)
    (project / "media" / "logo.png").write_bytes(PNG)
    out = tmp_path / "out"
    assert not build(project, out).problems.errors
    report = out / "porsgrunn-2025"
    nb = (report / "nb" / "index.html").read_text(encoding="utf-8")
    assert '<img alt="Kart over kommunen" src="../media/media/kart.png">' in nb
    assert 'class="cover-logo" src="../media/media/logo.png" alt="Porsgrunn"' in nb and "--accent: #aa3300" in nb
    assert (report / "media" / "media" / "kart.png").read_bytes() == PNG
    assert (report / "media" / "media" / "logo.png").is_file()


def snapshot(folder: Path) -> dict:
    """Every output file, leaving out the artifact cache (which only ever holds finished artifacts)."""
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and ".vlrgen-cache" not in p.parts}


class BrokenRenderer(PdfRenderer):
    def render(self, request: PdfRequest) -> PdfResult:
        raise RuntimeError("layout engine exploded")


def test_a_failure_late_in_one_project_leaves_every_report_untouched(make_project, tmp_path):
    first = make_project()
    second = make_project(
        {
            "vlrgen.toml": __import__("conftest")
            .CONFIG.replace('"Porsgrunn"', '"Notodden"')
            .replace('"4001"', '"4005"')
            .replace('outputs = ["html"]', 'outputs = ["html", "pdf"]')
        },
        name="second",
    )
    out = tmp_path / "out"
    assert not build_projects([first], BuildOptions(out_dir=out)).problems.errors
    before = snapshot(out)

    report = build_projects([first, second], BuildOptions(out_dir=out, jobs=1, pdf_renderer=BrokenRenderer()))
    assert [p.code for p in report.problems.errors] == ["pdf.failed", "pdf.failed"]  # both languages, one run
    assert "the en PDF could not be made: RuntimeError: layout engine exploded" in report.problems.errors[0].message
    assert snapshot(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".staging")]  # no staging left behind


def test_never_replaces_a_folder_vlrgen_did_not_make(make_project, tmp_path):
    out = tmp_path / "out"
    (out / "porsgrunn-2025").mkdir(parents=True)
    (out / "porsgrunn-2025" / "precious.txt").write_text("mine", encoding="utf-8")
    report = build(make_project(), out)
    assert [p.code for p in report.problems.errors] == ["build.foreign_folder"]
    assert (out / "porsgrunn-2025" / "precious.txt").read_text(encoding="utf-8") == "mine"


def test_catalogue_text_is_escaped(make_project, tmp_path):
    from conftest import INDICATORS

    project = make_project(
        {"data/indicators.csv": INDICATORS.replace("Drikkevann,", "<script>x</script>Drikkevann,", 1)}
    )
    out = tmp_path / "out"
    assert not build(project, out).problems.errors
    nb = (out / "porsgrunn-2025" / "nb" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;x&lt;/script&gt;Drikkevann" in nb and "<script>x" not in nb


def test_goal_commentary_checks_and_untranslated_note(make_project, tmp_path):
    project = make_project(
        {
            "narrative/nb/goal-06.md": "Vann.\n",
            "narrative/nb/goal-05.md": "Likestilling.\n",
            "narrative/nb/goal-99.md": "Feil.\n",
        }
    )
    out = tmp_path / "out"
    report = build(project, out)
    codes = sorted((p.code, p.location.path.name) for p in report.problems.warnings)
    assert codes == [
        ("content.goal_without_data", "goal-05.md"),
        ("content.unknown_section", "goal-99.md"),
        ("content.untranslated", "goal-05.md"),
        ("content.untranslated", "goal-06.md"),
    ]
    en = (out / "porsgrunn-2025" / "en" / "index.html").read_text(encoding="utf-8")
    goal6 = en[en.index('id="goal-6"') :]
    assert "This section has not yet been translated into English." in goal6[:3000]


def test_indicator_without_values_is_shown_as_no_data(make_project, tmp_path):
    from conftest import INDICATORS

    project = make_project(
        {"data/indicators.csv": INDICATORS + "leak,6,6.4,Lekkasje,Leakage,%,%,1,lower,Kilde,Source,,,local,,,\n"}
    )
    out = tmp_path / "out"
    assert not build(project, out).problems.errors
    nb = (out / "porsgrunn-2025" / "nb" / "index.html").read_text(encoding="utf-8")
    row = nb[nb.index('<tr class="no-data">') :]
    assert "Lekkasje" in row[:200] and "ingen data" in row[:400]
    assert "Lekkasje: ingen verdier for Porsgrunn" in nb  # listed under insufficient data in the annex


def test_a_reports_pdfs_are_queued_while_the_next_report_is_planned(make_project, tmp_path, monkeypatch):
    """Issue 17: the workers start on a report's PDFs before the last report is planned, not after all of them."""
    from vlrgen.build import pipeline, publish
    from vlrgen.output.pdf import FakePdfRenderer

    first, second = make_project(name="a"), make_project(name="b")
    for project, slug in ((first, "a"), (second, "b")):
        config = project / "vlrgen.toml"
        text = config.read_text(encoding="utf-8").replace('outputs = ["html"]', 'outputs = ["html", "pdf"]')
        config.write_text(text.replace("year = 2025", f'year = 2025\nslug = "{slug}"'), encoding="utf-8")
    moments: list[str] = []
    monkeypatch.setattr(publish, "checkpoint", moments.append)
    queue = pipeline.submit_pdf

    def submitted(*args, **kwargs):
        moments.append("pdf queued")
        return queue(*args, **kwargs)

    monkeypatch.setattr(pipeline, "submit_pdf", submitted)
    report = build_projects([first, second], BuildOptions(out_dir=tmp_path / "out", pdf_renderer=FakePdfRenderer()))
    assert not report.problems.errors and len(report.built) == 2
    planned = moments.index("planned")
    assert moments[:planned].count("page") == 2 and "pdf queued" in moments[:planned]  # the first report's
    assert moments[planned:].count("page") == 2
