"""Helpers for the autogenerate comparison tests."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from schemadiff.autogenerate import compare_metadata, produce_migrations
from schemadiff.runtime.migration import MigrationContext

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

DEFAULT_OPTS: dict[str, Any] = {
    "compare_type": True,
    "compare_server_default": True,
}


def diffs(engine: sa.Engine, metadata: sa.MetaData, **opts: Any) -> list[Any]:
    """compare_metadata on a fresh connection with both compare options on."""
    with engine.connect() as conn:
        ctx = MigrationContext.configure(connection=conn, opts={**DEFAULT_OPTS, **opts})
        return compare_metadata(ctx, metadata)


def migration(engine: sa.Engine, metadata: sa.MetaData, **opts: Any) -> Any:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(connection=conn, opts={**DEFAULT_OPTS, **opts})
        return produce_migrations(ctx, metadata)


def create(engine: sa.Engine, metadata: sa.MetaData) -> None:
    with engine.begin() as conn:
        metadata.create_all(conn)
