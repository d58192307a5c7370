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


def _timed_check(project):
    import time

    start = time.perf_counter()
    _, problems = check_projects([project])
    return problems, time.perf_counter() - start, None


def _peak_megabytes_of_check(project) -> float:
    """`vlrgen check` in its own process: its peak resident memory, as the process itself reports it."""
    import subprocess
    import sys

    code = (
        "import resource, sys; from pathlib import Path; from vlrgen.build.pipeline import check_projects; "
        f"check_projects([Path({str(project)!r})]); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    return float(done.stdout.strip().splitlines()[-1])


def test_a_five_megabyte_line_is_refused_quickly(make_project):
    project = make_project({"narrative/nb/introduction.md": "*a* [b](https://x.no) _c_ " * 200_000})
    problems, seconds, _ = _timed_check(project)
    assert any(p.code == "content.too_large" for p in problems.errors), problems.items
    assert seconds < 10
    assert _peak_megabytes_of_check(project) < 500


def test_a_long_line_is_refused_with_its_place(make_project):
    project = make_project({"narrative/nb/introduction.md": "Intro.\n\n" + "*a* [b](https://x.no) " * 6_000})
    problems, seconds, _ = _timed_check(project)
    found = [p for p in problems.errors if p.code == "content.line_too_long"]
    assert found and found[0].location.line == 3 and found[0].location.column == 100_001
    assert seconds < 10


def test_deep_nesting_is_refused(make_project):
    indented = "\n".join("  " * i + "- x" for i in range(300))
    one_line = "- " * 3000 + "x"
    quotes = "> " * 3000 + "x"
    for text in (indented, one_line, quotes):
        project = make_project({"narrative/nb/introduction.md": text})
        problems, seconds, _ = _timed_check(project)
        assert any(p.code == "content.nested_too_deeply" for p in problems.errors), text[:20]
        assert seconds < 10


def test_ordinary_nesting_is_fine(make_project):
    text = "- a\n  - b\n    - c\n\n> quote\n>> inner\n\n1. one\n2. two\n"
    project = make_project({"narrative/nb/introduction.md": text})
    _, problems = check_projects([project])
    assert not problems.errors, problems.errors


def test_a_flood_of_bad_cells_prints_a_bounded_number_of_lines(make_project):
    from click.testing import CliRunner

    from vlrgen.cli import PRINTED_PER_KIND, main

    rows = "".join(f"water,4001,{1000 + i},bad{i},\n" for i in range(2_000))
    project = make_project({"data/observations.csv": "indicator,entity,period,value,period_label\n" + rows})
    result = CliRunner().invoke(main, ["check", str(project)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert sum("error[data.not_a_number]" in line for line in lines) == PRINTED_PER_KIND, lines[:3]
    assert any("… and 1 950 more data.not_a_number problems" in line for line in lines), lines[-3:]
    assert lines[-1].startswith("vlrgen: 2000 error(s)") or "2000 error" in lines[-1], lines[-1]


def test_removed_markup_is_reported_where_it_was_written(make_project):
    text = (
        "Første avsnitt.\n\n"
        '<base href="https://evil.example/">\n\n'
        "[passord](/etc/passwd) og ![bilde](file:///etc/hosts)\n\n"
        '<a href="x.pdf" rel="attachment">vedlegg</a>\n'
    )
    project = make_project({"narrative/nb/introduction.md": text})
    _, problems = check_projects([project])
    found = {(p.code, p.location.line) for p in problems.items}
    assert ("content.unsafe_html", 3) in found, found  # <base>
    assert ("content.local_link", 5) in found, found  # /etc/passwd
    assert ("content.unsafe_html", 5) in found or ("content.remote_image", 5) in found, found  # file:
    assert ("content.unsafe_html", 7) in found, found  # rel="attachment"


def test_an_svg_with_a_script_is_refused(make_project):
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="5" height="5"/></svg>'
    project = make_project(
        {
            "media/kart.svg": svg,
            "narrative/nb/introduction.md": "Kart:\n\n![Kart over kommunen](../../media/kart.svg)\n",
        }
    )
    _, problems = check_projects([project])
    svg_problems = [p for p in problems.errors if p.code == "content.unsafe_svg"]
    assert svg_problems and svg_problems[0].location.line == 3, problems.items


def test_a_plain_svg_is_accepted(make_project):
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><rect width="5" height="5" fill="#123"/></svg>'
    project = make_project(
        {
            "media/kart.svg": svg,
            "narrative/nb/introduction.md": "Kart:\n\n![Kart over kommunen](../../media/kart.svg)\n",
        }
    )
    _, problems = check_projects([project])
    assert not [p for p in problems.errors if p.code == "content.unsafe_svg"], problems.items
