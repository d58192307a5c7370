import re

from vlrgen.charts.timeseries import ChartJob, ChartLine, draw_chart
from vlrgen.inputs.templates import template_root


def job(language: str) -> ChartJob:
    lines = (
        ChartLine("Porsgrunn", ((2020, 92.5), (2021, 93.25), (2022, 94.0)), "entity"),
        ChartLine("Telemark", ((2020, 91.0), (2022, 92.5)), "county"),
    )
    return ChartJob("fig-01-water", language, lines, "%", 1, "#26BDE2", str(template_root() / "fonts"))


def test_svg_keeps_real_text_with_language_tick_labels():
    nb, en = draw_chart(job("nb")), draw_chart(job("en"))
    assert "<text" in nb and "Porsgrunn" in nb and "Telemark" in nb
    assert re.search(r">9\d,\d<", nb) and re.search(r">9\d\.\d<", en)  # 92,5 vs 92.5
    assert "Noto Sans" in nb


def test_drawing_is_deterministic():
    assert draw_chart(job("nb")) == draw_chart(job("nb"))
