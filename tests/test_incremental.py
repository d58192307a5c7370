"""The artifact cache: a change redoes exactly the charts, pages and PDFs that depend on it.

The PDFs are fake (`FakePdfRenderer`: their bytes follow the HTML) except in the pdf-marked variants,
which check that real WeasyPrint output is byte-identical across worker counts and processes too.
"""

from pathlib import Path

import pytest
from conftest import CONFIG, OBSERVATIONS, own_source

from vlrgen.build.pipeline import BuildOptions, build_projects
from vlrgen.output.pdf import FakePdfRenderer, PdfRenderer, WeasyPrintRenderer

PDF_CONFIG = (
    CONFIG.replace('outputs = ["html"]', 'outputs = ["html", "pdf"]')
    + '\n[content]\ntemplates = "templates"\n\n[branding]\naccent = "#1a5f7a"\n'
)


@pytest.fixture
def two_projects(make_project):
    notodden = PDF_CONFIG.replace('"Porsgrunn"', '"Notodden"').replace('"4001"', '"4005"')
    observations = OBSERVATIONS + "water,4005,2022,90,\nwater,4005,2023,91,\n"
    a = make_project(
        {"vlrgen.toml": PDF_CONFIG, "data/observations.csv": observations, "templates/.keep": ""}, name="a"
    )
    b = make_project({"vlrgen.toml": notodden, "data/observations.csv": observations, "templates/.keep": ""}, name="b")
    return a, b


FAKE = FakePdfRenderer()
RENDERERS = [pytest.param(FAKE, id="fake"), pytest.param(WeasyPrintRenderer(), marks=pytest.mark.pdf, id="weasyprint")]


def build(projects, out: Path, jobs: int = 1, renderer: PdfRenderer = FAKE):
    report = build_projects(list(projects), BuildOptions(out_dir=out, jobs=jobs, pdf_renderer=renderer))
    assert not report.problems.errors, report.problems.errors
    s = report.stats
    return sorted(s.charts_drawn_names), sorted(s.html_changed), sorted(s.pdfs_made_names)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_each_kind_of_change_redoes_exactly_what_depends_on_it(two_projects, tmp_path):
    a, b = two_projects
    out = tmp_path / "out"
    charts, pages, pdfs = build((a, b), out)
    assert len(charts) == 4 and len(pages) == 4 and len(pdfs) == 4  # cold: 2 reports × 2 languages

    assert build((a, b), out) == ([], [], [])  # no change: nothing is made again

    edit(a / "narrative" / "nb" / "introduction.md", "Text for", "Changed text for")
    assert build((a, b), out) == ([], ["porsgrunn-2025/nb"], ["porsgrunn-2025/nb"])

    edit(a / "data" / "observations.csv", "water,4001,2023,96.25,", "water,4001,2023,97.5,")
    charts, pages, pdfs = build((a, b), out)
    assert charts == ["en/fig-01-water", "nb/fig-01-water"]  # Porsgrunn's chart in both languages only
    assert pages == pdfs == ["porsgrunn-2025/en", "porsgrunn-2025/nb"]

    (b / "templates" / "landing.html").write_text("{{ cfg.entity.name }}", encoding="utf-8")
    assert build((a, b), out) == ([], [], [])  # the landing page is in no PDF and no report page
    (b / "templates" / "progress.html").write_text("<p>{{ L.t('progress.intro_generated') }}</p>", encoding="utf-8")
    assert build((a, b), out) == (
        [],
        ["notodden-2025/en", "notodden-2025/nb"],
        ["notodden-2025/en", "notodden-2025/nb"],
    )

    (a / "templates" / "i18n").mkdir()
    (a / "templates" / "i18n" / "en.toml").write_text('[ui]\ncontents = "Table of contents"\n', encoding="utf-8")
    assert build((a, b), out) == ([], ["porsgrunn-2025/en"], ["porsgrunn-2025/en"])

    (a / "templates" / "i18n" / "nb.toml").write_text(
        '[chart]\ngreen_line = "Grønn grense ({value})"\n', encoding="utf-8"
    )
    assert build((a, b), out) == ([], [], [])  # no thresholds in this catalogue: no chart uses the string

    edit(b / "vlrgen.toml", "#1a5f7a", "#aa3300")
    assert build((a, b), out) == (
        [],
        ["notodden-2025/en", "notodden-2025/nb"],
        ["notodden-2025/en", "notodden-2025/nb"],
    )


def test_force_and_clean(two_projects, tmp_path):
    from click.testing import CliRunner

    from vlrgen.cli import main

    a, _ = two_projects
    out = tmp_path / "out"
    build((a,), out)
    report = build_projects([a], BuildOptions(out_dir=out, jobs=1, force=True, pdf_renderer=FAKE))
    assert report.stats.pdfs_made == 2 and report.stats.charts_drawn == 2
    assert CliRunner().invoke(main, ["clean", "--out", str(out)]).exit_code == 0
    assert not (out / ".vlrgen-cache").exists() and (out / "porsgrunn-2025" / "nb" / "index.html").is_file()
    assert build((a,), out)[0] == ["en/fig-01-water", "nb/fig-01-water"]


@pytest.mark.parametrize("renderer", RENDERERS)
def test_one_and_two_workers_give_byte_identical_output(two_projects, tmp_path, renderer):
    a, b = two_projects
    build((a, b), tmp_path / "one", jobs=1, renderer=renderer)
    build((a, b), tmp_path / "two", jobs=2, renderer=renderer)

    def files(root: Path) -> dict:
        return {
            p.relative_to(root): p.read_bytes()
            for p in sorted(root.rglob("*"))
            if p.is_file() and ".vlrgen-cache" not in p.parts
        }

    one, two = files(tmp_path / "one"), files(tmp_path / "two")
    assert one.keys() == two.keys() and len(one) > 20
    assert [k for k in one if one[k] != two[k]] == []


def test_a_changed_raw_source_file_is_read_again(example_copy, tmp_path):
    from vlrgen.build.cache import ArtifactCache
    from vlrgen.build.pipeline import check_projects

    cache = ArtifactCache(tmp_path / "cache")
    project = example_copy / "notodden"
    declaration = '[[source.series]]\nindicator = "kindergarten_coverage"\nentity = "Kommune"\nperiod = "År"\nvalue = "Andel"\nscale = 100\n'
    raw = own_source(example_copy, ("notodden",), "telemark/kindergarten_coverage_telemark.csv", declaration)
    projects, _ = check_projects([project], cache=cache)
    before = {(o.indicator, o.period): o.value for o in projects[0].dataset.series("kindergarten_coverage", "4005")}
    edit(raw, "4005,Notodden,2025-01-01,0.962", "4005,Notodden,2025-01-01,0.5")
    projects, _ = check_projects([project], cache=cache)
    after = {(o.indicator, o.period): o.value for o in projects[0].dataset.series("kindergarten_coverage", "4005")}
    assert before[("kindergarten_coverage", 2025)] == 96.2 and after[("kindergarten_coverage", 2025)] == 50.0


@pytest.mark.parametrize("renderer", RENDERERS)
def test_an_edited_page_pdf_is_made_by_the_standby_process_with_the_same_bytes(
    two_projects, tmp_path, monkeypatch, renderer
):
    """An incremental build with workers forks one standby process that imports WeasyPrint while the build
    runs; the edited page's PDF is made there and equals the PDF a serial build makes."""
    from vlrgen.build.executor import Executor

    a, b = two_projects
    build((a, b), tmp_path / "two", jobs=2, renderer=renderer)
    used = []
    submit_standby = Executor.submit_standby

    def spy(self, function, item):
        future = submit_standby(self, function, item)
        used.append(future is not None)
        return future

    monkeypatch.setattr(Executor, "submit_standby", spy)
    edit(a / "narrative" / "nb" / "introduction.md", "Text for introduction in nb.", "En ny setning.")
    _charts, _pages, pdfs = build((a, b), tmp_path / "two", jobs=2, renderer=renderer)
    assert used == [True] and len(pdfs) == 1
    build((a, b), tmp_path / "one", jobs=1, renderer=renderer)
    name = pdfs[0].replace("/", "-") + ".pdf"
    slug = pdfs[0].split("/")[0]
    assert (tmp_path / "two" / slug / name).read_bytes() == (tmp_path / "one" / slug / name).read_bytes()


def test_a_rebuild_in_the_same_process_reuses_the_loaded_data(two_projects, tmp_path, monkeypatch):
    """`vlrgen serve` rebuilds in one process: the data set it loaded stays loaded while its files are unchanged
    (unpickling the example's data took over a second of every preview refresh, issue 17)."""
    import pickle

    from vlrgen.build import check as pipeline_check
    from vlrgen.inputs.dataset import Dataset

    a, _ = two_projects
    build([a], tmp_path / "out")
    pipeline_check._RECENT_DATA.clear()
    loads, original = [], pickle.loads

    def counted(data):
        found = original(data)
        if isinstance(found, tuple) and found and isinstance(found[0], Dataset):
            loads.append(found)
        return found

    monkeypatch.setattr(pipeline_check.pickle, "loads", counted)
    build([a], tmp_path / "out")
    build([a], tmp_path / "out")
    assert len(loads) == 1  # the first rebuild reads the cache entry, the second reuses it
    observations = a / "data" / "observations.csv"
    observations.write_text(observations.read_text() + "water,4001,2024,99,\n")
    build([a], tmp_path / "out")
    latest = list(pipeline_check._RECENT_DATA.values())[-1][0]  # changed files: loaded again, not reused
    assert any(o.value == 99 for o in latest.observations)
