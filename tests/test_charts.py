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


def texts(svg: str) -> list[str]:
    return re.findall(r">([^<>]{1,8})</text>", svg)


def test_a_series_of_two_values_is_drawn_from_zero():
    """Two points on a fitted axis would fill the chart with any difference; from zero they show its size."""
    font = str(template_root() / "fonts")
    points = ((2012, 60.0), (2013, 61.0), (2014, 63.0))
    short = ChartJob("fig-02-x", "en", (ChartLine("Skien", points[1:], "entity"),), "%", 1, "#000", font)
    longer = ChartJob("fig-03-x", "en", (ChartLine("Skien", points, "entity"),), "%", 1, "#000", font)
    assert texts(draw_chart(short))[2] == "0"  # the first y tick
    assert texts(draw_chart(longer))[3] == "60.0"  # fitted to the values


def test_one_period_gets_one_tick():
    font = str(template_root() / "fonts")
    one = ChartJob("fig-04-x", "nb", (ChartLine("Skien", ((2013, 69.5),), "entity"),), "%", 1, "#000", font)
    assert [t for t in texts(draw_chart(one)) if len(t) == 4 and t.isdigit()] == ["2013"]
