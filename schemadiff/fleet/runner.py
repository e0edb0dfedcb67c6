"""The fleet's process pool: N spawned workers, one target each at a time.

The parent hands a target to the shared task queue only while fewer targets
are in flight than there are workers, so stopping (Ctrl-C, ``--fail-fast``)
means simply not handing out more.  Workers ignore SIGINT; the first Ctrl-C
sets an event the running migrations check between two revisions, a second
one terminates the workers (a transactional backend rolls their revision
back).  A worker that dies takes only its current target down with it.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from schemadiff.fleet import report
from schemadiff.fleet.targets import Target
from schemadiff.fleet.worker import ConfigSpec, Result, main

ACTIONS = ("upgrade", "downgrade", "current", "check")
#: how often the parent looks at its workers while waiting for results
_POLL = 0.1


@dataclass
class FleetRun:
    """The outcome of a fleet run, results in the targets file's order."""

    results: list[Result]
    jobs: int
    seconds: float
    interrupted: bool


class _Progress:
    """One live line on a terminal, else one line per finished target."""

    def __init__(self, config: Any, total: int, output_format: str) -> None:
        self.config = config
        self.total = total
        self.finished = 0
        self.failed = 0
        quiet = config.messaging_quiet
        self.live = not quiet and _isatty(sys.stderr)
        self.lines = not quiet and not self.live
        # JSON owns stdout; per-target lines go to stderr then.
        self.stream = sys.stderr if output_format == "json" else None

    def update(self, running: int) -> None:
        if self.live:
            line = report.progress_line(self.finished, self.total, self.failed, running)
            sys.stderr.write("\r\033[K" + line)
            sys.stderr.flush()

    def done(self, result: Result, running: int) -> None:
        self.finished += 1
        if result.status in report.FAILED:
            self.failed += 1
        if self.lines:
            line = report.target_line(result, self.finished, self.total)
            if self.stream is not None:
                self.stream.write(line + "\n")
                self.stream.flush()
            else:
                self.config.print_stdout(line)
        self.update(running)

    def close(self) -> None:
        if self.live:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


@contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Spawned workers inherit an ignored SIGINT, so a Ctrl-C during their
    start-up can't kill them before they install their own handling."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


#: imported once by the fork server, so forked workers start warm
_PRELOAD = [
    "schemadiff.fleet.worker",
    "schemadiff.command",
    "schemadiff.runtime.migration",
]


def _driver_modules(targets: Sequence[Target]) -> list[str]:
    """The SQLAlchemy dialect and DB-API modules the targets connect with, so
    the fork server imports them once (one that is missing is skipped)."""
    from sqlalchemy.engine import make_url

    found: list[str] = []
    for target in targets:
        try:
            url = make_url(target.url)
            names = [url.get_dialect().__module__, url.get_driver_name()]
        except Exception:
            continue
        names = ["sqlite3" if n == "pysqlite" else n for n in names]
        found.extend(n for n in names if n and n not in found)
    return found


def _context(preload: Sequence[str] = ()) -> Any:
    """forkserver where the platform has it (workers fork from a server that
    has already imported schemadiff and SQLAlchemy, and it is reused by later
    runs in the same process), else spawn; never plain fork, which would copy
    the parent's connections and threads.  ``SCHEMADIFF_FLEET_START=spawn``
    picks spawn."""
    methods = multiprocessing.get_all_start_methods()
    wanted = os.environ.get("SCHEMADIFF_FLEET_START", "forkserver")
    method = wanted if wanted in ("spawn", "forkserver") else "forkserver"
    if method not in methods:
        method = "spawn"
    ctx = multiprocessing.get_context(method)
    if method == "forkserver":
        ctx.set_forkserver_preload([*_PRELOAD, *preload])
    return ctx


class _Pool:
    def __init__(
        self,
        config: Any,
        action: str,
        revision: str | None,
        jobs: int,
        preload: Sequence[str] = (),
    ) -> None:
        self.ctx = _context(preload)
        self.tasks: Any = self.ctx.Queue()
        self.results: Any = self.ctx.Queue()
        self.stop = self.ctx.Event()
        self.args = (ConfigSpec.of(config), action, revision)
        self.jobs = jobs
        self.workers: dict[int, Any] = {}
        self.current: dict[int, str] = {}
        self._next_id = 0
        self.restarts = 0

    def start_worker(self) -> None:
        wid = self._next_id
        self._next_id += 1
        process = self.ctx.Process(
            target=main,
            args=(*self.args, self.tasks, self.results, self.stop, wid),
            name=f"schemadiff-fleet-{wid}",
            daemon=True,
        )
        with _sigint_ignored():
            process.start()
        self.workers[wid] = process

    def dead(self) -> list[tuple[int, Any]]:
        gone = [(w, p) for w, p in self.workers.items() if not p.is_alive()]
        for wid, _ in gone:
            del self.workers[wid]
        return gone

    def shutdown(self, force: bool) -> None:
        if force:
            for process in self.workers.values():
                process.terminate()
        else:
            for _ in self.workers:
                self.tasks.put(None)
        deadline = time.monotonic() + 10
        for process in self.workers.values():
            process.join(max(0.1, deadline - time.monotonic()))
            if process.is_alive():
                process.terminate()
                process.join(1)
        self.tasks.close()
        self.results.close()
        self.tasks.cancel_join_thread()


def run_fleet(
    config: Any,
    action: str,
    revision: str | None,
    targets: Sequence[Target],
    jobs: int | None = None,
    fail_fast: bool = False,
    output_format: str = "text",
) -> FleetRun:
    """Run ``action`` on ``targets`` with ``jobs`` workers; never raises for
    one target's failure.  Ctrl-C stops handing out targets (see module doc)."""
    started = time.perf_counter()
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(targets)))
    by_name = {t.name: t for t in targets}
    pending = deque(targets)
    finished: dict[str, Result] = {}
    progress = _Progress(config, len(targets), output_format)
    pool = _Pool(config, action, revision, jobs, _driver_modules(targets))
    state = {"interrupts": 0}
    stopping = False
    queued = 0

    def on_sigint(signum: int, frame: Any) -> None:
        # Only flags here: writing from a signal handler could re-enter a
        # stream the main loop is writing to.
        state["interrupts"] += 1
        pool.stop.set()

    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, on_sigint) if in_main else None
    force = False
    try:
        for _ in range(jobs):
            pool.start_worker()
        progress.update(0)
        while len(finished) < len(targets):
            if state["interrupts"] >= 2:
                force = True
                break
            if state["interrupts"] and not stopping and not config.messaging_quiet:
                sys.stderr.write(
                    ("\n" if progress.live else "")
                    + "Interrupted: no new targets; running ones stop after their "
                    "current revision (Ctrl-C again to kill them)\n"
                )
                sys.stderr.flush()
            stopping = stopping or state["interrupts"] > 0
            while (
                not stopping
                and pending
                and queued + len(pool.current) < len(pool.workers)
            ):
                pool.tasks.put(pending.popleft())
                queued += 1
            if stopping and not queued and not pool.current:
                break
            try:
                kind, wid, payload = pool.results.get(timeout=_POLL)
            except queue.Empty:
                queued = _reap(pool, finished, by_name, pending, progress, queued)
                if not pool.workers and (pending or queued):
                    break
                continue
            if kind == "start":
                queued -= 1
                pool.current[wid] = payload
                progress.update(len(pool.current))
                continue
            if payload.status == "skipped":
                queued -= 1
            pool.current.pop(wid, None)
            finished[payload.name] = payload
            progress.done(payload, len(pool.current))
            if fail_fast and payload.status in report.FAILED:
                stopping = True
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
        pool.shutdown(force)
        progress.close()
    for name in pool.current.values():
        if name not in finished:
            finished[name] = Result(
                name,
                by_name[name].display_url,
                by_name[name].schema,
                "interrupted",
                error="terminated by a second Ctrl-C",
            )
    for target in targets:
        if target.name not in finished:
            finished[target.name] = Result(
                target.name, target.display_url, target.schema, "skipped"
            )
    return FleetRun(
        [finished[t.name] for t in targets],
        jobs,
        time.perf_counter() - started,
        state["interrupts"] > 0,
    )


def _reap(
    pool: _Pool,
    finished: dict[str, Result],
    by_name: dict[str, Target],
    pending: deque[Target],
    progress: _Progress,
    queued: int,
) -> int:
    """Account for workers that died: their target failed; start a stand-in
    while work is left (a worker that can't even start isn't restarted for
    ever).  Returns the corrected count of queued tasks."""
    for wid, process in pool.dead():
        name = pool.current.pop(wid, None)
        if name is not None and name not in finished:
            target = by_name[name]
            result = Result(
                name,
                target.display_url,
                target.schema,
                "failed",
                error=f"the worker process died (exit code {process.exitcode})",
            )
            finished[name] = result
            progress.done(result, len(pool.current))
        if (pending or queued) and pool.restarts < len(by_name):
            pool.restarts += 1
            pool.start_worker()
    return queued
