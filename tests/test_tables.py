"""The table-reader registry, the one number parser and vlrgen's own tidy CSV layout."""

from pathlib import Path

from vlrgen.inputs.tables import TIDY, Cell, ReadOptions, parse_number, read_table, read_tidy, reader_for
from vlrgen.problems import Location, Problems, format_problem


def test_readers_are_found_by_format_name_or_file_ending():
    assert reader_for(Path("a.csv")).format == "csv" and reader_for(Path("a.XLSX")).format == "xlsx"
    assert reader_for(Path("07459.json")).format == "jsonstat"
    assert reader_for(Path("export.dat")).format == "csv"  # anything else is read as CSV
    assert reader_for(Path("indicator_3-2-1.csv"), "opensdg").format == "opensdg"


def number(text: str, decimal: str = ".", plain: bool = False):
    return parse_number(Cell(text, Location(Path("x.csv"))), decimal, plain=plain)


def test_one_number_parser_reads_exports_leniently_and_tidy_files_strictly():
    assert number("94,2 %", ",") == (94.2, True) and number("1 234,5", ",") == (1234.5, True)
    assert number("1.234,5", ",") == (1234.5, True) and number("1,234.5") == (1234.5, True)
    assert number("\u22123") == (-3.0, True) and number("..") == (None, True)
    assert number("høy") == (None, False)
    assert number("", plain=True) == (None, True) and number("-0.25", plain=True) == (-0.25, True)
    for text in ("..", "1,234", "94 %", "1 234", "\u22123", "nan", "1e999"):
        assert number(text, plain=True) == (None, False), text


def test_a_tidy_file_is_strict_about_its_shape(tmp_path):
    path = tmp_path / "observations.csv"
    path.write_text("indicator,entity,period,value,note\nwater,4001,2023\nwater,4001,2024,5,\n", encoding="utf-8")
    problems = Problems()
    table = read_tidy(path, ("indicator", "entity", "period", "value"), (), problems)
    assert [r.text("value") for r in table.rows] == ["5"] and [r.line for r in table.left_out] == [2]
    assert [format_problem(p, tmp_path) for p in problems.sorted()] == [
        'observations.csv:1:31: warning[data.unknown_column]: column "note" is not used',
        "observations.csv:2:1: error[data.column_count]: row has 3 cells but the header has 5 "
        "(hint: a value with a comma must be in double quotes)",
    ]


def test_an_export_may_have_short_rows_and_title_rows(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes("Tabell 1;;\nKommune;År;Andel\nSkien;2024\n".encode("cp1252"))
    problems = Problems()
    table = read_table(path, ReadOptions(required=("Kommune", "Andel")), problems)
    assert (
        not problems.items
        and table.delimiter == ";"
        and table.rows[0].texts()
        == {
            "Kommune": "Skien",
            "År": "2024",
            "Andel": "",
        }
    )
    assert read_table(path, TIDY, problems) is None  # not UTF-8: a data.* problem
    assert [p.code for p in problems.items] == ["data.encoding"]


def test_a_filled_down_cell_keeps_the_place_and_number_it_was_written_with(tmp_path):
    from openpyxl import Workbook

    from vlrgen.inputs.series import _filled_down

    path = tmp_path / "f.csv"
    path.write_text('Geografi,Geografi,aar,v\nSkien,x,2020,1\n,y,"2021",2\n', encoding="utf-8")
    table = _filled_down(read_table(path, ReadOptions(), Problems()), ("Geografi",))
    second = table.rows[1]
    assert second.text("Geografi") == "Skien" and second["Geografi"].location == Location(path, 2, 1)
    assert second.at("Geografi").location == Location(path, 2, 1)
    assert second["v"].location == Location(path, 3, 11)  # after a quoted field: counted as written
    repeated = second.cell_at(1)  # a second column of the same name reads as empty, placed at the first
    assert (repeated.text, repeated.location) == ("", Location(path, 3, 1))

    book = Workbook()
    book.active.title = "Ark"
    for row in (["aar", "v"], [2020, 1.5], [None, 2.5]):
        book.active.append(row)
    book.save(tmp_path / "f.xlsx")
    table = _filled_down(read_table(tmp_path / "f.xlsx", ReadOptions(), Problems()), ("aar",))
    second = table.rows[1]
    assert (second.at("aar").text, second.at("aar").number) == ("2020", 2020.0)
    assert second["aar"].location.cell == "Ark!A2" and second["v"].location.cell == "Ark!B3"
    assert second.at("v").number == 2.5
