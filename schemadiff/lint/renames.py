"""Every backend: renames break the code that is still running while the
migration is applied (the old release uses the old name)."""

from __future__ import annotations

from collections.abc import Iterator

from schemadiff.lint.model import Hit, RevisionOps, kind, rule, table_of


@rule(
    "renaming-column",
    "warning",
    "add the new column, write to both, backfill, switch reads, then drop "
    "the old one in a later release",
)
def renaming_column(rev: RevisionOps) -> Iterator[Hit]:
    for rec in rev.ops:
        if kind(rec) == "AlterColumnOp" and rec.op.modify_name:
            yield rec, (
                f"renaming {table_of(rec)}.{rec.op.column_name} to "
                f"{rec.op.modify_name} breaks code still using the old name"
            )


@rule(
    "renaming-table",
    "warning",
    "create the new table (or a view under the old name) and move callers "
    "over before removing the old name",
)
def renaming_table(rev: RevisionOps) -> Iterator[Hit]:
    for rec in rev.ops:
        if kind(rec) == "RenameTableOp":
            yield rec, (
                f"renaming table {table_of(rec)} to {rec.op.new_table_name} "
                "breaks code still using the old name"
            )
