from pathlib import Path

from vlrgen.inputs.i18n import Language, load_languages
from vlrgen.inputs.templates import template_root
from vlrgen.problems import Problems, format_problem


def test_numbers_follow_each_language():
    nb, en = Language("nb", {}), Language("en", {})
    assert nb.number(1234.5) == "1\u00a0234,5"
    assert en.number(1234.5) == "1,234.5"
    assert nb.quantity(86.8, 1, "%") == "86,8\u00a0%"
    assert en.quantity(86.8, 1, "%") == "86.8%"
    assert nb.quantity(82.35, 1, "år") == "82,4\u00a0år"  # Babel rounds half-even on the decimal value
    assert nb.change(-0.42, 1) == "\u22120,4" and en.change(1.25, 2) == "+1.25"
    assert nb.change(0.01, 1) == "0,0" and nb.number(None) == "–"


def test_shipped_catalogs_have_the_same_keys_and_goal_names():
    problems = Problems()
    languages = load_languages([template_root() / "i18n"], ("nb", "en"), problems)
    assert not problems.items
    assert languages["nb"].t("ui.contents") == "Innholdsfortegnelse"
    assert languages["en"].t("ui.contents") == "Contents"
    assert languages["nb"].t("goal.13.short") == "Stoppe klimaendringene"
    assert languages["en"].t("goal.13.short") == "Climate action"


def test_key_missing_in_one_language_is_located(tmp_path: Path):
    (tmp_path / "nb.toml").write_text('[ui]\ncontents = "Innhold"\nfigure = "Figur"\n', encoding="utf-8")
    (tmp_path / "en.toml").write_text('[ui]\ncontents = "Contents"\n', encoding="utf-8")
    problems = Problems()
    load_languages([tmp_path], ("nb", "en"), problems)
    assert [format_problem(p, tmp_path) for p in problems.items] == [
        'nb.toml:3:1: error[i18n.missing_message]: message "ui.figure" exists in the nb catalog but not in the en catalog'
    ]
