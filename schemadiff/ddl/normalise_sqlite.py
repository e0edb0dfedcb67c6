"""SQLite spellings: declared type names come back verbatim; no comments."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, ClassVar

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection
from sqlalchemy.engine.reflection import Inspector

from schemadiff.ddl.normalise import Normaliser
from schemadiff.ddl.reader_sqlite import SQLiteCatalog

log = logging.getLogger(__name__)


class SqliteNormaliser(Normaliser):
    __dialect__ = "sqlite"

    system_schemas: ClassVar[frozenset[str]] = frozenset({"temp"})
    partial_index_option: ClassVar[str | None] = "sqlite_where"
    # SQLite drops indexes on expressions from reflection
    reflects_expression_indexes: ClassVar[bool] = False
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
    ) -> Any:
        # five statements for the whole schema instead of ten per table; an
        # SQLite without table-valued pragmas or json_each (older than 3.16,
        # or built without JSON1) gets SQLAlchemy's per-table reads
        try:
            return SQLiteCatalog(self.dialect, connection, schema, table_names).read()
        except sa_exc.OperationalError as err:
            log.debug("batched SQLite catalog read unavailable (%s)", err)
            return super().reflection_info(connection, inspector, schema, table_names)
