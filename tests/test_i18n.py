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
    (tmp_path / "nb.toml").write_text(
        '[language]\nname = "Norsk"\n[ui]\ncontents = "Innhold"\nfigure = "Figur"\n', encoding="utf-8"
    )
    (tmp_path / "en.toml").write_text('[language]\nname = "English"\n[ui]\ncontents = "Contents"\n', encoding="utf-8")
    problems = Problems()
    load_languages([tmp_path], ("nb", "en"), problems)
    assert [format_problem(p, tmp_path) for p in problems.items] == [
        'nb.toml:5:1: error[i18n.missing_message]: message "ui.figure" exists in the nb catalog but not in the en catalog'
    ]


def test_the_shipped_catalogs_are_the_available_languages_and_name_themselves():
    from vlrgen.inputs.i18n import available_languages

    folder = template_root() / "i18n"
    assert available_languages([folder]) == ("en", "nb")
    languages = load_languages([folder], ("en", "nb"), Problems())
    assert (languages["nb"].name, languages["nb"].locale) == ("Norsk (bokmål)", "nb_NO")
    assert (languages["en"].name, languages["en"].locale) == ("English", "en_GB")
    assert languages["en"].names == {"en": "English", "nb": "Norsk (bokmål)"}


def test_numbers_follow_the_declared_locale_not_the_code():
    assert Language("xx", {}, locale="nb_NO").number(1234.5) == "1\u00a0234,5"
    assert Language("xx", {}, locale="en_GB").quantity(86.8, 1, "%") == "86.8%"


def test_a_catalog_must_name_its_language_and_a_locale_babel_knows(tmp_path: Path):
    (tmp_path / "xx.toml").write_text('[language]\nlocale = "xx_YY"\n', encoding="utf-8")
    (tmp_path / "zz.toml").write_text('[language]\nname = "Zed"\n', encoding="utf-8")
    problems = Problems()
    load_languages([tmp_path], ("xx", "zz"), problems)
    assert sorted(format_problem(p, tmp_path) for p in problems.errors) == [
        'xx.toml:1:1: error[i18n.language]: the xx catalog does not name its language (hint: add [language] name = "…": '
        'the language\'s own name, shown in links to it, e.g. "Norsk (nynorsk)")',
        'xx.toml:2:1: error[i18n.unknown_locale]: "xx_YY" is not a locale Babel knows, so numbers cannot be formatted '
        'for xx (hint: set [language] locale to a Babel locale such as "nn_NO" or "se_NO")',
        'zz.toml:1:1: error[i18n.unknown_locale]: "zz" is not a locale Babel knows, so numbers cannot be formatted '
        'for zz (hint: set [language] locale to a Babel locale such as "nn_NO" or "se_NO")',
    ]


def test_sdg_labels_missing_for_a_language_are_english_with_one_warning(tmp_path: Path):
    english = (template_root() / "i18n" / "en.toml").read_text(encoding="utf-8")
    xx = english.replace('name = "English"', 'name = "Xish"') + '\n[goal.13]\nshort = "Xclimate"\ntitle = "Xtitle"\n'
    (tmp_path / "xx.toml").write_text(xx, encoding="utf-8")
    problems = Problems()
    languages = load_languages([template_root() / "i18n", tmp_path], ("en", "nb", "xx"), problems)
    assert [format_problem(p, tmp_path) for p in problems.items] == [
        "xx.toml:1:1: warning[i18n.sdg_in_english]: the names of 16 SDG goals and 169 SDG target texts have no xx "
        "version in the packaged reference data or the xx catalog; the xx report shows them in English "
        '(hint: give them in the catalog: [goal.13] short = "…" and title = "…", [target] "13.1" = "…")'
    ]
    xx = languages["xx"]
    assert (xx.name, xx.t("goal.13.short"), xx.t("goal.1.short")) == ("Xish", "Xclimate", "No poverty")
    assert xx.target_title("13.2") == languages["en"].target_title("13.2") != languages["nb"].target_title("13.2")
    # bokmål target texts exist only where written with care; the others are the official English, unwarned
    assert languages["nb"].target_title("13.1") == languages["en"].target_title("13.1")
    quiet = Problems()
    load_languages([template_root() / "i18n", tmp_path], ("en", "nb", "xx"), quiet, report_codes=("nb", "en"))
    assert not quiet.items  # only a report language's fallback is worth a warning


def test_catalogs_read_again_only_when_a_file_changed_and_their_problems_every_time(tmp_path: Path):
    """A preview rebuilds after every edit in one process: an unchanged catalog is not parsed again, but its
    problems are reported at every build, and a changed one (even to the same size) is read again."""
    nb, en = tmp_path / "nb.toml", tmp_path / "en.toml"
    nb.write_text('[language]\nname = "Norsk"\n[ui]\ncontents = "Innhold"\nfigure = "Figur"\n', encoding="utf-8")
    en.write_text('[language]\nname = "English"\n[ui]\ncontents = "Contents"\n', encoding="utf-8")
    first, again = Problems(), Problems()
    languages = load_languages([tmp_path], ("nb", "en"), first)
    assert load_languages([tmp_path], ("nb", "en"), again)["nb"] is languages["nb"]  # not read again
    assert [p.code for p in first.items] == [p.code for p in again.items] == ["i18n.missing_message"]

    nb.write_text(nb.read_text(encoding="utf-8").replace("Innhold", "Innhald"), encoding="utf-8")  # same size
    en.write_text(en.read_text(encoding="utf-8") + 'figure = "Figure"\n', encoding="utf-8")
    fixed = Problems()
    languages = load_languages([tmp_path], ("nb", "en"), fixed)
    assert not fixed.items and languages["nb"].t("ui.contents") == "Innhald"
