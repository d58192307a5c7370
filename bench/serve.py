"""How fast `vlrgen serve` shows an edit: from saving one section of Porsgrunn to the changed page being served,
and (`--pdf`) to the changed PDF of a preview that follows bokmål (`vlrgen serve --pdf nb`).

Run from the repository root after `bash scripts/bootstrap`:

    .venv/bin/python bench/serve.py [--edits 6] [--pdf]

Starts the preview on a free port on a copy of the example (the repository is not touched), waits for the
first build, then appends a line to the bokmål introduction several times and measures, each time, how long
until the page the server returns has the new text. The target is 0.5 s.

With `--pdf` (`measure_pdf`) the preview uses the real WeasyPrint and follows bokmål: each time, how long
from saving until `<out>/porsgrunn-2025/porsgrunn-2025-nb.pdf` is replaced by a PDF with the new sentence,
and, after it, how long WeasyPrint alone takes for that same page (render and write_pdf with the same options,
in a process that has imported WeasyPrint, laid the page out once before and freed that layout's garbage, as
the preview's worker has).
The target is ≤ 1.1 × WeasyPrint alone.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from vlrgen.build.serve import serve_project
from vlrgen.output.pdf import FakePdfRenderer, WeasyPrintRenderer

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=6)
    parser.add_argument("--pdf", action="store_true", help="measure the followed PDF instead (real WeasyPrint)")
    args = parser.parse_args()
    if args.pdf:
        print(describe_pdf(measure_pdf(args.edits)))
        return
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


def measure_pdf(edits: int) -> list[tuple[float, float]]:
    """Per save of the bokmål introduction: seconds until the preview's followed PDF is replaced by one with
    the new sentence, and seconds WeasyPrint alone then takes for the same page (see the module's docstring)."""
    sys.path.insert(0, str(REPO / "bench"))
    from run import render_one  # the floor of bench/run.py: WeasyPrint alone, the same options

    # The floor's process is forked first, before the preview's threads start, and imports WeasyPrint.
    with (
        tempfile.TemporaryDirectory(prefix="vlrgen-bench-pdf-") as folder,
        ProcessPoolExecutor(max_workers=1, initializer=_import_weasyprint) as alone,
    ):
        alone.submit(os.getpid).result()
        content, out = Path(folder) / "content", Path(folder) / "out"
        shutil.copytree(REPO / "content", content)
        out.mkdir()
        project = content / "porsgrunn"
        stop, urls, layouts = threading.Event(), [], []

        def notice(text: str) -> None:  # "PDF nb made (7.12 s)": the worker's layout, snapshot to PDF
            if made := re.fullmatch(r"PDF nb made \(([\d.]+) s\)", text):
                layouts.append(float(made[1]))

        thread = threading.Thread(
            target=serve_project,
            args=(project,),
            kwargs=dict(
                port=0,
                renderer=WeasyPrintRenderer(),
                started=urls.append,
                stop=stop,
                pdf=("nb",),
                out_dir=out,
                notice=notice,
            ),
            daemon=True,
        )
        start = time.perf_counter()
        thread.start()
        page, pdf = out / "porsgrunn-2025" / "nb" / "index.html", out / "porsgrunn-2025" / "porsgrunn-2025-nb.pdf"
        try:
            while not pdf.exists():
                if not thread.is_alive():
                    sys.exit("the preview stopped before its first PDF")
                time.sleep(0.05)
            print(f"first build, start and first PDF: {time.perf_counter() - start:.1f} s")
            alone.submit(render_one, (str(page), str(Path(folder) / "alone.pdf"))).result()  # its first layout
            introduction = project / "narrative" / "nb" / "introduction.md"
            text = introduction.read_text(encoding="utf-8")
            results = []
            for edit in range(edits):
                time.sleep(1.0)
                before = _stamp(pdf)
                sentence = f"Ny tekst nr {edit} her."
                introduction.write_text(text + f"\n\n{sentence}\n", encoding="utf-8")
                began = time.perf_counter()
                while _stamp(pdf) == before:
                    time.sleep(0.005)
                took = time.perf_counter() - began
                if sentence not in _text(pdf):
                    sys.exit(f"edit {edit}: the new PDF does not have the new sentence")
                time.sleep(1.5)  # the preview's worker frees its layout's garbage now: not beside the floor
                alone.submit(gc.collect).result()  # the last layout's garbage, as the preview's worker frees it
                floor, _ = alone.submit(render_one, (str(page), str(Path(folder) / "alone.pdf"))).result()
                results.append((took, floor))
                print(
                    f"  edit {edit}: PDF after {took:.2f} s, of which the worker's layout {layouts[-1]:.2f} s; "
                    f"WeasyPrint alone {floor:.2f} s"
                )
        finally:
            stop.set()
            thread.join(30)
    return results


def describe_pdf(results: list[tuple[float, float]]) -> str:
    took, alone = [t for t, _ in results], [f for _, f in results]
    ratio = statistics.median(took) / statistics.median(alone)
    return (
        f"edit → PDF in a running preview (`vlrgen serve --pdf nb`, Porsgrunn): {', '.join(f'{t:.1f}' for t in took)} s, "
        f"median {statistics.median(took):.2f} s; that PDF alone in WeasyPrint {', '.join(f'{f:.1f}' for f in alone)} s, "
        f"median {statistics.median(alone):.2f} s; ratio {ratio:.2f} (runs "
        f"{', '.join(f'{t / f:.2f}' for t, f in results)})   (target ≤ 1.1: {'met' if ratio <= 1.1 else 'not met'})"
    )


def _import_weasyprint() -> None:
    import weasyprint  # noqa: F401


def _stamp(path: Path) -> tuple[int, int]:
    try:
        found = path.stat()
    except FileNotFoundError:
        return 0, 0
    return found.st_ino, found.st_mtime_ns


def _text(pdf: Path) -> str:
    """The PDF's text, its lines joined (a sentence may wrap)."""
    return " ".join(
        subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout.split()
    )


if __name__ == "__main__":
    main()
