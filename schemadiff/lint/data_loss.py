"""Every backend: operations that throw data away."""

from __future__ import annotations

from collections.abc import Iterator

from schemadiff.lint.model import Hit, RevisionOps, kind, rule, table_of
from schemadiff.lint.types import is_narrowing


@rule(
    "ban-drop-table",
    "error",
    "make sure the data is backed up or moved; switch the rule off for this "
    "revision with '# schemadiff-lint: disable=ban-drop-table'",
)
def drop_table(rev: RevisionOps) -> Iterator[Hit]:
    for rec in rev.ops:
        if kind(rec) == "DropTableOp" and rev.is_existing(table_of(rec)):
            yield rec, f"DROP TABLE {table_of(rec)} deletes all of its rows"


@rule(
    "ban-drop-column",
    "error",
    "stop using the column in code first, release, then drop it; switch the "
    "rule off for this revision with '# schemadiff-lint: disable=ban-drop-column'",
)
def drop_column(rev: RevisionOps) -> Iterator[Hit]:
    for rec in rev.ops:
        if kind(rec) == "DropColumnOp" and rev.is_existing(table_of(rec)):
            yield rec, (
                f"DROP COLUMN {table_of(rec)}.{rec.op.column_name} deletes its "
                "values"
            )


@rule(
    "ban-narrowing-type",
    "error",
    "check the longest value first (or keep the wider type)",
)
def narrowing_type(rev: RevisionOps) -> Iterator[Hit]:
    for rec in rev.ops:
        op = rec.op
        if kind(rec) != "AlterColumnOp" or op.modify_type is None:
            continue
        if op.existing_type is not None and is_narrowing(
            op.existing_type, op.modify_type
        ):
            yield rec, (
                f"{table_of(rec)}.{op.column_name} narrows from "
                f"{op.existing_type!r} to {op.modify_type!r}: longer values "
                "are cut or rejected"
            )
