"""PostgreSQL rules, anchored on squawk's rule set: operations that take a
lock blocking reads or writes for as long as the table is scanned or
rewritten."""

from __future__ import annotations

import re
from collections.abc import Iterator

from schemadiff.lint.model import Hit, RevisionOps, kind, rule, table_of
from schemadiff.lint.types import is_widening

PG = ("postgresql",)


def _kw(rec: object, name: str) -> object:
    return (getattr(rec, "kw", None) or {}).get(name)


@rule(
    "require-concurrent-index-creation",
    "error",
    "create it with postgresql_concurrently=True inside "
    "'with op.get_context().autocommit_block():'",
    PG,
)
def concurrent_index_creation(rev: RevisionOps) -> Iterator[Hit]:
    """CREATE INDEX blocks writes to the table until the index is built."""
    for rec in rev.ops:
        if kind(rec) != "CreateIndexOp" or not rev.is_existing(table_of(rec)):
            continue
        if not _kw(rec.op, "postgresql_concurrently"):
            yield rec, (
                f"CREATE INDEX {rec.op.index_name} on existing table "
                f"{table_of(rec)!r} blocks writes while the index is built"
            )


@rule(
    "concurrent-index-in-transaction",
    "error",
    "wrap the call in 'with op.get_context().autocommit_block():'",
    PG,
)
def concurrent_index_in_transaction(rev: RevisionOps) -> Iterator[Hit]:
    """CONCURRENTLY fails inside a transaction block."""
    for rec in rev.ops:
        if kind(rec) not in ("CreateIndexOp", "DropIndexOp"):
            continue
        if _kw(rec.op, "postgresql_concurrently") and not rec.in_autocommit:
            yield rec, (
                f"index {rec.op.index_name}: CONCURRENTLY can't run inside the "
                "migration's transaction"
            )


@rule(
    "require-concurrent-index-deletion",
    "warning",
    "drop it with postgresql_concurrently=True inside "
    "'with op.get_context().autocommit_block():'",
    PG,
)
def concurrent_index_deletion(rev: RevisionOps) -> Iterator[Hit]:
    for rec in rev.ops:
        if kind(rec) == "DropIndexOp" and rev.is_existing(table_of(rec)):
            if not _kw(rec.op, "postgresql_concurrently"):
                yield rec, (
                    f"DROP INDEX {rec.op.index_name} blocks reads and writes of "
                    f"{table_of(rec)!r} until it's done"
                )


@rule(
    "constraint-missing-not-valid",
    "error",
    "add it with postgresql_not_valid=True, then run "
    "'ALTER TABLE ... VALIDATE CONSTRAINT ...' in a later revision",
    PG,
)
def constraint_missing_not_valid(rev: RevisionOps) -> Iterator[Hit]:
    """Adding a valid FK or CHECK scans the table under a blocking lock."""
    for rec in rev.ops:
        if kind(rec) not in ("CreateForeignKeyOp", "CreateCheckConstraintOp"):
            continue
        if rev.is_existing(table_of(rec)) and not _kw(rec.op, "postgresql_not_valid"):
            what = "foreign key" if kind(rec) == "CreateForeignKeyOp" else "check"
            yield rec, (
                f"{what} {rec.op.constraint_name} on existing table "
                f"{table_of(rec)!r} is validated under a lock that blocks writes"
            )


@rule(
    "changing-column-type",
    "error",
    "add a new column, backfill it in batches, and switch over; or only "
    "widen (longer VARCHAR, VARCHAR to TEXT, more NUMERIC digits)",
    PG,
)
def changing_column_type(rev: RevisionOps) -> Iterator[Hit]:
    """Most type changes rewrite the whole table under an exclusive lock."""
    for rec in rev.ops:
        op = rec.op
        if kind(rec) != "AlterColumnOp" or op.modify_type is None:
            continue
        if not rev.is_existing(table_of(rec)):
            continue
        if op.existing_type is not None and is_widening(
            op.existing_type, op.modify_type
        ):
            continue
        yield rec, (
            f"changing the type of {table_of(rec)}.{op.column_name} to "
            f"{op.modify_type!r} rewrites the table under an exclusive lock"
        )


@rule(
    "adding-required-field",
    "error",
    "add the column nullable (or with a server_default), backfill, then "
    "set NOT NULL",
    PG,
)
def adding_required_field(rev: RevisionOps) -> Iterator[Hit]:
    """NOT NULL without a default fails on a table that has rows."""
    for rec in rev.ops:
        if kind(rec) != "AddColumnOp" or not rev.is_existing(table_of(rec)):
            continue
        column = rec.op.column
        generated = column.computed is not None or column.identity is not None
        if (
            not column.nullable
            and not column.primary_key
            and column.server_default is None
            and not generated
        ):
            yield rec, (
                f"ADD COLUMN {rec.op.table_name}.{column.name} NOT NULL without a "
                "server default fails if the table has rows"
            )


def _has_validated_check(rev: RevisionOps, index: int, column: str) -> bool:
    """A CHECK (col IS NOT NULL) validated before ``index`` lets SET NOT NULL
    skip its full-table scan (PostgreSQL 12+)."""
    pattern = re.compile(rf"\b{re.escape(column.lower())}\b\W*is\s+not\s+null")
    checks = [
        rec
        for rec in rev.ops[:index]
        if kind(rec) == "CreateCheckConstraintOp"
        and pattern.search(str(rec.op.condition).lower())
    ]
    sql = rev.sql_before(index)
    return bool(checks or any(pattern.search(s) for s in sql)) and any(
        "validate constraint" in s for s in sql
    )


@rule(
    "adding-not-nullable-field",
    "warning",
    "first add CHECK (col IS NOT NULL) NOT VALID and VALIDATE it, then "
    "SET NOT NULL (no scan), then drop the check",
    PG,
)
def set_not_null(rev: RevisionOps) -> Iterator[Hit]:
    """SET NOT NULL scans the whole table under an exclusive lock."""
    for index, rec in enumerate(rev.ops):
        op = rec.op
        if kind(rec) != "AlterColumnOp" or op.modify_nullable is not False:
            continue
        if rev.is_existing(table_of(rec)) and not _has_validated_check(
            rev, index, op.column_name
        ):
            yield rec, (
                f"SET NOT NULL on {table_of(rec)}.{op.column_name} scans the "
                "table under an exclusive lock"
            )


_TAKES_LOCK = (
    "AddColumnOp",
    "AlterColumnOp",
    "DropColumnOp",
    "CreateIndexOp",
    "DropIndexOp",
    "CreateForeignKeyOp",
    "CreateCheckConstraintOp",
    "CreateUniqueConstraintOp",
    "CreatePrimaryKeyOp",
    "DropConstraintOp",
    "RenameTableOp",
    "DropTableOp",
)


@rule(
    "require-lock-timeout",
    "warning",
    "start upgrade() with op.execute(\"SET lock_timeout = '2s'\") so a "
    "blocked ALTER gives up instead of queueing every query behind it",
    PG,
)
def missing_lock_timeout(rev: RevisionOps) -> Iterator[Hit]:
    for index, rec in enumerate(rev.ops):
        if kind(rec) in _TAKES_LOCK and rev.is_existing(table_of(rec)):
            if not any("lock_timeout" in s for s in rev.sql_before(index)):
                yield rec, (
                    f"{table_of(rec)!r} is locked without a lock_timeout "
                    "being set first"
                )
            return
