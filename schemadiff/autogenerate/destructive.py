"""Destructive changes named: which directives discard data, and why.

A directive discards data when it drops a table or a column, changes a
column's type to one that can truncate or reject existing values (a shorter
string, a smaller integer or numeric, text to a non-text type, ...), or makes
a column NOT NULL with no server default to fill it (which fails on any row
holding NULL).  :func:`data_loss_reason` says so in one line, or returns None.

Pure functions of the directives: revision rendering writes the reason as a
``# DATA LOSS: <reason>`` comment above the call, ``revision --autogenerate``
prints one summary line per such directive (and ``--no-destructive`` refuses
to write them), and ``check --format json`` carries ``"destructive": true``
and the reason on the difference.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy import types as sqltypes

from schemadiff.autogenerate.renames import possible_renames_of
from schemadiff.operations import ops

__all__ = [
    "data_loss_reason",
    "destructive_ops",
    "modify_reasons",
    "type_change_reason",
]


def _qual(schema: Any, *names: Any) -> str:
    return ".".join(str(n) for n in (schema, *names) if n is not None)


def data_loss_reason(op: ops.MigrateOperation) -> str | None:
    """One line saying how ``op`` discards data; None when it doesn't."""
    reason: str | None = None
    if isinstance(op, ops.DropTableOp):
        reason = f"drops table {_qual(op.schema, op.table_name)} and all its rows"
    elif isinstance(op, ops.DropColumnOp):
        where = _qual(op.schema, op.table_name, op.column_name)
        reason = f"drops column {where} and its values"
    elif isinstance(op, ops.AlterColumnOp):
        reasons = modify_reasons(op)
        reason = "; ".join(reasons.values()) if reasons else None
    elif isinstance(op, ops.AddColumnOp):
        reason = _add_not_null_reason(op)
    if reason is None:
        return None
    candidates = possible_renames_of(op)
    if candidates:
        if isinstance(op, (ops.DropColumnOp, ops.DropTableOp)):
            others = "possible rename to " + " or ".join(
                c.new_label for c in candidates
            )
        else:
            others = "possible rename of " + " or ".join(
                c.old_label for c in candidates
            )
        hints = " / ".join(f"--rename {c.hint}" for c in candidates)
        reason += f" ({others}: {hints})"
    return reason


def modify_reasons(op: ops.AlterColumnOp) -> dict[str, str]:
    """Per ``modify_*`` kind of an alter_column, the data-loss reason."""
    where = _qual(op.schema, op.table_name, op.column_name)
    reasons: dict[str, str] = {}
    if op.modify_type is not None:
        why = type_change_reason(op.existing_type, op.modify_type)
        if why is not None:
            reasons["modify_type"] = f"type of {where} {why}"
    if op.modify_nullable is False and op.existing_nullable is not False:
        default = (
            op.modify_server_default
            if op.modify_server_default is not False
            else op.existing_server_default
        )
        if default in (None, False):
            reasons["modify_nullable"] = (
                f"{where} made NOT NULL without a server default: "
                "fails on rows holding NULL"
            )
    return reasons


def _add_not_null_reason(op: ops.AddColumnOp) -> str | None:
    column = op.column
    if column.nullable or column.server_default is not None:
        return None
    if column.computed is not None or column.identity is not None:
        return None
    where = _qual(op.schema, op.table_name, column.name)
    return (
        f"adds NOT NULL column {where} without a server default: "
        "fails on a table holding rows"
    )


def destructive_ops(
    containers: Iterable[ops.OpContainer],
) -> Iterator[tuple[ops.MigrateOperation, str]]:
    """``(directive, reason)`` for every data-discarding directive inside."""
    for container in containers:
        for op in container.leaf_ops():
            reason = data_loss_reason(op)
            if reason is not None:
                yield op, reason


# --------------------------------------------------------------------- types
_INT_BYTES = {
    "TINYINT": 1,
    "SMALLINT": 2,
    "SMALLINTEGER": 2,
    "MEDIUMINT": 3,
    "INT": 4,
    "INTEGER": 4,
    "BIGINT": 8,
    "BIGINTEGER": 8,
}
#: decimal digits each integer size can hold
_INT_DIGITS = {1: 3, 2: 5, 3: 8, 4: 10, 8: 19}


def _instance(type_: Any) -> Any:
    if isinstance(type_, type):
        return type_()
    return type_


def _family(type_: Any) -> str:
    if isinstance(type_, sa.Enum):
        return "enum"
    if isinstance(type_, sqltypes.Boolean):
        return "boolean"
    if isinstance(type_, sqltypes.String):
        return "text"
    if isinstance(type_, sqltypes.Integer):
        return "integer"
    if isinstance(type_, sqltypes.Float):
        return "float"
    if isinstance(type_, sqltypes.Numeric):
        return "numeric"
    if isinstance(type_, sqltypes.DateTime):
        return "datetime"
    if isinstance(type_, sqltypes.Date):
        return "date"
    if isinstance(type_, sqltypes._Binary):
        return "binary"
    return type(type_).__name__.lower()


def _int_bytes(type_: Any) -> int:
    for klass in type(type_).__mro__:
        size = _INT_BYTES.get(klass.__name__.upper())
        if size is not None:
            return size
    return 4


def _float_bits(type_: Any) -> int:
    precision = getattr(type_, "precision", None)
    if precision is not None:
        return 24 if precision <= 24 else 53
    names = {k.__name__.upper() for k in type(type_).__mro__}
    if names & {"REAL", "FLOAT4"} and not names & {"DOUBLE", "DOUBLE_PRECISION"}:
        return 24
    return 53


def _numeric_digits(type_: Any) -> tuple[int | None, int]:
    """(digits before the point, digits after); None: unbounded."""
    precision = getattr(type_, "precision", None)
    scale = getattr(type_, "scale", None) or 0
    if precision is None:
        return None, 1000
    return precision - scale, scale


def _type_name(type_: Any) -> str:
    try:
        return str(type_.compile())
    except Exception:  # noqa: BLE001 - dialect-only types
        return type(type_).__name__.upper()


def type_change_reason(old: Any, new: Any) -> str | None:
    """How changing a column from ``old`` to ``new`` can lose or reject
    existing values (phrased to follow "type of t.c"); None when every old
    value fits the new type."""
    if old is None or new is None:
        return None
    old, new = _instance(old), _instance(new)
    change = f"{_type_name(old)} -> {_type_name(new)}"
    fo, fn = _family(old), _family(new)
    if fo == "enum" and fn == "enum":
        lost = set(old.enums) - set(new.enums)
        if lost:
            return f"{change} drops values {', '.join(sorted(lost))}"
        return None
    if fn == "enum":
        return f"{change}: values outside the enum are rejected"
    if fo in ("text", "enum") and fn == "text":
        return _length_reason(change, old, new, "strings")
    if fo == "binary" and fn == "binary":
        return _length_reason(change, old, new, "values")
    if fo in ("text", "enum"):
        return f"{change}: text to non-text fails or changes values that don't convert"
    if fn == "text":
        # any value has a text form; a bounded one may not fit
        if getattr(new, "length", None) is not None:
            return f"{change}: values longer than {new.length} are truncated"
        return None
    if fo == "integer" and fn == "integer":
        if _int_bytes(new) < _int_bytes(old):
            return f"{change}: smaller integer, large values overflow"
        return None
    if fo == "integer" and fn == "numeric":
        whole, _ = _numeric_digits(new)
        if whole is not None and whole < _INT_DIGITS[_int_bytes(old)]:
            return f"{change}: {whole} integer digits can't hold every value"
        return None
    if fo == "integer" and fn == "float":
        if _INT_DIGITS[_int_bytes(old)] > (7 if _float_bits(new) == 24 else 15):
            return f"{change}: large integers lose precision"
        return None
    if fo == "boolean" and fn in ("integer", "numeric", "float"):
        return None
    if fo in ("numeric", "float") and fn == "integer":
        return f"{change}: fractional parts are cut off"
    if fo == "numeric" and fn == "numeric":
        old_whole, old_scale = _numeric_digits(old)
        new_whole, new_scale = _numeric_digits(new)
        if new_whole is not None and (old_whole is None or new_whole < old_whole):
            return f"{change}: smaller numeric, large values overflow"
        if new_scale < old_scale:
            return f"{change}: smaller scale, values are rounded"
        return None
    if fo == "float" and fn == "float":
        if _float_bits(new) < _float_bits(old):
            return f"{change}: smaller float, values lose precision"
        return None
    if fo in ("numeric", "float") and fn in ("numeric", "float"):
        return f"{change}: values may be rounded or overflow"
    if fo == "datetime" and fn == "date":
        return f"{change}: the time of day is cut off"
    if fo == "date" and fn == "datetime":
        return None
    if fo == fn:
        return None
    return f"{change}: values that don't convert fail or change"


def _length_reason(change: str, old: Any, new: Any, what: str) -> str | None:
    new_len = getattr(new, "length", None)
    if new_len is None:
        return None
    old_len = getattr(old, "length", None)
    if isinstance(old, sa.Enum):
        old_len = max((len(v) for v in old.enums), default=0)
    if old_len is None or new_len < old_len:
        return f"{change}: shorter, longer {what} are truncated or rejected"
    return None
