"""Hostile and careless projects: nothing outside the project is read or published."""

from __future__ import annotations

import os

from vlrgen.build.pipeline import BuildOptions, build_projects, check_projects
from vlrgen.problems import format_problem

SECRET = "root:x:0:0:SECRET-LINE-FROM-OUTSIDE"


def _outside_file(tmp_path):
    secret = tmp_path / "outside" / "passwd"
    secret.parent.mkdir()
    secret.write_text(SECRET + "\n", encoding="utf-8")
    return secret


def _published_text(folder):
    return "".join(p.read_text(encoding="utf-8", errors="replace") for p in folder.rglob("*") if p.is_file())


def test_a_narrative_symlink_to_an_outside_file_is_refused(make_project, tmp_path):
    project = make_project()
    link = project / "narrative" / "nb" / "introduction.md"
    link.unlink()
    os.symlink(_outside_file(tmp_path), link)
    _, problems = check_projects([project])
    printed = [format_problem(p) for p in problems.items]
    assert any("introduction.md:1:1: error[path.outside_project]" in line for line in printed), printed
    assert not any(SECRET in line for line in printed)
    report = build_projects([project], BuildOptions(out_dir=tmp_path / "out", formats=("html",)))
    assert report.problems.errors and not (tmp_path / "out" / "porsgrunn-2025").exists()


def test_a_symlink_loop_is_reported(make_project, tmp_path):
    project = make_project()
    link = project / "narrative" / "nb" / "introduction.md"
    link.unlink()
    os.symlink(link, link)
    _, problems = check_projects([project])
    assert any(p.code == "path.link_loop" for p in problems.errors), problems.items


def test_a_symlink_inside_the_project_is_fine(make_project, tmp_path):
    project = make_project()
    link = project / "narrative" / "nb" / "introduction.md"
    target = project / "shared-intro.md"
    target.write_text("Felles innledning.\n", encoding="utf-8")
    link.unlink()
    os.symlink(target, link)
    _, problems = check_projects([project])
    assert not problems.errors, problems.errors
