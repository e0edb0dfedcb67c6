"""SQLite: ALTER TABLE can only add/drop/rename columns and rename tables.

Everything else (type, nullability, default changes; adding or dropping
constraints) needs batch mode's "move and copy", and the errors here say so.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import schema as sa_schema
from sqlalchemy.engine import URL
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import DDLCompiler
from sqlalchemy.sql.elements import ClauseElement

from schemadiff.ddl import base, sqlite_catalog
from schemadiff.ddl.impl import DefaultImpl, is_string_literal, single_column_fks
from schemadiff.ddl.lock import MigrationLock, SQLiteFileLock
from schemadiff.ddl.normalise import get_normaliser
from schemadiff.util import CommandError

log = logging.getLogger(__name__)


class SQLiteAddColumn(base.AddColumn):
    """ADD COLUMN with the column's single-column foreign keys written inline
    (SQLite can't add them any other way) and never schema-qualified."""


@compiles(SQLiteAddColumn, "sqlite")
def _sqlite_add_column(
    element: SQLiteAddColumn, compiler: DDLCompiler, **kw: Any
) -> str:
    text = (
        f"{base.alter_table(compiler, element.table_name, element.schema)} ADD COLUMN "
        f"{base.column_spec(compiler, element.column, **kw)}"
    )
    for fk in element.inline_fks:
        text += base.inline_reference(compiler, fk, with_schema=False)
    return text


#: characters an offline SQLite script writes as char(n)
_SPLICED = re.compile(r"([\x00-\x08\x0b-\x1f\x7f])")


class SQLiteImpl(DefaultImpl):
    """SQLite: DDL is transactional; most ALTERs need batch mode."""

    __dialect__ = "sqlite"
    transactional_ddl = True

    def complete_reflected_table(self, table: sa_schema.Table) -> None:
        """Indexes on expressions (or with a COLLATE term) and DESC columns,
        which SQLAlchemy's reflection skips or flattens: a rebuilt table
        would lose them.  Read as autogenerate reads them."""
        if self.connection is None:
            return
        names = [table.name]
        normaliser = get_normaliser(self.dialect)
        sorting = sqlite_catalog.read_index_sorting(
            self.connection, table.schema, names
        )
        for index in table.indexes:
            desc = sorting.get((table.name, str(index.name)))
            if desc:
                index.expressions[:] = [
                    e.desc() if getattr(e, "name", None) in desc else e
                    for e in index.expressions
                ]
        found = sqlite_catalog.read_expression_indexes(
            self.connection, table.schema, names
        )
        for info in found.get(table.name, []):
            normaliser.expression_index(table, info)

    def escape_script_literal(self, literal: str) -> str:
        """SQLite strings have no escapes and the ``sqlite3`` shell drops a CR
        before a LF: a CR (or another control character but TAB and LF) is
        spliced in as ``char(n)``, in parentheses so it stays one operand
        (``DEFAULT (...)`` included)."""
        if not is_string_literal(literal) or not _SPLICED.search(literal):
            return literal
        pieces = []
        for chunk in _SPLICED.split(literal[1:-1]):
            if _SPLICED.fullmatch(chunk):
                pieces.append(f"char({ord(chunk)})")
            elif chunk:
                pieces.append(f"'{chunk}'")
        return "(" + " || ".join(pieces) + ")"

    @classmethod
    def fleet_target_url(cls, url: URL, schema: str | None) -> tuple[URL, str | None]:
        """A SQLite target is its file; there is no schema to point it at."""
        if schema is None:
            return url, None
        raise CommandError(
            f"SQLite fleet targets take no 'schema' (got {schema!r}): one file "
            "per target, named by its url"
        )

    def migration_lock(self, table: str, schema: str | None) -> MigrationLock | None:
        """A lock file beside the database; offline there is no statement."""
        if self.connection is None:
            return None
        return SQLiteFileLock.for_connection(
            self.dialect, self.connection, table, schema
        )

    def _exec(self, construct: Any, *args: Any, **kw: Any) -> Any:
        if not self.as_sql:
            self._begin_driver_transaction()
        return super()._exec(construct, *args, **kw)

    def _begin_driver_transaction(self) -> None:
        """The stdlib driver opens its transaction only before DML; open it before
        DDL too, so a rollback takes the DDL back (unless autocommit is wanted)."""
        conn = self.connection
        if conn is None or conn.closed:
            return
        dbapi_conn = conn.connection.dbapi_connection
        if getattr(dbapi_conn, "in_transaction", None) is not False:
            return
        if getattr(dbapi_conn, "isolation_level", "") is None:
            return
        conn.exec_driver_sql("BEGIN")

    def requires_recreate_in_batch(self, batch_op: Any) -> bool:
        """Only ADD COLUMN (with a constant default) and index changes run in place."""
        for name, args, _kw in batch_op.batch:
            if name == "add_column":
                column = args[1]
                default = column.server_default
                if isinstance(default, sa_schema.DefaultClause) and isinstance(
                    default.arg, ClauseElement
                ):
                    return True
                if isinstance(default, sa_schema.Computed) and default.persisted:
                    return True
                if column.primary_key or column.unique:
                    return True
            elif name not in ("create_index", "drop_index"):
                return True
        return False

    #: Differences whose ALTER SQLite refuses (alter_column, add/drop
    #: constraint below raise for them): only a batch rebuild applies them.
    _BATCH_ONLY = frozenset(
        {
            "modify_type",
            "modify_nullable",
            "modify_default",
            "add_constraint",
            "remove_constraint",
            "add_fk",
            "remove_fk",
        }
    )

    @classmethod
    def needs_batch_for(cls, diff_kind: str) -> bool:
        return diff_kind in cls._BATCH_ONLY

    def _column_names(self, table_name: str, schema: str | None) -> set[str] | None:
        if self.connection is None:
            return None
        insp = sa_inspect(self.connection)
        return {c["name"] for c in insp.get_columns(table_name, schema=schema)}

    def add_column(
        self,
        table_name: str,
        column: sa_schema.Column[Any],
        schema: str | None = None,
        if_not_exists: bool | None = None,
        **kw: Any,
    ) -> None:
        if if_not_exists:
            existing = self._column_names(table_name, schema)
            if existing is None:
                raise CommandError(
                    f"add_column {table_name}.{column.name}: SQLite has no ADD COLUMN "
                    "IF NOT EXISTS, and offline the table can't be inspected"
                )
            if column.name in existing:
                return
        if column.primary_key or column.unique:
            raise CommandError(
                f"add_column {table_name}.{column.name}: SQLite can't add a PRIMARY "
                f"KEY or UNIQUE column; use op.batch_alter_table({table_name!r})"
            )
        inline_fks = single_column_fks(column)
        self._exec(
            SQLiteAddColumn(table_name, column, schema=schema, inline_fks=inline_fks)
        )
        self._add_column_extras(column, inline=inline_fks)

    def drop_column(
        self,
        table_name: str,
        column: sa_schema.Column[Any],
        schema: str | None = None,
        if_exists: bool | None = None,
        **kw: Any,
    ) -> None:
        if if_exists:
            existing = self._column_names(table_name, schema)
            if existing is not None and column.name not in existing:
                return
        self._exec(base.DropColumn(table_name, column, schema=schema))

    def alter_column(
        self,
        table_name: str,
        column_name: str,
        nullable: bool | None = None,
        server_default: Any = False,
        name: str | None = None,
        type_: Any = None,
        schema: str | None = None,
        autoincrement: bool | None = None,
        comment: Any = False,
        existing_comment: str | None = None,
        existing_type: Any = None,
        existing_server_default: Any = None,
        existing_nullable: bool | None = None,
        existing_autoincrement: bool | None = None,
        **kw: Any,
    ) -> None:
        changes = [
            what
            for what, changed in (
                ("nullability", nullable is not None),
                ("server default", server_default is not False),
                ("type", type_ is not None),
            )
            if changed
        ]
        if changes:
            raise CommandError(
                f"alter_column {table_name}.{column_name}: SQLite can't ALTER a "
                f"column's {', '.join(changes)}; use "
                f"op.batch_alter_table({table_name!r}) to rebuild the table"
            )
        if comment is not False:
            log.info(
                "SQLite has no column comments; skipping comment on %s", column_name
            )
        if name is not None:
            self._exec(base.ColumnName(table_name, column_name, name, schema=schema))

    def add_constraint(self, const: sa_schema.Constraint) -> None:
        rule = getattr(const, "_create_rule", None)
        if rule is not None:
            return  # a type's own CHECK; SQLite can't add it after the fact
        table = getattr(const, "table", None)
        raise CommandError(
            f"create constraint {const.name!r} on table "
            f"{getattr(table, 'name', None)!r}: SQLite can't add constraints with "
            "ALTER TABLE; use op.batch_alter_table() to rebuild the table"
        )

    def drop_constraint(
        self, const: sa_schema.Constraint, if_exists: bool | None = None
    ) -> None:
        table = getattr(const, "table", None)
        raise CommandError(
            f"drop_constraint {const.name!r} on table "
            f"{getattr(table, 'name', None)!r}: SQLite can't drop constraints with "
            "ALTER TABLE; use op.batch_alter_table() to rebuild the table"
        )

    def create_table_comment(self, table: sa_schema.Table) -> None:
        log.info("SQLite has no table comments; skipping comment on %s", table.name)

    def drop_table_comment(self, table: sa_schema.Table) -> None:
        log.info("SQLite has no table comments; nothing to drop on %s", table.name)

    def create_column_comment(self, column: sa_schema.Column[Any]) -> None:
        log.info("SQLite has no column comments; skipping %s", column.name)
