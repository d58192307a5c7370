from conftest import INDICATORS, OBSERVATIONS

from vlrgen.inputs.observations import load_dataset
from vlrgen.problems import Problems, format_problem


def load(tmp_path, indicators=INDICATORS, observations=OBSERVATIONS):
    (tmp_path / "indicators.csv").write_text(indicators, encoding="utf-8")
    (tmp_path / "observations.csv").write_text(observations, encoding="utf-8")
    problems = Problems()
    dataset = load_dataset(tmp_path / "indicators.csv", tmp_path / "observations.csv", problems)
    return dataset, [format_problem(p, tmp_path) for p in problems.sorted()]


def test_valid_data_loads_with_cell_locations(tmp_path):
    dataset, problems = load(tmp_path)
    assert problems == []
    water = dataset.indicators["water"]
    assert water.name == {"nb": "Drikkevann", "en": "Drinking water"} and water.direction == "higher"
    series = dataset.series("water", "4001")
    assert [(o.period, o.value) for o in series] == [(2022, 1234.5), (2023, 96.25)]
    assert (series[1].location.line, series[1].location.column) == (3, 17)


def test_every_bad_cell_is_reported_and_nothing_silently_dropped(tmp_path):
    observations = (
        OBSERVATIONS
        + 'water,4001,2024,"94,2",\nwatr,4001,2024,1,\nwater,9999,2024,1,\nwater,4001,20x4,1,\nwater,4001,2023,5,\nwater,4005,2024,,\n'
    )
    dataset, problems = load(tmp_path, observations=observations)
    assert problems == [
        'observations.csv:6:17: error[data.not_a_number]: "94,2" is not a number (column value) (hint: decimal comma? write 86.8, not 86,8)',
        'observations.csv:7:1: error[data.unknown_indicator]: indicator "watr" is not in the indicator catalogue (hint: did you mean "water"?)',
        'observations.csv:8:7: error[data.unknown_entity]: "9999" is not a municipality, county or nation code (2024 structure) '
        "(hint: use 4-digit kommunenummer, 2-digit fylkesnummer or 0 for Norway)",
        'observations.csv:9:12: error[data.invalid_period]: period "20x4" is not a year '
        "(hint: use the (end) year, e.g. 2024; put the published period text in period_label)",
        "observations.csv:10:1: error[data.duplicate]: water for 4001 in 2023 appears twice (first on line 3)",
    ]
    assert [o.value for o in dataset.series("water", "4005")] == [None]  # an empty cell is a missing value, kept


def test_missing_column_and_bad_catalogue_values(tmp_path):
    bad_catalogue = INDICATORS.replace(",higher,", ",up,").replace("\nwater,6,", "\nwater,18,")
    _, problems = load(tmp_path, indicators=bad_catalogue, observations="indicator,entity,period\n")
    assert problems == [
        'indicators.csv:2:7: error[data.invalid]: goal must be a number from 1 to 17, got "18"',
        'indicators.csv:2:46: error[data.invalid]: direction must be "higher" or "lower" (which way is better) or "none" (a context indicator), got "up"',
        'observations.csv:1:1: error[data.missing_column]: column "value" is missing from the header '
        "(hint: the header must contain indicator, entity, period, value)",
    ]


def test_a_bad_catalogue_row_is_reported_once_not_on_every_observation(tmp_path):
    bad = INDICATORS.replace(",higher,", ",hgher,")
    _, problems = load(tmp_path, indicators=bad, observations=OBSERVATIONS + "water,4001,2024,x,\n")
    assert problems == [
        'indicators.csv:2:45: error[data.invalid]: direction must be "higher" or "lower" (which way is better) or "none" (a context indicator), got "hgher"',
        'observations.csv:6:17: error[data.not_a_number]: "x" is not a number (column value) '
        "(hint: leave the cell empty for a missing value)",
    ]


def test_source_url_must_be_a_web_address(tmp_path):
    _, problems = load(tmp_path, indicators=INDICATORS.replace("https://statistikk.fhi.no/kh", "javascript:alert(1)"))
    assert problems == [
        "indicators.csv:2:60: error[data.invalid]: source_url must start with https:// or http://, "
        'got "javascript:alert(1)"'
    ]
