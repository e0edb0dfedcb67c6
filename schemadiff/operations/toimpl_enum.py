"""Execution of the ENUM type directives (see :mod:`.ops_enum`)."""

from __future__ import annotations

import contextlib
from typing import Any

from schemadiff.operations.base import Operations
from schemadiff.operations.ops_enum import CreateEnumOp, DropEnumOp, SyncEnumValuesOp


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
