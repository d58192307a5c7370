"""A project's own sections: declared in vlrgen.toml, placed in the outline, checked like the standard ones."""

from pathlib import Path

import pytest
from conftest import CONFIG

from vlrgen.build.pipeline import BuildOptions, build_projects, check_projects
from vlrgen.inputs.outline import SECTIONS, OwnSection, make_outline
from vlrgen.output.pdf import FakePdfRenderer
from vlrgen.problems import Location, format_problem

OWN = """
[[content.sections]]
key = "climate_budget"
after = "local_frameworks"
title.nb = "Klimabudsjettet"
title.en = "The climate budget"

[[content.sections]]
key = "youth_panel"
under = "introduction"
title.nb = "Ungdomspanelet"
title.en = "The youth panel"

[[content.sections]]
key = "reading"
after = "conclusions"
title.nb = "Videre lesning"
title.en = "Further reading"
"""
FILES = {
    "vlrgen.toml": CONFIG.replace("[data]", OWN + "\n[data]"),
    "narrative/nb/climate_budget.md": "Klimabudsjett i kommunen.\n\n## Tall\n\nTekst.\n",
    "narrative/en/climate_budget.md": "The municipality's climate budget.\n",
    "narrative/nb/youth_panel.md": "Ungdom.\n",
    "narrative/en/youth_panel.md": "Youth.\n",
    "narrative/nb/reading.md": "---\ntitle: Les mer\n---\nLenker.\n",
}


def own(key: str, anchor: str, under: bool = False) -> OwnSection:
    return OwnSection(key, anchor, under, {}, Location(Path("vlrgen.toml")))


def test_own_sections_are_placed_after_whole_sections_or_under_one():
    outline = make_outline(
        (
            own("a", "policy_environment"),
            own("b", "local_frameworks"),
            own("c", "policy_environment", under=True),
            own("d", "a", under=True),
        )
    )
    keys = [k for k, _ in outline]
    assert keys[keys.index("a") :][:3] == ["a", "d", "progress"]  # after the whole policy chapter; d under a
    assert keys[keys.index("local_frameworks") + 1] == "b"
    assert keys[keys.index("a") - 1] == "c"  # the last sub-section of policy_environment
    levels = dict(outline)
    assert (levels["a"], levels["b"], levels["c"], levels["d"]) == (1, 2, 2, 2)
    assert len(outline) == len(SECTIONS) + 4


def test_own_sections_in_the_report_contents_and_both_languages(make_project, tmp_path):
    root = make_project(FILES)
    out = tmp_path / "out"
    report = build_projects([root], BuildOptions(out_dir=out, pdf_renderer=FakePdfRenderer()))
    assert not report.problems.errors, report.problems.errors
    warnings = [format_problem(p, root) for p in report.problems.warnings]
    assert any('"reading" has no en version' in w and "narrative/nb/reading.md:1:1" in w for w in warnings)
    nb = (out / "porsgrunn-2025" / "nb" / "index.html").read_text(encoding="utf-8")
    en = (out / "porsgrunn-2025" / "en" / "index.html").read_text(encoding="utf-8")
    toc = nb[nb.index('class="toc"') : nb.index("</nav>", nb.index('class="toc"'))]
    assert (
        toc.index('href="#local_frameworks"')
        < toc.index('href="#climate_budget">Klimabudsjettet')
        < toc.index('href="#three_dimensions"')
    )
    assert 'class="toc-level-2"><a href="#youth_panel">Ungdomspanelet' in toc
    assert '<h3 id="climate_budget-title" class="section-title">Klimabudsjettet</h3>' in nb
    assert '<h4 id="climate_budget--tall">Tall</h4>' in nb
    assert '<h2 id="reading-title" class="section-title">Les mer</h2>' in nb  # front matter title wins
    assert '<h2 id="reading-title" class="section-title">Further reading</h2>' in en
    reading = en[en.index('id="reading"') :]
    assert "not yet been translated" in reading[: reading.index("</section>")]


def test_own_section_problems_are_located(make_project):
    bad = """
[[content.sections]]
key = "introduction"
after = "methodology"

[[content.sections]]
key = "plan"
after = "metodology"
title.nb = "Plan"

[[content.sections]]
key = "other"
under = "ownership"
titel.nb = "Annet"
"""
    root = make_project({"vlrgen.toml": CONFIG.replace("[data]", bad + "\n[data]"), "narrative/nb/extra.md": "x\n"})
    _, problems = check_projects([root])
    found = [format_problem(p, root) for p in problems.sorted()]
    assert any(p.startswith("vlrgen.toml:12:1: error[config.invalid]: content.sections[1].key") for p in found)
    assert any(
        p.startswith("vlrgen.toml:16:1: error[config.invalid]: content.sections[2].after") and "methodology" in p
        for p in found
    )
    assert any("content.sections[3].titel: unknown setting" in p and 'did you mean "title"' in p for p in found)
    assert any("content.sections[3].under: ownership is a sub-section" in p for p in found)
    assert any("warning[content.unknown_section]" in p and "[[content.sections]]" in p for p in found)


@pytest.mark.pdf
def test_own_sections_are_pdf_bookmarks(make_project, tmp_path):
    from pypdf import PdfReader

    root = make_project(FILES)
    out = tmp_path / "out"
    report = build_projects([root], BuildOptions(out_dir=out, languages=("nb",), formats=("html", "pdf"), jobs=1))
    assert not report.problems.errors, report.problems.errors

    def titles(items) -> list[str]:
        found = []
        for item in items:
            found += titles(item) if isinstance(item, list) else [item.title]
        return found

    bookmarks = titles(PdfReader(out / "porsgrunn-2025" / "porsgrunn-2025-nb.pdf").outline)
    assert "Klimabudsjettet" in bookmarks and "Ungdomspanelet" in bookmarks and "Les mer" in bookmarks
    assert (
        bookmarks.index("local_frameworks nb")
        < bookmarks.index("Klimabudsjettet")
        < bookmarks.index("three_dimensions nb")
    )
