"""Accessibility checks of a built output folder, for any project's CI: every PDF and every HTML page.

    python -m vlrgen.output.accessibility OUTPUT_DIR [--no-html] [--no-pdf] [--no-pdf-ua]
    vlrgen check --accessibility OUTPUT_DIR

PDFs: the structure checks of `output.pdfcheck` (language, tagging, title, PDF/UA identification,
alternative text on every figure, header cells in every table). HTML pages: headless Chromium
(the system's, driven by Playwright; `VLRGEN_CHROMIUM` names another binary) loads each page from
file:// with every other request refused, and runs axe-core (shipped by the `axe-playwright-python`
package, or `VLRGEN_AXE_JS`) with the WCAG 2.0/2.1 A and AA rules plus a few structural best
practices, then vlrgen's own checks: exactly one h1, no skipped heading level, every chart SVG
named by a <title> and described by a <desc>, header cells with a scope, a skip link where a
navigation bar comes first, a language link saying its language, and a visible focus outline
when the keyboard moves through the page. Each finding names the file and the element.
Exit code 0: no findings; 1: findings; 2: a tool is missing (the browser, Playwright or axe).
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import shutil
import sys
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from vlrgen.output.pdfcheck import Finding, check_pdf

__all__ = ["AXE_TAGS", "ToolMissing", "check_html", "check_output", "find_chromium", "main"]

AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
# Best-practice rules that the WCAG tags leave out but a report page should pass.
AXE_STRUCTURE_RULES = (
    "landmark-one-main",
    "landmark-unique",
    "landmark-no-duplicate-main",
    "landmark-no-duplicate-banner",
    "landmark-no-duplicate-contentinfo",
    "landmark-banner-is-top-level",
    "landmark-contentinfo-is-top-level",
    "landmark-main-is-top-level",
    "region",
    "skip-link",
    "empty-heading",
    "empty-table-header",
    "scope-attr-valid",
)
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking")
# The build cache, and the published versions behind the output folder's links (checked through the links,
# under the names a reader sees; see build/publish.py).
SKIPPED_FOLDERS = (".vlrgen-cache", ".vlrgen-site")
PAGE_CHECKS = (Path(__file__).with_name("accessibility.js")).read_text(encoding="utf-8")


class ToolMissing(RuntimeError):
    """A browser, Playwright or axe-core is not installed; the message says how to get it."""


MAX_BROWSERS = 4  # browsers checking pages at once, whatever the number of cores


def find_chromium() -> str | None:
    """The Chromium binary to drive: `VLRGEN_CHROMIUM`, else the first Chromium on the PATH."""
    named = os.environ.get("VLRGEN_CHROMIUM")
    if named:
        return named if Path(named).exists() else None
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def check_output(
    out_dir: Path, *, html: bool = True, pdf: bool = True, pdf_ua: bool = True, progress=None, jobs: int | None = None
) -> list[Finding]:
    """Every finding in an output folder's HTML pages and PDFs, sorted by file; `jobs` processes or
    browsers at once (default: one per core)."""
    out_dir = Path(out_dir)
    findings: list[Finding] = []
    if pdf:
        findings += _check_pdfs(_files(out_dir, "*.pdf"), out_dir, pdf_ua, progress, jobs)
    if html:
        findings += check_html(_files(out_dir, "*.html"), out_dir, progress, jobs)
    return sorted(findings)


def _check_pdfs(paths: list[Path], out_dir: Path, pdf_ua: bool, progress, jobs: int | None) -> list[Finding]:
    """Reading a PDF's structure is pure CPU: the PDFs are shared out over the cores, largest first."""
    from concurrent.futures import ProcessPoolExecutor

    paths = sorted(paths, key=lambda p: -p.stat().st_size)
    names = [p.relative_to(out_dir).as_posix() for p in paths]
    if len(paths) < 2:
        return [f for path, name in zip(paths, names) for f in check_pdf(path, name, pdf_ua=pdf_ua)]
    findings: list[Finding] = []
    with ProcessPoolExecutor(max_workers=min(len(paths), jobs or os.cpu_count() or 1)) as pool:
        for name, found in zip(names, pool.map(_check_one_pdf, paths, names, [pdf_ua] * len(paths))):
            if progress:
                progress(name)
            findings += found
    return findings


def _check_one_pdf(path: Path, name: str, pdf_ua: bool) -> list[Finding]:
    return check_pdf(path, name, pdf_ua=pdf_ua)


def _files(out_dir: Path, pattern: str) -> list[Path]:
    """The output's files matching `pattern`, following the published reports' links."""
    found = []
    for folder, subfolders, names in os.walk(out_dir, followlinks=True):
        subfolders[:] = [d for d in subfolders if d not in SKIPPED_FOLDERS]
        found += [Path(folder, name) for name in names if fnmatch.fnmatch(name, pattern)]
    return sorted(found)


def check_html(
    pages: Sequence[Path], root: Path | None = None, progress=None, jobs: int | None = None
) -> list[Finding]:
    """axe-core's WCAG 2.1 AA rules and vlrgen's page checks on each page, in headless Chromium.

    Checking a page is mostly the browser's work on one core, so `jobs` browsers (default: one per core)
    take the pages in turn, largest first; the findings come back in the order of `pages`."""
    if not pages:
        return []
    chromium = find_chromium()
    if chromium is None:
        raise ToolMissing(
            "no Chromium found: install Debian's chromium (apt-get install chromium) or set VLRGEN_CHROMIUM"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise ToolMissing("Playwright is not installed: pip install 'vlrgen[accessibility]'") from exc
    axe = _axe_script()
    names = [path.relative_to(root).as_posix() if root else str(path) for path in pages]
    todo = iter(sorted(range(len(pages)), key=lambda i: -pages[i].stat().st_size))
    lock = threading.Lock()
    failed = threading.Event()
    results: list[list[Finding]] = [[] for _ in pages]

    def next_page() -> int | None:
        with lock:
            return None if failed.is_set() else next(todo, None)

    def browse() -> None:
        """One browser (Playwright's objects belong to the thread that made them) checking pages until none is left."""
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=list(CHROMIUM_FLAGS))
                try:
                    context = browser.new_context(viewport={"width": 1280, "height": 900})
                    context.route(
                        "**/*", lambda route: route.continue_() if _local(route.request.url) else route.abort()
                    )
                    page = context.new_page()
                    while (i := next_page()) is not None:
                        if progress:
                            progress(names[i])
                        results[i] = _check_page(page, pages[i], names[i], axe)
                finally:
                    browser.close()
        except BaseException:
            failed.set()  # the other browsers stop after their current page
            raise

    # One browser per core, at most MAX_BROWSERS: one page of the national review can take 2.5 GB in Chromium.
    workers = max(1, min(len(pages), jobs or os.cpu_count() or 1, MAX_BROWSERS))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(browse) for _ in range(workers)]:
            future.result()
    return [finding for found in results for finding in found]


def _local(url: str) -> bool:
    return url.startswith(("file:", "data:", "about:"))


def _check_page(page, path: Path, name: str, axe: str) -> list[Finding]:
    page.goto(path.resolve().as_uri(), wait_until="load")
    page.evaluate(axe)
    rules = page.evaluate(
        "tags => axe.getRules(tags).filter(r => !r.tags.includes('experimental')).map(r => r.ruleId)", list(AXE_TAGS)
    )
    result = page.evaluate(
        "rules => axe.run(document, {runOnly: {type: 'rule', values: rules}, resultTypes: ['violations']})",
        sorted(set(rules) | set(AXE_STRUCTURE_RULES)),
    )
    findings = [
        Finding(name, ", ".join(map(str, node["target"])), f"axe.{v['id']}", _axe_message(v, node))
        for v in result["violations"]
        for node in v["nodes"]
    ]
    findings += [Finding(name, f["target"], f"page.{f['rule']}", f["message"]) for f in page.evaluate(PAGE_CHECKS)]
    return findings + _focus_findings(page, name)


def _axe_message(violation: dict, node: dict) -> str:
    summary = " ".join((node.get("failureSummary") or "").split())
    return f"{violation['help']} ({summary})" if summary else violation["help"]


def _focus_findings(page, name: str, presses: int = 4) -> list[Finding]:
    """Press Tab a few times, as a keyboard user does: each focused element must show an outline."""
    findings = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        state = page.evaluate(
            """() => {
              const el = document.activeElement;
              if (!el || el === document.body) return null;
              const style = getComputedStyle(el), box = el.getBoundingClientRect();
              const width = parseFloat(style.outlineWidth) || 0;
              return {target: el.id ? '#' + el.id : el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ')[0] : ''),
                      outline: style.outlineStyle !== 'none' && width >= 2, shown: box.width > 1 && box.height > 1};
            }"""
        )
        if state is None:
            break
        if not (state["outline"] and state["shown"]):
            what = "is not visible" if not state["shown"] else "has no focus outline of at least 2px"
            findings.append(Finding(name, state["target"], "page.focus-visible", f"keyboard focus {what}"))
    return findings


def _axe_script() -> str:
    named = os.environ.get("VLRGEN_AXE_JS")
    if named:
        return Path(named).read_text(encoding="utf-8")
    try:
        from importlib.resources import files

        return (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
    except (ImportError, FileNotFoundError) as exc:
        raise ToolMissing(
            "axe-core is not installed: pip install 'vlrgen[accessibility]' (or set VLRGEN_AXE_JS)"
        ) from exc


def format_findings(findings: Iterable[Finding]) -> list[str]:
    return [str(f) for f in findings]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m vlrgen.output.accessibility",
        description="Check a vlrgen output folder: PDF structure (PDF/UA essentials) and HTML (WCAG 2.1 AA, axe-core).",
    )
    parser.add_argument("out_dir", type=Path, metavar="OUTPUT_DIR")
    parser.add_argument("--no-html", action="store_true", help="skip the HTML pages")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDFs")
    parser.add_argument("--no-pdf-ua", action="store_true", help="PDFs need not be identified as PDF/UA")
    args = parser.parse_args(argv)
    return run_check(args.out_dir, html=not args.no_html, pdf=not args.no_pdf, pdf_ua=not args.no_pdf_ua)


def run_check(out_dir: Path, *, html: bool = True, pdf: bool = True, pdf_ua: bool = True) -> int:
    """Print every finding, one per line, and a summary; the exit code as `main` documents it."""
    if not out_dir.is_dir():
        print(f"vlrgen: {out_dir} is not a folder", file=sys.stderr)
        return 2
    try:
        findings = check_output(out_dir, html=html, pdf=pdf, pdf_ua=pdf_ua)
    except ToolMissing as exc:
        print(f"vlrgen: {exc}", file=sys.stderr)
        return 2
    for line in format_findings(findings):
        print(line)
    documents = len({f.document for f in findings})
    print(f"vlrgen: {len(findings)} accessibility finding(s) in {documents} file(s)", file=sys.stderr)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
