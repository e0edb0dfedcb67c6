"""Index column order and predicates as real models write them (regressions
from running public projects through schemadiff): an explicit ``.asc()`` is
the default order, a DESC column (SQLite included) is an index like any
other, and a changed partial-index predicate says what changed."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from schemadiff.autogenerate import produce_migrations, report
from schemadiff.runtime.migration import MigrationContext
from tests.autogenerate._util import create, diffs


def _models(threshold: int = 5) -> sa.MetaData:
    metadata = sa.MetaData()
    table = sa.Table(
        "t",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("a", sa.Integer),
        sa.Column("b", sa.String(20)),
        sa.Column("c", sa.Integer),
    )
    sa.Index("ix_t_asc", table.c.a.asc())
    sa.Index("ix_t_desc", table.c.a.desc(), table.c.b)
    sa.Index("ix_t_unique_desc", table.c.c.desc(), unique=True)
    sa.Index(
        "ix_t_partial",
        table.c.b,
        postgresql_where=table.c.a > threshold,
        sqlite_where=table.c.a > threshold,
    )
    return metadata


def test_unchanged_ordered_indexes_are_not_reported(backend):
    create(backend.engine, _models())
    assert diffs(backend.engine, _models()) == []


def test_new_table_keeps_its_descending_unique_index(backend):
    """SQLite used to leave a DESC index out of a new revision."""
    with backend.engine.connect() as conn:
        script = produce_migrations(MigrationContext.configure(conn), _models())
    created = [
        op.index_name
        for group in script.upgrade_ops.ops
        for op in getattr(group, "ops", [group])
        if type(op).__name__ == "CreateIndexOp"
    ]
    assert sorted(created) == [
        "ix_t_asc",
        "ix_t_desc",
        "ix_t_partial",
        "ix_t_unique_desc",
    ]


def test_changed_partial_predicate_shows_the_where(backend):
    create(backend.engine, _models(5))
    with backend.engine.connect() as conn:
        script = produce_migrations(MigrationContext.configure(conn), _models(7))
    entries = report.differences([script.upgrade_ops], backend.engine.dialect)
    if backend.name == "mariadb":
        assert entries == []  # MariaDB has no partial indexes
        return
    by_kind = {e["kind"]: e for e in entries}
    assert set(by_kind) == {"remove_index", "add_index"}
    removed, added = by_kind["remove_index"], by_kind["add_index"]
    assert "5" in removed["before"]["where"] and "7" in added["after"]["where"]
    assert removed["description"].startswith("index ix_t_partial on t(b) WHERE ")
    assert removed["description"] != added["description"].replace("added", "removed")


def _with_empty_index(columns: bool) -> sa.MetaData:
    metadata = sa.MetaData()
    # MLflow's trace_tags has Index("index_trace_tags_request_id") in its
    # __table_args__, with no columns
    sa.Table(
        "t",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("r", sa.Integer),
        sa.Index("ix_t_r", *(["r"] if columns else [])),
    )
    return metadata


def test_index_without_columns_is_left_out_with_a_warning(backend):
    """Rendered, it made a revision failing on ``CREATE INDEX ... ON t ()``;
    the database's index of that name (made by a migration) is not proposed
    for removal either."""
    with pytest.warns(UserWarning, match="'ix_t_r' on table 't' has no columns"):
        with backend.engine.connect() as conn:
            script = produce_migrations(
                MigrationContext.configure(conn), _with_empty_index(False)
            )
    kinds = [type(op).__name__ for op in script.upgrade_ops.ops]
    assert kinds == ["CreateTableOp"]
    create(backend.engine, _with_empty_index(True))
    with pytest.warns(UserWarning, match="has no columns"):
        assert diffs(backend.engine, _with_empty_index(False)) == []
