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

from typing import Any

from sqlalchemy import types as sqltypes
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import Column
from sqlalchemy.sql.compiler import DDLCompiler

from schemadiff.ddl import base
from schemadiff.ddl.impl import DefaultImpl
from schemadiff.ddl.postgresql_enum import PostgresqlEnumMixin
from schemadiff.util import CommandError


class PostgresqlImpl(PostgresqlEnumMixin, DefaultImpl):
    __dialect__ = "postgresql"
    transactional_ddl = True

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
