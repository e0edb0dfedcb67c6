"""MariaDB/MySQL rules: ALTERs InnoDB can't run with ALGORITHM=INPLACE or
INSTANT, so it copies the whole table while writes wait."""

from __future__ import annotations

from collections.abc import Iterator

from schemadiff.lint.model import Hit, RevisionOps, kind, rule, table_of
from schemadiff.lint.types import string_lengths

MYSQL = ("mysql", "mariadb")

#: bytes per character of utf8mb4, the character set schemadiff's tests use
_BYTES_PER_CHAR = 4


def _inplace_type_change(old: object, new: object) -> bool:
    """A VARCHAR grown within the same length-prefix size (both under 256
    bytes, or both at or over) is the only type change InnoDB does in place."""
    lengths = string_lengths(old, new)
    if lengths is None or None in lengths:
        return False
    before, after = lengths
    assert before is not None and after is not None
    small = 256 // _BYTES_PER_CHAR
    return after >= before and ((before < small) == (after < small))


@rule(
    "mysql-alter-copies-table",
    "error",
    "do it as new column + backfill + swap, or run it with an online schema "
    "change tool (pt-online-schema-change, gh-ost)",
    MYSQL,
)
def copy_algorithm(rev: RevisionOps) -> Iterator[Hit]:
    sql = [s.replace(" ", "") for s in rev.sql_before(len(rev.ops))]
    fk_checks_off = any("foreign_key_checks=0" in s for s in sql)
    new_pk_tables = {
        str(table_of(rec)).lower()
        for rec in rev.ops
        if kind(rec) == "CreatePrimaryKeyOp"
    }
    for rec in rev.ops:
        if not rev.is_existing(table_of(rec)):
            continue
        op = rec.op
        name = kind(rec)
        if name == "AlterColumnOp" and op.modify_type is not None:
            if op.existing_type is None or not _inplace_type_change(
                op.existing_type, op.modify_type
            ):
                yield rec, (
                    f"changing the type of {table_of(rec)}.{op.column_name} "
                    "needs ALGORITHM=COPY"
                )
        elif name == "CreateForeignKeyOp" and not fk_checks_off:
            yield rec, (
                f"adding foreign key {op.constraint_name} to {table_of(rec)!r} "
                "needs ALGORITHM=COPY while foreign_key_checks is on"
            )
        elif (
            name == "DropConstraintOp"
            and op.constraint_type == "primary"
            and str(table_of(rec)).lower() not in new_pk_tables
        ):
            yield rec, (
                f"dropping the primary key of {table_of(rec)!r} without adding "
                "another needs ALGORITHM=COPY"
            )
