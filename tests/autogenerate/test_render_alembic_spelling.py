"""Rendering spelled as Alembic spells it (what Alembic's own
``test_autogen_render.py`` checks), including the private helpers that suite
calls with Alembic's signatures.  Pure rendering: no database."""

from __future__ import annotations

import ast
from unittest import mock

import sqlalchemy as sa

from schemadiff.autogenerate import render
from schemadiff.autogenerate.api import AutogenContext
from schemadiff.autogenerate.render import RenderContext, render_op_text
from schemadiff.operations import ops


def one(op, ctx=None) -> str:
    return render_op_text(ctx or RenderContext(), op)


def test_create_foreign_key_from_constraint_names_remote_columns():
    metadata = sa.MetaData()
    sa.Table("a", metadata, sa.Column("id", sa.Integer, key="aid", primary_key=True))
    b = sa.Table("b", metadata, sa.Column("a_id", sa.Integer, key="baid"))
    fk = sa.ForeignKeyConstraint(["baid"], ["a.aid"], name="fk_a_id")
    b.append_constraint(fk)
    assert one(ops.AddConstraintOp.from_constraint(fk)) == (
        "op.create_foreign_key('fk_a_id', 'b', 'a', ['a_id'], ['id'])"
    )


def test_foreign_key_target_resolution():
    metadata = sa.MetaData()
    t = sa.Table("t", metadata, sa.Column("c", sa.Integer))
    sa.Table(
        "t2",
        metadata,
        sa.Column("c_rem", sa.Integer, key="cr_key"),
        sa.Column("c_rem_2", sa.Integer, key="c_rem"),
    )
    linked = sa.ForeignKeyConstraint(["c"], ["t2.c_rem"], link_to_name=True)
    missing = sa.ForeignKeyConstraint(["c"], ["t2.nonexistent"])
    t.append_constraint(linked)
    t.append_constraint(missing)
    ctx = RenderContext()
    # link_to_name: the spec already names the column; not looked up by key
    assert render._render_constraint(linked, ctx, metadata) == (
        "sa.ForeignKeyConstraint(['c'], ['t2.c_rem'])"
    )
    assert render._render_foreign_key(missing, ctx, metadata) == (
        "sa.ForeignKeyConstraint(['c'], ['t2.nonexistent'])"
    )
    # an unresolvable target still takes the models' MetaData(schema=...)
    schema_md = sa.MetaData(schema="foo")
    t3 = sa.Table("t3", schema_md, sa.Column("c", sa.Integer))
    far = sa.ForeignKeyConstraint(["c"], ["elsewhere.id"])
    t3.append_constraint(far)
    assert render._render_constraint(far, ctx, schema_md) == (
        "sa.ForeignKeyConstraint(['c'], ['foo.elsewhere.id'])"
    )


def test_private_helpers_take_alembics_arguments():
    ctx = AutogenContext(None, autogenerate=False)
    ctx.opts.update(sqlalchemy_module_prefix="sa.", alembic_module_prefix="op.")
    assert render._repr_type(sa.ARRAY(sa.DateTime(timezone=True)), ctx) == (
        "sa.ARRAY(sa.DateTime(timezone=True))"
    )
    assert render._render_server_default("x'y", ctx) == repr("x'y")
    assert render._render_server_default("now()", ctx, repr_=False) == "now()"
    column = sa.Column("v", sa.Integer, server_default=sa.FetchedValue())
    assert render._render_column(column, ctx) == (
        "sa.Column('v', sa.Integer(), server_default=sa.FetchedValue(), "
        "nullable=True)"
    )
    # a CHECK not attached to any table
    check = sa.CheckConstraint(sa.column("c") > 5)
    assert render._render_check_constraint(check, ctx, None) == (
        "sa.CheckConstraint('c > 5')"
    )
    unique = sa.UniqueConstraint(sa.Column("c", sa.Integer), name="uq_1")
    sa.Table("t", sa.MetaData(), *unique._pending_colargs, unique)
    assert render._render_unique_constraint(unique, ctx, None) == (
        "sa.UniqueConstraint('c', name='uq_1')"
    )
    with ctx._within_batch():
        assert one(ops.DropColumnOp("t", "c"), ctx) == "batch_op.drop_column('c')"
    assert one(ops.DropColumnOp("t", "c"), ctx) == "op.drop_column('t', 'c')"


def test_comments_spelled_out():
    assert one(ops.CreateTableCommentOp("t", "new")) == (
        "op.create_table_comment('t', 'new', existing_comment=None, schema=None)"
    )
    assert one(ops.DropTableCommentOp("t", existing_comment="x", schema="s")) == (
        "op.drop_table_comment('t', existing_comment='x', schema='s')"
    )
    dropped = ops.AlterColumnOp("t", "c", existing_comment="old", modify_comment=None)
    assert one(dropped) == (
        "op.alter_column('t', 'c', comment=None, existing_comment='old')"
    )
    table = sa.Table(
        "t", sa.MetaData(), sa.Column("x", sa.Integer, comment=""), comment=""
    )
    text = one(ops.CreateTableOp.from_table(table))
    assert "sa.Column('x', sa.Integer(), nullable=True, comment='')" in text
    assert "comment=''," in text


def test_identity_options_as_given():
    def rendered(**kw) -> str:
        column = sa.Column("x", sa.Integer, sa.Identity(**kw))
        return one(ops.AddColumnOp("foo", column))

    assert "sa.Identity(always=False)" in rendered()
    assert "sa.Identity(always=None)" in rendered(always=None)
    assert "sa.Identity(always=False, start=42, oracle_on_null=True)" in rendered(
        start=42, oracle_on_null=True
    )


def test_index_expressions_are_literal_columns_with_labels():
    table = sa.Table(
        "t", sa.MetaData(), sa.Column("code", sa.String), sa.Column("o", sa.String)
    )
    index = sa.Index("ix", (table.c.code + table.c.o).label("foo"), table.c.code)
    assert one(ops.CreateIndexOp.from_index(index)) == (
        "op.create_index('ix', 't', [sa.literal_column('code || o').label('foo'), "
        "'code'], unique=False)"
    )


def test_schema_object_keeps_its_repr_and_batch_header_names_schema():
    class Schema(str):
        def __repr__(self) -> str:
            return "settings.SCHEMA"

    drop = ops.DropConstraintOp("uq", "t", type_="unique", schema=Schema("s"))
    assert one(drop) == (
        "op.drop_constraint('uq', 't', type_='unique', schema=settings.SCHEMA)"
    )
    batch = ops.ModifyTableOps("t", [ops.DropColumnOp("t", "c")])
    assert one(batch, RenderContext(opts={"render_as_batch": True})).splitlines() == [
        "with op.batch_alter_table('t', schema=None) as batch_op:",
        "    batch_op.drop_column('c')",
    ]


def test_unnamed_drop_warns_with_a_category():
    caught = []
    with mock.patch("warnings.warn", lambda msg, *a, **k: caught.append((msg, a))):
        one(ops.DropConstraintOp(None, "t", type_="foreignkey"))
    assert caught[0][0].startswith(
        "Autogenerate rendered a drop_constraint() directive for an unnamed "
        "constraint on table 't'"
    )
    assert caught[0][1][0] is UserWarning


def test_wide_tables_pass_items_as_one_list():
    table = sa.Table(
        "t", sa.MetaData(), *[sa.Column(f"c{i}", sa.Integer) for i in range(4)]
    )
    with mock.patch.object(render, "MAX_PYTHON_ARGS", 3):
        text = one(ops.CreateTableOp.from_table(table))
    call = ast.parse(text).body[0].value
    assert isinstance(call.args[1], ast.Starred)
    assert len(call.args[1].value.elts) == 4
