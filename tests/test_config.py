import pytest

from vlrgen.inputs.config import load_config, load_config_strictly
from vlrgen.problems import BuildFailed, format_problem


def problems_of(root) -> list[str]:
    with pytest.raises(BuildFailed) as caught:
        load_config_strictly(root)
    return [format_problem(p, root) for p in sorted(caught.value.problems, key=lambda p: p.sort_key())]


def test_valid_config_loads(make_project):
    config = load_config_strictly(make_project())
    assert config.entity.code == "4001" and config.entity.county_code == "40"
    assert config.languages == ("nb", "en") and config.outputs == ("html",)
    assert config.slug == "porsgrunn-2025" and config.pdf_variant == "pdf/ua-1"


def test_bad_year_names_key_and_value(make_project):
    root = make_project({"vlrgen.toml": CONFIG_WITH("year = 2025", 'year = "2O25"')})
    assert problems_of(root) == ['vlrgen.toml:7:1: error[config.invalid]: report.year: expected a year, got "2O25"']


def test_every_problem_reported_at_once_with_lines(make_project):
    text = CONFIG_WITH("year = 2025", 'year = 1800\nlangauges = ["nb"]').replace(
        'kind = "municipality"', 'kind = "kommune"'
    )
    messages = problems_of(make_project({"vlrgen.toml": text}))
    assert messages == [
        'vlrgen.toml:4:1: error[config.invalid]: entity.kind: expected one of "municipality", "county", "vsr", got "kommune"',
        "vlrgen.toml:7:1: error[config.invalid]: report.year: expected a year, got 1800",
        'vlrgen.toml:8:1: error[config.unknown_key]: report.langauges: unknown setting (hint: did you mean "report.languages"?)',
    ]


def test_unknown_entity_code(make_project):
    messages = problems_of(make_project({"vlrgen.toml": CONFIG_WITH('code = "4001"', 'code = "9999"')}))
    assert messages[0].startswith(
        'vlrgen.toml:3:1: error[config.unknown_entity]: entity.code: "9999" is not a municipality code'
    )


def test_missing_files_and_syntax_errors(make_project):
    root = make_project({"data/observations.csv": None})
    assert problems_of(root) == [
        "vlrgen.toml:13:1: error[config.path_missing]: data.observations: file data/observations.csv does not exist"
    ]
    broken = make_project({"vlrgen.toml": "[entity\nname = 1\n"}, name="broken")
    assert problems_of(broken)[0].startswith("vlrgen.toml:1:")


def test_paths_for_report_files_must_stay_inside_project(make_project):
    root = make_project({"vlrgen.toml": CONFIG_WITH("[data]", '[branding]\nlogo = "../../etc/passwd"\n\n[data]')})
    assert "branding.logo: ../../etc/passwd lies outside the project folder" in problems_of(root)[0]


def CONFIG_WITH(old: str, new: str) -> str:
    from conftest import CONFIG

    assert old in CONFIG
    return CONFIG.replace(old, new, 1)


def test_config_with_a_misspelt_key_is_still_usable_so_other_checks_run(make_project):
    from vlrgen.problems import Problems

    problems = Problems()
    config = load_config(
        make_project({"vlrgen.toml": CONFIG_WITH("year = 2025", "year = 2025\noutptus = []")}), problems
    )
    assert config is not None and config.year == 2025
    assert [p.code for p in problems.errors] == ["config.unknown_key"]


def test_slug_must_be_a_plain_folder_name_and_tables_must_be_tables(make_project):
    text = CONFIG_WITH("year = 2025", 'year = 2025\nslug = "../precious"\ntitle = "Rapport"')
    messages = problems_of(make_project({"vlrgen.toml": text}))
    assert messages == [
        "vlrgen.toml:8:1: error[config.invalid]: report.slug: expected a folder name of a-z, 0-9, '.', '_' and '-' "
        '(no slashes), got "../precious"',
        "vlrgen.toml:9:1: error[config.invalid]: report.title: expected a table of settings like report.title.nb = …, "
        'got "Rapport"',
    ]


def test_report_date_is_optional_and_checked(make_project):
    import datetime

    from vlrgen.inputs.i18n import Language

    assert load_config_strictly(make_project()).date is None
    config = load_config_strictly(
        make_project({"vlrgen.toml": CONFIG_WITH("year = 2025", "year = 2025\ndate = 2025-06-12")})
    )
    assert config.date == datetime.date(2025, 6, 12)
    quoted = make_project({"vlrgen.toml": CONFIG_WITH("year = 2025", 'year = 2025\ndate = "2025-06-12"')})
    assert load_config_strictly(quoted).date == config.date
    assert Language("nb", {}, locale="nb_NO").date(config.date) == "12. juni 2025"
    assert Language("en", {}, locale="en_GB").date(config.date) == "12 June 2025"
    bad = make_project({"vlrgen.toml": CONFIG_WITH("year = 2025", 'year = 2025\ndate = "12.06.2025"')})
    assert problems_of(bad) == [
        'vlrgen.toml:8:1: error[config.invalid]: report.date: expected a date written year-month-day, e.g. 2025-06-12, got "12.06.2025"'
    ]
