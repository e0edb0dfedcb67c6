"""Index directives built from Index objects whose expressions are Column
objects reverse (and reverse again) into directives that run."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from schemadiff.operations import ops
from schemadiff.util import CommandError
from tests.operations._util import online


def _indexes(engine: sa.Engine) -> dict[str, tuple[list[str | None], bool]]:
    return {
        i["name"]: (i["column_names"], bool(i["unique"]))
        for i in sa.inspect(engine).get_indexes("t")
    }


def test_from_index_with_column_expressions_reverses(backend) -> None:
    meta = sa.MetaData()
    t = sa.Table(
        "t",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("a", sa.Integer),
        sa.Column("b", sa.String(20), key="bk"),
    )
    plain = sa.Index("ix_t_a", t.c.a)
    multi = sa.Index("ix_t_b_a", t.c.bk, t.c.a, unique=True)
    engine = backend.engine
    with online(engine) as op:
        op.create_table("t", *[c._copy() for c in t.columns])
        for index in (plain, multi):
            create = ops.CreateIndexOp.from_index(index)
            drop = create.reverse()
            assert isinstance(drop, ops.DropIndexOp)
            assert drop.index_name == index.name and drop.table_name == "t"
            again = drop.reverse()
            assert again.columns == create.columns
            assert again.unique == bool(index.unique)
            op.invoke(create)
            op.invoke(drop)
            op.invoke(again)
    assert _indexes(engine) == {
        "ix_t_a": (["a"], False),
        "ix_t_b_a": (["b", "a"], True),
    }

    with online(engine) as op:
        for index in (plain, multi):
            op.invoke(ops.DropIndexOp.from_index(index))
    assert _indexes(engine) == {}


def test_from_index_on_an_expression_of_columns_reverses() -> None:
    t = sa.Table("t", sa.MetaData(), sa.Column("a", sa.String(20)), schema="s")
    index = sa.Index("ix_lower", sa.func.lower(t.c.a), t.c.a.desc())
    drop = ops.CreateIndexOp.from_index(index).reverse()
    rebuilt = drop.reverse().to_index()
    assert rebuilt.table is not None and rebuilt.table.schema == "s"
    # the rebuilt expressions point at the rebuilt table, not at ``t``
    for expr in rebuilt.expressions:
        for col in sa.sql.visitors.iterate(expr):
            if isinstance(col, sa.Column):
                assert col.table is rebuilt.table


def test_from_index_without_a_table_is_a_clear_error() -> None:
    index = sa.Index("ix_loose", sa.Column("a", sa.Integer))
    with pytest.raises(CommandError, match="ix_loose.*not attached to a table"):
        ops.CreateIndexOp.from_index(index)
    with pytest.raises(CommandError, match="ix_loose.*not attached to a table"):
        ops.DropIndexOp.from_index(index)
