"""Benchmark vlrgen on the example content and on a synthetic national-scale run; print the figures.

Run from the repository root after `bash scripts/build-example` (or `bash scripts/bootstrap`):

    .venv/bin/python bench/run.py [--jobs N] [--repeat 3] [--national-sample 12]

Measures, on a copy of the whole example (content/: national VSR, Telemark review, two municipal
reviews) in a temporary folder (the repository is not touched):
  cold full build, no-change rebuild, one-section edit (→ HTML and → PDF), --jobs 1 vs --jobs N, peak
  memory per process, the overhead ratio = cold build wall time ÷ the time WeasyPrint alone needs to
  render the same final HTML files with the same number of workers, pages per second of WeasyPrint alone
  on each final HTML file, and the same for a plain report the bench writes itself (bench/baseline.py),
  laid out in alternation with Porsgrunn's bokmål report so that their ratio holds on a noisy machine;
  and how fast a running preview (`vlrgen serve`) shows an edited section, and how fast the PDF of a preview
  that follows bokmål (`vlrgen serve --pdf nb`) has it, against WeasyPrint alone on the same page in alternation
  (bench/serve.py). The national-scale run builds a sample
  of municipal projects (the Notodden example's narrative, each with the national library's real data
  for its own code: for timing only, never published) and extrapolates to 357 municipalities.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VLRGEN = [sys.executable, "-m", "vlrgen"]


class PeakMemory:
    """Polls /proc for the peak resident memory (VmHWM) of a process and all its descendants."""

    def __init__(self, pid: int):
        self.pid, self.peaks, self._stop = pid, {}, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _run(self):
        while not self._stop.is_set():
            for pid in self._tree():
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        self.peaks[pid] = max(self.peaks.get(pid, 0), int(line.split()[1]) // 1024)
            time.sleep(0.05)

    def _tree(self) -> set[int]:
        parents = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError, IndexError, ValueError):
                    parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        tree, changed = {self.pid}, True
        while changed:
            changed = False
            for pid, parent in parents.items():
                if parent in tree and pid not in tree:
                    tree.add(pid)
                    changed = True
        return tree


def run_build(args: list[str], cwd: Path) -> tuple[float, dict[int, int], str]:
    start = time.perf_counter()
    # As installed: Python may keep compiled modules (a PYTHONDONTWRITEBYTECODE shell would recompile
    # vlrgen on every run and add that to each figure).
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"} | {"CI": "1"}
    process = subprocess.Popen(
        VLRGEN + ["build", *args], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    with PeakMemory(process.pid) as memory:
        output, _ = process.communicate()
    elapsed = time.perf_counter() - start
    if process.returncode != 0:
        sys.exit(f"build failed:\n{output}")
    return elapsed, memory.peaks, output.strip().splitlines()[-1]


def render_one(paths: tuple[str, str]) -> tuple[float, int]:
    """WeasyPrint alone on one file, with the interpreter set up as vlrgen's PDF workers are (the same
    garbage-collector thresholds), so the floor measures the engine and not that setting: seconds, pages."""
    import gc

    import weasyprint

    from vlrgen.output.pdf import GC_THRESHOLDS

    gc.set_threshold(*GC_THRESHOLDS)
    start = time.perf_counter()
    document = weasyprint.HTML(filename=paths[0], media_type="print").render()
    document.write_pdf(paths[1], pdf_variant="pdf/ua-1", pdf_tags=True)
    return time.perf_counter() - start, len(document.pages)


def pdf_sources(out: Path) -> list[Path]:
    """The final HTML files the build laid out as PDFs (from the reports' manifests)."""
    import json

    found = []
    for manifest in sorted(out.glob("*/manifest.json")):
        sources = json.loads(manifest.read_text(encoding="utf-8")).get("pdf_sources", {})
        found += [manifest.parent / html for html in sources.values()]
    return found


def weasyprint_alone(htmls: list[Path], jobs: int, scratch: Path, each: dict | None = None) -> float:
    """Wall time for WeasyPrint alone to render these HTML files with `jobs` workers; `each` (if given)
    collects (seconds, pages) per file.

    The largest files go first (the best order a plain pool can have), so the floor is not flattered.
    With one job the files are laid out in a fresh process each, as a PDF worker would."""
    htmls = sorted(htmls, key=lambda h: -h.stat().st_size)
    pairs = [(str(h), str(scratch / f"{i}.pdf")) for i, h in enumerate(htmls)]
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(render_one, pairs))
    took = time.perf_counter() - start
    if each is not None:
        for html, result in zip(htmls, results):
            each.setdefault(html, []).append(result)
    return took


def pages_per_second(runs: list[tuple[float, int]]) -> tuple[float, int]:
    """Median pages per second over runs of one file, and its page count."""
    return statistics.median(pages / seconds for seconds, pages in runs), runs[-1][1]


def preview_edits(edits: int) -> list[float]:
    """bench/serve.py: seconds from saving Porsgrunn's bokmål introduction to the preview serving it."""
    sys.path.insert(0, str(REPO / "bench"))
    import serve

    return serve.measure(edits)


def preview_pdf_edits(edits: int) -> str:
    """bench/serve.py: seconds from saving Porsgrunn's bokmål introduction to the followed PDF of a running
    preview having it, each with WeasyPrint alone on that page; the line to print."""
    sys.path.insert(0, str(REPO / "bench"))
    import serve

    return serve.describe_pdf(serve.measure_pdf(edits))


def synthetic_projects(root: Path, count: int) -> list[Path]:
    """`count` municipal projects shaped like the Notodden example (its narrative), each on the national
    library's real data for its own code, for timing only."""
    sys.path.insert(0, str(REPO / "src"))
    from vlrgen import reference

    codes = sorted(reference.municipalities())[:: max(1, 357 // count)][:count]
    data = root / "data"
    data.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "content" / "data" / "indicators.csv", data / "indicators.csv")
    projects = []
    base = (REPO / "content" / "notodden" / "vlrgen.toml").read_text(encoding="utf-8")
    for code in codes:
        place = reference.municipalities()[code]
        folder = root / f"m{code}"
        shutil.copytree(REPO / "content" / "notodden" / "narrative", folder / "narrative")
        (folder / "vlrgen.toml").write_text(
            base.replace('"Notodden"', f'"{place.name}"')
            .replace('"4005"', f'"{code}"')
            .replace("year = 2025", f'year = 2025\nslug = "m{code}-2025"'),
            encoding="utf-8",
        )
        projects.append(folder)
    return projects


EXAMPLE = ("norge", "telemark", "porsgrunn", "notodden")


def baseline_module():
    sys.path.insert(0, str(REPO / "bench"))
    import baseline

    return baseline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--national-sample", type=int, default=8, help="synthetic municipal reports (0: skip)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing; the median is printed")
    options = parser.parse_args()
    jobs, repeat = options.jobs, options.repeat
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, jobs {jobs}")

    with tempfile.TemporaryDirectory(prefix="vlrgen-bench-") as temp:
        work = Path(temp)
        shutil.copytree(REPO / "content", work / "content")
        projects = [str(work / "content" / name) for name in EXAMPLE]
        out = work / "out"

        # Cold build and the WeasyPrint-alone floor are measured in alternation, so a slower moment of a
        # shared machine affects both; medians of --repeat runs.
        colds, floors, all_peaks, each = [], [], {}, {}
        for run in range(repeat):
            target = work / f"out-{run}"
            cold, peaks, summary = run_build([*projects, "--out", str(target), "--jobs", str(jobs)], work)
            colds.append(cold)
            all_peaks.update({(run, pid): mb for pid, mb in peaks.items()})
            htmls = pdf_sources(target)
            floors.append(weasyprint_alone(htmls, jobs, work, each))
        shutil.copytree(work / "out-0", out, symlinks=True)  # the reports are links into the published version
        cold, floor = statistics.median(colds), statistics.median(floors)
        print(
            f"cold full build of the example (national VSR over 357 municipalities, Telemark review over 17, "
            f"2 municipal reviews; nb + en, HTML + PDF): {cold:.1f} s (runs: {', '.join(f'{c:.1f}' for c in colds)})"
            f"   [{summary.split('[')[-1]}"
        )
        top = sorted(all_peaks.values(), reverse=True)
        print(
            f"peak memory, largest process over the cold builds: {top[0]} MB; next: "
            f"{', '.join(str(mb) for mb in top[1:6])} MB   (target ≤ 400 MB per worker)"
        )
        print(
            f"WeasyPrint alone, same {len(htmls)} final HTML files, {jobs} workers, largest first: {floor:.1f} s "
            f"(runs: {', '.join(f'{f:.1f}' for f in floors)})"
        )
        rates = {html.relative_to(work / "out-0"): pages_per_second(each[html]) for html in pdf_sources(work / "out-0")}
        print(
            "WeasyPrint alone, pages per second of each PDF (median of the runs above, beside another worker):\n  "
            + "\n  ".join(f"{rate:5.2f} pages/s  {pages:4d} pages  {html}" for html, (rate, pages) in rates.items())
        )
        paired = statistics.median(c / f for c, f in zip(colds, floors))
        print(
            f"overhead ratio (cold build ÷ WeasyPrint alone): median ÷ median {cold / floor:.2f}; "
            f"median of each run's own ratio {paired:.2f} (runs: {', '.join(f'{c / f:.2f}' for c, f in zip(colds, floors))})"
            f"   (target ≤ 1.15: {'met' if max(cold / floor, paired) <= 1.15 else 'not met'} by both)"
        )

        # The copied folder is another output folder to vlrgen: one build there first, as a user's last build.
        run_build([*projects, "--out", str(out), "--jobs", str(jobs)], work)
        agains = [run_build([*projects, "--out", str(out), "--jobs", str(jobs)], work) for _ in range(repeat)]
        again = statistics.median(a[0] for a in agains)
        print(
            f"no-change rebuild: {again:.2f} s   (target ≤ 1 s: {'met' if again <= 1 else 'not met'})"
            f"   [{agains[-1][2].split('[')[-1]}"
        )

        # One-section edits, each followed by WeasyPrint alone on that page (the PDF's floor) and on the
        # plain baseline report, in alternation: the pages-per-second ratio of the two is this run's.
        baseline = baseline_module().write(work / "baseline")
        section = work / "content" / "porsgrunn" / "narrative" / "nb" / "introduction.md"
        page = out / "porsgrunn-2025" / "nb" / "index.html"
        edits, to_html, singles, plain = [], [], {}, {}
        for run in range(repeat):
            section.write_text(section.read_text(encoding="utf-8") + f"\nEn ny setning ({run}).\n", encoding="utf-8")
            began = time.time()
            edit, _, summary = run_build([*projects, "--out", str(out), "--jobs", str(jobs)], work)
            edits.append(edit)
            to_html.append(page.stat().st_mtime - began)
            weasyprint_alone([page], 1, work, singles)
            weasyprint_alone([baseline], 1, work, plain)
        edit = statistics.median(edits)
        one_pdf = statistics.median(seconds for seconds, _ in singles[page])
        print(
            f"one-section edit (Porsgrunn, bokmål introduction), a fresh `vlrgen build` of the whole example "
            f"(informational; the target is the running preview's, below): page written after "
            f"{statistics.median(to_html):.2f} s, PDF done after {edit:.1f} s; that PDF alone in WeasyPrint: "
            f"{one_pdf:.1f} s; ratio {edit / one_pdf:.2f}   [{summary.split('[')[-1]}"
        )
        (ours, our_pages), (theirs, their_pages) = pages_per_second(singles[page]), pages_per_second(plain[baseline])
        print(
            f"pages per second, WeasyPrint alone, one worker, alternating: Porsgrunn nb {ours:.2f} ({our_pages} pages, "
            f"runs {', '.join(f'{p / s:.2f}' for s, p in singles[page])}); plain baseline report {theirs:.2f} "
            f"({their_pages} pages, runs {', '.join(f'{p / s:.2f}' for s, p in plain[baseline])}); ratio "
            f"{ours / theirs:.2f}   (target ≥ 1.0: {'met' if ours >= theirs else 'not met'})"
        )
        shown = preview_edits(max(3, 2 * repeat))
        print(
            f"edit → preview (`vlrgen serve`, Porsgrunn): {', '.join(f'{t:.2f}' for t in shown)} s; median "
            f"{statistics.median(shown):.2f} s   (target ≤ 0.5 s: {'met' if statistics.median(shown) <= 0.5 else 'not met'})"
        )
        print(preview_pdf_edits(max(3, repeat)))

        serial, _, _ = run_build([*projects, "--out", str(work / "serial"), "--jobs", "1"], work)
        print(
            f"cold build with --jobs 1 (one run): {serial:.1f} s; speed-up with --jobs {jobs}: "
            f"{serial / cold:.2f}×   (target ≥ 1.7×)"
        )

        took, peaks, _ = run_build(
            [projects[0], "--format", "html", "--out", str(work / "vsr-html"), "--jobs", str(jobs)], work
        )
        print(
            f"national VSR alone, HTML only (nb + en, 357 member summaries each), cold: {took:.1f} s; "
            f"peak process {max(peaks.values())} MB"
        )

        sample = options.national_sample
        if sample:
            national = work / "national"
            synthetic = synthetic_projects(national, sample)
            took, peaks, summary = run_build(
                [*map(str, synthetic), "--out", str(national / "out"), "--jobs", str(jobs)], national
            )
            per_report = took / sample
            print(
                f"synthetic national sample: {sample} municipal reports × 2 languages, HTML + PDF in {took:.1f} s "
                f"({per_report:.1f} s per report, {per_report / 2:.1f} s per language); "
                f"peak process {max(peaks.values())} MB"
            )
            print(
                f"extrapolated full national build (357 municipalities × 2 languages): {per_report * 357 / 60:.0f} min"
            )


if __name__ == "__main__":
    main()
