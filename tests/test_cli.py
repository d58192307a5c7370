"""The command line, in-process: exit codes, problem lines and the broken-example scenario."""

from click.testing import CliRunner
from conftest import own_source

from vlrgen.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_check_example_has_no_errors_and_only_real_data_signals(example_copy):
    """The example is clean but for the two real signals in the shipped data: Porsgrunn's drinking water reads
    0 % in 2023 between two years at 100 %, and the population file has 1 January 2026 for a 2025 report."""
    result = run("check", str(example_copy / "porsgrunn"), str(example_copy / "notodden"))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "0 error(s), 2 warning(s)" in lines[-1]
    assert (
        "drinking_water_quality_telemark.csv:86:108: warning[data.implausible_jump]: drinking_water_quality "
        in (lines[1])
    )
    assert "warning[data.after_report_year]: age80_share has values for 2026" in lines[0]
    # --strict fails on the author's own warnings only: both signals lie in the packaged library's files
    assert run("check", str(example_copy / "notodden"), "--strict").exit_code == 0


OWN_WATER = """[[source.series]]
indicator = "drinking_water_quality"
entity = "Kommune"
period = "År"
value = "Andel"
filter = { Parameter = "hygienisk kvalitet og leveringsstabilitet", "Måltall" = "prosent" }
scale = 100
"""


def test_broken_example_reports_every_problem_with_file_and_line(example_copy, tmp_path, monkeypatch):
    project = example_copy / "porsgrunn"
    raw = own_source(example_copy, ("porsgrunn",), "telemark/drinking_water_quality_telemark.csv", OWN_WATER)
    lines = raw.read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("Porsgrunn,2020-01-01,hygienisk kvalitet og lev"))
    lines[row] = lines[row].replace(",prosent,1.0,", ",prosent,høy,")
    raw.write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = project / "vlrgen.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("languages =", "langauges ="), encoding="utf-8")
    (project / "narrative" / "en" / "introduction.md").unlink()
    monkeypatch.chdir(example_copy)

    result = run("check", "porsgrunn")
    assert result.exit_code == 1
    printed = result.output.splitlines()
    where = f"data/sources/drinking_water_quality_telemark.csv:{row + 1}:{lines[row].index('høy') + 1}:"
    assert any(
        line.startswith(where) and 'error[source.not_a_number]: "høy" is not a number (column Andel)' in line
        for line in printed
    ), printed
    assert any(
        line.startswith("porsgrunn/vlrgen.toml:9:1: error[config.unknown_key]: report.langauges") for line in printed
    )

    config.write_text(config.read_text(encoding="utf-8").replace("langauges =", "languages ="), encoding="utf-8")
    result = run("check", "porsgrunn")
    assert any(
        line.startswith("porsgrunn/narrative/nb/introduction.md:1:1: warning[content.untranslated]")
        for line in result.output.splitlines()
    )

    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("earlier output", encoding="utf-8")
    result = run("build", "porsgrunn", "--out", str(out), "--format", "html")
    assert result.exit_code == 1 and "left as it was" in result.output
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_missing_english_section_fails_with_strict(example_copy, monkeypatch):
    (example_copy / "notodden" / "narrative" / "en" / "conclusions.md").unlink()
    monkeypatch.chdir(example_copy)
    assert run("check", "notodden").exit_code == 0
    result = run("check", "notodden", "--strict")
    assert result.exit_code == 1
    assert "notodden/narrative/nb/conclusions.md:1:1: error[content.untranslated]" in result.output


def test_usage_errors_exit_2(tmp_path):
    assert run("build", "--lang", "de").exit_code == 2
    assert run("build", str(tmp_path / "nope")).exit_code == 2
    assert run("frobnicate").exit_code == 2


def test_not_a_project_is_a_problem_not_a_traceback(tmp_path):
    result = run("check", str(tmp_path))
    assert result.exit_code == 1 and "error[config.missing]" in result.output
