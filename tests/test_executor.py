"""The worker pool: bounded concurrency, priorities, recycling and errors."""

import os
import time

import pytest

from vlrgen.build import executor as executor_module
from vlrgen.build.executor import Executor


def timed_task(item):
    """Sleep, then report which process ran the task and when (top-level so workers can import it)."""
    name, seconds = item
    if name == "fail":
        raise ValueError("this task fails")
    start = time.monotonic()
    time.sleep(seconds)
    return name, os.getpid(), start, time.monotonic()


def test_at_most_jobs_tasks_run_at_once_also_across_recycling(monkeypatch):
    monkeypatch.setattr(executor_module, "TASKS_PER_WORKER", 2)  # a new pool after every 4 heavy tasks
    with Executor(2) as executor:
        futures = [executor.submit(timed_task, (f"t{i}", 0.15), heavy=True) for i in range(10)]
        results = [f.result(timeout=120) for f in futures]
    assert [r[0] for r in results] == [f"t{i}" for i in range(10)]
    events = sorted([(r[2], 1) for r in results] + [(r[3], -1) for r in results])
    running = peak = 0
    for _, step in events:
        running += step
        peak = max(peak, running)
    assert peak <= 2
    assert len({r[1] for r in results}) > 2  # the workers were replaced


def test_queued_tasks_start_by_priority():
    with Executor(2) as executor:
        # both workers busy; one frees early, so exactly one queued task can start then
        blockers = [executor.submit(timed_task, (f"busy{i}", seconds)) for i, seconds in enumerate((0.4, 1.5))]
        low = executor.submit(timed_task, ("low", 0.01), priority=1)
        high = executor.submit(timed_task, ("high", 0.01), priority=5)
        [b.result(timeout=120) for b in blockers]
        assert high.result(timeout=120)[2] <= low.result(timeout=120)[2]


def test_a_failing_task_reaches_the_caller():
    with Executor(2) as executor:
        failing = executor.submit(timed_task, ("fail", 0))
        fine = executor.submit(timed_task, ("fine", 0))
        with pytest.raises(ValueError, match="this task fails"):
            failing.result(timeout=120)
        assert fine.result(timeout=120)[0] == "fine"


def test_source_reading_spread_over_the_workers_keeps_the_parts_order():
    """build.pipeline._spread_over: the first part is read in this process, the others by the workers (the
    slower ones first here), and the results come back in the parts' order."""
    from vlrgen.build.pipeline import _spread_over

    parts = [("a", 0.0), ("b", 0.4), ("c", 0.2), ("d", 0.0)]
    with Executor(2) as executor:
        results = _spread_over(executor)(timed_task, parts, [1.0, 1.0, 2.0, 1.0])
    assert [r[0] for r in results] == ["a", "b", "c", "d"]
    assert results[0][1] == os.getpid() and {r[1] for r in results[1:]}.isdisjoint({os.getpid()})
