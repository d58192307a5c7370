"""Golden HTML pages of the example: normalise, compare with a readable diff, and (only when asked) rewrite.

The golden copy of every HTML page of the example built with `--format html` lives in
`tests/golden/example/<path>.gz`. `tests/test_golden.py` compares; only `bash scripts/update-golden`
(which runs this file as a script on a fresh build) rewrites them, never a test.

Storage: the example's pages add up to about 5 MB of HTML (the national review alone is 1.4 MB per
language, mostly 357 member summaries; a municipal page is two-thirds inline SVG). Gzipped they take
about 0.5 MB. A digest with an excerpt would be smaller but could not show what changed, so every
page is kept whole, compressed deterministically (no name, mtime 0: like `gzip -n`), and a page is
rewritten only when its normalised text changed, so an update touches exactly the changed pages.
`git config diff.gzip.textconv "gzip -dc"` makes `git diff` show them as text (see .gitattributes).

Normalisation: `vlrgen <version>` (the generator meta tag and the "Made with vlrgen …" line) becomes
`vlrgen <version>`: a version bump changes no output worth reviewing and would otherwise rewrite every
page. Nothing else is normalised: the HTML is deterministic (no dates of the build, no absolute paths).
"""

from __future__ import annotations

import difflib
import gzip
import os
import re
import sys
from pathlib import Path

from vlrgen import __version__

GOLDEN = Path(__file__).resolve().parent / "golden" / "example"
VERSION = re.compile(re.escape(f"vlrgen {__version__}"))
DIFF_LINES = 60  # a failing test shows this many lines of the unified diff
LINE_WIDTH = 240  # and cuts longer lines (inline SVG can be long)


def built_pages(output: Path) -> dict[str, Path]:
    """Every HTML page of the published site, by its path relative to the output folder.

    The report folders and the index are links into the published version (build/publish.py): they are
    followed, and vlrgen's own folders (`.vlrgen-site`, `.vlrgen-cache`) are left out."""
    pages = {}
    for root, folders, files in os.walk(output, followlinks=True):
        folders[:] = [name for name in folders if not name.startswith(".vlrgen-")]
        for name in files:
            if name.endswith(".html"):
                pages[(Path(root) / name).relative_to(output).as_posix()] = Path(root) / name
    return dict(sorted(pages.items()))


def golden_pages() -> dict[str, Path]:
    return {path.relative_to(GOLDEN).as_posix()[: -len(".gz")]: path for path in sorted(GOLDEN.rglob("*.html.gz"))}


def normalise(html: str) -> str:
    return VERSION.sub("vlrgen <version>", html)


def read_golden(path: Path) -> str:
    return gzip.decompress(path.read_bytes()).decode("utf-8")


def diff_excerpt(expected: str, actual: str, name: str) -> str:
    """The first `DIFF_LINES` lines of a unified diff, long lines cut, and how many lines differ in all."""
    lines = list(
        difflib.unified_diff(
            expected.splitlines(), actual.splitlines(), f"golden/{name}", f"built/{name}", n=2, lineterm=""
        )
    )
    changed = sum(1 for line in lines if line[:1] in "+-" and not line.startswith(("+++", "---")))
    shown = [line if len(line) <= LINE_WIDTH else line[:LINE_WIDTH] + " […]" for line in lines[:DIFF_LINES]]
    more = f"\n… {len(lines) - DIFF_LINES} more diff lines" if len(lines) > DIFF_LINES else ""
    return f"{changed} changed line(s) in {name}:\n" + "\n".join(shown) + more


def count_changes(before: str, after: str) -> tuple[int, int]:
    """Lines added and removed between two texts."""
    added = removed = 0
    for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0):
        if not line.startswith(("+++", "---")):
            added += line.startswith("+")
            removed += line.startswith("-")
    return added, removed


def update(output: Path) -> None:
    """Rewrite the golden pages from a fresh build in `output`, touching only changed ones; say what changed."""
    built, golden = built_pages(output), golden_pages()
    unchanged = 0
    for name, path in built.items():
        text = normalise(path.read_text(encoding="utf-8"))
        before = read_golden(golden[name]) if name in golden else None
        if before == text:
            unchanged += 1
            continue
        added, removed = count_changes(before or "", text)
        target = GOLDEN / f"{name}.gz"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))
        print(f"{'added' if before is None else 'updated'}: {name} (+{added} -{removed} lines)")
    for name in sorted(set(golden) - set(built)):
        golden[name].unlink()
        print(f"removed: {name} (no longer built)")
    print(f"golden pages: {len(built)} built, {unchanged} unchanged ({GOLDEN})")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tests/golden_pages.py OUTPUT_FOLDER  (run by scripts/update-golden)")
    update(Path(sys.argv[1]))
