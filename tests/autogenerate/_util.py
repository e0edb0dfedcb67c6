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


def describe(container: Any, dialect: sa.Dialect) -> list[Any]:
    """A stable, readable digest of directives, for exact assertions."""
    from schemadiff.ddl.normalise import get_normaliser
    from schemadiff.operations import ops

    normaliser = get_normaliser(dialect)

    def default(value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, sa.Identity):
            return ("identity", value.start, value.increment)
        arg = getattr(value, "arg", value)
        if isinstance(arg, str):
            return normaliser.default_signature("'" + arg.replace("'", "''") + "'")
        return normaliser.default_signature(str(getattr(arg, "text", arg)))

    def sql(value: Any) -> str:
        """A CHECK condition; MariaDB's reflected backquotes dropped."""
        if isinstance(value, sa.TextClause):
            value = value.text
        if not isinstance(value, str):
            kwargs = {"literal_binds": True, "include_table": False}
            value = str(value.compile(dialect=dialect, compile_kwargs=kwargs))
        return value.replace("`", "")

    def one(op: Any) -> Any:
        if hasattr(op, "diff_kind"):  # directives of their own modules
            return op.to_diff_tuple()
        if isinstance(op, ops.ModifyTableOps):
            return ("modify_table", op.schema, op.table_name, [one(o) for o in op.ops])
        if isinstance(op, ops.CreateTableOp):
            return ("create_table", op.schema, op.table_name)
        if isinstance(op, ops.DropTableOp):
            return ("drop_table", op.schema, op.table_name)
        if isinstance(op, ops.AddColumnOp):
            return ("add_column", op.column.name)
        if isinstance(op, ops.DropColumnOp):
            return ("drop_column", op.column_name)
        if isinstance(op, ops.AlterColumnOp):
            changes: dict[str, Any] = {}
            if op.modify_nullable is not None:
                changes["nullable"] = op.modify_nullable
            if op.modify_type is not None:
                changes["type"] = op.modify_type.compile(dialect=dialect)
            if op.modify_server_default is not False:
                changes["server_default"] = default(op.modify_server_default)
            if op.modify_comment is not False:
                changes["comment"] = op.modify_comment
            return ("alter_column", op.column_name, changes)
        if isinstance(op, ops.CreateIndexOp):
            cols = tuple(
                (
                    c
                    if isinstance(c, str)
                    else c.name if isinstance(c, sa.Column) else str(c)
                )
                for c in op.columns
            )
            return ("create_index", op.index_name, cols, bool(op.unique))
        if isinstance(op, ops.DropIndexOp):
            return ("drop_index", op.index_name)
        if isinstance(op, ops.CreatePrimaryKeyOp):
            return ("create_pk", op.constraint_name, tuple(op.columns))
        if isinstance(op, ops.CreateUniqueConstraintOp):
            return ("create_unique", op.constraint_name, tuple(op.columns))
        if isinstance(op, ops.CreateForeignKeyOp):
            return (
                "create_fk",
                op.constraint_name,
                tuple(op.local_cols),
                op.kw.get("referent_schema"),
                op.referent_table,
                tuple(op.remote_cols),
                op.kw.get("ondelete"),
            )
        if isinstance(op, ops.CreateCheckConstraintOp):
            return ("create_check", str(op.constraint_name), sql(op.condition))
        if isinstance(op, ops.DropConstraintOp):
            return ("drop_constraint", op.constraint_name, op.constraint_type)
        if isinstance(op, ops.CreateTableCommentOp):
            return ("create_table_comment", op.comment, op.existing_comment)
        if isinstance(op, ops.DropTableCommentOp):
            return ("drop_table_comment", op.existing_comment)
        return (type(op).__name__,)

    return [one(op) for op in container.ops]
