"""Languages are data: a third report language is a catalog and some columns, no code."""

from __future__ import annotations

import re

from conftest import CONFIG, INDICATORS, narrative_files

from vlrgen.build.pipeline import BuildOptions, build_projects, check_projects
from vlrgen.inputs.templates import template_root
from vlrgen.problems import format_problem

THREE = CONFIG.replace('languages = ["nb", "en"]', 'languages = ["nb", "en", "xx"]') + (
    '\n[content]\ntemplates = "templates"\n'
)
HEADER, ROW = INDICATORS.splitlines()
XX_COLUMNS = {"name_xx": "Xwater", "unit_xx": "%", "source_name_xx": "Xsource", "definition_xx": "Xshare."}


def catalogue(columns: dict[str, str]) -> str:
    return f"{HEADER},{','.join(columns)}\n{ROW},{','.join(columns.values())}\n"


def xx_catalog() -> str:
    """A test-only language: the English catalog under another name, with one string of its own."""
    text = (template_root() / "i18n" / "en.toml").read_text(encoding="utf-8")
    return text.replace('name = "English"', 'name = "Xish"').replace('contents = "Contents"', 'contents = "Xcontents"')


def three_languages(make_project, **changes):
    files = {
        "vlrgen.toml": THREE,
        "templates/i18n/xx.toml": xx_catalog(),
        "data/indicators.csv": catalogue(XX_COLUMNS),
        **narrative_files(("nb", "en", "xx")),
    }
    return make_project({**files, **changes})


def test_a_third_language_builds_from_its_catalog_and_columns_alone(make_project, tmp_path):
    project = three_languages(make_project)
    out = tmp_path / "out"
    report = build_projects([project], BuildOptions(out_dir=out, formats=("html",)))
    assert not report.problems.errors, report.problems.errors
    assert [format_problem(p, project) for p in report.problems.warnings] == [
        "templates/i18n/xx.toml:1:1: warning[i18n.sdg_in_english]: the names of 17 SDG goals and 169 SDG target "
        "texts have no xx version in the packaged reference data or the xx catalog; the xx report shows them in "
        'English (hint: give them in the catalog: [goal.13] short = "…" and title = "…", [target] "13.1" = "…")'
    ]
    page = (out / "porsgrunn-2025" / "xx" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="xx">' in page and "Xcontents" in page and "Contents<" not in page
    assert "Xwater" in page and "Xsource" in page and "Xshare." in page and "Drinking water" not in page
    assert "Clean water and sanitation" in page  # the SDG name, in English as the warning said
    assert "Text for introduction in xx." in page
    assert "96.2%" in page and "96,2" not in page  # numbers in the catalog's locale (en_GB)
    nb = (out / "porsgrunn-2025" / "nb" / "index.html").read_text(encoding="utf-8")
    assert re.search(
        r'<a class="language-switch" href="\.\./xx/index\.html" hreflang="xx">.*<span lang="xx">Xish</span></a>', nb
    )
    landing = (out / "porsgrunn-2025" / "index.html").read_text(encoding="utf-8")
    assert '<li lang="xx"><a href="xx/index.html">' in landing and "(Xish)" in landing
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<span lang="xx">/ ' in index and 'hreflang="xx" lang="xx">Xish</a>' in index
    assert (out / "porsgrunn-2025" / "manifest.json").read_text(encoding="utf-8").count('"xx"') >= 1


def test_a_missing_text_column_for_a_report_language_is_located(make_project):
    columns = {k: v for k, v in XX_COLUMNS.items() if k not in ("name_xx", "definition_xx")}
    project = three_languages(make_project, **{"data/indicators.csv": catalogue(columns)})
    _, problems = check_projects([project])
    name_column = HEADER.split(",").index("name_nb")
    column = len(",".join(HEADER.split(",")[:name_column])) + 2
    definition_column = HEADER.index("definition_nb") + 1
    assert [format_problem(p, project) for p in problems.sorted() if p.location.path.name == "indicators.csv"] == [
        f'data/indicators.csv:1:{column}: error[data.missing_column]: column "name_xx" is missing from the header: '
        "the report is written in xx, so every indicator needs its name in xx (hint: add a name_xx column beside "
        "name_nb)",
        f'data/indicators.csv:1:{definition_column}: warning[data.missing_column]: column "definition_xx" is missing '
        "from the header: the xx report shows no definitions (the catalogue has definition_nb, definition_en) "
        "(hint: add a definition_xx column beside definition_nb)",
    ]


def test_a_report_language_without_a_catalog_is_a_located_config_error(make_project):
    project = make_project({"vlrgen.toml": THREE.replace('\n[content]\ntemplates = "templates"\n', "")})
    _, problems = check_projects([project])
    assert [format_problem(p, project) for p in problems.errors] == [
        'vlrgen.toml:8:1: error[config.unknown_language]: report.languages: there is no message catalog for "xx"; '
        "available languages: en, nb (hint: a language is added with its message catalog, "
        "templates/i18n/<lang>.toml; see README.md)"
    ]


def test_a_title_for_a_language_without_a_catalog_is_an_error(make_project):
    config = CONFIG.replace("year = 2025", 'year = 2025\ntitle.nb = "Rapport"\ntitle.xx = "Report"')
    project = make_project({"vlrgen.toml": config})
    projects, problems = check_projects([project])
    assert [p.code for p in problems.errors] == ["config.unknown_language"]
    assert problems.errors[0].location.line == 9
    assert projects and projects[0].config.titles == {"nb": "Rapport", "xx": "Report"}


def test_the_command_line_takes_any_language_with_a_catalog(make_project, tmp_path):
    from click.testing import CliRunner

    from vlrgen.cli import main

    project = three_languages(make_project)
    out = tmp_path / "out"
    runner = CliRunner()
    built = runner.invoke(main, ["build", str(project), "--lang", "xx", "--format", "html", "--out", str(out)])
    assert built.exit_code == 0, built.output
    assert sorted(p.name for p in (out / "porsgrunn-2025").iterdir() if p.name in ("nb", "en", "xx")) == ["xx"]
    exported = runner.invoke(main, ["export", "opensdg", str(project), "--lang", "xx", "--out", str(out / "sdg")])
    assert exported.exit_code == 0, exported.output
    assert "Xwater" in (out / "sdg" / "meta" / "6-water.md").read_text(encoding="utf-8")
    wrong = runner.invoke(main, ["build", str(project), "--lang", "de", "--out", str(out)])
    assert wrong.exit_code == 2 and "available languages: en, nb, xx" in wrong.output
