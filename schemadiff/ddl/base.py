"""ALTER TABLE constructs SQLAlchemy doesn't provide, and their generic SQL.

Each construct names its table by string (no Table object needed).  The
generic compilation here is standard SQL; dialect modules register their own
``@compiles(Construct, "<dialect>")`` where the backend's syntax differs.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import types as sqltypes
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import Column, DefaultClause
from sqlalchemy.sql.compiler import DDLCompiler
from sqlalchemy.sql.ddl import ExecutableDDLElement
from sqlalchemy.sql.elements import ClauseElement, TextClause

__all__ = [
    "AlterTable",
    "RenameTable",
    "AddColumn",
    "DropColumn",
    "AlterColumn",
    "ColumnNullable",
    "ColumnType",
    "ColumnDefault",
    "ColumnName",
    "ColumnComment",
    "format_table_name",
    "format_column_name",
    "format_type",
    "format_server_default",
    "alter_table",
]


class AlterTable(ExecutableDDLElement):
    """``ALTER TABLE <name>`` followed by something; the table is a plain name."""

    inherit_cache = False

    def __init__(self, table_name: str, schema: str | None = None) -> None:
        self.table_name = table_name
        self.schema = schema


class RenameTable(AlterTable):
    def __init__(
        self, old_table_name: str, new_table_name: str, schema: str | None = None
    ) -> None:
        super().__init__(old_table_name, schema=schema)
        self.new_table_name = new_table_name


class AddColumn(AlterTable):
    """ADD COLUMN; ``inline_fks`` are written as ``REFERENCES`` in the same
    statement and ``inline_primary_key`` adds ``PRIMARY KEY`` (Alembic's
    ``inline_references``/``inline_primary_key``)."""

    def __init__(
        self,
        table_name: str,
        column: Column[Any],
        schema: str | None = None,
        if_not_exists: bool | None = None,
        inline_fks: Any = (),
        inline_primary_key: bool | None = None,
    ) -> None:
        super().__init__(table_name, schema=schema)
        self.column = column
        self.if_not_exists = if_not_exists
        self.inline_fks = list(inline_fks)
        self.inline_primary_key = bool(inline_primary_key)


class DropColumn(AlterTable):
    def __init__(
        self,
        table_name: str,
        column: Column[Any],
        schema: str | None = None,
        if_exists: bool | None = None,
    ) -> None:
        super().__init__(table_name, schema=schema)
        self.column = column
        self.if_exists = if_exists


class AlterColumn(AlterTable):
    """Base of single-attribute column changes; carries the ``existing_*`` facts."""

    def __init__(
        self,
        table_name: str,
        column_name: str,
        schema: str | None = None,
        existing_type: Any = None,
        existing_nullable: bool | None = None,
        existing_server_default: Any = None,
        existing_comment: str | None = None,
    ) -> None:
        super().__init__(table_name, schema=schema)
        self.column_name = column_name
        self.existing_type = (
            sqltypes.to_instance(existing_type) if existing_type is not None else None
        )
        self.existing_nullable = existing_nullable
        self.existing_server_default = existing_server_default
        self.existing_comment = existing_comment


class _OneChange(AlterColumn):
    """A change of one column attribute, kept under the name ``_attr``."""

    _attr: ClassVar[str]

    def __init__(self, table_name: str, column_name: str, value: Any, **kw: Any):
        super().__init__(table_name, column_name, **kw)
        setattr(self, self._attr, value)


class ColumnNullable(_OneChange):
    _attr = "nullable"
    nullable: bool


class ColumnType(_OneChange):
    _attr = "type_"
    type_: Any

    def __init__(
        self, table_name: str, column_name: str, type_: Any, **kw: Any
    ) -> None:
        self.using = kw.pop("using", None)
        super().__init__(table_name, column_name, sqltypes.to_instance(type_), **kw)


class ColumnDefault(_OneChange):
    _attr = "default"
    default: Any


class ColumnName(_OneChange):
    _attr = "newname"
    newname: str


class ColumnComment(_OneChange):
    _attr = "comment"
    comment: str | None


# ----------------------------------------------------------------- formatting


def format_table_name(
    compiler: DDLCompiler, name: str, schema: str | None = None
) -> str:
    quote = compiler.preparer.quote
    if schema:
        return f"{compiler.preparer.quote_schema(schema)}.{quote(name)}"
    return quote(name)


def format_column_name(compiler: DDLCompiler, name: str) -> str:
    return compiler.preparer.quote(name)


def format_type(compiler: DDLCompiler, type_: Any) -> str:
    return compiler.dialect.type_compiler_instance.process(sqltypes.to_instance(type_))


def format_server_default(compiler: DDLCompiler, default: Any) -> str:
    """Render a server default: a plain string is a quoted literal (as in
    ``server_default="x"``); ``text()``/expressions are SQL."""
    if isinstance(default, DefaultClause):
        default = default.arg
    if isinstance(default, str):
        return compiler.sql_compiler.render_literal_value(default, sqltypes.STRINGTYPE)
    if isinstance(default, TextClause):
        return compiler.sql_compiler.process(default, literal_binds=True)
    if isinstance(default, ClauseElement):
        return compiler.sql_compiler.process(
            default, literal_binds=True, include_table=False
        )
    return compiler.sql_compiler.render_literal_value(
        default, sqltypes.to_instance(type(default)) if default is not None else None
    )


def alter_table(compiler: DDLCompiler, name: str, schema: str | None) -> str:
    return f"ALTER TABLE {format_table_name(compiler, name, schema)}"


def column_spec(compiler: DDLCompiler, column: Column[Any], **kw: Any) -> str:
    """Column definition as in CREATE TABLE, plus its column-level constraints."""
    text = compiler.get_column_specification(column, **kw)
    extra = " ".join(
        compiler.process(c) for c in column.constraints if c is not None
    ).strip()
    return f"{text} {extra}" if extra else text


# --------------------------------------------------------- generic compilation


@compiles(RenameTable)
def _rename_table(element: RenameTable, compiler: DDLCompiler, **kw: Any) -> str:
    return (
        f"{alter_table(compiler, element.table_name, element.schema)} RENAME TO "
        f"{format_table_name(compiler, element.new_table_name, None)}"
    )


@compiles(AddColumn)
def _add_column(element: AddColumn, compiler: DDLCompiler, **kw: Any) -> str:
    exists = "IF NOT EXISTS " if element.if_not_exists else ""
    text = (
        f"{alter_table(compiler, element.table_name, element.schema)} ADD COLUMN "
        f"{exists}{column_spec(compiler, element.column, **kw)}"
    )
    if element.inline_primary_key and element.column.primary_key:
        text += " PRIMARY KEY"
    for fk in element.inline_fks:
        text += inline_reference(compiler, fk, with_schema=True)
    return text


def inline_reference(compiler: DDLCompiler, fk: Any, with_schema: bool) -> str:
    """`` REFERENCES t (col) [ON DELETE ..] [ON UPDATE ..]`` for a
    single-column foreign key constraint."""
    ref = fk.elements[0]
    table_key, col = ref._get_colspec().rsplit(".", 1)
    schema, _, ref_table = table_key.rpartition(".")
    target = compiler.preparer.quote(ref_table)
    if with_schema and schema:
        target = f"{compiler.preparer.quote_schema(schema)}.{target}"
    clause = f" REFERENCES {target} ({compiler.preparer.quote(col)})"
    if fk.ondelete:
        clause += f" ON DELETE {fk.ondelete}"
    if fk.onupdate:
        clause += f" ON UPDATE {fk.onupdate}"
    return clause


@compiles(DropColumn)
def _drop_column(element: DropColumn, compiler: DDLCompiler, **kw: Any) -> str:
    exists = "IF EXISTS " if element.if_exists else ""
    return (
        f"{alter_table(compiler, element.table_name, element.schema)} DROP COLUMN "
        f"{exists}{format_column_name(compiler, element.column.name)}"
    )


def _alter_column(element: AlterColumn, compiler: DDLCompiler) -> str:
    return (
        f"{alter_table(compiler, element.table_name, element.schema)} ALTER COLUMN "
        f"{format_column_name(compiler, element.column_name)}"
    )


@compiles(ColumnNullable)
def _column_nullable(element: ColumnNullable, compiler: DDLCompiler, **kw: Any) -> str:
    action = "DROP NOT NULL" if element.nullable else "SET NOT NULL"
    return f"{_alter_column(element, compiler)} {action}"


@compiles(ColumnType)
def _column_type(element: ColumnType, compiler: DDLCompiler, **kw: Any) -> str:
    return (
        f"{_alter_column(element, compiler)} TYPE "
        f"{format_type(compiler, element.type_)}"
    )


@compiles(ColumnDefault)
def _column_default(element: ColumnDefault, compiler: DDLCompiler, **kw: Any) -> str:
    if element.default is None:
        return f"{_alter_column(element, compiler)} DROP DEFAULT"
    return (
        f"{_alter_column(element, compiler)} SET DEFAULT "
        f"{format_server_default(compiler, element.default)}"
    )


@compiles(ColumnName)
def _column_name(element: ColumnName, compiler: DDLCompiler, **kw: Any) -> str:
    return (
        f"{alter_table(compiler, element.table_name, element.schema)} RENAME COLUMN "
        f"{format_column_name(compiler, element.column_name)} TO "
        f"{format_column_name(compiler, element.newname)}"
    )


@compiles(ColumnComment)
def _column_comment(element: ColumnComment, compiler: DDLCompiler, **kw: Any) -> str:
    target = (
        f"{format_table_name(compiler, element.table_name, element.schema)}."
        f"{format_column_name(compiler, element.column_name)}"
    )
    comment = (
        "NULL"
        if element.comment is None
        else compiler.sql_compiler.render_literal_value(
            element.comment, sqltypes.STRINGTYPE
        )
    )
    return f"COMMENT ON COLUMN {target} IS {comment}"
