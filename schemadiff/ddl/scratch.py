"""Scratch databases for ``--verify``: one per dialect, always removable.

A temporary schema on PostgreSQL (the connection's search_path points at
it), a temporary database on MySQL/MariaDB, a temporary file on SQLite.  The
dialect differences of making and dropping them live here, by the rule that
dialect differences stay in ``ddl/``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL

from schemadiff.util import CommandError

PREFIX = "schemadiff_verify_"


@dataclass
class Scratch:
    """A scratch database: ``url`` connects to it, ``name`` is what to look
    for afterwards (schema, database or file)."""

    dialect: str
    name: str
    url: URL
    _admin_url: URL | None = None
    _dir: str | None = None
    _dropped: bool = field(default=False)

    def drop(self) -> None:
        """Remove it; safe to call twice."""
        if self._dropped:
            return
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
        else:
            assert self._admin_url is not None
            statement = _DROP[self.dialect].format(name=self.name)
            _admin_execute(self._admin_url, statement)
        self._dropped = True

    def exists(self) -> bool:
        if self._dir is not None:
            return os.path.exists(self.name)
        assert self._admin_url is not None
        engine = sa.create_engine(self._admin_url, poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as conn:
                query = _EXISTS[self.dialect]
                return (
                    conn.execute(sa.text(query), {"name": self.name}).first()
                    is not None
                )
        finally:
            engine.dispose()


_CREATE = {
    "postgresql": "CREATE SCHEMA {name}",
    "mysql": "CREATE DATABASE {name}",
    "mariadb": "CREATE DATABASE {name}",
}
_DROP = {
    "postgresql": "DROP SCHEMA IF EXISTS {name} CASCADE",
    "mysql": "DROP DATABASE IF EXISTS {name}",
    "mariadb": "DROP DATABASE IF EXISTS {name}",
}
_EXISTS = {
    "postgresql": "SELECT 1 FROM information_schema.schemata WHERE schema_name = :name",
    "mysql": "SELECT 1 FROM information_schema.schemata WHERE schema_name = :name",
    "mariadb": "SELECT 1 FROM information_schema.schemata WHERE schema_name = :name",
}


def _admin_execute(url: URL, statement: str) -> None:
    engine = sa.create_engine(
        url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool
    )
    try:
        with engine.connect() as conn:
            conn.execute(sa.text(statement))
    finally:
        engine.dispose()


def _scratch_url(dialect: str, url: URL, name: str) -> URL:
    if dialect == "postgresql":
        return url.update_query_dict({"options": f"-csearch_path={name}"})
    return url.set(database=name)


def create_scratch(url: URL | str) -> Scratch:
    """Make a scratch database next to ``url`` (same server and database on
    PostgreSQL, same server on MySQL/MariaDB, same directory on SQLite, or the
    temp directory for an in-memory SQLite URL)."""
    url = sa.engine.make_url(url)
    dialect = url.get_dialect().name
    # the pid tells an operator (and a test) which process a leftover is from
    name = f"{PREFIX}{os.getpid()}_{uuid.uuid4().hex[:10]}"
    if dialect == "sqlite":
        where = (
            os.path.dirname(url.database)
            if url.database not in (None, "", ":memory:")
            else None
        )
        directory = tempfile.mkdtemp(
            prefix=f"{PREFIX}{os.getpid()}_", dir=where or None
        )
        path = os.path.join(directory, f"{name}.db")
        return Scratch(dialect, path, url.set(database=path), _dir=directory)
    if dialect not in _CREATE:
        raise CommandError(
            f"--verify can't make a scratch database on {dialect}; it supports "
            "PostgreSQL, MySQL/MariaDB and SQLite"
        )
    _admin_execute(url, _CREATE[dialect].format(name=name))
    return Scratch(dialect, name, _scratch_url(dialect, url, name), _admin_url=url)


def engine_for(scratch: Scratch, **kw: Any) -> sa.Engine:
    return sa.create_engine(scratch.url, poolclass=sa.pool.NullPool, **kw)
