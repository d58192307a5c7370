"""How fast `vlrgen serve` shows an edit: from saving one section of Porsgrunn to the changed page being served.

Run from the repository root after `bash scripts/bootstrap`:

    .venv/bin/python bench/serve.py [--edits 6]

Starts the preview on a free port on a copy of the example (the repository is not touched), waits for the
first build, then appends a line to the bokmål introduction several times and measures, each time, how long
until the page the server returns has the new text. The target is 0.5 s.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from vlrgen.build.serve import serve_project
from vlrgen.output.pdf import FakePdfRenderer

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=6)
    args = parser.parse_args()
    times = measure(args.edits)
    shown = ", ".join(f"{t:.3f}" for t in times)
    print(f"edit → changed page: {shown} s; median {statistics.median(times):.3f} s (target 0.5 s)")


def measure(edits: int) -> list[float]:
    """Seconds from each of `edits` saves of the bokmål introduction to the preview serving the changed page."""
    with tempfile.TemporaryDirectory() as folder:
        content = Path(folder) / "content"
        shutil.copytree(REPO / "content", content)
        project = content / "porsgrunn"
        stop, urls = threading.Event(), []
        thread = threading.Thread(
            target=serve_project,
            args=(project,),
            kwargs=dict(port=0, renderer=FakePdfRenderer(), started=urls.append, stop=stop),
            daemon=True,
        )
        start = time.perf_counter()
        thread.start()
        while not urls:
            time.sleep(0.05)
        print(f"first build and start: {time.perf_counter() - start:.1f} s")
        page = urls[0] + "porsgrunn-2025/nb/index.html"
        introduction = project / "narrative" / "nb" / "introduction.md"
        text = introduction.read_text(encoding="utf-8")
        times = []
        for edit in range(edits):
            time.sleep(0.5)
            marker = f"Endring nummer {edit}.".encode()
            introduction.write_text(text + f"\n\nEndring nummer {edit}.\n", encoding="utf-8")
            began = time.perf_counter()
            while marker not in urllib.request.urlopen(page, timeout=30).read():
                time.sleep(0.005)
            times.append(time.perf_counter() - began)
        stop.set()
        thread.join(10)
    return times


if __name__ == "__main__":
    main()
