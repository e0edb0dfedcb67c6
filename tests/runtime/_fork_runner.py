"""Run many ``schemadiff`` command lines as separate processes, cheaply.

The concurrency test needs 40 processes per backend.  Starting each with
``python -m schemadiff`` spends most of its time importing SQLAlchemy and the
drivers; this runner imports them once and ``fork()``s a child per command
line.  Each child is a real process with its own connections, running the
CLI entry point (``schemadiff.cli.main``) with its own arguments, working
directory and output file; nothing is shared with the parent after the fork.

Usage: ``python tests/runtime/_fork_runner.py JOBS.json PARALLEL``; JOBS is a
list of groups, each a list of ``{"args": [...], "cwd": ..., "out": ...}``
started together; at most PARALLEL groups run at once.  Prints a JSON list of
exit codes per group.
"""

from __future__ import annotations

import json
import os
import sys
import traceback

import sqlalchemy  # noqa: F401  (imported once, before the forks)

import schemadiff.cli
import schemadiff.command  # noqa: F401
import schemadiff.operations  # noqa: F401
import schemadiff.runtime.environment  # noqa: F401

for driver in ("psycopg", "pymysql", "sqlite3"):
    __import__(driver)


def _child(job: dict) -> None:
    """Become ``schemadiff ARGS`` in ``cwd``, output to ``out``; never return."""
    code = 1
    try:
        fd = os.open(job["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
        os.chdir(job["cwd"])
        sys.argv = ["schemadiff", *job["args"]]
        schemadiff.cli.main(args=job["args"], prog_name="schemadiff")
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (exit_.code is not None)
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(int(code))


def _start(group: list[dict]) -> list[int]:
    pids = []
    for job in group:
        pid = os.fork()
        if pid == 0:
            _child(job)
        pids.append(pid)
    return pids


def main() -> None:
    groups = json.loads(open(sys.argv[1]).read())
    parallel = int(sys.argv[2])
    sys.stdout.flush()
    sys.stderr.flush()
    codes: list[list[int | None]] = [[None] * len(group) for group in groups]
    where: dict[int, tuple[int, int]] = {}
    running: dict[int, int] = {}  # group index -> children still running
    pending = list(range(len(groups)))
    while pending or where:
        while pending and len(running) < parallel:
            index = pending.pop(0)
            for slot, pid in enumerate(_start(groups[index])):
                where[pid] = (index, slot)
            running[index] = len(groups[index])
        pid, status = os.wait()
        index, slot = where.pop(pid)
        codes[index][slot] = os.waitstatus_to_exitcode(status)
        running[index] -= 1
        if not running[index]:
            del running[index]
    print(json.dumps(codes))


if __name__ == "__main__":
    main()
