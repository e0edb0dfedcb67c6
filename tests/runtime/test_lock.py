"""The migration lock: concurrent runs, timeouts, turning it off, offline
statements, and freeing it after failures and with a caller's connection."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from schemadiff import command
from schemadiff.config import Config
from schemadiff.runtime.lock import LockTimeout, migration_lock
from tests.conftest import Backend, make_backend
from tests.helpers import make_project, run_cli, set_url, write_revision

REVS = [f"lockrev{i}" for i in range(1, 6)]
TRIALS = 20
#: Trials run with two ``python -m schemadiff``; the rest fork (see below).
REAL_TRIALS = 2
PARALLEL = 4
FORK_RUNNER = Path(__file__).with_name("_fork_runner.py")
WAITING = "Waiting for the migration lock on "

#: env.py waits here, just before run_migrations(), until both processes of
#: a trial are ready, so they ask for the lock together.
BARRIER = """
def _barrier() -> None:
    import time

    import schemadiff.operations  # noqa: F401  (what run_migrations imports)

    path = context.get_x_argument(as_dictionary=True).get("barrier")
    if not path:
        return
    with open(path, "a") as handle:
        handle.write("ready\\n")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with open(path) as handle:
            if len(handle.read().splitlines()) >= 2:
                return
        time.sleep(0.002)


def _run_with(connection) -> None:
"""


def _history(versions: Path, sleep: float = 0.1) -> None:
    """Five revisions; each mixes DDL with a data UPDATE and sleeps, and
    counts its own run in ``runs.n``."""
    rows = ", ".join(f"('{rev}', 0)" for rev in REVS)
    for i, rev in enumerate(REVS):
        if i == 0:
            ddl = (
                'op.create_table("runs", sa.Column("rev", sa.String(20), '
                'primary_key=True), sa.Column("n", sa.Integer, nullable=False))\n'
                f'op.execute("INSERT INTO runs (rev, n) VALUES {rows}")'
            )
        else:
            ddl = f'op.add_column("runs", sa.Column("c{i}", sa.Integer))'
        upgrade = (
            "import time\n"
            f"{ddl}\n"
            f"op.execute(\"UPDATE runs SET n = n + 1 WHERE rev = '{rev}'\")\n"
            f"time.sleep({sleep})"
        )
        write_revision(versions, rev, REVS[i - 1] if i else None, upgrade=upgrade)


def _project(tmp_path: Path, backend: Backend, env_edit: str = "") -> Path:
    project = make_project(tmp_path, url=backend.url)
    env = project / "migrations" / "env.py"
    text = env.read_text("utf-8")
    old = "\n    with context.begin_transaction():\n        context.run_migrations()\n"
    assert text.count(old) == 2  # offline, then online (_run_with)
    at = text.rindex(old)
    text = text[:at] + "\n    _barrier()" + text[at:]
    text = text.replace("\ndef _run_with(connection) -> None:\n", BARRIER, 1)
    if env_edit:
        old = "        connection=connection,\n"
        assert text.count(old) == 1
        text = text.replace(old, f"{old}        {env_edit},\n")
    env.write_text(text, "utf-8")
    _history(project / "migrations" / "versions")
    return project


def _ini_for(project: Path, name: str, url: str) -> Path:
    """Another ini in the same project, pointing at another database."""
    ini = project / f"{name}.ini"
    ini.write_text((project / "schemadiff.ini").read_text("utf-8"), "utf-8")
    set_url(ini, url)
    return ini


def _schemadiff(project: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "schemadiff", *args],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _state(url: str) -> tuple[dict[str, int], list[str], set[str]]:
    """(runs per revision, version rows, columns of ``runs``)."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            runs = dict(conn.execute(sa.text("SELECT rev, n FROM runs")).all())
            versions = [
                row[0]
                for row in conn.execute(
                    sa.text("SELECT version_num FROM schemadiff_version")
                )
            ]
            columns = {c["name"] for c in sa.inspect(conn).get_columns("runs")}
    finally:
        engine.dispose()
    return runs, versions, columns


def _upgrade_pair(project: Path, ini: Path, barrier: Path) -> list[tuple[int, str]]:
    args = ("-c", str(ini), "-x", f"barrier={barrier}", "upgrade", "head")
    procs = [_schemadiff(project, *args) for _ in range(2)]
    return [(proc.wait(timeout=120), proc.stdout.read()) for proc in procs]


def _forked_pairs(
    project: Path, inis: list[Path], tmp_path: Path
) -> list[list[tuple[int, str]]]:
    """Run each trial's pair of ``upgrade head`` as two forked processes."""
    groups = [
        [
            {
                "args": ["-c", str(ini), "-x", f"barrier={tmp_path / f'barrier{n}'}"]
                + ["upgrade", "head"],
                "cwd": str(project),
                "out": str(tmp_path / f"out{n}_{slot}"),
            }
            for slot in range(2)
        ]
        for n, ini in inis
    ]
    jobs = tmp_path / "jobs.json"
    jobs.write_text(json.dumps(groups), "utf-8")
    done = subprocess.run(
        [sys.executable, str(FORK_RUNNER), str(jobs), str(PARALLEL)],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    codes = json.loads(done.stdout)
    return [
        [(code, Path(job["out"]).read_text("utf-8")) for code, job in zip(row, group)]
        for row, group in zip(codes, groups)
    ]


def test_concurrent_upgrades_apply_each_revision_once(
    backend: Backend, tmp_path: Path
) -> None:
    """Two ``upgrade head`` started together, 20 times: each revision runs
    once, the version table is right, and the second one says it waited.

    Two trials start ``python -m schemadiff`` twice; the other 18 fork the
    two processes from one interpreter that imported SQLAlchemy once, which
    keeps 40 processes per backend affordable.
    """
    project = _project(tmp_path, backend)
    trials = []
    try:
        for n in range(TRIALS):
            (tmp_path / f"db{n}").mkdir()
            trials.append(make_backend(backend.name, tmp_path / f"db{n}"))
        inis = [_ini_for(project, f"trial{n}", t.url) for n, t in enumerate(trials)]
        results = [
            _upgrade_pair(project, inis[n], tmp_path / f"barrier{n}")
            for n in range(REAL_TRIALS)
        ]
        results += _forked_pairs(project, list(enumerate(inis))[REAL_TRIALS:], tmp_path)
        for n, (trial, pair) in enumerate(zip(trials, results)):
            assert [code for code, _ in pair] == [0, 0], (n, pair)
            waited = [out for _, out in pair if WAITING in out]
            ran = [out for _, out in pair if WAITING not in out]
            assert len(waited) == 1 and len(ran) == 1, (n, pair)
            # The one that waited found the work done and applied nothing.
            assert "Running upgrade" not in waited[0], (n, waited[0])
            assert waited[0].count(WAITING) == 1
            assert ran[0].count("Running upgrade") == 5, (n, ran[0])
            runs, versions, columns = _state(trial.url)
            assert runs == dict.fromkeys(REVS, 1), (n, runs)
            assert versions == [REVS[-1]]
            assert {"rev", "n", "c1", "c2", "c3", "c4"} <= columns
    finally:
        for trial in trials:
            trial.dispose()


def _hold(backend: Backend):
    """Hold the run's lock from another connection of this test."""
    engine = sa.create_engine(backend.url, poolclass=sa.pool.NullPool)
    conn = engine.connect()
    return engine, conn, migration_lock(conn, timeout=0)


def test_lock_timeout_fails_with_one_line(backend: Backend, tmp_path: Path) -> None:
    project = _project(tmp_path, backend)
    engine, conn, holding = _hold(backend)
    try:
        with holding as held:
            assert held is not None
            proc = _schemadiff(project, "--lock-timeout", "1", "upgrade", "head")
            output = proc.stdout.read()
            assert proc.wait(timeout=60) == 1, output
    finally:
        conn.close()
        engine.dispose()
    failed = [line for line in output.splitlines() if line.startswith("FAILED")]
    assert len(failed) == 1, output
    assert "Traceback" not in output
    assert re.match(
        r"FAILED: Timed out after 1s waiting for the migration lock on \S+"
        r"schemadiff_version \(.+\), held by (pid|connection) \d+",
        failed[0],
    ), failed[0]
    assert output.count(WAITING) == 1
    # Nothing was applied: the run never read or created the version table.
    assert "runs" not in sa.inspect(backend.engine).get_table_names()


def test_command_level_lock_timeout_overrides_and_zero_tries_once(
    backend: Backend, tmp_path: Path
) -> None:
    project = _project(tmp_path, backend)
    engine, conn, holding = _hold(backend)
    try:
        with holding:
            result = run_cli(
                ["--lock-timeout", "600", "upgrade", "head", "--lock-timeout", "0"],
                cwd=project,
            )
    finally:
        conn.close()
        engine.dispose()
    assert result.exit_code == 1, result.output
    assert "FAILED: Timed out after 0s waiting for the migration lock" in result.output
    result = run_cli(["--lock-timeout", "0", "upgrade", "head"], cwd=project)
    assert result.exit_code == 0, result.output
    assert _state(backend.url)[0] == dict.fromkeys(REVS, 1)


def test_migration_lock_false_runs_without_the_lock(
    backend: Backend, tmp_path: Path
) -> None:
    project = _project(tmp_path, backend, env_edit="migration_lock=False")
    engine, conn, holding = _hold(backend)
    try:
        with holding:
            result = run_cli(["--lock-timeout", "0", "upgrade", "head"], cwd=project)
    finally:
        conn.close()
        engine.dispose()
    assert result.exit_code == 0, result.output
    assert WAITING not in result.output
    runs, versions, _ = _state(backend.url)
    assert runs == dict.fromkeys(REVS, 1) and versions == [REVS[-1]]


def test_read_only_commands_take_no_lock(backend: Backend, tmp_path: Path) -> None:
    project = _project(tmp_path, backend)
    assert run_cli(["upgrade", "lockrev2"], cwd=project).exit_code == 0
    engine, conn, holding = _hold(backend)
    try:
        with holding:
            current = run_cli(["--lock-timeout", "0", "current"], cwd=project)
            history = run_cli(["--lock-timeout", "0", "history", "-i"], cwd=project)
    finally:
        conn.close()
        engine.dispose()
    assert current.exit_code == 0, current.output
    assert "lockrev2" in current.output and WAITING not in current.output
    assert history.exit_code == 0, history.output
    assert "(current)" in history.output and WAITING not in history.output


def _try_lock(url: str) -> bool:
    """Whether another connection can take the lock right now."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            try:
                with migration_lock(conn, timeout=0):
                    return True
            except LockTimeout:
                return False
    finally:
        engine.dispose()


@pytest.mark.parametrize("per_migration", [False, True])
def test_lock_is_freed_after_a_failing_migration(
    backend: Backend, tmp_path: Path, per_migration: bool
) -> None:
    edit = "transaction_per_migration=True" if per_migration else ""
    project = _project(tmp_path, backend, env_edit=edit)
    versions = project / "migrations" / "versions"
    write_revision(
        versions,
        REVS[2],
        REVS[1],
        upgrade='op.execute("UPDATE runs SET no_such_column = 1")',
    )
    result = run_cli(["upgrade", "head"], cwd=project)
    assert result.exit_code == 1, result.output
    assert f"FAILED: upgrade of revision {REVS[2]}" in result.output
    assert _try_lock(backend.url)
    # The database is consistent and the next run resumes under the lock.
    fixed = "op.execute(\"UPDATE runs SET n = n + 1 WHERE rev = 'lockrev3'\")"
    write_revision(versions, REVS[2], REVS[1], upgrade=fixed)
    result = run_cli(["upgrade", "head"], cwd=project)
    assert result.exit_code == 0, result.output
    assert _state(backend.url)[0] == dict.fromkeys(REVS, 1)
    assert _try_lock(backend.url)


PROBE = """
import sqlalchemy as sa
from schemadiff.runtime.lock import LockTimeout, migration_lock

engine = sa.create_engine(
    op.get_bind().engine.url.render_as_string(hide_password=False),
    poolclass=sa.pool.NullPool,
)
try:
    with engine.connect() as other:
        with migration_lock(other, timeout=0):
            free = 1
except LockTimeout:
    free = 0
engine.dispose()
op.execute(f"UPDATE runs SET n = n + 1 WHERE rev = 'lockrev4'")
op.execute(f"UPDATE runs SET c1 = {free} WHERE rev = 'lockrev4'")
"""


def test_lock_is_kept_across_commits_and_autocommit_block(
    backend: Backend, tmp_path: Path
) -> None:
    """With one transaction per migration and an autocommit block before it,
    a later migration still finds the lock held by its own run."""
    project = _project(tmp_path, backend, env_edit="transaction_per_migration=True")
    versions = project / "migrations" / "versions"
    write_revision(
        versions,
        REVS[2],
        REVS[1],
        upgrade=(
            'op.add_column("runs", sa.Column("c2", sa.Integer))\n'
            "with op.get_context().autocommit_block():\n"
            "    op.execute(\"UPDATE runs SET n = n + 1 WHERE rev = 'lockrev3'\")"
        ),
    )
    write_revision(versions, REVS[3], REVS[2], upgrade=PROBE)
    result = run_cli(["upgrade", "head"], cwd=project)
    assert result.exit_code == 0, result.output
    engine = sa.create_engine(backend.url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        free = conn.execute(
            sa.text("SELECT c1 FROM runs WHERE rev = 'lockrev4'")
        ).scalar_one()
    engine.dispose()
    assert free == 0
    assert _state(backend.url)[0] == dict.fromkeys(REVS, 1)
    assert _try_lock(backend.url)


def test_shared_connection_keeps_the_lock_until_its_transaction_ends(
    backend: Backend, tmp_path: Path
) -> None:
    """The cookbook's "Sharing a Connection": the caller commits after the
    command returns, so the lock must outlive the command."""
    project = _project(tmp_path, backend)
    config = Config(str(project / "schemadiff.ini"))
    engine = sa.create_engine(backend.url)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            assert not _try_lock(backend.url)
        assert _try_lock(backend.url)
    finally:
        engine.dispose()
    runs, versions, _ = _state(backend.url)
    assert runs == dict.fromkeys(REVS, 1) and versions == [REVS[-1]]


def test_offline_lock_statements(server_backend: Backend, tmp_path: Path) -> None:
    backend = server_backend
    project = _project(tmp_path, backend)
    plain = run_cli(["upgrade", "head", "--sql"], cwd=project)
    assert plain.exit_code == 0, plain.output
    assert "LOCK(" not in plain.output.upper().replace("ADVISORY_", "")
    result = run_cli(["upgrade", "head", "--sql", "--lock"], cwd=project)
    assert result.exit_code == 0, result.output
    text = result.output
    locks = re.findall(r"^SELECT (?:pg_advisory_lock|GET_LOCK)\(.*\);$", text, re.M)
    unlocks = re.findall(
        r"^SELECT (?:pg_advisory_unlock|RELEASE_LOCK)\(.*\);$", text, re.M
    )
    assert len(locks) == 1 and len(unlocks) == 1, text
    lock_sql, unlock_sql = locks[0][:-1], unlocks[0][:-1]
    # The lock comes before everything else the script does, the unlock last.
    create = re.search(r"^CREATE TABLE.*schemadiff_version", text, re.M)
    assert create is not None, text
    assert text.index(lock_sql) < create.start()
    assert text.index(lock_sql) < text.index("Running upgrade")
    if "BEGIN;" in text:
        assert text.index(lock_sql) < text.index("BEGIN;")
    assert text.rindex("COMMIT;") < text.index(unlock_sql)
    assert text.rstrip().endswith(unlock_sql + ";")
    prefix = "pg_advisory_lock(" if backend.name == "postgresql" else "GET_LOCK("
    assert lock_sql.startswith("SELECT " + prefix)
    # The script's statement names the very lock an online run takes.
    engine = sa.create_engine(backend.url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(lock_sql)
            assert not _try_lock(backend.url)
            conn.exec_driver_sql(unlock_sql)
            assert _try_lock(backend.url)
    finally:
        engine.dispose()


def test_offline_lock_on_sqlite_is_one_failed_line(tmp_path: Path) -> None:
    sqlite = make_backend("sqlite", tmp_path)
    project = _project(tmp_path, sqlite)
    result = run_cli(["upgrade", "head", "--sql", "--lock"], cwd=project)
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        "FAILED: --lock: there is no migration lock statement for sqlite offline "
        "scripts; leave out --lock"
    )
    assert "Traceback" not in result.output


@pytest.mark.parametrize("args", [["downgrade", "base"], ["stamp", "base"]])
def test_downgrade_and_stamp_take_the_lock(
    backend: Backend, tmp_path: Path, args: list[str]
) -> None:
    project = _project(tmp_path, backend)
    assert run_cli(["upgrade", "head"], cwd=project).exit_code == 0
    engine, conn, holding = _hold(backend)
    try:
        with holding:
            result = run_cli(["--lock-timeout", "0", *args], cwd=project)
    finally:
        conn.close()
        engine.dispose()
    assert result.exit_code == 1, result.output
    assert "FAILED: Timed out after 0s waiting for the migration lock" in result.output
    assert _state(backend.url)[1] == [REVS[-1]]
    result = run_cli(["--lock-timeout", "0", *args], cwd=project)
    assert result.exit_code == 0, result.output
    with backend.engine.connect() as check:
        versions = check.execute(sa.text("SELECT version_num FROM schemadiff_version"))
        assert versions.all() == []


def test_api_waits_then_takes_the_lock(backend: Backend) -> None:
    """``migration_lock()`` (the API for programs): a second connection says
    once that it waits, names the holder, and gets the lock once it's freed."""
    import threading

    said: list[str] = []
    holder = backend.engine.connect()
    waiter = backend.engine.connect()
    try:
        with migration_lock(holder) as first:
            assert first is not None and not first.waited
            timer = threading.Timer(0.3, first.release)
            timer.start()
            try:
                with migration_lock(waiter, timeout=30, on_wait=said.append) as got:
                    assert got is not None and got.waited
                    assert got.description == first.description
            finally:
                timer.join()
    finally:
        holder.close()
        waiter.close()
    assert len(said) == 1
    assert said[0].startswith(f"{WAITING}{first.description}, held by ")
    assert _try_lock(backend.url)


def test_a_dialect_without_a_lock_runs_unlocked(
    backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    """The generic implementation's hook returns no lock: the run goes on
    unlocked, with a debug line, even while a built-in lock is held."""
    from schemadiff.ddl.impl import DefaultImpl
    from schemadiff.runtime.lock import acquire

    engine, conn, holding = _hold(backend)
    try:
        with holding, backend.engine.connect() as other:
            generic = DefaultImpl(other.dialect, other, False, None, None, {})
            with caplog.at_level("DEBUG", logger="schemadiff.runtime.lock"):
                assert acquire(generic, timeout=0) is None
            assert other.exec_driver_sql("SELECT 1").scalar() == 1
    finally:
        conn.close()
        engine.dispose()
    assert (
        f"No migration lock for dialect {backend.dialect_name}; running without one"
        in caplog.text
    )
