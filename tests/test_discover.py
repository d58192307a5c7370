"""Projects are found where the user stands: the folder itself, or every project below it."""

from __future__ import annotations

import shutil

from click.testing import CliRunner
from conftest import EXAMPLE

from vlrgen.cli import main
from vlrgen.inputs.discover import find_projects


def test_the_current_project_or_every_project_below(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(EXAMPLE, content)
    (content / "porsgrunn" / "output" / "x").mkdir(parents=True)  # an output folder is never searched
    (content / "porsgrunn" / "output" / "x" / "vlrgen.toml").write_text("", encoding="utf-8")
    names = lambda paths: sorted(p.name for p in paths)  # noqa: E731
    assert names(find_projects([], content / "porsgrunn")[0]) == ["porsgrunn"]
    assert names(find_projects([], content)[0]) == ["norge", "notodden", "porsgrunn", "telemark"]
    assert names(find_projects([], tmp_path)[0]) == ["norge", "notodden", "porsgrunn", "telemark"]
    assert find_projects([content / "data"], tmp_path) == ([], [content / "data"])


def test_check_and_build_work_from_where_the_user_stands(tmp_path, monkeypatch):
    content = tmp_path / "content"
    shutil.copytree(EXAMPLE, content)
    runner = CliRunner()
    monkeypatch.chdir(content)
    checked = runner.invoke(main, ["check", "porsgrunn"])  # as printed in the README
    assert checked.exit_code == 0, checked.output
    monkeypatch.chdir(content / "notodden")
    built = runner.invoke(main, ["build", "--format", "html"])
    assert built.exit_code == 0, built.output
    assert (content / "notodden" / "output" / "notodden-2025" / "nb" / "index.html").is_file()
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    nothing = runner.invoke(main, ["check"])
    assert nothing.exit_code == 1 and "error[config.missing]: no vlrgen.toml here" in nothing.output
