from conftest import INDICATORS, OBSERVATIONS

from vlrgen.inputs.observations import load_dataset
from vlrgen.judge.rules import summarise_entity
from vlrgen.problems import Problems


def test_kpi_summary_latest_previous_change_and_comparisons(tmp_path):
    (tmp_path / "i.csv").write_text(INDICATORS, encoding="utf-8")
    (tmp_path / "o.csv").write_text(OBSERVATIONS + "water,4001,2024,,\n", encoding="utf-8")
    dataset = load_dataset(tmp_path / "i.csv", tmp_path / "o.csv", Problems())
    (summary,) = summarise_entity(dataset, "4001", "40", "0")[6]
    assert summary.latest.period == 2023 and summary.latest.value == 96.25  # the empty 2024 cell is not "latest"
    assert summary.previous.value == 1234.5 and summary.change == 96.25 - 1234.5
    assert summary.county.value == 90.5 and summary.nation.value == 88
    assert summarise_entity(dataset, "4005", "40", "0") == {}
