"""Helpers for operation tests: an Operations object online or offline."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from schemadiff.operations import Operations
from schemadiff.runtime.migration import MigrationContext


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
