"""Command line: `vlrgen build` and `vlrgen check`.

Exit codes: 0 success, 1 the project has errors (all printed, sorted), 2 usage errors; a build
stopped by SIGINT (Ctrl-C) or SIGTERM exits with 130 or 143 after one line, its workers ended.
Progress goes to stderr on a terminal and stays quiet in CI.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import signal
import sys
import threading
from pathlib import Path

import click

from vlrgen import __version__
from vlrgen.inputs.discover import find_projects
from vlrgen.judge.rules import DEFAULT_BASE_YEAR
from vlrgen.problems import Problems, format_problem

__all__ = ["main"]


def _split(value: str | None, allowed: tuple[str, ...] | None, option: str) -> tuple[str, ...] | None:
    """A comma-separated option; `allowed=None` takes any items (languages: checked against the catalogs)."""
    if value is None:
        return None
    items = tuple(dict.fromkeys(v.strip() for v in value.split(",") if v.strip()))
    wrong = [v for v in items if allowed is not None and v not in allowed]
    if wrong or not items:
        expected = ", ".join(allowed) if allowed is not None else "codes"
        raise click.BadParameter(f"expected a comma-separated list of {expected}", param_hint=option)
    return items


def _projects(projects: tuple[Path, ...]) -> list[Path]:
    """The projects named, or found where the user stands (see inputs/discover.py)."""
    found, empty = find_projects(list(projects), Path.cwd())
    return found + empty  # a folder without any project is reported by the loader (config.missing)


# Problems printed per kind (code): a file with a million bad cells must not print a million lines.
# VLRGEN_MAX_PROBLEMS raises the number (0 prints them all).
PRINTED_PER_KIND = 50


def _print_problems(problems: Problems) -> None:
    limit = int(os.environ.get("VLRGEN_MAX_PROBLEMS", PRINTED_PER_KIND) or 0)
    printed: dict[str, int] = {}
    for problem in problems.sorted():
        printed[problem.code] = printed.get(problem.code, 0) + 1
        if not limit or printed[problem.code] <= limit:
            click.echo(format_problem(problem), err=True)
    for code, count in sorted(printed.items()):
        if limit and count > limit:
            more = f"{count - limit:,}".replace(",", " ")
            click.echo(f"vlrgen: … and {more} more {code} problems (set VLRGEN_MAX_PROBLEMS=0 to see all)", err=True)


def _error_exit(problems: Problems) -> int:
    """2 when the command line was wrong (an option checked against the projects, like --lang), else 1."""
    return 2 if any(p.code.startswith("usage.") for p in problems.errors) else 1


def _progress():
    interactive = sys.stderr.isatty() and not os.environ.get("CI")
    return (lambda message: click.echo(f"  {message}", err=True)) if interactive else (lambda _: None)


class _Stopped(BaseException):
    """SIGINT or SIGTERM: raised in the main thread, so the build ends its workers and removes its files."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def _stopped_by_signals():
    """SIGINT and SIGTERM raise `_Stopped`, once: a second signal does not interrupt the clean-up."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, _frame):
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, signal.SIG_IGN)
        raise _Stopped(signum)

    previous = {number: signal.signal(number, stop) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


class _Group(click.Group):
    """Turns an unexpected exception into one readable line (set VLRGEN_DEBUG=1 for the traceback)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except Exception as exc:
            if os.environ.get("VLRGEN_DEBUG"):
                raise
            click.echo(
                f"vlrgen: internal error: {type(exc).__name__}: {exc}. Nothing was written to the output. "
                "Please report this (VLRGEN_DEBUG=1 shows the details).",
                err=True,
            )
            sys.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vlrgen")
def main() -> None:
    """Build bilingual Voluntary Local Reviews (HTML and PDF) from Markdown and indicator data."""


@main.command()
@click.argument("projects", nargs=-1, type=click.Path(path_type=Path, exists=True))
@click.option(
    "--lang",
    "lang",
    metavar="nb,en",
    help="Languages to build, any with a message catalog (default: those in vlrgen.toml).",
)
@click.option("--format", "formats", metavar="html,pdf", help="Outputs to build (default: those in vlrgen.toml).")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("output"),
    show_default=True,
    help="Output folder.",
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), help="Worker processes for charts and PDFs (default: one per core)."
)
@click.option(
    "--force",
    is_flag=True,
    help="Build even if nothing changed, and make every chart and PDF again (ignore the cache).",
)
@click.option(
    "--with-reviews",
    is_flag=True,
    help="Also rebuild the county and national reviews that include these projects and are out of date.",
)
def build(projects, lang, formats, out_dir, strict, jobs, force, with_reviews) -> None:
    """Build the reports of PROJECT folders (default: the project here, or every project below here)."""
    paths, languages = _projects(projects), _split(lang, None, "--lang")
    # --with-reviews looks for review projects elsewhere on disk: always a whole build
    if (
        not force
        and not with_reviews
        and _nothing_changed(
            paths, out_dir.resolve(), languages, _split(formats, None, "--format"), strict, with_reviews
        )
    ):
        return
    from vlrgen.build.pipeline import BuildOptions, build_projects
    from vlrgen.build.publish import published_version
    from vlrgen.inputs.config import OUTPUTS

    options = BuildOptions(
        out_dir=out_dir.resolve(),
        languages=languages,
        formats=_split(formats, OUTPUTS, "--format"),
        strict=strict,
        jobs=jobs,
        force=force,
        with_reviews=with_reviews,
    )
    published = published_version(options.out_dir)
    try:
        with _stopped_by_signals():
            report = build_projects(paths, options, _progress())
    except _Stopped as stopped:
        unchanged = published_version(options.out_dir) == published
        what = "the published reports are unchanged" if unchanged else "the new reports had already been published"
        click.echo(f"vlrgen: stopped; {what}", err=True)
        sys.exit(128 + stopped.signum)
    _print_problems(report.problems)
    if report.problems.errors:
        click.echo(f"vlrgen: {len(report.problems.errors)} error(s); the output folder was left as it was.", err=True)
        sys.exit(_error_exit(report.problems))
    built = ", ".join(os.path.relpath(p) for p in report.built)
    s = report.stats
    click.echo(
        f"vlrgen: built {len(report.built)} report(s) into {os.path.relpath(options.out_dir)}: {built} "
        f"[charts {s.charts_drawn} drawn, {s.charts_cached} cached; PDFs {s.pdfs_made} made, {s.pdfs_cached} cached]"
        + (f" ({len(report.problems.warnings)} warning(s))" if report.problems.warnings else "")
    )
    _print_stale(report.stale)


def _nothing_changed(paths: list[Path], out_dir: Path, languages, formats, strict: bool, with_reviews: bool) -> bool:
    """The same build as the last one, with every file as it was: print what it printed, and stop (before the
    build's modules are even loaded; build/unchanged.py says what is compared)."""
    from vlrgen.build import unchanged

    key = unchanged.build_key(
        paths,
        out_dir,
        languages=languages,
        formats=formats,
        strict=strict,
        with_reviews=with_reviews,
        renderer="WeasyPrintRenderer",  # what `vlrgen build` always uses
    )
    last = unchanged.unchanged_build(out_dir, key)
    if last is None:
        return False
    _print_problems(last.problems)
    built = ", ".join(os.path.relpath(p) for p in last.built)
    click.echo(
        f"vlrgen: nothing changed since the last build; {len(last.built)} report(s) in {os.path.relpath(out_dir)} "
        f"are up to date: {built} [charts 0 drawn; PDFs 0 made]"
        + (f" ({len(last.problems.warnings)} warning(s))" if last.problems.warnings else "")
    )
    for line in last.stale_lines:
        click.echo(line, err=True)
    return True


def _print_stale(stale) -> None:
    from vlrgen.build.stale import describe_stale

    for line in describe_stale(stale):
        click.echo(line, err=True)


@main.command("new")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--municipality", metavar="CODE", help="Kommunenummer of the municipality (2024 borders), e.g. 4003.")
@click.option("--county", metavar="CODE", help="Fylkesnummer of the county (2024 borders), e.g. 40.")
@click.option("--national", is_flag=True, help="The national review of the local government sector (VSR).")
@click.option("--year", type=click.IntRange(1990, 2100), help="Year under review (default: from the packaged data).")
def new(folder, municipality, county, national, year) -> None:
    """Make a new review project in FOLDER, ready to write and to check."""
    from vlrgen.build.new import new_project, plan_new_project

    chosen = [(kind, code) for kind, code in (("municipality", municipality), ("county", county)) if code]
    chosen += [("vsr", "0")] if national else []
    if len(chosen) != 1:
        raise click.UsageError("give exactly one of --municipality CODE, --county CODE and --national")
    problems = Problems()
    project = plan_new_project(chosen[0][1], chosen[0][0], year, problems)
    _print_problems(problems)
    if project is None:
        sys.exit(2)
    written = new_project(folder, project)
    if not written:
        click.echo(f"vlrgen: {folder} already holds a project or one of its files; nothing was written.", err=True)
        sys.exit(1)
    click.echo(
        f"vlrgen: made a review project for {project.name} in {folder} ({len(written)} files). "
        f"Its data come from the national indicator library. Next: write the sections in {folder}/narrative/, "
        f"then `vlrgen serve {folder}` to see the report and `vlrgen check --strict {folder}`."
    )


@main.command()
@click.argument("project", required=False, type=click.Path(path_type=Path, exists=True))
@click.option("--port", "-p", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port on 127.0.0.1.")
@click.option(
    "--pdf",
    "pdf_languages",
    metavar="LANG",
    multiple=True,
    help="Keep this language's PDF up to date as you edit (repeatable; 'all': every language). "
    "The bar's PDF link does the same from the moment it is used.",
)
def serve(project, port, pdf_languages) -> None:
    """Preview PROJECT on http://127.0.0.1:PORT/, rebuilding and reloading the page when a file changes."""
    from vlrgen.build.serve import serve_project

    found = _projects((project,) if project else ())
    if len(found) != 1:
        raise click.BadParameter(f"serve previews one project; found {len(found)} here", param_hint="PROJECT")

    def report(result) -> None:
        _print_problems(result.problems)
        state = (
            f"{len(result.problems.errors)} error(s), the page shows the last good build"
            if result.problems.errors
            else "rebuilt"
        )
        click.echo(f"vlrgen serve: {state} ({sum(result.stats.seconds.values()):.2f} s)", err=True)

    try:
        serve_project(
            found[0],
            port,
            report=report,
            started=lambda url: click.echo(f"vlrgen serve: {url} (Ctrl+C stops)"),
            pdf=tuple(pdf_languages),
            notice=lambda text: click.echo(f"vlrgen serve: {text}", err=True),
        )
    except OSError as exc:
        click.echo(f"vlrgen serve: cannot listen on 127.0.0.1:{port}: {exc.strerror}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        pass


@main.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("output"),
    show_default=True,
    help="Output folder whose artifact cache is removed.",
)
def clean(out_dir) -> None:
    """Remove the artifact cache (charts and PDFs are made again on the next build)."""
    import shutil

    from vlrgen.build.cache import CACHE_NAME

    cache = out_dir / CACHE_NAME
    shutil.rmtree(cache, ignore_errors=True)
    click.echo(f"vlrgen: removed {os.path.relpath(cache)}")


@main.command()
@click.argument("projects", nargs=-1, type=click.Path(path_type=Path, exists=True))
@click.option("--strict", is_flag=True, help="Treat warnings (e.g. untranslated sections) as errors.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("output"),
    show_default=True,
    help="Output folder whose reviews are checked for being out of date.",
)
@click.option(
    "--accessibility",
    is_flag=True,
    help="Check a built OUTPUT folder instead: every PDF's structure (PDF/UA essentials) and every HTML page "
    "(WCAG 2.1 AA with axe-core in headless Chromium).",
)
def check(projects, strict, out_dir, accessibility) -> None:
    """Check PROJECT folders without writing anything (default: the project here, or every project below here).

    With --accessibility, check the built output folder given instead (default: the --out folder)."""
    if accessibility:
        from vlrgen.output.accessibility import run_check

        if len(projects) > 1:
            raise click.UsageError("--accessibility checks one output folder")
        sys.exit(run_check(projects[0] if projects else out_dir))
    from vlrgen.build.pipeline import check_projects
    from vlrgen.build.stale import find_stale_reviews

    found, problems = check_projects(_projects(projects), strict)
    _print_problems(problems)
    _print_stale(find_stale_reviews(found, out_dir.resolve()))
    errors, warnings = len(problems.errors), len(problems.warnings)
    click.echo(f"vlrgen: {errors} error(s), {warnings} warning(s)", err=bool(errors))
    sys.exit(1 if errors else 0)


@main.command()
@click.option(
    "--catalog",
    "catalog",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    required=True,
    help="Indicator catalogue CSV: id, goal, direction[, best, worst, green, red, target, target_year].",
)
@click.option(
    "--observations",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    required=True,
    help="Observations CSV: indicator, entity, period, value.",
)
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write entity × indicator results here (default: standard output).",
)
@click.option(
    "--goals",
    "goals_out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write entity × goal results here.",
)
@click.option(
    "--base-year",
    type=int,
    default=DEFAULT_BASE_YEAR,
    show_default=True,
    help="Start of the period over which trends and growth are measured.",
)
def assess(catalog, observations, out, goals_out, base_year) -> None:
    """Judge any data set: SDSN status, score and trend; distance to target; goal colours."""
    from vlrgen.inputs.observations import load_dataset
    from vlrgen.judge.rules import assess_dataset

    problems = Problems()
    dataset = load_dataset(catalog, observations, problems, interchange=True)
    _print_problems(problems)
    if problems.errors:
        click.echo(f"vlrgen: {len(problems.errors)} error(s); nothing was written.", err=True)
        sys.exit(1)
    rows, goals = assess_dataset(dataset, base_year)
    indicator_table = [["entity", "indicator", "period", "value", "score", "status", "trend", "progress"]] + [
        [r.entity, r.indicator.id, r.period or "", _plain(r.value), _plain(r.score, 2), r.status, r.trend, r.progress]
        for r in rows
    ]
    goal_table = [["entity", "goal", "score", "status", "trend", "coverage"]] + [
        [g.entity, g.goal, _plain(g.result.score, 2), g.result.status, g.trend, _plain(g.result.coverage, 3)]
        for g in goals
    ]
    for target in (goals_out, out):
        if target and not target.resolve().parent.is_dir():
            click.echo(f"vlrgen: the folder for {target} does not exist; nothing was written.", err=True)
            sys.exit(1)
    if goals_out:
        _write_csv(goals_out, goal_table)
    if out:
        _write_csv(out, indicator_table)
    else:
        click.echo(_csv_text(indicator_table), nl=False)


def _plain(value: float | None, decimals: int | None = None) -> str:
    if value is None:
        return ""
    if decimals is not None:
        value = round(value, decimals)
    from vlrgen.inputs.tables import plain_number

    return plain_number(value)


def _csv_text(rows: list[list]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def _write_csv(path: Path, rows: list[list]) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(_csv_text(rows), encoding="utf-8")
    os.replace(temporary, path)


@main.group()
def fetch() -> None:
    """Fetch statistics into a project (the build itself never uses the network)."""


@fetch.command("ssb")
@click.argument("table")
@click.option(
    "--query",
    "query",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    required=True,
    help="PxWebApi query (JSON), e.g. saved from SSB's statistics bank.",
)
@click.option(
    "--project",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("."),
    show_default=True,
    help="Project folder; answers are stored under data/ssb/.",
)
@click.option("--refresh", is_flag=True, help="Ask SSB again even if the same query is stored.")
def fetch_ssb_command(table, query, project, refresh) -> None:
    """Fetch SSB table TABLE as JSON-stat2 and a tidy CSV into PROJECT/data/ssb/."""
    from vlrgen.fetch import fetch_ssb

    problems = Problems()
    result = fetch_ssb(table, query, project / "data" / "ssb", problems, refresh=refresh)
    _print_problems(problems)
    if result is None:
        sys.exit(1)
    origin = "stored answer (same query)" if result.from_cache else "SSB"
    click.echo(f"vlrgen: table {table}: {result.rows} rows from {origin} → {os.path.relpath(result.csv_path)}")


@main.group()
def export() -> None:
    """Export a project's data for other tools."""


@export.command("opensdg")
@click.argument("project", required=False, type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("output/opensdg"),
    show_default=True,
    help="Folder for data/ and meta/.",
)
@click.option(
    "--lang", "lang", metavar="LANG", help="Language of names and metadata (default: the report's first language)."
)
def export_opensdg_command(project, out_dir, lang) -> None:
    """Write PROJECT's indicators in the Open SDG data and metadata layout."""
    from vlrgen.build.pipeline import check_projects
    from vlrgen.output.opensdg import export_opensdg

    projects, problems = check_projects(
        [project] if project else _projects(())[:1], languages=_split(lang, None, "--lang")
    )
    _print_problems(problems)
    if problems.errors or not projects:
        sys.exit(_error_exit(problems))
    written = export_opensdg(projects[0], out_dir.resolve())
    click.echo(f"vlrgen: wrote {len(written)} Open SDG indicators to {os.path.relpath(out_dir)}")
