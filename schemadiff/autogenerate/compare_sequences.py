"""Free-standing sequences (``sa.Sequence`` in the MetaData): created,
dropped, and their options changed, where the dialect's normaliser reads
them (PostgreSQL from ``pg_sequence``, MariaDB from the sequences
themselves).  Sequences that belong to a serial or identity column are
the column's business and never show up here (the catalog reader leaves
them out).

Options are compared the way identity options are: ``start``, ``increment``
and ``cycle`` always (with the backend's defaults for what the model leaves
out), ``minvalue``, ``maxvalue`` and ``cache`` only when the model states
them (their defaults differ by backend: MariaDB caches 1000 and stops at
2**63 - 2).  New sequences go first (a new table's default may use one), dropped
ones last.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from schemadiff.autogenerate.model import TableKey, schema_key
from schemadiff.operations import ops
from schemadiff.operations.ops_sequence import (
    AlterSequenceOp,
    CreateSequenceOp,
    DropSequenceOp,
)

if TYPE_CHECKING:
    from schemadiff.autogenerate.api import AutogenContext

_ALWAYS = ("start", "increment", "cycle")
_STATED = ("minvalue", "maxvalue", "cache")


def metadata_sequences(
    ctx: AutogenContext, schemas: list[str | None]
) -> dict[TableKey, sa.Sequence]:
    wanted = set(schemas)
    out: dict[TableKey, sa.Sequence] = {}
    for metadata in ctx.metadata_list:
        for seq in metadata._sequences.values():
            key = (schema_key(seq.schema, ctx.default_schema), seq.name)
            if key[0] in wanted:
                out[key] = seq
    return out


def reflect_sequences(
    ctx: AutogenContext, schemas: list[str | None]
) -> dict[TableKey, dict[str, Any]] | None:
    names = sorted({s or ctx.default_schema for s in schemas} - {None})
    if ctx.connection is None or not names:
        return None
    found = ctx.normaliser.read_sequences(ctx.connection, names)
    if found is None:
        return None
    return {
        (schema_key(schema, ctx.default_schema), name): info
        for (schema, name), info in found.items()
    }


def _model_options(seq: sa.Sequence) -> dict[str, Any]:
    increment = seq.increment if seq.increment is not None else 1
    start = seq.start
    if start is None:
        start = seq.minvalue if increment > 0 else seq.maxvalue
    if start is None:
        start = 1 if increment > 0 else -1
    options = {"start": start, "increment": increment, "cycle": bool(seq.cycle)}
    for attr in _STATED:
        if getattr(seq, attr) is not None:
            options[attr] = getattr(seq, attr)
    return options


def _declared(seq: sa.Sequence) -> dict[str, Any]:
    """What the models say, for create_sequence."""
    return {
        attr: getattr(seq, attr)
        for attr in ("start", "increment", "minvalue", "maxvalue", "cycle", "cache")
        if getattr(seq, attr) is not None
    }


def compare_sequences(
    ctx: AutogenContext,
    upgrade_ops: ops.UpgradeOps,
    conn: dict[TableKey, dict[str, Any]] | None,
    meta: dict[TableKey, sa.Sequence],
) -> None:
    if conn is None:
        return
    first: list[ops.MigrateOperation] = []
    last: list[ops.MigrateOperation] = []
    for key in sorted(meta, key=_sort_key):
        seq = meta[key]
        info = conn.get(key)
        reflected = _reflected(key, info) if info is not None else None
        if not ctx.run_object_filters(seq, key[1], "sequence", False, reflected):
            continue
        if info is None:
            first.append(CreateSequenceOp(key[1], schema=key[0], **_declared(seq)))
            continue
        wanted = _model_options(seq)
        changes = {k: v for k, v in wanted.items() if info.get(k) != v}
        if changes:
            existing = {k: info.get(k) for k in changes}
            first.append(AlterSequenceOp(key[1], changes, existing, schema=key[0]))
    for key in sorted(conn, key=_sort_key):
        if key in meta:
            continue
        info = conn[key]
        if not ctx.run_object_filters(
            _reflected(key, info), key[1], "sequence", True, None
        ):
            continue
        options = {k: info[k] for k in ("start", "increment", "minvalue", "maxvalue")}
        options["cycle"] = info["cycle"] or None
        last.append(DropSequenceOp(key[1], schema=key[0], **options))
    upgrade_ops.ops[:0] = first
    upgrade_ops.ops.extend(last)


def _reflected(key: TableKey, info: dict[str, Any]) -> sa.Sequence:
    """A Sequence standing for the database's, for the include_object hook."""
    return sa.Sequence(
        key[1],
        schema=key[0],
        start=info["start"],
        increment=info["increment"],
        minvalue=info["minvalue"],
        maxvalue=info["maxvalue"],
        cycle=info["cycle"],
        cache=info["cache"],
    )


def _sort_key(key: TableKey) -> tuple[str, str]:
    return (key[0] or "", key[1])
