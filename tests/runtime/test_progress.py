"""Progress of a migration run: every revision logs its elapsed time, long
runs number their steps ``[n/total]``, colour only on a terminal."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import sqlalchemy as sa

from schemadiff.runtime.progress import LONG_RUN, Progress, use_colour
from tests.helpers import make_project, run_cli, write_revision

FINISHED = re.compile(r"Finished upgrade (\S*) -> (\S+), .* in \d+\.\d{3}s$")


def project_with(backend, tmp_path: Path, count: int) -> Path:
    proj = make_project(tmp_path, url=backend.url)
    down = None
    for n in range(1, count + 1):
        rev = f"r{n:02d}"
        write_revision(
            proj / "migrations" / "versions",
            rev,
            down,
            upgrade=f'op.create_table("t{n:02d}", sa.Column("id", sa.Integer, '
            "primary_key=True))",
            downgrade=f'op.drop_table("t{n:02d}")',
        )
        down = rev
    return proj


def test_long_run_numbers_its_steps_and_times_each(backend, tmp_path: Path) -> None:
    count = LONG_RUN + 2
    proj = project_with(backend, tmp_path, count)
    result = run_cli(["upgrade", "head"], cwd=proj)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    running = [line for line in lines if "Running upgrade" in line]
    assert [line.split("] ", 1)[1].split(" Running")[0] for line in running] == [
        f"[{n:>2}/{count}]" for n in range(1, count + 1)
    ]
    finished = [m for line in lines if (m := FINISHED.search(line))]
    assert [m.group(2) for m in finished] == [f"r{n:02d}" for n in range(1, count + 1)]
    assert "\033" not in result.output  # a pipe, not a terminal
    tables = set(sa.inspect(backend.engine).get_table_names())
    assert {f"t{n:02d}" for n in range(1, count + 1)} <= tables


def test_short_run_keeps_the_plain_running_lines(backend, tmp_path: Path) -> None:
    proj = project_with(backend, tmp_path, 3)
    result = run_cli(["upgrade", "head"], cwd=proj)
    assert result.exit_code == 0, result.output
    running = [line for line in result.output.splitlines() if "] Running " in line]
    assert running == [
        "INFO  [schemadiff.runtime.migration] Running upgrade  -> r01, r01",
        "INFO  [schemadiff.runtime.migration] Running upgrade r01 -> r02, r02",
        "INFO  [schemadiff.runtime.migration] Running upgrade r02 -> r03, r03",
    ]
    assert sum(1 for line in result.output.splitlines() if FINISHED.search(line)) == 3
    result = run_cli(["downgrade", "base"], cwd=proj)
    assert result.exit_code == 0, result.output
    assert result.output.count("Finished downgrade") == 3
    assert sa.inspect(backend.engine).get_table_names() in (
        [],
        ["schemadiff_version"],
    )


def _logger_on(stream, name: str) -> logging.Logger:
    logger = logging.getLogger(name)
    logger.propagate = False
    logger.handlers[:] = [logging.StreamHandler(stream)]
    return logger


def test_colour_only_on_a_terminal(tmp_path: Path) -> None:
    master, slave = os.openpty()
    tty = os.fdopen(slave, "w")
    try:
        logger = _logger_on(tty, "schemadiff.test_progress.tty")
        assert use_colour(logger, {}) is True
        assert use_colour(logger, {"NO_COLOR": "1"}) is False
        assert use_colour(logger, {"TERM": "dumb"}) is False
        progress = Progress(LONG_RUN + 1, logger)
        progress._colour = use_colour(logger, {})
        assert progress.start() == f"\033[2m[ 1/{LONG_RUN + 1}]\033[0m "

        with open(tmp_path / "pipe.txt", "w") as not_tty:
            piped = _logger_on(not_tty, "schemadiff.test_progress.file")
            assert use_colour(piped, {}) is False
        to_file = logging.getLogger("schemadiff.test_progress.filehandler")
        to_file.propagate = False
        handler = logging.FileHandler(tmp_path / "log.txt")
        to_file.handlers[:] = [handler]
        assert use_colour(to_file, {}) is False
        handler.close()
        # one terminal and one file: the file wins
        both = _logger_on(tty, "schemadiff.test_progress.both")
        both.addHandler(logging.FileHandler(tmp_path / "log2.txt"))
        assert use_colour(both, {}) is False
        for h in both.handlers:
            h.close()
    finally:
        tty.close()
        os.close(master)
