"""A build asked again with nothing changed stops at once (build/unchanged.py), and any change builds again."""

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from vlrgen.build import cache, publish, unchanged
from vlrgen.build.pipeline import BuildOptions, build_key, build_projects
from vlrgen.cli import main
from vlrgen.output.pdf import FakePdfRenderer


@pytest.fixture(autouse=True)
def settled_at_once(monkeypatch):
    """Files written by a test just before its build count as settled (the real margin is 2 s of file time)."""
    monkeypatch.setattr(unchanged, "SETTLE_NS", 0)


def build(paths: list[Path], out: Path, **options) -> tuple[BuildOptions, object]:
    chosen = BuildOptions(out_dir=out, jobs=1, pdf_renderer=FakePdfRenderer(), **options)
    report = build_projects(paths, chosen)
    assert not report.problems.errors, report.problems.errors
    return chosen, report


def unchanged_now(paths: list[Path], options: BuildOptions) -> unchanged.Unchanged | None:
    return unchanged.unchanged_build(options.out_dir, build_key(paths, options))


def test_the_same_build_asked_again_finds_nothing_changed(make_project, tmp_path):
    project = make_project()
    options, report = build([project], tmp_path / "out")
    last = unchanged_now([project], options)
    assert last is not None
    assert last.built == tuple(report.built)
    assert [p.code for p in last.problems.items] == [p.code for p in report.problems.items]


def _touch_later(path: Path) -> None:
    stamp = path.stat().st_mtime_ns + 1_000_000
    os.utime(path, ns=(stamp, stamp))


CHANGES = {
    "narrative edited (same size)": lambda p, out: (p / "narrative" / "nb" / "introduction.md").write_text(
        (p / "narrative" / "nb" / "introduction.md").read_text(encoding="utf-8").swapcase(), encoding="utf-8"
    ),
    "data file touched": lambda p, out: _touch_later(p / "data" / "observations.csv"),
    "file added to the project": lambda p, out: (p / "media").mkdir() or (p / "media" / "map.png").write_bytes(b"x"),
    "file removed from the project": lambda p, out: (p / "narrative" / "en" / "introduction.md").unlink(),
    "report removed from the output": lambda p, out: (out / "porsgrunn-2025").unlink(),
    "page changed in the output": lambda p, out: _touch_later(out / "porsgrunn-2025" / "nb" / "index.html"),
    "cache emptied": lambda p, out: shutil.rmtree(out / ".vlrgen-cache"),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_any_change_means_a_build(make_project, tmp_path, change):
    project = make_project()
    out = tmp_path / "out"
    options, _ = build([project], out)
    assert unchanged_now([project], options) is not None
    CHANGES[change](project, out)
    assert unchanged_now([project], options) is None


def test_other_options_or_another_build_published_since_mean_a_build(make_project, tmp_path):
    project = make_project()
    other = make_project({"vlrgen.toml": (project / "vlrgen.toml").read_text().replace("4001", "4005")}, name="b")
    out = tmp_path / "out"
    options, _ = build([project], out)
    assert (
        unchanged_now([project], BuildOptions(out_dir=out, languages=("nb",), pdf_renderer=FakePdfRenderer())) is None
    )
    assert unchanged_now([project], BuildOptions(out_dir=out, strict=True, pdf_renderer=FakePdfRenderer())) is None
    assert unchanged_now([project], BuildOptions(out_dir=out)) is None  # another PDF renderer
    build([other], out)  # publishes a new site version into the same folder
    assert unchanged_now([project], options) is None


def test_another_version_of_a_library_means_a_build(make_project, tmp_path, monkeypatch):
    project = make_project()
    options, _ = build([project], tmp_path / "out")
    assert unchanged_now([project], options) is not None
    real = unchanged.metadata.version
    monkeypatch.setattr(unchanged.metadata, "version", lambda name: "99" if name == "weasyprint" else real(name))
    assert unchanged_now([project], options) is None


def test_a_data_file_outside_the_project_counts_too(make_project, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    project = make_project(name="p")
    data = project / "data" / "observations.csv"
    shutil.move(data, shared / "observations.csv")
    config = project / "vlrgen.toml"
    config.write_text(
        config.read_text().replace(
            'observations = "data/observations.csv"', 'observations = "../shared/observations.csv"'
        )
        + '\n[project]\nshared = ["../shared"]\n',
        encoding="utf-8",
    )
    options, _ = build([project], tmp_path / "out")
    assert unchanged_now([project], options) is not None
    _touch_later(shared / "observations.csv")
    assert unchanged_now([project], options) is None


def test_vlrgen_build_says_nothing_changed_and_a_change_builds_again(make_project, tmp_path):
    project = make_project()
    out = tmp_path / "out"
    runner = CliRunner()
    first = runner.invoke(main, ["build", str(project), "--out", str(out), "--format", "html", "-j", "1"])
    assert first.exit_code == 0, first.output
    assert "vlrgen: built 1 report(s)" in first.output
    again = runner.invoke(main, ["build", str(project), "--out", str(out), "--format", "html", "-j", "1"])
    assert again.exit_code == 0, again.output
    assert "nothing changed since the last build" in again.output
    forced = runner.invoke(main, ["build", str(project), "--out", str(out), "--format", "html", "--force", "-j", "1"])
    assert "vlrgen: built 1 report(s)" in forced.output
    _touch_later(project / "narrative" / "nb" / "introduction.md")
    edited = runner.invoke(main, ["build", str(project), "--out", str(out), "--format", "html", "-j", "1"])
    assert edited.exit_code == 0 and "vlrgen: built 1 report(s)" in edited.output, edited.output


def test_the_names_it_reads_are_those_the_build_writes():
    assert unchanged.CACHE_FOLDER == cache.CACHE_NAME
    assert unchanged.SITE_FOLDER == publish.SITE_NAME


def test_a_file_changed_while_the_build_runs_means_a_build_next_time(make_project, tmp_path, monkeypatch):
    """The build may have read the file before the change: the record never trusts it (git's "racy" rule)."""
    project = make_project()
    section = project / "narrative" / "en" / "introduction.md"
    real = publish.checkpoint

    def edit_while_planning(stage: str) -> None:
        if stage == "planned":
            section.write_text(section.read_text(encoding="utf-8") + "\nSaved during the build.\n", encoding="utf-8")
        real(stage)

    monkeypatch.setattr(publish, "checkpoint", edit_while_planning)
    options, _ = build([project], tmp_path / "out")
    monkeypatch.setattr(publish, "checkpoint", real)
    assert unchanged_now([project], options) is None


def test_a_members_data_folder_and_a_new_member_found_by_a_pattern_count(make_project, tmp_path):
    def member(name: str, code: str) -> Path:
        return make_project(
            {"vlrgen.toml": (make_project(name="template") / "vlrgen.toml").read_text().replace('"4001"', f'"{code}"')},
            name=f"members/{name}",
        )

    member("porsgrunn", "4001")
    review = make_project(
        {
            "vlrgen.toml": (
                '[entity]\nname = "Telemark"\ncode = "40"\nkind = "county"\n\n[report]\nyear = 2025\n'
                'languages = ["nb", "en"]\noutputs = ["html"]\n\n[data]\nindicators = "data/indicators.csv"\n'
                'observations = "data/observations.csv"\n\n[members]\nprojects = ["../members/*"]\n'
            )
        },
        name="review",
    )
    options, _ = build([review], tmp_path / "out")
    assert unchanged_now([review], options) is not None
    _touch_later(tmp_path / "members" / "porsgrunn" / "data" / "observations.csv")
    assert unchanged_now([review], options) is None
    options, _ = build([review], tmp_path / "out")
    assert unchanged_now([review], options) is not None
    member("notodden", "4005")  # matched by ../members/* from now on
    assert unchanged_now([review], options) is None


def test_hidden_folders_and_new_empty_folders_count(make_project, tmp_path):
    project = make_project()
    options, _ = build([project], tmp_path / "out")
    (project / ".drafts").mkdir()
    assert unchanged_now([project], options) is None  # a folder made
    options, _ = build([project], tmp_path / "out")
    (project / ".drafts" / "notes.md").write_text("x", encoding="utf-8")
    assert unchanged_now([project], options) is None  # a file in a hidden folder


def test_with_reviews_always_builds(make_project, tmp_path):
    project = make_project()
    out = tmp_path / "out"
    runner = CliRunner()
    command = ["build", str(project), "--out", str(out), "--format", "html", "-j", "1", "--with-reviews"]
    assert runner.invoke(main, command).exit_code == 0
    again = runner.invoke(main, command)
    assert again.exit_code == 0 and "vlrgen: built 1 report(s)" in again.output, again.output
