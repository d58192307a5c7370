"""Command line: `vlrgen build` and `vlrgen check`.

Exit codes: 0 success, 1 the project has errors (all printed, sorted), 2 usage errors.
Progress goes to stderr on a terminal and stays quiet in CI.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from . import __version__
from .build import BuildOptions, build_projects, check_projects
from .config import LANGUAGES, OUTPUTS
from .problems import Problems, format_problem

__all__ = ["main"]


def default_projects() -> list[Path]:
    """The embedded example: every project folder under the repository's content/."""
    content = Path(__file__).resolve().parents[2] / "content"
    return sorted(p.parent for p in content.glob("*/vlrgen.toml"))


def _split(value: str | None, allowed: tuple[str, ...], option: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    items = tuple(v.strip() for v in value.split(",") if v.strip())
    wrong = [v for v in items if v not in allowed]
    if wrong or not items:
        raise click.BadParameter(f"expected a comma-separated list of {', '.join(allowed)}", param_hint=option)
    return items


def _projects(projects: tuple[Path, ...]) -> list[Path]:
    paths = list(projects) or default_projects()
    if not paths:
        raise click.UsageError("no PROJECT given and no example content found")
    return paths


def _print_problems(problems: Problems) -> None:
    for problem in problems.sorted():
        click.echo(format_problem(problem), err=True)


def _progress():
    interactive = sys.stderr.isatty() and not os.environ.get("CI")
    return (lambda message: click.echo(f"  {message}", err=True)) if interactive else (lambda _: None)


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
            click.echo(f"vlrgen: internal error: {type(exc).__name__}: {exc}. Nothing was written to the output. "
                       "Please report this (VLRGEN_DEBUG=1 shows the details).", err=True)
            sys.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vlrgen")
def main() -> None:
    """Build bilingual Voluntary Local Reviews (HTML and PDF) from Markdown and indicator data."""


@main.command()
@click.argument("projects", nargs=-1, type=click.Path(path_type=Path, exists=True))
@click.option("--lang", "lang", metavar="nb,en", help="Languages to build (default: those in vlrgen.toml).")
@click.option("--format", "formats", metavar="html,pdf", help="Outputs to build (default: those in vlrgen.toml).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("output"), show_default=True,
              help="Output folder.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def build(projects, lang, formats, out_dir, strict) -> None:
    """Build the reports of PROJECT folders (default: the example content)."""
    options = BuildOptions(out_dir=out_dir.resolve(), languages=_split(lang, LANGUAGES, "--lang"),
                           formats=_split(formats, OUTPUTS, "--format"), strict=strict)
    report = build_projects(_projects(projects), options, _progress())
    _print_problems(report.problems)
    if report.problems.errors:
        click.echo(f"vlrgen: {len(report.problems.errors)} error(s); the output folder was left as it was.", err=True)
        sys.exit(1)
    built = ", ".join(os.path.relpath(p) for p in report.built)
    click.echo(f"vlrgen: built {len(report.built)} report(s) into {os.path.relpath(options.out_dir)}: {built}"
               + (f" ({len(report.problems.warnings)} warning(s))" if report.problems.warnings else ""))


@main.command()
@click.argument("projects", nargs=-1, type=click.Path(path_type=Path, exists=True))
@click.option("--strict", is_flag=True, help="Treat warnings (e.g. untranslated sections) as errors.")
def check(projects, strict) -> None:
    """Check PROJECT folders without writing anything (default: the example content)."""
    _, problems = check_projects(_projects(projects), strict)
    _print_problems(problems)
    errors, warnings = len(problems.errors), len(problems.warnings)
    click.echo(f"vlrgen: {errors} error(s), {warnings} warning(s)", err=bool(errors))
    sys.exit(1 if errors else 0)
