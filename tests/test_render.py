"""Template and catalog overrides are checked in `check`, before any build."""

from conftest import CONFIG

from vlrgen.build.pipeline import check_projects
from vlrgen.problems import format_problem


def test_overrides_with_mistakes_are_located(make_project):
    project = make_project(
        {
            "vlrgen.toml": CONFIG.replace("[data]", '[content]\ntemplates = "templates"\n\n[data]'),
            "templates/i18n/nb.toml": '[report]\ncover_kind_municipality = "{navn} kommune"\n',
            "templates/landing.html": "{% for x in y %}\n<p>{{ L.t('ui.no_such_key') }}</p>\n",
            "templates/annex.html": "<p>{{ L.t('ui.no_such_key') }}</p>\n",
        }
    )
    _, problems = check_projects([project])
    lines = [format_problem(p, project) for p in problems.sorted()]
    assert lines == [
        'templates/annex.html:1:12: error[template.unknown_message]: the template uses message "ui.no_such_key", '
        "which no catalog defines",
        'templates/i18n/nb.toml:2:1: error[i18n.placeholder]: message "report.cover_kind_municipality" must use {name}, '
        "like the standard text (it uses {navn})",
        "templates/landing.html:2:1: error[template.syntax]: template error: Unexpected end of template. Jinja was "
        "looking for the following tags: 'endfor' or 'else'. The innermost block that needs to be closed is 'for'.",
    ]


def test_project_templates_and_strings_override_the_defaults(make_project, tmp_path):
    from vlrgen.build.pipeline import BuildOptions, build_projects

    project = make_project(
        {
            "vlrgen.toml": CONFIG.replace("[data]", '[content]\ntemplates = "templates"\n\n[data]'),
            "templates/i18n/nb.toml": '[ui]\ncontents = "Innhold i rapporten"\n',
        }
    )
    out = tmp_path / "out"
    assert not build_projects([project], BuildOptions(out_dir=out)).problems.errors
    assert "Innhold i rapporten" in (out / "porsgrunn-2025" / "nb" / "index.html").read_text(encoding="utf-8")
