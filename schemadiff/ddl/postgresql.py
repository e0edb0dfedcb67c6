"""PostgreSQL: transactional DDL, ``ALTER COLUMN ... TYPE ... USING``, comments
as separate ``COMMENT ON`` statements, EXCLUDE constraints, and the lifetime of
named ENUM types.

A native ENUM is a schema object of its own: CREATE TABLE creates it, but DROP
TABLE leaves it behind, so a downgrade followed by an upgrade would fail with
"type already exists".  Online, types are therefore created only when absent,
and dropping a table or column also drops the ENUM types it used that nothing
else in the database still depends on.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy import types as sqltypes
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import Column, Table
from sqlalchemy.sql.compiler import DDLCompiler

from schemadiff.ddl import base
from schemadiff.ddl.impl import DefaultImpl
from schemadiff.util import CommandError


class PostgresqlImpl(DefaultImpl):
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
        if isinstance(impl, sqltypes.SchemaType) and hasattr(impl, "create"):
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

    def drop_table(self, table: Table, if_exists: bool | None = None) -> None:
        enums = self._enum_types_used(table.name, table.schema)
        super().drop_table(table, if_exists=if_exists)
        self._drop_unused_enums(enums)

    def drop_column(
        self,
        table_name: str,
        column: Column[Any],
        schema: str | None = None,
        if_exists: bool | None = None,
        **kw: Any,
    ) -> None:
        enums = self._enum_types_used(table_name, schema, column.name)
        super().drop_column(
            table_name, column, schema=schema, if_exists=if_exists, **kw
        )
        self._drop_unused_enums(enums)

    def _enum_types_used(
        self, table_name: str, schema: str | None, column_name: str | None = None
    ) -> list[tuple[int, str, str]]:
        """``(oid, schema, name)`` of the ENUM types (or arrays of them) the
        table's columns, or the one column, use; read before the drop."""
        if self.connection is None or self.as_sql:
            return []
        preparer = self.dialect.identifier_preparer
        qualified = preparer.quote(table_name)
        if schema:
            qualified = f"{preparer.quote_schema(schema)}.{qualified}"
        sql = (
            "SELECT DISTINCT t.oid, n.nspname, t.typname "
            "FROM pg_attribute a "
            "JOIN pg_type t ON a.atttypid IN (t.oid, t.typarray) "
            "JOIN pg_namespace n ON n.oid = t.typnamespace "
            "WHERE a.attrelid = to_regclass(:table) AND a.attnum > 0 "
            "AND NOT a.attisdropped AND t.typtype = 'e'"
        )
        params: dict[str, Any] = {"table": qualified}
        if column_name is not None:
            sql += " AND a.attname = :column"
            params["column"] = column_name
        rows = self.connection.execute(text(sql + " ORDER BY t.oid"), params)
        return [(oid, nsp, name) for oid, nsp, name in rows]

    def _drop_unused_enums(self, enums: list[tuple[int, str, str]]) -> None:
        """Drop each type nothing depends on any more (columns, domains,
        functions — directly or through the type's array type)."""
        if not enums:
            return
        assert self.connection is not None
        preparer = self.dialect.identifier_preparer
        in_use = text(
            "SELECT EXISTS (SELECT 1 FROM pg_depend d JOIN pg_type t "
            "ON d.refobjid IN (t.oid, t.typarray) "
            "WHERE t.oid = :oid AND d.refclassid = 'pg_type'::regclass "
            "AND d.deptype = 'n')"
        )
        for oid, nsp, name in enums:
            if self.connection.execute(in_use, {"oid": oid}).scalar():
                continue
            self._exec(f"DROP TYPE {preparer.quote_schema(nsp)}.{preparer.quote(name)}")
            # a later CREATE TABLE in this run must create the type again
            for key, created in self.memo.items():
                if key.startswith("pg_") and isinstance(created, set):
                    created -= {
                        (s, n) for s, n in created if n == name and s in (None, nsp)
                    }

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
