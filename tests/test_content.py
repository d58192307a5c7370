from pathlib import Path

from vlrgen.inputs.content import load_narrative, render_markdown
from vlrgen.problems import Problems, format_problem


def render(text: str, tmp_path: Path, top_level: int = 2) -> str:
    html, _, _ = render_markdown(
        text, tmp_path, tmp_path, prefix="introduction", top_level=top_level, media_prefix="../media/"
    )
    return html


def test_raw_html_is_sanitised(tmp_path):
    html = render(
        'Hei <script>alert(1)</script><img src="x.png" onerror="alert(2)">'
        '<a href="javascript:alert(3)" onclick="x()">lenke</a><iframe src="https://e.com"></iframe>',
        tmp_path,
    )
    for bad in ("<script", "alert", "onerror", "onclick", "javascript:", "<iframe"):
        assert bad not in html


def test_headings_nest_under_the_section_with_stable_prefixed_anchors(tmp_path):
    html = render(
        "## Befolkning og bosetting\n\nTekst[^1].\n\n### Detaljer\n\n[^1]: Kilde: SSB.\n", tmp_path, top_level=2
    )
    assert '<h2 id="introduction--befolkning-og-bosetting">' in html
    assert '<h3 id="introduction--detaljer">' in html
    assert 'href="#introduction--fn-1"' in html and 'id="introduction--fn-1"' in html


def test_tables_and_images_inside_the_project(tmp_path):
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "map.png").write_bytes(b"\x89PNG")
    html, assets, rejected = render_markdown(
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n![Kart](img/map.png)\n",
        tmp_path,
        tmp_path,
        prefix="introduction",
        top_level=2,
        media_prefix="../media/",
    )
    assert rejected == []
    assert "<table>" in html and '<img alt="Kart" src="../media/img/map.png">' in html
    assert assets == [((tmp_path / "img" / "map.png").resolve(), "img/map.png")]


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_untranslated_missing_images_and_unknown_files_are_located(tmp_path):
    write(
        tmp_path,
        "narrative/nb/introduction.md",
        "---\ntitle: Innledning\nexampel: true\n---\nTekst\n\n![kart](kart.png)\n",
    )
    write(tmp_path, "narrative/nb/introduktion.md", "Feil navn\n")
    problems = Problems()
    narrative = load_narrative(tmp_path, tmp_path / "narrative", ("nb", "en"), problems)
    lines = [format_problem(p, tmp_path) for p in problems.sorted()]
    assert (
        'narrative/nb/introduction.md:1:1: warning[content.untranslated]: section "introduction" has no en version '
        '(expected en/introduction.md); the en report shows "not yet translated"' in lines
    )
    assert (
        'narrative/nb/introduction.md:3:1: warning[content.front_matter]: unknown front matter key "exampel" '
        "(known: example, title)" in lines
    )
    assert (
        "narrative/nb/introduction.md:7:9: error[content.missing_image]: image kart.png not found inside the project folder"
        in lines
    )
    assert (
        'narrative/nb/introduktion.md: warning[content.unknown_section]: "introduktion.md" is not a known section '
        'and is not used (hint: did you mean "introduction.md"?)' in lines
    )
    assert narrative.get("introduction", "nb").title == "Innledning"
    assert narrative.get("introduction", "en") is None


def test_unsafe_html_is_reported_with_its_line(tmp_path):
    write(tmp_path, "narrative/nb/conclusions.md", "OK\n\n<script>alert(1)</script>\n")
    problems = Problems()
    load_narrative(tmp_path, tmp_path / "narrative", ("nb",), problems)
    assert any(p.code == "content.unsafe_html" and p.location.line == 3 for p in problems.items)


def test_remote_and_raw_html_images_are_removed_and_located(tmp_path):
    write(
        tmp_path,
        "narrative/nb/introduction.md",
        'Tekst\n\n<img src="https://example.org/track.png">\n\n<img src="//example.org/x.png">\n\n'
        "![ref][kart]\n\n[kart]: mangler.png\n\n`![kode](ikke-et-bilde.png)`\n\n```\n<script>kode</script>\n```\n",
    )
    problems = Problems()
    narrative = load_narrative(tmp_path, tmp_path / "narrative", ("nb",), problems)
    html = narrative.get("introduction", "nb").html
    assert "example.org" not in html and "mangler.png" not in html
    lines = [format_problem(p, tmp_path) for p in problems.sorted() if p.code != "content.missing_section"]
    assert lines == [
        "narrative/nb/introduction.md:3:11: error[content.remote_image]: image https://example.org/track.png is not a file "
        "in the project; reports never fetch from the network (hint: save the image in the project folder and link it "
        "with a relative path)",
        "narrative/nb/introduction.md:5:11: error[content.remote_image]: image //example.org/x.png is not a file in the "
        "project; reports never fetch from the network (hint: save the image in the project folder and link it with a "
        "relative path)",
        "narrative/nb/introduction.md:9:9: error[content.missing_image]: image mangler.png not found inside the project folder",
    ]


def test_raw_html_ids_stay_in_their_section_and_global_links_are_kept(tmp_path):
    html = render('<div id="main">x</div>\n\nSe [metoden](#methodology) og [figur 3](#figure-3).\n', tmp_path)
    assert 'id="introduction--main"' in html
    assert 'href="#methodology"' in html and 'href="#figure-3"' in html


def test_file_in_another_encoding_is_located(tmp_path):
    path = tmp_path / "narrative" / "nb" / "introduction.md"
    path.parent.mkdir(parents=True)
    path.write_bytes("Første linje\nx \xe6\n".encode("latin-1"))
    problems = Problems()
    load_narrative(tmp_path, tmp_path / "narrative", ("nb",), problems)
    assert any(
        format_problem(p, tmp_path).startswith("narrative/nb/introduction.md:1:2: error[content.encoding]")
        for p in problems.items
    )
