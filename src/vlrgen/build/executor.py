"""The executor: runs the build's tasks serially or in worker processes, and hands back futures.

It knows nothing of what a task does: the pipeline gives it functions and items, the modules
a worker should import before its first task, and a warm-up function. Serial for `--jobs 1`;
otherwise a queue in this process feeds a process pool, at most `jobs` tasks at once, whose
workers are recycled after a bounded number of heavy tasks so memory stays bounded (WeasyPrint
does not give memory back). An incremental build can keep one forked standby process ready.

Stopping: `terminate()` ends every worker and the standby process at once (a build stopped by a
signal). Worker processes ignore SIGINT (Ctrl-C reaches the whole process group; the build stops
them itself, so no worker prints a traceback) and end when the build process ends, even killed with
SIGKILL; the fork server then ends as well (it waits for its workers), so no process is left behind.
"""

from __future__ import annotations

import functools
import heapq
import importlib
import multiprocessing
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

__all__ = ["TASKS_PER_WORKER", "Executor", "make_executor"]

TASKS_PER_WORKER = 6  # heavy tasks (PDFs) per worker before recycling: a WeasyPrint layout keeps its peak memory


class Executor:
    """Runs tasks serially (`--jobs 1`, tests) or in worker processes, and hands back futures.

    Tasks wait in a queue in this process and go to the workers one per free worker, highest
    priority first (charts before PDFs, since pages wait for their charts; larger PDFs before
    smaller ones, so no long layout starts last). Never more than `jobs` tasks run at once, also
    while the workers are being recycled.
    """

    def __init__(self, jobs: int, preload: tuple[str, ...] = ()):
        self.jobs = max(1, jobs)
        self.preload = preload
        self._pool: ProcessPoolExecutor | None = None
        self._tasks = 0
        self._starting: threading.Thread | None = None
        self._lock = threading.RLock()
        self._queue: list = []  # heap of (-priority, sequence, function, item, future, heavy)
        self._sequence = 0
        self._running = 0
        self._retired: list[ProcessPoolExecutor] = []  # recycled pools still finishing their last tasks
        self._standby: _Standby | None = None
        self._standing: list[_Standby] = []  # standby processes given a task
        self._closed = False  # terminated: no new process starts

    def warm_up(self, function: Callable, item) -> None:
        """Start the workers now (a cold build), so their start-up overlaps reading the project; each
        runs `function(item)` first (e.g. loads its fonts).

        Starting the pool blocks until the fork server has loaded its modules, so it happens in a
        thread; the first real task waits for that thread.
        """
        if self.jobs > 1:
            self._starting = threading.Thread(
                target=lambda: [self.submit(function, item, priority=1e9) for _ in range(self.jobs)],
                daemon=True,
            )
            self._starting.start()

    def stand_by(self, modules: tuple[str, ...]) -> None:
        """An incremental build: fork one process now that imports `modules` (e.g. WeasyPrint) while this one
        works out what changed. A lone changed PDF then starts there at once, beside the rest of the
        build, instead of after it in this process; unused, the process is simply ended."""
        if self.jobs > 1 and self._standby is None and not self._closed:
            self._standby = _Standby(modules)

    def submit_standby(self, function: Callable, item) -> Future | None:
        """Run one task in the standby process, or None when there is none (or it is taken)."""
        standby, self._standby = self._standby, None
        if standby is None:
            return None
        self._standing.append(standby)
        return standby.run(function, item)

    @property
    def started(self) -> bool:
        """Are worker processes running (so one more task costs no start-up)?"""
        return self._pool is not None

    def submit(
        self, function: Callable, item, inline: bool = False, heavy: bool = False, priority: float = 0
    ) -> Future:
        """Start one task; serial executors (or `inline=True`) run it at once, in this process.

        Only heavy tasks (PDF layouts, which keep their peak memory) count towards recycling.
        """
        starting = self._starting
        if starting is not None and starting is not threading.current_thread():
            starting.join()
            self._starting = None
        future: Future = Future()
        if self.jobs == 1 or inline:
            try:
                future.set_result(function(item))
            except Exception as exc:  # the caller sees it through the future, like a worker's
                future.set_exception(exc)
            return future
        with self._lock:
            heapq.heappush(self._queue, (-priority, self._sequence, function, item, future, heavy))
            self._sequence += 1
            self._dispatch()
        return future

    def _dispatch(self) -> None:
        with self._lock:
            while self._queue and self._running < self.jobs and not self._closed:
                _, _, function, item, future, heavy = heapq.heappop(self._queue)
                if not future.set_running_or_notify_cancel():
                    continue  # cancelled while it waited
                try:
                    if self._pool is None or (heavy and self._tasks >= self.jobs * TASKS_PER_WORKER):
                        # A new pool after a bounded number of PDFs recycles the workers (ProcessPoolExecutor's
                        # own max_tasks_per_child can hang on Python 3.11); the old one ends after its last task.
                        if self._pool is not None:
                            self._pool.shutdown(wait=False)
                            self._retired.append(self._pool)
                        context = multiprocessing.get_context("forkserver")
                        context.set_forkserver_preload(list(self.preload))
                        self._pool = ProcessPoolExecutor(
                            max_workers=self.jobs,
                            mp_context=context,
                            initializer=_worker_started,
                            initargs=(os.getpid(),),
                        )
                        self._tasks = 0
                    self._tasks += 1 if heavy else 0
                    inner = self._pool.submit(function, item)
                except Exception as exc:  # no pool, or a broken one: the caller sees why through the future
                    future.set_exception(exc)
                    continue
                self._running += 1
                inner.add_done_callback(functools.partial(self._finished, future))

    def _finished(self, future: Future, inner: Future) -> None:
        """Runs in the pool's own thread: hand the outcome over, then start the next queued task."""
        try:
            with self._lock:
                self._running -= 1
            exception = inner.exception()
            if exception is not None:
                future.set_exception(exception)
            else:
                future.set_result(inner.result())
        finally:
            self._dispatch()

    def close(self) -> None:
        """Cancel what still waits, then wait for running tasks and every worker, old pools included.

        Stopped while it waits (a signal), it ends the workers at once (`terminate`)."""
        try:
            self._close()
        except BaseException:
            self.terminate()
            raise

    def _close(self) -> None:
        if self._starting is not None:
            self._starting.join()
            self._starting = None
        with self._lock:
            for *_, future, _ in self._queue:
                future.cancel()
            self._queue.clear()
            pools = self._retired + ([self._pool] if self._pool is not None else [])
        for pool in pools:  # still listed while they finish, so that `terminate` can end them
            pool.shutdown()
        with self._lock:
            self._retired = [p for p in self._retired if p not in pools]
            if self._pool in pools:
                self._pool, self._tasks = None, 0
        standby, self._standby = self._standby, None
        if standby is not None:
            standby.end()  # never used: nothing to wait for
        for busy in self._standing:  # a task in progress finishes (it may be writing into the new version)
            busy.wait()
        self._standing = []

    def terminate(self) -> None:
        """Stop now (the build was stopped): cancel what waits, end every worker and the standby process
        without waiting for their tasks. Waits only for a worker pool being started in another thread."""
        with self._lock:
            self._closed = True
            for *_, future, _ in self._queue:
                future.cancel()
            self._queue.clear()
            pools = self._retired + ([self._pool] if self._pool is not None else [])
            self._pool, self._tasks, self._retired = None, 0, []
            standbys = self._standing + ([self._standby] if self._standby is not None else [])
            self._standby, self._standing = None, []
        for standby in standbys:
            standby.end()
        for pool in pools:
            end_processes(pool)
            pool.shutdown(wait=True, cancel_futures=True)

    def pids(self) -> list[int]:
        """The worker and standby processes running now (for tests and diagnostics)."""
        with self._lock:
            pools = self._retired + ([self._pool] if self._pool is not None else [])
            found = [pid for pool in pools for pid in (getattr(pool, "_processes", None) or {})]
            standbys = self._standing + ([self._standby] if self._standby is not None else [])
        return found + [s.pid for s in standbys if s.pid is not None]

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Standby:
    """One forked process for one task; its result comes back through a pipe, read by a thread."""

    def __init__(self, modules: tuple[str, ...]):
        context = multiprocessing.get_context("fork")  # a copy of this process as it is: fast to start
        self._connection, child = context.Pipe()
        self._process = context.Process(target=_standby_main, args=(child, modules, os.getpid()), daemon=True)
        self._process.start()
        child.close()

    def run(self, function: Callable, item) -> Future:
        future: Future = Future()
        future.set_running_or_notify_cancel()

        def receive() -> None:
            try:
                ok, value = self._connection.recv()
            except (EOFError, OSError) as exc:  # the process died (out of memory?)
                ok, value = False, exc
            finally:
                self.end()
            future.set_result(value) if ok else future.set_exception(value)

        try:
            self._connection.send((function, item))
        except OSError as exc:
            self.end()
            future.set_exception(exc)
            return future
        threading.Thread(target=receive, daemon=True).start()
        return future

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process.is_alive() else None

    def wait(self) -> None:
        self._process.join()

    def end(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join(timeout=5)
        self._connection.close()


def end_processes(pool: object) -> None:
    """End a process pool's worker processes now (terminated; killed if still there after 5 seconds)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join(timeout=5)


def _worker_started(build: int) -> None:
    """First thing in every worker process: leave Ctrl-C to the build, and end when the build ends.

    A worker's parent is the fork server, and the fork server waits for every worker to close its pipe
    before it ends: nothing would end them after a killed build. A thread waits for the build's end."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_end_with, args=(build,), daemon=True).start()


def _end_with(build: int) -> None:
    try:
        handle = os.pidfd_open(build)  # Linux 5.3: readable once the process has ended
    except (AttributeError, OSError):  # elsewhere: look twice a second
        while _alive(build):
            time.sleep(0.5)
    else:
        select.select([handle], [], [])
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] if sys.platform == "linux" else ""
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return state != "Z"


def _die_with_parent(build: int) -> None:
    """On Linux, the kernel kills this process when its parent (the build) ends; if it already has, end now."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if not _alive(build):
        os._exit(1)


def _standby_main(connection, modules: tuple[str, ...], build: int) -> None:
    # forked from the build with its signal handlers: Ctrl-C and SIGTERM are the build's to handle
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent(build)
    for module in modules:
        importlib.import_module(module)
    try:
        function, item = connection.recv()
    except EOFError:
        return
    try:
        connection.send((True, function(item)))
    except Exception as exc:  # the caller sees it through the future
        connection.send((False, exc))


def make_executor(jobs: int | None, preload: tuple[str, ...] = ()) -> Executor:
    """`jobs` workers (None: one per core) that import `preload` before their first task."""
    return Executor(jobs or os.cpu_count() or 1, preload)
