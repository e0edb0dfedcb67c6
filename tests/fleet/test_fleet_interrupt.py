"""Ctrl-C and ``--fail-fast``: no new target starts, a running one stops
after its current revision (whose work is kept), and the report says so."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import MARIADB_URL, POSTGRESQL_URL, _admin
from tests.fleet._project import make_fleet_project

pytestmark = [pytest.mark.postgresql, pytest.mark.mariadb, pytest.mark.sqlite]


@pytest.fixture
def small_fleet(tmp_path: Path) -> Iterator[tuple[Path, Path, dict[str, str]]]:
    """sqlite_a, a PostgreSQL schema, a MariaDB database, sqlite_b: in order."""
    project = make_fleet_project(tmp_path, ("r1", "r2", "r3"))
    tag = uuid.uuid4().hex[:8]
    schema, database = f"fleeti_{tag}", f"fleeti_{tag}_m"
    with _admin("postgresql").connect() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    with _admin("mariadb").connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {database}"))
    pg = sa.make_url(POSTGRESQL_URL)
    maria = sa.make_url(MARIADB_URL)
    urls = {
        "sqlite_a": f"sqlite:///{tmp_path / 'a.db'}",
        "pg": pg.update_query_dict(
            {"options": f"-csearch_path={schema}"}
        ).render_as_string(hide_password=False),
        "maria": maria.set(database=database).render_as_string(hide_password=False),
        "sqlite_b": f"sqlite:///{tmp_path / 'b.db'}",
    }
    pg_url = pg.render_as_string(hide_password=False)
    maria_url = maria.render_as_string(hide_password=False)
    targets = tmp_path / "targets.toml"
    targets.write_text(
        f'[[target]]\nname = "sqlite_a"\nurl = "{urls["sqlite_a"]}"\n'
        f'[[target]]\nname = "pg"\nurl = "{pg_url}"\nschema = "{schema}"\n'
        f'[[target]]\nname = "maria"\nurl = "{maria_url}"\nschema = "{database}"\n'
        f'[[target]]\nname = "sqlite_b"\nurl = "{urls["sqlite_b"]}"\n',
        "utf-8",
    )
    try:
        yield project, targets, urls
    finally:
        with _admin("postgresql").connect() as conn:
            conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        with _admin("mariadb").connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {database}"))


def _rows(url: str, sql: str) -> list[tuple]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.text(sql))]
    finally:
        engine.dispose()


def _fleet(project: Path, targets: Path, *args: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "schemadiff", "fleet", "upgrade", "--targets"]
        + [str(targets), "--jobs", "1", "--format", "json", *args],
        cwd=project,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_ctrl_c_lets_the_running_target_finish_its_revision(small_fleet) -> None:
    project, targets, urls = small_fleet
    run = _fleet(project, targets, FLEET_SLEEP="0.5")
    assert run.stderr is not None
    first = run.stderr.readline()  # the per-target line of the first target
    assert first.startswith("[1/4] sqlite_a: migrated"), first
    time.sleep(0.5)  # pg has begun (each of its revisions takes 0.5 s)
    run.send_signal(signal.SIGINT)
    out, err = run.communicate(timeout=120)
    assert run.returncode == 1, err
    assert "FAILED: fleet upgrade: interrupted; 2 target(s) not started" in err
    doc = json.loads(out)
    assert doc["interrupted"] is True
    statuses = {t["name"]: t["status"] for t in doc["targets"]}
    assert statuses == {
        "sqlite_a": "migrated",
        "pg": "interrupted",
        "maria": "skipped",
        "sqlite_b": "skipped",
    }
    pg = next(t for t in doc["targets"] if t["name"] == "pg")
    # the revision it was in finished and was kept; the next never started
    applied = pg["applied"]
    assert applied < 3 and pg["to"] == ([f"r{applied}"] if applied else [])
    versions = _rows(urls["pg"], "SELECT version_num FROM schemadiff_version")
    assert versions == [(rev,) for rev in pg["to"]]
    if applied:
        logged = [r[0] for r in _rows(urls["pg"], "SELECT rev FROM migration_log")]
        assert logged == [f"r{n}" for n in range(1, applied + 1)]
    assert not sa.inspect(sa.create_engine(urls["maria"])).get_table_names()


def test_fail_fast_starts_nothing_after_a_failure(small_fleet) -> None:
    project, targets, urls = small_fleet
    _rows(urls["sqlite_a"], "SELECT 1")
    engine = sa.create_engine(urls["sqlite_a"])
    with engine.begin() as conn:  # r1 can't create a table that exists
        conn.execute(sa.text("CREATE TABLE items (id INTEGER)"))
    engine.dispose()
    out, err = _fleet(project, targets, "--fail-fast").communicate(timeout=120)
    doc = json.loads(out)
    assert [t["status"] for t in doc["targets"]] == [
        "failed",
        "skipped",
        "skipped",
        "skipped",
    ]
    assert "already exists" in doc["targets"][0]["error"]
    assert "FAILED: fleet upgrade: 1 of 4 target(s) failed" in err
    assert not sa.inspect(sa.create_engine(urls["sqlite_b"])).get_table_names()
