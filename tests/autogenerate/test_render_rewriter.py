"""Rewriter: per-directive rewrites of a MigrationScript, and chaining."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from schemadiff.autogenerate.render import render_python_code
from schemadiff.autogenerate.rewriter import Rewriter
from schemadiff.operations import ops


def make_script() -> ops.MigrationScript:
    upgrade = ops.UpgradeOps(
        [
            ops.ModifyTableOps(
                "t",
                [
                    ops.AddColumnOp("t", sa.Column("a", sa.Integer(), nullable=False)),
                    ops.DropColumnOp("t", "old"),
                ],
            ),
            ops.CreateIndexOp("ix", "t", ["a"]),
        ]
    )
    downgrade = ops.DowngradeOps([ops.DropIndexOp("ix", table_name="t")])
    return ops.MigrationScript("abc", upgrade, downgrade, message="m")


def test_rewrite_one_directive_into_two() -> None:
    writer = Rewriter()

    @writer.rewrites(ops.AddColumnOp)
    def add_column(context: Any, revision: Any, op: ops.AddColumnOp) -> list:
        if op.column.nullable:
            return op
        op.column.nullable = True
        return [
            op,
            ops.AlterColumnOp(
                op.table_name,
                op.column.name,
                modify_nullable=False,
                existing_type=op.column.type,
            ),
        ]

    script = make_script()
    directives = [script]
    writer(None, ("head",), directives)
    assert directives == [script]
    modify = script.upgrade_ops.ops[0]
    assert [type(o).__name__ for o in modify.ops] == [
        "AddColumnOp",
        "AlterColumnOp",
        "DropColumnOp",
    ]
    code = render_python_code(script.upgrade_ops)
    assert "op.add_column('t', sa.Column('a', sa.Integer(), nullable=True))" in code
    assert (
        "op.alter_column('t', 'a', existing_type=sa.Integer(), nullable=False)" in code
    )


def test_returning_empty_list_removes_and_none_removes() -> None:
    writer = Rewriter()
    writer.rewrites(ops.DropColumnOp)(lambda c, r, op: [])
    writer.rewrites(ops.CreateIndexOp)(lambda c, r, op: None)
    script = make_script()
    writer(None, None, [script])
    assert [type(o).__name__ for o in script.upgrade_ops.ops] == ["ModifyTableOps"]
    assert [type(o).__name__ for o in script.upgrade_ops.ops[0].ops] == ["AddColumnOp"]


def test_rewriting_the_script_itself_and_subclass_dispatch() -> None:
    seen: list[str] = []
    writer = Rewriter()

    @writer.rewrites(ops.MigrationScript)
    def script_fn(context: Any, revision: Any, script: ops.MigrationScript) -> Any:
        script.message = "rewritten"
        return script

    @writer.rewrites(ops.AlterTableOp)
    def any_alter(context: Any, revision: Any, op: Any) -> Any:
        seen.append(type(op).__name__)
        return op

    script = make_script()
    writer(None, None, [script])
    assert script.message == "rewritten"
    assert seen == ["AddColumnOp", "DropColumnOp"]


def test_chain_runs_in_order_and_accepts_plain_callables() -> None:
    order: list[str] = []
    first = Rewriter()
    second = Rewriter()

    @first.rewrites(ops.CreateIndexOp)
    def one(context: Any, revision: Any, op: ops.CreateIndexOp) -> Any:
        order.append("first")
        op.unique = True
        return op

    @second.rewrites(ops.CreateIndexOp)
    def two(context: Any, revision: Any, op: ops.CreateIndexOp) -> Any:
        order.append("second")
        assert op.unique is True
        return op

    def plain(context: Any, revision: Any, directives: list) -> None:
        order.append("plain")
        directives[:] = []

    chained = first.chain(second).chain(plain)
    directives: list = [make_script()]
    chained(None, None, directives)
    assert order == ["first", "second", "plain"]
    assert directives == []
    # chain() leaves the original rewriter unchained
    order.clear()
    first(None, None, [make_script()])
    assert order == ["first"]


def test_directive_returned_unchanged_is_not_rewritten_again() -> None:
    calls = []
    writer = Rewriter()

    @writer.rewrites(ops.CreateIndexOp)
    def again(context: Any, revision: Any, op: Any) -> Any:
        calls.append(op.index_name)
        return [op]

    script = make_script()
    writer(None, None, [script])
    writer(None, None, [script])
    assert calls == ["ix"]


def test_upgrade_ops_rewrite_must_stay_single() -> None:
    writer = Rewriter()
    writer.rewrites(ops.UpgradeOps)(lambda c, r, op: [op, ops.UpgradeOps([])])
    with pytest.raises(ValueError, match="exactly one UpgradeOps"):
        writer(None, None, [make_script()])


def test_index_and_constraint_drops_before_drop_table_are_pruned() -> None:
    from schemadiff.autogenerate.revision import _prune_drops_before_drop_table

    container = ops.UpgradeOps(
        [
            ops.ModifyTableOps(
                "gone",
                [
                    ops.DropIndexOp("ix", table_name="gone"),
                    ops.DropConstraintOp("fk", "gone", type_="foreignkey"),
                ],
            ),
            ops.ModifyTableOps("kept", [ops.DropIndexOp("ix2", table_name="kept")]),
            ops.DropTableOp("gone"),
            ops.ModifyTableOps("gone", [ops.DropColumnOp("gone", "late")]),
        ]
    )
    _prune_drops_before_drop_table(container)
    assert [type(o).__name__ for o in container.ops] == [
        "ModifyTableOps",
        "DropTableOp",
        "ModifyTableOps",
    ]
    assert container.ops[0].table_name == "kept"
    assert len(container.ops[2].ops) == 1
