"""Helpers for operation tests: an Operations object online or offline."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from schemadiff.operations import Operations
from schemadiff.runtime.migration import MigrationContext
from tests.conftest import Backend


@contextmanager
def online(engine: sa.Engine, **opts: Any) -> Iterator[Operations]:
    """Operations on a connection inside one transaction (committed on success)."""
    with engine.connect() as conn:
        with conn.begin():
            yield Operations(MigrationContext.configure(connection=conn, opts=opts))


def offline(dialect_name: str, **opts: Any) -> tuple[Operations, io.StringIO]:
    """Operations writing SQL text for ``dialect_name``; returns (op, buffer)."""
    buf = io.StringIO()
    ctx = MigrationContext.configure(
        dialect_name=dialect_name, opts={"as_sql": True, "output_buffer": buf, **opts}
    )
    return Operations(ctx), buf


def offline_for(url: str, **opts: Any) -> tuple[Operations, io.StringIO]:
    """Like :func:`offline`, for the dialect (and driver) of ``url``."""
    buf = io.StringIO()
    ctx = MigrationContext.configure(
        url=url, opts={"as_sql": True, "output_buffer": buf, **opts}
    )
    return Operations(ctx), buf


def run_with_client(backend: Backend, script: str, workdir: Path) -> str:
    """Feed ``script`` to the backend's command-line client; without that
    client, run it statement by statement through the DBAPI cursor (no
    parameter processing). Returns what ran it."""
    path = workdir / "script.sql"
    path.write_bytes(script.encode("utf-8"))
    url = make_url(backend.url)
    if backend.name == "sqlite":
        client = shutil.which("sqlite3")
        cmd = [client, url.database] if client else None
        env = None
    elif backend.name == "postgresql":
        client = shutil.which("psql")
        cmd = [client, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", url.host or "", "-p"]
        cmd += [str(url.port or 5432), "-U", url.username or "", "-d", url.database]
        env = {**os.environ, "PGOPTIONS": f"-csearch_path={backend.schema}"}
    else:
        client = shutil.which("mariadb") or shutil.which("mysql")
        cmd = [client, "-h", url.host or "", "-P", str(url.port or 3306)]
        cmd += ["-u", url.username or "", "--default-character-set=utf8mb4"]
        cmd += [backend.schema or ""]
        env = None
    if client:
        with path.open("rb") as stdin:
            done = subprocess.run(
                cmd, stdin=stdin, capture_output=True, env=env, check=False
            )
        assert done.returncode == 0, done.stderr.decode()
        assert b"ERROR" not in done.stderr, done.stderr.decode()
        return Path(client).name
    raw = backend.engine.raw_connection()
    try:
        cursor = raw.cursor()
        for statement in script.split(";\n\n"):
            if statement.strip():
                cursor.execute(statement)
        raw.commit()
    finally:
        raw.close()
    return "driver"


def statements(buf: io.StringIO) -> list[str]:
    """The offline output split into statements, whitespace-normalised."""
    out = []
    for chunk in buf.getvalue().split(";\n"):
        chunk = " ".join(chunk.split())
        if chunk:
            out.append(chunk)
    return out


def inspect(engine: sa.Engine) -> sa.Inspector:
    return sa.inspect(engine)


def rows(engine: sa.Engine, sql: str) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(sql)]
