"""Execution of the built-in directives: each turns a directive into calls on the
dialect implementation (``operations.impl``), which emits SQL or, inside a batch
block, records the call for later.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import schema as sa_schema
from sqlalchemy import types as sqltypes

from schemadiff.operations import ops
from schemadiff.operations.base import Operations
from schemadiff.util import CommandError

log = logging.getLogger(__name__)


def _as_type(value: Any, op_name: str, where: str) -> Any:
    """Accept a type instance or class; reject strings and other objects."""
    if value is None:
        return None
    if isinstance(value, type) and issubclass(value, sqltypes.TypeEngine):
        return value()
    if isinstance(value, sqltypes.TypeEngine):
        return value
    raise CommandError(
        f"{op_name} {where}: expected a SQLAlchemy type such as sa.String(50), got "
        f"{value!r}"
    )


def _is_unnamed(name: Any) -> bool:
    from sqlalchemy.sql import naming

    return name is getattr(naming, "_NONE_NAME", object())


def _type_bound_constraints(table: sa_schema.Table, dialect: Any) -> list[Any]:
    """CHECK constraints a type (Boolean/Enum with create_constraint) brings
    along, where the dialect creates them (a native ENUM needs none)."""
    compiler = dialect.ddl_compiler(dialect, None)
    return [
        c
        for c in table.constraints
        if isinstance(c, sa_schema.CheckConstraint)
        and getattr(c, "_type_bound", False)
        and (c._create_rule is None or c._create_rule(compiler))
    ]


@Operations.implementation_for(ops.AlterColumnOp)
def alter_column(operations: Any, operation: ops.AlterColumnOp) -> None:
    where = f"{operation.table_name}.{operation.column_name}"
    type_ = _as_type(operation.modify_type, "alter_column", where)
    existing_type = _as_type(operation.existing_type, "alter_column", where)
    schema_obj = operations.schema_obj
    if existing_type is not None and type_ is not None:
        old = schema_obj.table(
            operation.table_name,
            sa_schema.Column(operation.column_name, existing_type),
            schema=operation.schema,
        )
        for constraint in _type_bound_constraints(old, operations.impl.dialect):
            if constraint.name is None or _is_unnamed(constraint.name):
                log.warning(
                    "alter_column %s: the old type's CHECK constraint has no name "
                    "and is left in place; name it (e.g. with a naming convention) "
                    "so a type change can replace it",
                    where,
                )
                continue
            operations.impl.drop_constraint(constraint)
    operations.impl.alter_column(
        operation.table_name,
        operation.column_name,
        nullable=operation.modify_nullable,
        server_default=operation.modify_server_default,
        name=operation.modify_name,
        type_=type_,
        schema=operation.schema,
        existing_type=existing_type,
        existing_server_default=operation.existing_server_default,
        existing_nullable=operation.existing_nullable,
        comment=operation.modify_comment,
        existing_comment=operation.existing_comment,
        **operation.kw,
    )
    if type_ is not None:
        new = schema_obj.table(
            operation.table_name,
            schema_obj.column(operation.modify_name or operation.column_name, type_),
            schema=operation.schema,
        )
        for constraint in _type_bound_constraints(new, operations.impl.dialect):
            operations.impl.add_constraint(constraint)


@Operations.implementation_for(ops.DropTableOp)
def drop_table(operations: Any, operation: ops.DropTableOp) -> None:
    table = operations.schema_obj.table(
        operation.table_name, schema=operation.schema, **operation.table_kw
    )
    operations.impl.drop_table(table, if_exists=operation.if_exists)


@Operations.implementation_for(ops.DropColumnOp)
def drop_column(operations: Any, operation: ops.DropColumnOp) -> None:
    column = operation.to_column(operations.migration_context)
    _column_change(operations.impl.drop_column, operation, column, "if_exists")


def _column_change(method: Any, operation: Any, column: Any, flag: str) -> None:
    """``impl.add_column``/``drop_column`` with the directive's table, schema,
    IF [NOT] EXISTS flag and dialect keywords."""
    method(
        operation.table_name,
        column,
        schema=operation.schema,
        **{flag: getattr(operation, flag)},
        **operation.kw,
    )


@Operations.implementation_for(ops.CreateIndexOp)
def create_index(operations: Any, operation: ops.CreateIndexOp) -> None:
    index = operation.to_index(operations.migration_context)
    operations.impl.create_index(index, if_not_exists=operation.if_not_exists)


@Operations.implementation_for(ops.DropIndexOp)
def drop_index(operations: Any, operation: ops.DropIndexOp) -> None:
    index = operation.to_index(operations.migration_context)
    operations.impl.drop_index(index, if_exists=operation.if_exists)


@Operations.implementation_for(ops.CreateTableOp)
def create_table(operations: Any, operation: ops.CreateTableOp) -> sa_schema.Table:
    table = operation.to_table(operations.migration_context)
    operations.impl.create_table(table, if_not_exists=operation.if_not_exists)
    return table


@Operations.implementation_for(ops.RenameTableOp)
def rename_table(operations: Any, operation: ops.RenameTableOp) -> None:
    operations.impl.rename_table(
        operation.table_name, operation.new_table_name, schema=operation.schema
    )


@Operations.implementation_for(ops.CreateTableCommentOp)
def create_table_comment(operations: Any, operation: ops.CreateTableCommentOp) -> None:
    operations.impl.create_table_comment(
        operation.to_table(operations.migration_context)
    )


@Operations.implementation_for(ops.DropTableCommentOp)
def drop_table_comment(operations: Any, operation: ops.DropTableCommentOp) -> None:
    operations.impl.drop_table_comment(operation.to_table(operations.migration_context))


@Operations.implementation_for(ops.AddColumnOp)
def add_column(operations: Any, operation: ops.AddColumnOp) -> None:
    column = operation.column
    if column.table is not None:
        column = column._copy()
    operations.schema_obj.table(operation.table_name, column, schema=operation.schema)
    _column_change(operations.impl.add_column, operation, column, "if_not_exists")


@Operations.implementation_for(ops.AddConstraintOp)
def create_constraint(operations: Any, operation: ops.AddConstraintOp) -> None:
    operations.impl.add_constraint(
        operation.to_constraint(operations.migration_context)
    )


@Operations.implementation_for(ops.DropConstraintOp)
def drop_constraint(operations: Any, operation: ops.DropConstraintOp) -> None:
    constraint = operations.schema_obj.generic_constraint(
        operation.constraint_name,
        operation.table_name,
        operation.constraint_type,
        schema=operation.schema,
    )
    operations.impl.drop_constraint(constraint, if_exists=operation.if_exists)


@Operations.implementation_for(ops.BulkInsertOp)
def bulk_insert(operations: Any, operation: ops.BulkInsertOp) -> None:
    operations.impl.bulk_insert(
        operation.table, operation.rows, multiinsert=operation.multiinsert
    )


@Operations.implementation_for(ops.ExecuteSQLOp)
def execute_sql(operations: Any, operation: ops.ExecuteSQLOp) -> None:
    operations.migration_context.impl.execute(
        operation.sqltext, execution_options=operation.execution_options
    )
