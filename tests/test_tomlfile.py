"""The one TOML reader: key locations, arrays of tables, and unreadable files as located problems."""

from vlrgen.inputs.tomlfile import TomlKind, read_toml
from vlrgen.problems import Problems, format_problem

KIND = TomlKind("demo", "the demo file is not UTF-8 text", hint="save it as UTF-8")

TEXT = """\
top = 1
[report]
year = 2025
  "title".nb = "Rapport"

[[source]]
file = "a.csv"
[[source.series]]
value = "A"
[[source.series]]
value = "B"

[[source]]
file = "b.csv"
[[source.series]]
  value = "C"
"""


def read(tmp_path, data: bytes):
    path = tmp_path / "demo.toml"
    path.write_bytes(data)
    problems = Problems()
    return read_toml(path, KIND, problems), [format_problem(p, tmp_path) for p in problems.sorted()]


def test_every_key_table_and_array_element_has_its_line_and_column(tmp_path):
    toml, problems = read(tmp_path, TEXT.encode())
    assert problems == [] and toml.data["source"][1]["series"][0]["value"] == "C"
    where = {key: (at.line, at.column) for key, at in toml.locations.items()}
    assert where["top"] == (1, 1) and where["report"] == (2, 1) and where["report.year"] == (3, 1)
    assert where["report.title.nb"] == (4, 3)
    assert where["source[1]"] == (6, 1) and where["source[1].series[2].value"] == (11, 1)
    assert where["source[2].file"] == (14, 1) and where["source[2].series[1].value"] == (16, 3)
    assert "source[2].series[2]" not in where  # nested arrays count from 1 in each element
    assert toml.locate("nowhere", "source[2]").line == 13 and toml.locate("nowhere").line == 1


def test_a_table_header_is_not_taken_for_a_setting_of_that_name(tmp_path):
    toml, _ = read(tmp_path, b'[[source]]\nfile = "a.csv"\n\n[source.series]\nvalue = "A"\n')
    assert toml.locate("source[1].series").line == 4
    assert toml.locate_setting("source[1].series", "source[1]").line == 1


def test_bytes_that_are_not_utf8_and_bad_syntax_are_located_problems(tmp_path):
    assert read(tmp_path, "\ufeffa = 1\n".encode())[0].data == {"a": 1}  # a byte-order mark is fine
    assert read(tmp_path, b'a = 1\nb = "\xe6"\n') == (
        None,
        ["demo.toml:2:1: error[demo.encoding]: the demo file is not UTF-8 text (hint: save it as UTF-8)"],
    )
    assert read(tmp_path, b"a = 1\nb = \n") == (
        None,
        ["demo.toml:2:5: error[demo.syntax]: not valid TOML: Invalid value"],
    )
