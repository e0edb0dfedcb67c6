"""Execution of the directives for schema-level objects beside tables: ENUM
types (see :mod:`.ops_enum`) and sequences (:mod:`.ops_sequence`)."""

from __future__ import annotations

import contextlib
from typing import Any

from schemadiff.operations.base import Operations
from schemadiff.operations.ops_enum import CreateEnumOp, DropEnumOp, SyncEnumValuesOp
from schemadiff.operations.ops_sequence import (
    AlterSequenceOp,
    CreateSequenceOp,
    DropSequenceOp,
)


@Operations.implementation_for(CreateEnumOp)
def create_enum(operations: Any, operation: CreateEnumOp) -> None:
    operations.impl.create_enum(operation.name, operation.values, operation.schema)


@Operations.implementation_for(DropEnumOp)
def drop_enum(operations: Any, operation: DropEnumOp) -> None:
    operations.impl.drop_enum(operation.name, operation.schema)


@Operations.implementation_for(SyncEnumValuesOp)
def sync_enum_values(operations: Any, operation: SyncEnumValuesOp) -> None:
    context = operations.migration_context

    def autocommit_block() -> contextlib.AbstractContextManager[Any]:
        # the caller's own transaction can't be committed for them: the new
        # values are then usable only once they commit it
        if getattr(context, "_in_external_transaction", False):
            return contextlib.nullcontext()
        return context.autocommit_block()

    operations.impl.sync_enum_values(
        operation.name,
        operation.values,
        operation.existing_values,
        operation.columns,
        operation.schema,
        operation.value_renames,
        autocommit_block,
    )


@Operations.implementation_for(CreateSequenceOp)
def create_sequence(operations: Any, operation: CreateSequenceOp) -> None:
    operations.impl.create_sequence(
        operation.name, operation.schema, **operation.options
    )


@Operations.implementation_for(DropSequenceOp)
def drop_sequence(operations: Any, operation: DropSequenceOp) -> None:
    operations.impl.drop_sequence(operation.name, operation.schema)


@Operations.implementation_for(AlterSequenceOp)
def alter_sequence(operations: Any, operation: AlterSequenceOp) -> None:
    operations.impl.alter_sequence(operation.name, operation.schema, operation.changes)
