"""Publishing is all-or-nothing, killed builds leave nothing behind, and a stopped build stops cleanly.

The kill tests run `vlrgen build` in a subprocess (tests/killable_build.py: fake PDFs, a pause at a named
moment), kill it there with SIGKILL, and check that a reader sees exactly the previous site or exactly the
new one, never a mix; then the next build succeeds and leaves no staging or temporary files.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from conftest import CONFIG, INDICATORS, OBSERVATIONS, REPO, narrative_files

from vlrgen.build.pipeline import BuildOptions, build_projects
from vlrgen.build.publish import SITE_NAME, Site, published_version
from vlrgen.output.pdf import FakePdfRenderer

PDF = CONFIG.replace('outputs = ["html"]', 'outputs = ["html", "pdf"]')
TOWNS = {"a": ("Porsgrunn", "4001", PDF), "b": ("Notodden", "4005", PDF), "c": ("Skien", "4003", CONFIG)}
TOWNS["d"] = ("Bamble", "4012", CONFIG)
DATA = OBSERVATIONS + "".join(f"water,{code},2023,{80 + i},\n" for i, (_, code, _) in enumerate(TOWNS.values()) if i)


def write_project(root: Path, name: str, code: str, config: str) -> Path:
    files = {
        "vlrgen.toml": config.replace('"Porsgrunn"', f'"{name}"').replace('"4001"', f'"{code}"'),
        "data/indicators.csv": INDICATORS,
        "data/observations.csv": DATA,
        **narrative_files(),
    }
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    return root


def build(projects, out: Path, **options):
    report = build_projects(list(projects), BuildOptions(out_dir=out, pdf_renderer=FakePdfRenderer(), **options))
    assert not report.problems.errors, report.problems.errors
    return report


def visible(out: Path) -> dict[str, bytes]:
    """What a reader of the output folder sees: every file under its reports and its index, by path."""
    files = {}
    for top in sorted(out.iterdir()):
        if top.name.startswith(".vlrgen-"):
            continue
        if top.is_dir():
            for root, _, names in os.walk(top):
                files.update(
                    {(Path(root) / n).relative_to(out).as_posix(): (Path(root) / n).read_bytes() for n in names}
                )
        elif top.exists():  # a link that does not point at anything yet is not seen
            files[top.name] = top.read_bytes()
    return files


def leftovers(out: Path) -> list[str]:
    """Anything besides the published version, its links, the marker and finished cache entries."""
    site = out / SITE_NAME
    current = published_version(out)
    found = [p.name for p in site.iterdir() if p.name not in ("current", "vlrgen-site.json", current)]
    found += [p.name for p in out.iterdir() if p.name.startswith(".") and p.name not in (SITE_NAME, ".vlrgen-cache")]
    found += [p.name for p in out.iterdir() if p.is_symlink() and not p.exists()]
    found += [p.name for p in (out / ".vlrgen-cache").rglob("*.tmp")]
    return found


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    """Projects, a published site (c alone, then a and b) and what the next build (a edited, b, new d) shows."""
    root = tmp_path_factory.mktemp("scene")
    projects = {key: write_project(root / key, *town) for key, town in TOWNS.items()}
    base = root / "base"
    build([projects["c"]], base, jobs=1)
    build([projects["a"], projects["b"]], base, jobs=1)
    build([projects["d"]], root / "scratch", jobs=1)  # d's charts in the cache: the test builds draw only a's
    shutil.copytree(root / "scratch" / ".vlrgen-cache", base / ".vlrgen-cache", dirs_exist_ok=True)
    old = visible(base)
    intro = projects["a"] / "narrative" / "nb" / "introduction.md"
    intro.write_text(intro.read_text(encoding="utf-8").replace("Text for", "Changed text for"), encoding="utf-8")
    data = projects["a"] / "data" / "observations.csv"
    data.write_text(data.read_text(encoding="utf-8").replace("water,4001,2023,96.25,", "water,4001,2023,97.5,"))
    reference = root / "reference"
    shutil.copytree(base, reference, symlinks=True)
    build([projects["a"], projects["b"], projects["d"]], reference, jobs=1)
    new = visible(reference)
    assert old != new and "skien-2025/nb/index.html" in new and "bamble-2025/nb/index.html" not in old
    assert old["porsgrunn-2025/porsgrunn-2025-nb.pdf"] != new["porsgrunn-2025/porsgrunn-2025-nb.pdf"]
    assert old["index.html"] != new["index.html"]
    return {"root": root, "projects": projects, "base": base, "old": old, "new": new, "reference": reference}


class Run:
    """One `vlrgen build` of a, b and d in a subprocess, on a copy of the published site."""

    def __init__(self, scene, name: str, pause: str = "", jobs: int = 1, slow_pdf: float = 0, base: Path | None = None):
        self.scene, self.out = scene, scene["root"] / f"out-{name}"
        self.paused = scene["root"] / f"paused-{name}"
        self.tag = uuid.uuid4().hex
        shutil.rmtree(self.out, ignore_errors=True)
        shutil.copytree(base or scene["base"], self.out, symlinks=True)
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO / "tests")]),
            "VLRGEN_PAUSE_AT": pause,
            "VLRGEN_PAUSED": str(self.paused),
            "VLRGEN_SLOW_PDF": str(slow_pdf),
            "VLRGEN_TEST_TAG": self.tag,
        }
        env.pop("VLRGEN_DEBUG", None)
        projects = [str(scene["projects"][key]) for key in "abd"]
        command = [sys.executable, str(REPO / "tests" / "killable_build.py"), "build", *projects]
        self.stderr = scene["root"] / f"stderr-{name}"
        with open(self.stderr, "wb") as stderr:  # a file, not a pipe: a process left behind cannot block the test
            self.process = subprocess.Popen(
                [*command, "--out", str(self.out), "--jobs", str(jobs)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                start_new_session=True,
            )

    def wait_for_pause(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while not self.paused.exists():
            if self.process.poll() is not None:
                raise AssertionError(
                    f"{self.out.name}: the build ended (exit {self.process.returncode}) before its pause: "
                    + self.stderr.read_text(encoding="utf-8")
                )
            assert time.monotonic() < deadline, "the build never reached its pause"
            time.sleep(0.02)

    def kill(self, signum: int = signal.SIGKILL, group: bool = False) -> tuple[int, str]:
        if self.process.poll() is None:
            (os.killpg if group else os.kill)(self.process.pid, signum)  # the group: what a terminal does on Ctrl-C
        self.process.wait(timeout=60)
        return self.process.returncode, self.stderr.read_text(encoding="utf-8")

    def processes_left(self, grace: float = 10) -> list[int]:
        """Processes of this build still running (found by the tag in their environment), after a grace time."""
        deadline = time.monotonic() + grace
        while True:
            found = []
            for entry in Path("/proc").iterdir():
                try:
                    if (
                        entry.name.isdigit()
                        and f"VLRGEN_TEST_TAG={self.tag}".encode() in (entry / "environ").read_bytes()
                    ):
                        found.append(int(entry.name))
                except OSError:
                    continue
            if not found or time.monotonic() > deadline:
                return found
            time.sleep(0.1)

    def stop(self) -> None:
        """Clean-up after a failed test: no paused build stays behind."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for pid in self.processes_left(grace=0):
            os.kill(pid, signal.SIGKILL)


# Where the build is killed: (name, pause, jobs, slow PDFs). With two jobs, charts and PDFs are in worker
# processes (and an incremental build keeps a standby process) while the build is killed.
MOMENTS = [
    ("checked", "checked", 2, 0),  # the check passed; the standby process is starting
    ("planned", "planned", 2, 0),  # charts being drawn in the workers
    ("first-page", "page:1", 2, 0),
    ("fourth-page", "page:4", 1, 0),
    ("pages", "pages", 2, 0.5),  # PDFs in the workers
    ("worker", "worker", 2, 0),  # a worker is laying out a PDF
    ("first-pdf", "pdf:1", 2, 0.2),
    ("second-pdf", "pdf:2", 1, 0),  # a's two PDFs are made (b's come from the cache)
    ("staged", "staged", 1, 0),
    ("carried", "carried", 1, 0),  # the report not built now is linked into the new version
    ("indexed", "indexed", 1, 0),
    ("linked", "linked", 1, 0),  # the new report's link exists, pointing at nothing yet
    ("switched", "switched", 1, 0),
    ("swept", "swept", 1, 0),
]
AFTER_SWITCH = {"switched", "swept"}


def check_recovery(scene, run: Run, seen: dict[str, bytes], moment: str) -> None:
    old, new = scene["old"], scene["new"]
    assert seen in (old, new), f"{moment}: a reader sees a mix of two builds"
    # the next build: with the new charts and PDFs in the cache already (what a build leaves half-written
    # there stays and must go), so that the many builds of these tests stay quick
    shutil.copytree(scene["reference"] / ".vlrgen-cache", run.out / ".vlrgen-cache", dirs_exist_ok=True)
    build([scene["projects"][key] for key in "abd"], run.out, jobs=1)
    assert visible(run.out) == new, f"{moment}: the next build did not publish the whole new site"
    assert leftovers(run.out) == [], f"{moment}: left behind: {leftovers(run.out)}"


def test_a_killed_build_leaves_the_previous_site_whole_and_the_next_build_cleans_up(scene):
    runs = {name: Run(scene, name, pause, jobs, slow) for name, pause, jobs, slow in MOMENTS}
    try:
        for name, run in runs.items():
            run.wait_for_pause()
            run.kill()
            seen = visible(run.out)
            expected = scene["new"] if name in AFTER_SWITCH else scene["old"]
            assert seen == expected, (
                f"killed at {name}: the site is not the {'new' if name in AFTER_SWITCH else 'previous'} one"
            )
            assert run.processes_left() == [], f"killed at {name}: processes of the build still run"
            check_recovery(scene, run, seen, name)
    finally:
        for run in runs.values():
            run.stop()


def test_builds_killed_at_random_moments(scene):
    """Kills after random delays land anywhere, including between the named moments."""
    chance = random.Random(20261130)
    delays = [chance.uniform(0.3, 2.5) for _ in range(8)]
    runs = [Run(scene, f"random-{i}", jobs=1 + i % 2, slow_pdf=0.1 * (i % 2)) for i in range(len(delays))]
    try:
        start = time.monotonic()
        for run, delay in sorted(zip(runs, delays), key=lambda pair: pair[1]):
            time.sleep(max(0.0, start + delay - time.monotonic()))
            run.kill()
        for run, delay in zip(runs, delays):
            check_recovery(scene, run, visible(run.out), f"random delay {delay:.2f} s")
    finally:
        for run in runs:
            run.stop()


def test_an_output_folder_of_the_old_layout_is_taken_over_without_a_mixed_moment(scene):
    """Real report folders and index (vlrgen before the site versions) become links, showing the same files."""
    legacy = scene["root"] / "legacy"
    shutil.rmtree(legacy, ignore_errors=True)
    legacy.mkdir()
    for entry in scene["base"].iterdir():  # what an earlier vlrgen wrote: real folders, a real index
        if entry.name == ".vlrgen-cache":
            shutil.copytree(entry, legacy / entry.name)
        elif not entry.name.startswith("."):
            (shutil.copytree if entry.is_dir() else shutil.copyfile)(entry, legacy / entry.name)
    assert visible(legacy) == scene["old"]
    moments = [("adopted", "adopted"), ("first-exchange", "exchanged:1"), ("last-exchange", "exchanged:4")]
    runs = {name: Run(scene, name, pause, base=legacy) for name, pause in moments}
    try:
        for name, run in runs.items():
            run.wait_for_pause()
            run.kill()
            assert visible(run.out) == scene["old"], f"killed at {name}"
            check_recovery(scene, run, scene["old"], name)
            assert all((run.out / n).is_symlink() for n in ("index.html", "porsgrunn-2025", "skien-2025"))
    finally:
        for run in runs.values():
            run.stop()


STOPS = [  # (signal, pause, exit code, message)
    (signal.SIGTERM, "pdf:1", 143, "the published reports are unchanged"),  # PDFs in the workers
    (signal.SIGINT, "worker", 130, "the published reports are unchanged"),  # Ctrl-C reaches the whole group
    (signal.SIGTERM, "checked", 143, "the published reports are unchanged"),  # the standby process starts
    (signal.SIGTERM, "swept", 143, "the new reports had already been published"),
]


def test_a_stopped_build_ends_its_processes_removes_its_files_and_says_so_in_one_line(scene):
    runs = [Run(scene, f"signal-{i}", pause, jobs=2, slow_pdf=0.5) for i, (_, pause, _, _) in enumerate(STOPS)]
    try:
        for run, (signum, pause, code, message) in zip(runs, STOPS):
            run.wait_for_pause()
            returncode, stderr = run.kill(signum, group=signum == signal.SIGINT)
            assert (returncode, stderr) == (code, f"vlrgen: stopped; {message}\n"), pause
            assert run.processes_left() == [], pause
            assert leftovers(run.out) == [], pause  # removed by the stopped build itself
            assert visible(run.out) == (scene["new"] if pause == "swept" else scene["old"]), pause
    finally:
        for run in runs:
            run.stop()


def test_a_build_refused_at_the_check_writes_nothing(scene, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(scene["projects"]["a"], broken)
    (broken / "data" / "observations.csv").write_text(
        "indicator,entity,period,value\nwater,4001,2024,høy\n", encoding="utf-8"
    )
    out = tmp_path / "new" / "out"
    report = build_projects(
        [broken, scene["projects"]["b"]], BuildOptions(out_dir=out, jobs=1, pdf_renderer=FakePdfRenderer())
    )
    assert report.problems.errors and not out.parent.exists()

    out = tmp_path / "published"
    shutil.copytree(scene["base"], out, symlinks=True)
    shutil.rmtree(out / ".vlrgen-cache")
    report = build_projects(
        [scene["projects"]["d"], broken], BuildOptions(out_dir=out, jobs=1, pdf_renderer=FakePdfRenderer())
    )
    assert report.problems.errors and not (out / ".vlrgen-cache").exists()  # d's data was read, not stored


def test_only_vlrgen_leftovers_are_removed(scene, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(scene["base"], out, symlinks=True)
    # left by vlrgen before the site versions: staging folders, a report moved aside, an index temporary
    (out / ".staging-porsgrunn-2025-41" / "assets").mkdir(parents=True)
    (out / ".staging-notodden-2025-42").mkdir()
    (out / ".index-41.html").write_text("<html>", encoding="utf-8")
    shutil.copytree(out / "skien-2025", out / ".old-skien-2025-41")
    shutil.copytree(out / "notodden-2025", out / ".old-bamble-2025-43")  # its report was never put back
    cache_tmp = next((out / ".vlrgen-cache" / "charts").glob("*/*.svg"))
    stray = cache_tmp.with_name(f".{cache_tmp.name}.41.tmp")
    stray.write_bytes(b"half")
    # look-alikes that are not vlrgen's
    foreign = [out / ".staging-mine-1", out / ".old-mine-2", out / "notes.tmp", out / ".vlrgen-cache" / "mine.tmp"]
    (foreign[0] / "docs").mkdir(parents=True)
    foreign[1].mkdir()
    foreign[2].write_text("mine", encoding="utf-8")
    foreign[3].write_text("mine", encoding="utf-8")
    os.symlink("elsewhere", out / "link-of-mine")

    site = Site(out)
    site.open()
    site.close()
    assert all(p.exists() for p in foreign) and (out / "link-of-mine").is_symlink()
    assert not stray.exists() and not (out / ".index-41.html").exists()
    assert sorted(p.name for p in out.iterdir() if p.name.startswith((".staging-", ".old-"))) == [
        ".old-mine-2",
        ".staging-mine-1",
    ]
    assert json.loads((out / "bamble-2025" / "manifest.json").read_text(encoding="utf-8"))["slug"] == "notodden-2025"


def test_a_copy_that_followed_the_links_and_a_removed_report(scene, tmp_path):
    """`cp -rL` of an output folder builds on like the original; a report whose link was removed stays out."""
    out = tmp_path / "copy"
    shutil.copytree(scene["base"], out)  # follows every link: real folders, a real `current`
    build([scene["projects"][key] for key in "abd"], out, jobs=1)
    assert visible(out) == scene["new"] and leftovers(out) == []
    assert all((out / name).is_symlink() for name in ("index.html", "skien-2025", "bamble-2025"))

    (out / "skien-2025").unlink()
    build([scene["projects"]["d"]], out, jobs=1)
    assert not (out / "skien-2025").exists() and "skien-2025" not in (out / "index.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "bamble-2025",
        "index.html",
        "notodden-2025",
        "porsgrunn-2025",
    ]


def test_never_publishes_into_a_site_folder_vlrgen_did_not_make(scene, tmp_path):
    out = tmp_path / "out"
    (out / SITE_NAME).mkdir(parents=True)
    (out / SITE_NAME / "mine.txt").write_text("mine", encoding="utf-8")
    report = build_projects([scene["projects"]["c"]], BuildOptions(out_dir=out, jobs=1, pdf_renderer=FakePdfRenderer()))
    assert [p.code for p in report.problems.errors] == ["build.foreign_folder"]
    assert sorted(p.name for p in (out / SITE_NAME).iterdir()) == ["mine.txt"]


def test_a_second_build_into_the_same_folder_waits_for_the_first(scene, tmp_path):
    """One build at a time per output folder: the lock is held from the first write to the end."""
    import threading

    out = tmp_path / "out"
    shutil.copytree(scene["base"], out, symlinks=True)
    first = Site(out)
    first.open()  # a build in progress (its version not yet published)
    unpublished = first.new_version() / "unpublished.txt"
    unpublished.write_text("the first build's work", encoding="utf-8")
    waiting: list[str] = []
    second = threading.Thread(
        target=lambda: build_projects(
            [scene["projects"]["d"]], BuildOptions(out_dir=out, jobs=1, pdf_renderer=FakePdfRenderer()), waiting.append
        )
    )
    second.start()
    deadline = time.monotonic() + 60
    while not waiting and time.monotonic() < deadline:
        time.sleep(0.05)
    assert waiting == [f"waiting for another build into {out}"] and unpublished.is_file()  # not swept as a leftover
    assert visible(out) == scene["old"]
    first.close()  # the first build ends without publishing
    second.join(timeout=60)
    assert not second.is_alive() and not unpublished.exists() and leftovers(out) == []
    assert "bamble-2025/nb/index.html" in visible(out)
