"""PostgreSQL: transactional DDL, ``ALTER COLUMN ... TYPE ... USING``, comments
as separate ``COMMENT ON`` statements, EXCLUDE constraints, and the lifetime of
named ENUM types.

A native ENUM is a schema object of its own: CREATE TABLE creates it, but DROP
TABLE leaves it behind.  Online, types are therefore created only when absent,
so an upgrade after a downgrade that kept the type doesn't fail with "type
already exists".  Dropping a table or column never drops a type: migrations
drop it themselves (``op.execute("DROP TYPE mood")`` or
``sa.Enum(name="mood").drop(op.get_bind())``), the same online and offline.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import types as sqltypes
from sqlalchemy.engine import URL
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import Column, Identity
from sqlalchemy.sql.compiler import DDLCompiler

from schemadiff.ddl import base
from schemadiff.ddl.impl import DefaultImpl, is_string_literal
from schemadiff.ddl.lock import MigrationLock, PostgresqlLock
from schemadiff.ddl.postgresql_enum import PostgresqlEnumMixin
from schemadiff.util import CommandError

#: control characters, written as backslash escapes in an E'' string
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_E_ESCAPES = {"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


class PostgresqlImpl(PostgresqlEnumMixin, DefaultImpl):
    __dialect__ = "postgresql"
    transactional_ddl = True

    def escape_script_literal(self, literal: str) -> str:
        """A string holding control characters becomes an ``E'...'`` string
        with backslash escapes, so no client or editor can change them; others
        stay plain (``psql`` reads them back as they are)."""
        if not is_string_literal(literal) or not _CONTROL.search(literal):
            return literal
        body = literal[1:-1]
        if not self.dialect._backslash_escapes:  # not doubled by SQLAlchemy yet
            body = body.replace("\\", "\\\\")
        body = _CONTROL.sub(
            lambda m: _E_ESCAPES.get(m.group(0), f"\\x{ord(m.group(0)):02x}"), body
        )
        return f"E'{body}'"

    @classmethod
    def fleet_target_url(cls, url: URL, schema: str | None) -> tuple[URL, str | None]:
        """A tenant schema becomes the session's ``search_path`` (libpq's
        ``options`` in the URL, so an unmodified env.py connects into it) and
        the version table's schema (so each tenant has its own table and lock).
        """
        if schema is None:
            return url, None
        if not schema or any(c.isspace() or c in '\\"' for c in schema):
            raise CommandError(
                f"Schema {schema!r} can't be a search_path: use a name without "
                "spaces, quotes or backslashes"
            )
        plain = schema == schema.lower() and schema.replace("_", "a").isalnum()
        setting = f"-csearch_path={schema if plain else chr(34) + schema + chr(34)}"
        existing = url.query.get("options")
        if isinstance(existing, tuple):
            existing = " ".join(existing)
        options = f"{existing} {setting}" if existing else setting
        return url.update_query_dict({"options": options}), schema

    def migration_lock(self, table: str, schema: str | None) -> MigrationLock:
        return PostgresqlLock(self.dialect, self.connection, table, schema)

    def _create_named_type(self, type_: Any) -> None:
        """A new ENUM must exist before a column can use it (CREATE TABLE does this
        through table events; ADD COLUMN / ALTER TYPE don't)."""
        type_ = sqltypes.to_instance(type_)
        if not isinstance(type_, sqltypes.SchemaType) or not getattr(
            type_, "name", None
        ):
            return
        impl = type_.dialect_impl(self.dialect)
        if not (isinstance(impl, sqltypes.SchemaType) and hasattr(impl, "create")):
            return
        # Offline, a type this script already created (by CREATE TABLE or an
        # earlier column) is not created again: the same memo CREATE TABLE uses.
        seen = getattr(impl, "_check_for_name_in_memos", None)
        if self.as_sql and seen is not None and seen(False, {"_ddl_runner": self}):
            return
        impl.create(bind=self._ddl_bind(), checkfirst=self._types_checkfirst())

    def add_column(
        self,
        table_name: str,
        column: Column[Any],
        schema: str | None = None,
        if_not_exists: bool | None = None,
        **kw: Any,
    ) -> None:
        self._create_named_type(column.type)
        super().add_column(
            table_name, column, schema=schema, if_not_exists=if_not_exists, **kw
        )

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
        existing_type: Any = None,
        existing_server_default: Any = None,
        existing_nullable: bool | None = None,
        existing_autoincrement: bool | None = None,
        **kw: Any,
    ) -> None:
        """The type change (with an optional ``postgresql_using`` cast) runs first."""
        using = kw.pop("postgresql_using", None)
        if using is not None and type_ is None:
            raise CommandError(
                f"alter_column {table_name}.{column_name}: postgresql_using needs "
                "type_ as well"
            )
        if isinstance(server_default, Identity) or isinstance(
            existing_server_default, Identity
        ):
            self._alter_identity(
                table_name, column_name, schema, server_default, existing_server_default
            )
            server_default = (
                False if isinstance(server_default, Identity) else server_default
            )
            existing_server_default = None
            if server_default is None:
                server_default = False  # DROP IDENTITY left no default behind
        if type_ is not None:
            self._create_named_type(type_)
            self._exec(
                base.ColumnType(
                    table_name,
                    column_name,
                    type_,
                    schema=schema,
                    using=using,
                    existing_type=existing_type,
                    existing_server_default=existing_server_default,
                    existing_nullable=existing_nullable,
                )
            )
        super().alter_column(
            table_name,
            column_name,
            nullable=nullable,
            server_default=server_default,
            name=name,
            schema=schema,
            autoincrement=autoincrement,
            existing_type=existing_type,
            existing_server_default=existing_server_default,
            existing_nullable=existing_nullable,
            existing_autoincrement=existing_autoincrement,
            **kw,
        )

    def _alter_identity(
        self,
        table_name: str,
        column_name: str,
        schema: str | None,
        identity: Any,
        existing: Any,
    ) -> None:
        """Identity columns: ``ADD GENERATED ... AS IDENTITY``, ``SET`` each
        option of an existing one, or ``DROP IDENTITY``."""
        column = self.dialect.identifier_preparer.quote(column_name)
        prefix = f"{base.alter_table(self._compiler(), table_name, schema)} "
        prefix += f"ALTER COLUMN {column}"
        if not isinstance(identity, Identity):
            self._exec(f"{prefix} DROP IDENTITY IF EXISTS")
            return
        generated = "ALWAYS" if identity.always else "BY DEFAULT"
        options = _identity_options(identity)
        if not isinstance(existing, Identity):
            body = f" ({' '.join(options)})" if options else ""
            self._exec(f"{prefix} ADD GENERATED {generated} AS IDENTITY{body}")
            return
        sets = [f"SET GENERATED {generated}"] + [f"SET {o}" for o in options]
        for attr, word in (("minvalue", "MINVALUE"), ("maxvalue", "MAXVALUE")):
            if getattr(identity, attr) is None and getattr(existing, attr) is not None:
                sets.append(f"SET NO {word}")
        if identity.cycle is None and existing.cycle:
            sets.append("SET NO CYCLE")
        self._exec(f"{prefix} {' '.join(sets)}")

    def _compiler(self) -> DDLCompiler:
        return self.dialect.ddl_compiler(self.dialect, None)


def _identity_options(identity: Identity) -> list[str]:
    options = []
    if identity.start is not None:
        options.append(f"START WITH {int(identity.start)}")
    if identity.increment is not None:
        options.append(f"INCREMENT BY {int(identity.increment)}")
    if identity.minvalue is not None:
        options.append(f"MINVALUE {int(identity.minvalue)}")
    if identity.maxvalue is not None:
        options.append(f"MAXVALUE {int(identity.maxvalue)}")
    if identity.cache is not None:
        options.append(f"CACHE {int(identity.cache)}")
    if identity.cycle is not None:
        options.append("CYCLE" if identity.cycle else "NO CYCLE")
    return options


@compiles(base.ColumnType, "postgresql")
def _pg_column_type(element: base.ColumnType, compiler: DDLCompiler, **kw: Any) -> str:
    text = (
        f"{base.alter_table(compiler, element.table_name, element.schema)} "
        f"ALTER COLUMN {base.format_column_name(compiler, element.column_name)} "
        f"TYPE {base.format_type(compiler, element.type_)}"
    )
    if element.using is not None:
        using = element.using
        if not isinstance(using, str):
            using = compiler.sql_compiler.process(using, literal_binds=True)
        text += f" USING {using}"
    return text
