"""Named ENUM types (PostgreSQL): values added, removed, renamed or reordered,
and types created with the first column that uses them and dropped with the
last.

The comparison is pure (:func:`compare_enums`); the two sides come from
:func:`reflect_enums` (one batched catalog read through the dialect's
normaliser) and :func:`metadata_enums`.  Directives go around the table
changes: new types and value changes first (new columns may need them),
dropped types last (after the columns that used them are gone).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from schemadiff.autogenerate.model import EnumModel, SchemaModel, TableKey, schema_key
from schemadiff.operations import ops
from schemadiff.operations.ops_enum import CreateEnumOp, DropEnumOp, SyncEnumValuesOp

if TYPE_CHECKING:
    from schemadiff.autogenerate.api import AutogenContext

log = logging.getLogger(__name__)


def metadata_enums(ctx: AutogenContext, meta: SchemaModel) -> dict[TableKey, EnumModel]:
    """The named ENUM types the compared model columns use."""
    out: dict[TableKey, EnumModel] = {}
    for (tschema, tname), table in meta.tables.items():
        for col in table.columns.values():
            found = ctx.normaliser.native_enum(col.column.type)
            if found is None:
                continue
            schema, name, values, is_array = found
            key = (schema_key(schema, ctx.default_schema), name)
            entry = out.setdefault(key, EnumModel(key[0], name, values))
            if entry.values != values:
                log.warning(
                    "ENUM type %s is declared with different values by several "
                    "columns; comparing the first declaration %r",
                    name,
                    entry.values,
                )
            entry.columns.append(
                {"schema": tschema, "table": tname, "column": col.name}
            )
    return out


def reflect_enums(
    ctx: AutogenContext,
    schemas: list[str | None],
    meta_enums: dict[TableKey, EnumModel],
) -> dict[TableKey, EnumModel]:
    """The database's ENUM types in the compared schemas and in the schemas the
    models' types live in, with every column using them."""
    wanted = {s or ctx.default_schema for s in schemas}
    wanted.update(key[0] or ctx.default_schema for key in meta_enums)
    names = sorted(s for s in wanted if s is not None)
    if not names or ctx.connection is None:
        return {}
    out: dict[TableKey, EnumModel] = {}
    for (schema, name), info in ctx.normaliser.read_enums(
        ctx.connection, names
    ).items():
        key = (schema_key(schema, ctx.default_schema), name)
        columns = []
        for col in info["columns"]:
            entry = {
                "table": col["table"],
                "column": col["column"],
            }
            col_schema = schema_key(col["schema"], ctx.default_schema)
            if col_schema is not None:
                entry["schema"] = col_schema
            if col["array"]:
                entry["array"] = True
            if col["default"] is not None:
                entry["default"] = col["default"]
            columns.append(entry)
        out[key] = EnumModel(key[0], name, tuple(info["values"]), columns)
    return out


def compare_enums(
    ctx: AutogenContext,
    upgrade_ops: ops.UpgradeOps,
    conn_enums: dict[TableKey, EnumModel],
    meta_enums: dict[TableKey, EnumModel],
    schemas: list[str | None],
) -> None:
    """Put the ENUM type directives around the table directives already in
    ``upgrade_ops``."""
    first: list[ops.MigrateOperation] = []
    for key in sorted(meta_enums, key=_sort_key):
        meta_e = meta_enums[key]
        conn_e = conn_enums.get(key)
        compare_to = _type_of(conn_e) if conn_e is not None else None
        if not ctx.run_object_filters(
            _type_of(meta_e), meta_e.name, "enum", False, compare_to
        ):
            continue
        if conn_e is None:
            first.append(CreateEnumOp(meta_e.name, meta_e.values, schema=key[0]))
        elif conn_e.values != meta_e.values:
            first.append(_sync(conn_e, meta_e))
    last: list[ops.MigrateOperation] = []
    released = _released_columns(upgrade_ops)
    compared = set(schemas)
    for key in sorted(conn_enums, key=_sort_key):
        conn_e = conn_enums[key]
        if key in meta_enums or key[0] not in compared or not conn_e.columns:
            continue
        users = {(c.get("schema"), c["table"], c["column"]) for c in conn_e.columns}
        if users <= released and ctx.run_object_filters(
            _type_of(conn_e), conn_e.name, "enum", True, None
        ):
            last.append(DropEnumOp(conn_e.name, conn_e.values, schema=key[0]))
    upgrade_ops.ops[:0] = first
    upgrade_ops.ops.extend(last)


def _type_of(enum: EnumModel) -> sa.Enum:
    """The type as an object for the include_object hook."""
    return sa.Enum(*enum.values, name=enum.name, schema=enum.schema)


def _sort_key(key: TableKey) -> tuple[str, str]:
    return (key[0] or "", key[1])


def _sync(conn_e: EnumModel, meta_e: EnumModel) -> SyncEnumValuesOp:
    op = SyncEnumValuesOp(
        conn_e.name,
        meta_e.values,
        conn_e.values,
        columns=conn_e.columns,
        schema=conn_e.schema,
    )
    removed = [v for v in conn_e.values if v not in meta_e.values]
    added = [v for v in meta_e.values if v not in conn_e.values]
    if removed and len(removed) == len(added):
        op.rename_hints = list(zip(removed, added, strict=True))
    return op


def _released_columns(upgrade_ops: ops.UpgradeOps) -> set[tuple[Any, str, str]]:
    """``(schema, table, column)`` of every column the upgrade drops or gives
    another type: a type used by nothing else afterwards can go."""
    out: set[tuple[Any, str, str]] = set()
    for op in upgrade_ops.ops:
        if isinstance(op, ops.DropTableOp):
            table = op.to_table()
            out.update((op.schema, op.table_name, c.name) for c in table.columns)
        elif isinstance(op, ops.ModifyTableOps):
            for sub in op.ops:
                if isinstance(sub, ops.DropColumnOp):
                    out.add((op.schema, op.table_name, sub.column_name))
                elif isinstance(sub, ops.AlterColumnOp) and sub.modify_type is not None:
                    out.add((op.schema, op.table_name, sub.column_name))
    return out
