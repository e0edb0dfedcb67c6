"""Python source for the sequence directives (see
:mod:`schemadiff.operations.ops_sequence`)."""

from __future__ import annotations

from typing import Any

from schemadiff.autogenerate.render import _call, _op_prefix, renderers
from schemadiff.operations.ops_sequence import (
    AlterSequenceOp,
    CreateSequenceOp,
    DropSequenceOp,
)


def _args(name: str, schema: str | None, options: dict[str, Any]) -> list[str]:
    args = [repr(name)]
    if schema:
        args.append(f"schema={schema!r}")
    args.extend(f"{k}={v!r}" for k, v in options.items())
    return args


@renderers.dispatch_for(CreateSequenceOp)
def _render_create_sequence(ctx: Any, op: CreateSequenceOp) -> str:
    return _call(
        _op_prefix(ctx), "create_sequence", _args(op.name, op.schema, op.options)
    )


@renderers.dispatch_for(DropSequenceOp)
def _render_drop_sequence(ctx: Any, op: DropSequenceOp) -> str:
    return _call(
        _op_prefix(ctx), "drop_sequence", _args(op.name, op.schema, op.options)
    )


@renderers.dispatch_for(AlterSequenceOp)
def _render_alter_sequence(ctx: Any, op: AlterSequenceOp) -> str:
    args = _args(op.name, op.schema, op.changes)
    existing = {k: op.existing.get(k) for k in op.changes}
    args.append(f"existing={existing!r}")
    return _call(_op_prefix(ctx), "alter_sequence", args)
