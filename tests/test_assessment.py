"""The judging phase runs once per project, whatever the number of report languages."""

from __future__ import annotations

from vlrgen.build import pipeline
from vlrgen.build.pipeline import BuildOptions, build_projects
from vlrgen.judge import assessment


def test_the_assessment_is_computed_once_per_project_whatever_the_languages(make_project, tmp_path, monkeypatch):
    projects, rule_runs = [], []
    real_assess, real_rules = pipeline.assess_project, assessment.assess_dataset
    monkeypatch.setattr(pipeline, "assess_project", lambda p: projects.append(p.config.slug) or real_assess(p))
    monkeypatch.setattr(assessment, "assess_dataset", lambda *a: rule_runs.append(1) or real_rules(*a))
    project = make_project()
    report = build_projects([project], BuildOptions(out_dir=tmp_path / "out", formats=("html",)))
    assert not report.problems.errors
    assert (tmp_path / "out" / "porsgrunn-2025" / "nb" / "index.html").is_file()
    assert (tmp_path / "out" / "porsgrunn-2025" / "en" / "index.html").is_file()
    assert projects == ["porsgrunn-2025"] and len(rule_runs) == 1


def test_an_assessment_has_no_words(make_project):
    """Judgements are language-free: no catalog is needed to assess a project."""
    from vlrgen.build.pipeline import check_projects

    [project], problems = check_projects([make_project()])
    assert not problems.errors
    judged = assessment.assess_project(project)
    assert judged.review is None and judged.entity is not None
    assert set(judged.entity.summaries) == {6}
    assert judged.entity.result("water").value == 96.25
