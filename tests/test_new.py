"""`vlrgen new`: a ready project with every section to be written, checked strictly until it is."""

import pytest
from click.testing import CliRunner

from vlrgen.build.pipeline import BuildOptions, build_projects, check_projects
from vlrgen.cli import main
from vlrgen.inputs.content import SECTION_KEYS
from vlrgen.output.pdf import FakePdfRenderer


@pytest.mark.parametrize(
    ("options", "name", "kind"),
    [
        (["--municipality", "4003"], "Skien", "municipality"),
        (["--county", "40"], "Telemark", "county"),
        (["--national"], "Norge", "vsr"),
    ],
)
def test_new_project_is_ready_and_flagged_until_written(tmp_path, options, name, kind):
    folder = tmp_path / "review"
    result = CliRunner().invoke(main, ["new", str(folder), *options])
    assert result.exit_code == 0, result.output
    config = (folder / "vlrgen.toml").read_text(encoding="utf-8")
    assert f'name = "{name}"' in config and f'kind = "{kind}"' in config and "year = 2025" in config
    assert '\nlibrary = "national"\n' in config  # the packaged national library, not empty data files
    assert not (folder / "data").exists()
    for lang in ("nb", "en"):
        for key in SECTION_KEYS:
            text = (folder / "narrative" / lang / f"{key}.md").read_text(encoding="utf-8")
            assert text.startswith("{{< todo >}}\n") and text.endswith("{{< /todo >}}\n")
            for other in ("Porsgrunn", "Notodden", "Skien") if kind != "municipality" else ("Porsgrunn", "Notodden"):
                assert other not in text  # guidance only, never example prose about a place
    assert "output/" in (folder / ".gitignore").read_text(encoding="utf-8")
    workflow = (folder / ".github" / "workflows" / "vlrgen.yml").read_text(encoding="utf-8")
    assert "pull_request" in workflow and "vlrgen check --strict" in workflow and "upload-artifact" in workflow

    projects, problems = check_projects([folder])
    assert not problems.errors
    if kind == "municipality":  # real figures for Skien from the library, on several goals
        dataset = projects[0].dataset
        goals = {dataset.indicators[o.indicator].goal for o in dataset.observations if o.entity == "4003"}
        assert len(goals) >= 5, goals
    todo = [p for p in problems.warnings if p.code == "content.to_be_written"]
    assert len(todo) == 2 * len(SECTION_KEYS)
    _, strict = check_projects([folder], strict=True)
    assert {p.code for p in strict.errors} == {"content.to_be_written"}  # the library's own findings stay warnings

    if kind == "municipality":
        out = tmp_path / "out"
        report = build_projects([folder], BuildOptions(out_dir=out, pdf_renderer=FakePdfRenderer()))
        assert not report.problems.errors, report.problems.errors
        nb = (out / "skien-2025" / "nb" / "index.html").read_text(encoding="utf-8")
        en = (out / "skien-2025" / "en" / "index.html").read_text(encoding="utf-8")
        assert nb.count('class="todo"') == len(SECTION_KEYS) and "Skal skrives" in nb
        assert "To be written" in en and "{{&lt;" not in en
        assert 'id="goal-' in nb or "goal-" in nb

    for lang in ("nb", "en"):  # written: --strict passes (what the project's CI runs on every pull request)
        for key in SECTION_KEYS:
            (folder / "narrative" / lang / f"{key}.md").write_text(f"Tekst om {name}.\n", encoding="utf-8")
    _, strict = check_projects([folder], strict=True)
    assert not strict.errors, strict.errors


def test_new_refuses_to_overwrite_and_unknown_codes(tmp_path):
    folder = tmp_path / "review"
    assert CliRunner().invoke(main, ["new", str(folder), "--municipality", "4003"]).exit_code == 0
    (folder / "narrative" / "nb" / "introduction.md").write_text("Min egen tekst.\n", encoding="utf-8")
    again = CliRunner().invoke(main, ["new", str(folder), "--municipality", "4003"])
    assert again.exit_code == 1 and "nothing was written" in again.output
    assert (folder / "narrative" / "nb" / "introduction.md").read_text(encoding="utf-8") == "Min egen tekst.\n"
    unknown = CliRunner().invoke(main, ["new", str(tmp_path / "x"), "--municipality", "9999"])
    assert unknown.exit_code == 2 and not (tmp_path / "x").exists()
    both = CliRunner().invoke(main, ["new", str(tmp_path / "y"), "--county", "40", "--national"])
    assert both.exit_code == 2
