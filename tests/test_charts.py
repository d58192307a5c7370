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


def y_ticks(svg: str) -> list[str]:
    return re.findall(r'text-anchor: end"[^>]*>([^<>]*)</text>', svg)  # the right-aligned texts, bottom up


def test_a_series_of_two_values_is_drawn_from_zero():
    """Two points on a fitted axis would fill the chart with any difference; from zero they show its size."""
    font = str(template_root() / "fonts")
    points = ((2012, 60.0), (2013, 61.0), (2014, 63.0))
    short = ChartJob("fig-02-x", "en", (ChartLine("Skien", points[1:], "entity"),), "%", 1, "#000", font)
    longer = ChartJob("fig-03-x", "en", (ChartLine("Skien", points, "entity"),), "%", 1, "#000", font)
    assert y_ticks(draw_chart(short))[0] == "0"  # the first y tick
    assert y_ticks(draw_chart(longer))[0] == "60.0"  # fitted to the values


def test_ticks_labels_and_axis_title_are_where_matplotlibs_own_axes_put_them(monkeypatch):
    """The ticks are drawn as a few plain artists (issue 17): every text of the chart (tick labels, the
    axis title placed by the widest label, the legend, which must choose the same corner) is where and as
    matplotlib's own ticks and grid would have it."""
    from vlrgen.charts import timeseries

    font = str(template_root() / "fonts")
    bands = ((0.0, 80.0, "red"), (80.0, 90.0, "orange"), (90.0, 95.0, "yellow"), (95.0, 200.0, "green"))
    jobs = [
        job("nb"),
        job("en"),
        ChartJob(
            "fig-05-x",
            "nb",
            (ChartLine("Skien", ((2015, 1234.5), (2019, 1500.0), (2024, 1388.25)), "entity"),),
            "kroner",
            2,
            "#000",
            font,
            bands=bands,
            references=((1450.0, "Mål 2030: 1 450", "target"),),
            height=2.4,
        ),
    ]
    ours = [draw_chart(j) for j in jobs]

    def matplotlibs(figure, axes, x_ticks, y_ticks):
        axes.set_xticks([x for x, _ in x_ticks], [label for _, label in x_ticks])
        axes.set_yticks([y for y, _ in y_ticks], [label for _, label in y_ticks])
        axes.grid(axis="y", color="#e3e3e3", linewidth=0.8)

    monkeypatch.setattr(timeseries, "_draw_axis_ticks", matplotlibs)
    monkeypatch.setattr(timeseries, "_draw_y_label", lambda axes, text, *_: axes.set_ylabel(text, fontsize=9))
    for drawn, chart in zip(ours, jobs):
        theirs = draw_chart(chart)
        assert sorted(re.findall(r"<text[^>]*>[^<]*</text>", drawn)) == sorted(
            re.findall(r"<text[^>]*>[^<]*</text>", theirs)
        )
        assert len(y_ticks(drawn)) >= 3


def test_one_period_gets_one_tick():
    font = str(template_root() / "fonts")
    one = ChartJob("fig-04-x", "nb", (ChartLine("Skien", ((2013, 69.5),), "entity"),), "%", 1, "#000", font)
    assert [t for t in texts(draw_chart(one)) if len(t) == 4 and t.isdigit()] == ["2013"]


def test_matplotlib_svg_is_lightened_without_use_metadata_or_empty_groups():
    """Every element costs the PDF layout its cascade and graphics state (issue 17): markers and ticks are
    written as paths, paths that paint alike are joined, matplotlib's wrappers and metadata are gone."""
    svg = draw_chart(job("nb"))
    assert "<use" not in svg and "<metadata" not in svg and "rotate(-0" not in svg
    assert not re.search(r"<g( id=\"[^\"]*\")?>", svg)
    assert svg.count("<path") < 20 and svg.count("clip-path=") < 10


def test_lighten_keeps_paint_order_where_paths_overlap_and_leaves_unknown_svg_alone():
    from vlrgen.charts.lighten import lighten

    ns = 'xmlns="http://www.w3.org/2000/svg"'
    grey = 'style="fill: none; stroke: #e3e3e3; stroke-width: 0.8"'
    red = 'style="fill: #ff0000; stroke: #ff0000"'
    # the second grey line crosses the red square drawn before it: it must not move back to the first
    crossing = f'<svg {ns}><path d="M 0 0 L 10 0" {grey}/><path d="M 0 50 L 9 50 L 9 60 z" {red}/><path d="M 0 55 L 10 55" {grey}/></svg>'
    assert lighten(crossing).count("<path") == 3
    apart = crossing.replace("M 0 55 L 10 55", "M 0 90 L 10 90")
    assert lighten(apart).count("<path") == 2
    # overlapping filled shapes stay apart (the nonzero fill rule could cut holes); disjoint ones join
    overlapping = f'<svg {ns}><path d="M 0 0 L 9 0 L 9 9 z" {red}/><path d="M 5 5 L 14 5 L 14 14 z" {red}/></svg>'
    assert lighten(overlapping).count("<path") == 2
    assert lighten(overlapping.replace("M 5 5 L 14 5 L 14 14", "M 50 50 L 59 50 L 59 59")).count("<path") == 1
    assert lighten("<svg><not-closed></svg>") == "<svg><not-closed></svg>"


def test_strip_dots_are_few_paths_and_overlapping_dots_are_in_different_paths():
    from vlrgen.charts.comparison import StripJob

    values = tuple(50 + (i % 7) * 0.01 for i in range(300))  # many equal values: dots on top of each other
    svg = StripJob("fig-09-x", "nb", str(template_root() / "fonts"), "%", 1, "#26BDE2", values).draw()
    assert "<circle" not in svg
    paint = "fill: none; stroke: #5c5c5c; stroke-opacity: 0.85; stroke-width: 3.74; stroke-linecap: round"
    dots = re.findall(rf'<path d="([^"]+)" style="{paint}"/>', svg)
    assert 1 < len(dots) < 60 and sum(d.count("M") for d in dots) == 300
    for d in dots:  # within one path no two dots overlap, so each overlap is still painted twice
        assert re.fullmatch(r"(M[-\d.]+ [-\d.]+h0)+", d)  # each dot a round-capped point
        centres = [(float(x), float(y)) for x, y in re.findall(r"M([-\d.]+) ([-\d.]+)", d)]
        assert all(
            (a - c) ** 2 + (b - e) ** 2 >= (2 * 1.87) ** 2 - 1e-6
            for i, (a, b) in enumerate(centres)
            for c, e in centres[:i]
        )


def test_the_legend_sits_above_the_plot_and_never_over_the_data():
    """Lines that cross the whole chart leave no free corner: the legend (three lines, the green threshold
    and a target) gets its own band above the plot area, within the figure's width."""
    font = str(template_root() / "fonts")
    zigzag = tuple((2015 + i, 100.0 * (i % 2)) for i in range(10))
    lines = (
        ChartLine("Midt-Telemark", zigzag, "entity"),
        ChartLine("Vestfold og Telemark", tuple((x, 100 - y) for x, y in zigzag), "county"),
        ChartLine("Hele landet", tuple((x, 50.0) for x, _ in zigzag), "nation"),
    )
    references = ((95.0, "Grønn terskel (95,0 %)", "green"), (97.0, "Lokalt mål 2030: 97,0 %", "target"))
    chart = ChartJob("fig-02-x", "nb", lines, "%", 1, "#000", font, references=references)
    svg = draw_chart(chart)
    width = float(re.search(r'<svg[^>]*width="([\d.]+)pt"', svg).group(1))
    placed = {
        text: (float(x), float(y))
        for x, y, text in re.findall(r'text-anchor: start" x="([\d.]+)" y="([\d.]+)">([^<]*)</text>', svg)
    }
    labels = [line.label for line in lines] + [label for _, label, _ in references]
    assert set(labels) <= set(placed)
    top_tick = min(float(y) for y in re.findall(r'text-anchor: end" x="[\d.]+" y="([\d.]+)">100<', svg))
    assert all(placed[label][1] < top_tick - 8 for label in labels)  # every row above the 100 % line
    assert all(placed[label][0] + 4 * len(label) < width for label in labels)  # the SVG's units are points
    assert len({y for label, (_, y) in placed.items() if label in labels}) < len(labels)  # side by side
