"""Drift reports for ``schemadiff check``: a readable list and a stable JSON
document, both built from the directives a comparison produced.  Pure
formatting: running the comparison and printing are ``schemadiff.command``'s.

JSON format (``schemadiff check --format json``), version 2::

    {
      "format": "schemadiff-check",
      "version": 1,
      "status": "clean" | "drift" | "error",
      "count": <number of differences>,
      "differences": [
        {
          "kind": "add_table" | "remove_table" | "add_column" |
                  "remove_column" | "modify_nullable" | "modify_type" |
                  "modify_default" | "modify_comment" | "add_index" |
                  "remove_index" | "add_constraint" | "remove_constraint" |
                  "add_fk" | "remove_fk" | "add_table_comment" |
                  "remove_table_comment" | "rename_column" |
                  "rename_table" | <a plugin directive's kind>,
          "schema": <schema name or null for the default schema>,
          "table": <table name or null>,
          "column": <column name, for column kinds, else null>,
          "name": <index/constraint name, for index and constraint kinds>,
          "before": <the database's value, null when absent>,
          "after": <the models' value, null when absent>,
          "description": <the same one-line text the text format prints>,
          # only on a change that discards data:
          "destructive": true,
          "reason": <why it discards data, one line>,
          # only on a removal/addition that may be one object renamed:
          "possible_renames": [
            {"kind": "column" | "table", "from": "<table.column or table>",
             "to": "<...>", "hint": "<the --rename value confirming it>"},
            ...
          ]
        },
        ...
      ]
    }

``before``/``after`` hold: for tables, ``{"columns": [...]}``; for columns,
``{"type": "<SQL type>", "nullable": bool}``; for ``modify_type`` the SQL type
strings; for ``modify_nullable`` booleans; for ``modify_default`` the default's
SQL text; for comments the comment; for indexes ``{"columns": [...],
"unique": bool}`` plus ``"where": "<predicate SQL>"`` for a partial index;
for constraints ``{"type": "unique"|"primary_key"|
"foreign_key", "columns": [...]}`` (foreign keys add ``referred_schema``,
``referred_table``, ``referred_columns``, ``ondelete``, ``onupdate``), and for
CHECK constraints ``{"type": "check", "sqltext": "<condition>"}`` (the
database's spelling of the condition on the ``before`` side, the models' on
the ``after`` side).
When the check could not run (exit status 2: a bad config, an unreachable
database, ...) the document is ``{"format": ..., "version": 2, "status":
"error", "message": "<the FAILED line's message>", "count": null,
"differences": []}``, so CI can always parse stdout.

``rename_column``/``rename_table`` (a rename confirmed by a hint) have the
old name in ``before`` and the new one in ``after`` (``table``/``column``
name the old object).  ``destructive``/``reason`` follow
``schemadiff.autogenerate.destructive``: dropped tables and columns,
narrowing type changes (on the ``modify_type`` entry), NOT NULL without a
server default (on ``modify_nullable`` or ``add_column``).
``possible_renames`` lists, on a removed and on an added column or table,
the renames autogenerate suspects but was not told to make (the removal is
then destructive, its reason naming the rename).
A missing ``destructive`` means false; a missing ``possible_renames``, none.
Version 2 added ``destructive``, ``reason``, ``possible_renames`` and the
rename kinds; version 1 had none of them.
Differences keep the order the comparison produced (tables in dependency
order, then per-table changes).  New keys may be added in later versions;
existing keys keep their meaning.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy import schema as sa_schema
from sqlalchemy.sql.elements import ClauseElement, TextClause

from schemadiff.autogenerate import destructive
from schemadiff.autogenerate.renames import possible_renames_of
from schemadiff.ddl.plain_sql import plain_sql_dialect
from schemadiff.operations import ops

REPORT_FORMAT = "schemadiff-check"
REPORT_VERSION = 2

__all__ = [
    "REPORT_FORMAT",
    "REPORT_VERSION",
    "change_lines",
    "differences",
    "json_error",
    "json_report",
    "text_report",
]


def differences(
    upgrade_ops_list: Iterable[ops.UpgradeOps], dialect: Any = None
) -> list[dict[str, Any]]:
    """One report entry per difference, for every UpgradeOps given."""
    entries: list[dict[str, Any]] = []
    if dialect is not None:
        # the report shows SQL as the database stores it (one ``%``)
        dialect = plain_sql_dialect(dialect)
    for upgrade_ops in upgrade_ops_list:
        # the walk of UpgradeOps.as_diffs(); a column's nested modify_* list
        # becomes one entry per change
        for op in upgrade_ops.leaf_ops():
            entries.extend(_entries_for_op(op, dialect))
    return entries


def _entries_for_op(op: Any, dialect: Any) -> list[dict[str, Any]]:
    try:
        diff = op.to_diff_tuple()
    except NotImplementedError:
        return [_mark(_plugin_entry(op), op)]
    diffs = diff if isinstance(diff, list) else [diff]
    out = []
    if isinstance(op, ops.AlterColumnOp) and op.modify_name is not None:
        # a confirmed rename; Alembic's diff form has no kind for it
        where = (op.schema, op.table_name, op.column_name)
        diffs = [("modify_name", *where, {}, op.column_name, op.modify_name), *diffs]
    for item in diffs:
        try:
            out.append(_entry(item, dialect))
        except (AttributeError, IndexError, TypeError, ValueError):
            out.append(_plugin_entry(op, kind=str(item[0]) if item else None))
    return [_mark(entry, op) for entry in out]


def _mark(entry: dict[str, Any], op: Any) -> dict[str, Any]:
    """Add ``destructive``/``reason`` (see .destructive) and
    ``possible_renames`` (see .renames) to one entry of ``op``, where they
    apply (absent keys mean "no", so entries of other kinds stay as they
    were in version 1)."""
    if isinstance(op, ops.AlterColumnOp):
        reason = destructive.modify_reasons(op).get(entry["kind"])
    else:
        reason = destructive.data_loss_reason(op)
    if reason is not None:
        entry["destructive"] = True
        entry["reason"] = reason
    candidates = possible_renames_of(op)
    if candidates:
        entry["possible_renames"] = [c.as_dict() for c in candidates]
    return entry


def _plugin_entry(op: Any, kind: str | None = None) -> dict[str, Any]:
    """Directives without a standard diff form (plugins): name what we can."""
    if kind is None:
        kind = getattr(op, "diff_kind", None) or type(op).__name__
    table = getattr(op, "table_name", None)
    name = next(
        (
            getattr(op, attr)
            for attr in ("constraint_name", "index_name", "view_name", "name")
            if isinstance(getattr(op, attr, None), str)
        ),
        None,
    )
    entry = _base(kind, getattr(op, "schema", None), table, None, name, None, None)
    entry["description"] = f"{kind} {_qual(entry['schema'], table or name)}".rstrip()
    return entry


def _base(
    kind: str,
    schema: Any,
    table: Any,
    column: Any,
    name: Any,
    before: Any,
    after: Any,
) -> dict[str, Any]:
    return {
        "kind": kind,
        "schema": _s(schema),
        "table": _s(table),
        "column": _s(column),
        "name": _s(name),
        "before": before,
        "after": after,
        "description": "",
    }


def _s(value: Any) -> str | None:
    return None if value is None else str(value)


def _type_sql(type_: Any, dialect: Any) -> str | None:
    if type_ is None:
        return None
    if isinstance(type_, type):
        type_ = type_()
    try:
        return str(type_.compile(dialect=dialect))
    except Exception:  # noqa: BLE001 - types the dialect can't render
        return repr(type_)


def _default_sql(default: Any, dialect: Any) -> str | None:
    if default is None or default is False:
        return None
    if isinstance(default, (sa_schema.Computed, sa_schema.Identity)):
        return None
    if isinstance(default, sa_schema.DefaultClause):
        default = default.arg
        if isinstance(default, str):
            # a plain string in the models is a literal: show it as SQL
            return "'" + default.replace("'", "''") + "'"
    if isinstance(default, str):
        return default
    if isinstance(default, TextClause):
        return default.text
    if isinstance(default, ClauseElement):
        try:
            # as DDL shows it: literal values, bare column names
            kwargs = {"literal_binds": True, "include_table": False}
            return str(default.compile(dialect=dialect, compile_kwargs=kwargs))
        except Exception:  # noqa: BLE001
            return str(default)
    return str(default)


def _column_info(column: Any, dialect: Any) -> dict[str, Any]:
    return {"type": _type_sql(column.type, dialect), "nullable": bool(column.nullable)}


def _index_info(index: sa.Index) -> dict[str, Any]:
    columns = []
    for expr in index.expressions:
        columns.append(str(getattr(expr, "name", None) or expr))
    return {"columns": columns, "unique": bool(index.unique)}


def _index_where(index: sa.Index, dialect: Any) -> str | None:
    """A partial index's predicate as SQL text (``<dialect>_where``), so a
    changed predicate reads as such, not as two identical lines."""
    name = getattr(dialect, "name", None)
    for key, value in index.dialect_kwargs.items():
        if not key.endswith("_where") or value is None:
            continue
        if name is not None and not key.startswith(f"{name}_"):
            continue
        if isinstance(value, str):
            return value
        compiled = value.compile(
            dialect=plain_sql_dialect(dialect) if dialect is not None else None,
            compile_kwargs={"literal_binds": True, "include_table": False},
        )
        return str(compiled)
    return None


_CONSTRAINT_TYPES = {
    "unique_constraint": "unique",
    "check_constraint": "check",
    "column_check_constraint": "check",
    "table_or_column_check_constraint": "check",
    "primary_key_constraint": "primary_key",
    "foreign_key_constraint": "foreign_key",
    "exclude_constraint": "exclude",
}


def _constraint_info(const: Any, dialect: Any = None) -> dict[str, Any]:
    info: dict[str, Any] = {
        "type": _CONSTRAINT_TYPES.get(const.__visit_name__, const.__visit_name__)
    }
    if isinstance(const, sa.ForeignKeyConstraint):
        info["columns"] = [str(c) for c in const.column_keys]
        specs = [fk._get_colspec() for fk in const.elements]
        table_part = specs[0].rsplit(".", 1)[0] if specs else ""
        schema, _, table = table_part.rpartition(".")
        info["referred_schema"] = schema or None
        info["referred_table"] = table or None
        info["referred_columns"] = [s.rsplit(".", 1)[-1] for s in specs]
        info["ondelete"] = const.ondelete
        info["onupdate"] = const.onupdate
    elif isinstance(const, sa.CheckConstraint):
        info["sqltext"] = _default_sql(const.sqltext, dialect)
    else:
        info["columns"] = [str(c.name) for c in getattr(const, "columns", [])]
    return info


def _qual(schema: Any, *parts: Any) -> str:
    names = [str(p) for p in (schema, *parts) if p is not None]
    return ".".join(names)


def _entry(diff: tuple, dialect: Any) -> dict[str, Any]:
    kind = diff[0]
    if kind in ("add_table", "remove_table"):
        table = diff[1]
        info = {"columns": [c.name for c in table.columns]}
        before, after = (None, info) if kind == "add_table" else (info, None)
        entry = _base(kind, table.schema, table.name, None, None, before, after)
        verb = "added" if kind == "add_table" else "removed"
        entry["description"] = f"table {_qual(table.schema, table.name)} {verb}"
        return entry
    if kind in ("add_column", "remove_column"):
        _, schema, tname, column = diff
        info = _column_info(column, dialect)
        before, after = (None, info) if kind == "add_column" else (info, None)
        entry = _base(kind, schema, tname, column.name, None, before, after)
        verb = "added" if kind == "add_column" else "removed"
        null = "NULL" if info["nullable"] else "NOT NULL"
        entry["description"] = (
            f"column {_qual(schema, tname, column.name)} {verb} "
            f"({info['type']}, {null})"
        )
        return entry
    if kind == "modify_name":
        _, schema, tname, cname, _existing, old, new = diff
        entry = _base("rename_column", schema, tname, cname, None, old, new)
        entry["description"] = (
            f"column {_qual(schema, tname, old)} renamed to {_qual(schema, tname, new)}"
        )
        return entry
    if kind == "rename_table":
        _, schema, old, new = diff
        entry = _base(kind, schema, old, None, None, old, new)
        entry["description"] = (
            f"table {_qual(schema, old)} renamed to {_qual(schema, new)}"
        )
        return entry
    if kind.startswith("modify_"):
        _, schema, tname, cname, _existing, old, new = diff
        where = _qual(schema, tname, cname)
        if kind == "modify_type":
            before, after = _type_sql(old, dialect), _type_sql(new, dialect)
            text = f"type of {where} changed: {before} -> {after}"
        elif kind == "modify_nullable":
            before, after = _opt_bool(old), _opt_bool(new)
            text = (
                f"nullability of {where} changed: "
                f"{_null_word(before)} -> {_null_word(after)}"
            )
        elif kind == "modify_default":
            before, after = _default_sql(old, dialect), _default_sql(new, dialect)
            text = f"server default of {where} changed: {before} -> {after}"
        else:
            before, after = _s(old), _s(new)
            text = f"comment of {where} changed: {before!r} -> {after!r}"
        entry = _base(kind, schema, tname, cname, None, before, after)
        entry["description"] = text
        return entry
    if kind in ("add_index", "remove_index"):
        index = diff[1]
        table = index.table
        info = _index_info(index)
        where = _index_where(index, dialect)
        if where is not None:
            info["where"] = where
        before, after = (None, info) if kind == "add_index" else (info, None)
        entry = _base(
            kind,
            getattr(table, "schema", None),
            getattr(table, "name", None),
            None,
            index.name,
            before,
            after,
        )
        verb = "added" if kind == "add_index" else "removed"
        unique = "unique index" if info["unique"] else "index"
        entry["description"] = (
            f"{unique} {index.name} on "
            f"{_qual(entry['schema'], entry['table'])}({', '.join(info['columns'])})"
            f"{f' WHERE {where}' if where is not None else ''} {verb}"
        )
        return entry
    if kind in ("add_constraint", "remove_constraint", "add_fk", "remove_fk"):
        const = diff[1]
        table = const.table
        info = _constraint_info(const, dialect)
        before, after = (None, info) if kind.startswith("add") else (info, None)
        entry = _base(kind, table.schema, table.name, None, const.name, before, after)
        verb = "added" if kind.startswith("add") else "removed"
        label = info["type"].replace("_", " ")
        target = ""
        if info["type"] == "foreign_key":
            target = (
                f" -> {_qual(info['referred_schema'], info['referred_table'])}"
                f"({', '.join(info['referred_columns'])})"
            )
        cols = f"({', '.join(info.get('columns', []))})"
        if info["type"] == "check":
            cols = f" CHECK ({info['sqltext']})"
        entry["description"] = (
            f"{label} constraint {const.name or '(unnamed)'} on "
            f"{_qual(table.schema, table.name)}{cols}{target} {verb}"
        )
        return entry
    if kind in ("add_table_comment", "remove_table_comment"):
        table = diff[1]
        if kind == "add_table_comment":
            before, after = _s(diff[2] if len(diff) > 2 else None), _s(table.comment)
        else:
            before, after = _s(getattr(table, "comment", None)), None
        entry = _base(kind, table.schema, table.name, None, None, before, after)
        entry["description"] = (
            f"comment of table {_qual(table.schema, table.name)} changed: "
            f"{before!r} -> {after!r}"
        )
        return entry
    raise ValueError(kind)


def _opt_bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _null_word(value: bool | None) -> str:
    if value is None:
        return "unknown"
    return "NULL" if value else "NOT NULL"


def text_report(entries: list[dict[str, Any]]) -> str:
    """The human-readable report ``check`` prints on drift."""
    lines = [
        f"Detected {len(entries)} difference{'s' if len(entries) != 1 else ''} "
        "between the database and the models:"
    ]
    for e in entries:
        lines.extend(change_lines([e]))
        if e.get("destructive"):
            lines.append(f"      DATA LOSS: {e['reason']}")
    for e in entries:
        if e["kind"] in ("remove_column", "remove_table"):
            for cand in e.get("possible_renames", ()):
                lines.append(
                    f"possible rename: {cand['from']} -> {cand['to']} "
                    f"(to rename instead: --rename {cand['hint']})"
                )
    lines.append(
        "Run 'schemadiff revision --autogenerate -m \"...\"' to write a migration."
    )
    return "\n".join(lines)


def change_lines(entries: list[dict[str, Any]]) -> list[str]:
    """One ``  - [kind] description`` line per difference (``check`` and
    ``revision --autogenerate`` print the same lines)."""
    return [f"  - [{e['kind']}] {e['description']}" for e in entries]


def json_error(message: str) -> str:
    """The JSON document ``check --format json`` prints when it fails."""
    document = {
        "format": REPORT_FORMAT,
        "version": REPORT_VERSION,
        "status": "error",
        "message": message,
        "count": None,
        "differences": [],
    }
    return json.dumps(document, indent=2, sort_keys=False)


def json_report(entries: list[dict[str, Any]]) -> str:
    """The stable JSON report (see the module docstring)."""
    document = {
        "format": REPORT_FORMAT,
        "version": REPORT_VERSION,
        "status": "drift" if entries else "clean",
        "count": len(entries),
        "differences": entries,
    }
    return json.dumps(document, indent=2, sort_keys=False, default=str)
