"""Reviews out of date: building or checking a member tells which reviews that include it need building again."""

import json

from vlrgen.build.pipeline import BuildOptions, build_projects, check_projects
from vlrgen.build.stale import describe_stale, find_stale_reviews


def change_porsgrunn(content):
    """Porsgrunn's own value of a library indicator for a year the library lacks (own observations replace
    the library's for Porsgrunn; no value differs from the review's own, so the review stays buildable)."""
    project = content / "porsgrunn"
    (project / "data").mkdir(exist_ok=True)
    (project / "data" / "observations.csv").write_text(
        "indicator,entity,period,value\nkindergarten_coverage,4001,2010,95.5\n", encoding="utf-8"
    )
    config = project / "vlrgen.toml"
    text = config.read_text(encoding="utf-8")
    assert 'indicators = "../data/indicators.csv"' in text
    config.write_text(
        text.replace(
            'indicators = "../data/indicators.csv"',
            'indicators = "../data/indicators.csv"\nobservations = "data/observations.csv"',
            1,
        ),
        encoding="utf-8",
    )


def test_a_member_built_alone_after_its_data_changed_reports_its_reviews_as_stale(example_copy, tmp_path):
    out = tmp_path / "out"
    options = BuildOptions(out_dir=out, formats=("html",))
    projects = [example_copy / name for name in ("norge", "notodden", "porsgrunn", "telemark")]
    first = build_projects(projects, options)
    assert not first.problems.errors and first.stale == []
    manifest = json.loads((out / "telemark-2025" / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["member_data"]) == {"4001", "4005"} and manifest["project"] == "../content/telemark"

    change_porsgrunn(example_copy)
    alone = build_projects([example_copy / "porsgrunn"], options)
    assert not alone.problems.errors
    assert sorted(s.slug for s in alone.stale) == ["telemark-2025", "vsr-norge-2025"]
    assert {s.project for s in alone.stale} == {example_copy / "telemark", example_copy / "norge"}
    assert (
        "the review telemark-2025 (Telemark) is out of date: the data of Porsgrunn changed"
        in describe_stale(alone.stale)[0]
    )

    checked, _ = check_projects([example_copy / "porsgrunn"])  # `vlrgen check` tells the same
    assert sorted(s.slug for s in find_stale_reviews(checked, out)) == ["telemark-2025", "vsr-norge-2025"]
    other, _ = check_projects([example_copy / "notodden"])  # Notodden's data did not change
    assert find_stale_reviews(other, out) == []

    again = build_projects(
        [example_copy / "porsgrunn"], BuildOptions(out_dir=out, formats=("html",), with_reviews=True)
    )
    assert not again.problems.errors and again.stale == []
    assert sorted(p.name for p in again.built) == ["porsgrunn-2025", "telemark-2025", "vsr-norge-2025"]
