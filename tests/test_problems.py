from pathlib import Path

from vlrgen.problems import Location, Problem, Problems, Severity, format_problem


def test_format_is_path_line_col_severity_code_message_hint(tmp_path):
    problem = Problem(
        Location(tmp_path / "data.csv", 3, 14), "data.not_a_number", '"høy" is not a number', hint="decimal comma?"
    )
    assert (
        format_problem(problem, tmp_path)
        == 'data.csv:3:14: error[data.not_a_number]: "høy" is not a number (hint: decimal comma?)'
    )


def test_sorted_by_file_then_line_and_duplicates_removed():
    problems = Problems()
    problems.add(Location(Path("b.md"), 1, 1), "x", "later file")
    problems.add(Location(Path("a.md"), 9, 1), "x", "line 9")
    problems.add(Location(Path("a.md"), 2, 1), "x", "line 2")
    problems.add(Location(Path("a.md"), 2, 1), "x", "line 2")
    assert [p.message for p in problems.sorted()] == ["line 2", "line 9", "later file"]


def test_strict_promotes_warnings():
    problems = Problems()
    problems.warn(Location(Path("a.md")), "content.untranslated", "no en version")
    assert problems.warnings and not problems.errors
    strict = problems.strict()
    assert strict.errors and strict.errors[0].severity is Severity.ERROR
