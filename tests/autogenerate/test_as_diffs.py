"""compare_metadata, UpgradeOps.as_diffs() and the check report agree on one
walk: a column's several changes are one nested list of ``modify_*`` tuples
(seeds/api.md), which the report lists as one entry per change."""

from __future__ import annotations

import sqlalchemy as sa

from schemadiff.autogenerate.report import differences
from tests.autogenerate._util import create, diffs, migration


def _models() -> tuple[sa.MetaData, sa.MetaData]:
    before, after = sa.MetaData(), sa.MetaData()
    sa.Table(
        "foo",
        before,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("old_data", sa.String(20)),
        sa.Column("x", sa.Integer, nullable=True),
    )
    sa.Table("bar", before, sa.Column("data", sa.String(20)))
    sa.Table(
        "foo",
        after,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("data", sa.Integer),
        sa.Column("x", sa.Integer, nullable=False, server_default=sa.text("5")),
    )
    sa.Table("bat", after, sa.Column("info", sa.String(20)))
    return before, after


def _kinds(items: list) -> list:
    return [[d[0] for d in i] if isinstance(i, list) else i[0] for i in items]


def test_compare_metadata_as_diffs_and_report_agree(backend) -> None:
    before, after = _models()
    create(backend.engine, before)
    result = diffs(backend.engine, after)
    expected = [
        "add_table",
        "remove_table",
        "add_column",
        ["modify_nullable", "modify_default"],
        "remove_column",
    ]
    assert _kinds(result) == expected
    nested = result[3]
    assert [d[1:4] for d in nested] == [(None, "foo", "x")] * 2
    assert (nested[0][5], nested[0][6]) == (True, False)

    upgrade_ops = migration(backend.engine, after).upgrade_ops
    assert _kinds(upgrade_ops.as_diffs()) == expected
    assert [(d[0], *d[1:4]) for d in upgrade_ops.as_diffs()[3]] == [
        (d[0], *d[1:4]) for d in nested
    ]

    entries = differences([upgrade_ops], backend.engine.dialect)
    flat = [
        k for item in expected for k in (item if isinstance(item, list) else [item])
    ]
    assert [e["kind"] for e in entries] == flat
    assert [e["column"] for e in entries[3:5]] == ["x", "x"]
