"""Python source for the ENUM type directives (see
:mod:`schemadiff.operations.ops_enum`)."""

from __future__ import annotations

from typing import Any

from schemadiff.autogenerate.render import _call, _op_prefix, renderers
from schemadiff.operations.ops_enum import CreateEnumOp, DropEnumOp, SyncEnumValuesOp


def _schema(schema: str | None) -> list[str]:
    return [f"schema={schema!r}"] if schema else []


@renderers.dispatch_for(CreateEnumOp)
def _render_create_enum(ctx: Any, op: CreateEnumOp) -> str:
    args = [repr(op.name), repr(list(op.values)), *_schema(op.schema)]
    return _call(_op_prefix(ctx), "create_enum", args)


@renderers.dispatch_for(DropEnumOp)
def _render_drop_enum(ctx: Any, op: DropEnumOp) -> str:
    args = [repr(op.name)]
    if op.values is not None:
        args.append(repr(list(op.values)))
    args.extend(_schema(op.schema))
    return _call(_op_prefix(ctx), "drop_enum", args)


@renderers.dispatch_for(SyncEnumValuesOp)
def _render_sync_enum_values(ctx: Any, op: SyncEnumValuesOp) -> list[str]:
    args = [
        repr(op.name),
        repr(list(op.values)),
        f"existing_values={list(op.existing_values)!r}",
    ]
    if op.columns:
        args.append(f"columns={op.columns!r}")
    args.extend(_schema(op.schema))
    if op.value_renames:
        args.append(f"value_renames={op.value_renames!r}")
    lines = []
    for old, new in op.rename_hints:
        # the same kind of hint as for a column that looks renamed: acting on
        # it keeps the rows that hold the old value
        lines.append(
            f"# {old!r} -> {new!r} looks like a rename: add "
            f"value_renames={{{old!r}: {new!r}}} to keep the rows holding {old!r}"
        )
    lines.append(_call(_op_prefix(ctx), "sync_enum_values", args, multiline=True))
    return lines
