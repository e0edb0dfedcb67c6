"""SQLite spellings: declared type names come back verbatim; no comments."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, ClassVar

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection
from sqlalchemy.engine.reflection import Inspector

from schemadiff.ddl import sqlite_catalog
from schemadiff.ddl.normalise import Normaliser
from schemadiff.ddl.reader_sqlite import SQLiteCatalog

log = logging.getLogger(__name__)


class SqliteNormaliser(Normaliser):
    __dialect__ = "sqlite"

    system_schemas: ClassVar[frozenset[str]] = frozenset({"temp"})
    partial_index_option: ClassVar[str | None] = "sqlite_where"
    # ADD COLUMN can't carry a CHECK: the type's check is a directive of its own
    add_column_creates_type_checks: ClassVar[bool] = False
    type_rewrites = (
        (r"^INT$", "INTEGER"),
        (r"^DECIMAL", "NUMERIC"),
        (r"^DOUBLE PRECISION$", "DOUBLE"),
    )

    def reflection_info(
        self,
        connection: Connection,
        inspector: Inspector,
        schema: str | None,
        table_names: Sequence[str],
        complete: bool = False,
    ) -> Any:
        # five statements for the whole schema (DESC columns included)
        # instead of ten per table; an SQLite without table-valued pragmas or
        # json_each (older than 3.16, or built without JSON1) gets
        # SQLAlchemy's per-table reads plus read_index_sorting
        try:
            return SQLiteCatalog(self.dialect, connection, schema, table_names).read()
        except sa_exc.OperationalError as err:
            log.debug("batched SQLite catalog read unavailable (%s)", err)
            return super().reflection_info(
                connection, inspector, schema, table_names, complete
            )

    def read_index_sorting(
        self, connection: Connection, schema: str | None, table_names: Sequence[str]
    ) -> dict[tuple[str, str], set[str]] | None:
        # SQLAlchemy reads no DESC from PRAGMA index_xinfo
        return sqlite_catalog.read_index_sorting(connection, schema, table_names)

    def read_expression_indexes(
        self, connection: Connection, schema: str | None, table_names: Sequence[str]
    ) -> dict[str, list[dict[str, Any]]] | None:
        # SQLAlchemy skips indexes on expressions (and reads a COLLATE term as
        # its bare column): their CREATE INDEX text in sqlite_master says all
        return sqlite_catalog.read_expression_indexes(connection, schema, table_names)
