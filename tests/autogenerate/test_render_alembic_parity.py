"""Rendering as Alembic documents it: regressions found running Alembic's
``test_autogen_render.py`` and real models through schemadiff."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
import sqlalchemy as sa

from schemadiff.autogenerate import render_python_code
from schemadiff.operations import ops
from tests.autogenerate._autogen_project import (
    autogen_project,
    cli,
    diff_against,
    versions,
)


def _code(*directives, **kw) -> str:
    return render_python_code(ops.UpgradeOps(ops=list(directives)), **kw)


def test_foreign_key_renders_column_names_not_keys():
    metadata = sa.MetaData()
    sa.Table("parent", metadata, sa.Column("id", sa.Integer, primary_key=True))
    child = sa.Table(
        "child",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("parent.id"), key="pid"),
    )
    code = _code(ops.CreateTableOp.from_table(child))
    assert "sa.ForeignKeyConstraint(['parent_id'], ['parent.id'])" in code
    assert "'pid'" not in code


def test_foreign_key_target_takes_the_metadata_schema():
    metadata = sa.MetaData(schema="foo")
    sa.Table("address", metadata, sa.Column("id", sa.Integer, primary_key=True))
    user = sa.Table(
        "user",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("address_id", sa.Integer, sa.ForeignKey("address.id")),
    )
    code = _code(ops.CreateTableOp.from_table(user))
    assert "sa.ForeignKeyConstraint(['address_id'], ['foo.address.id'])" in code


def test_column_objects_in_dialect_kwargs_render_as_names():
    metadata = sa.MetaData()
    table = sa.Table(
        "t",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("x", sa.Integer),
    )
    index = sa.Index("ix_t_id", table.c.id, postgresql_include=[table.c.x])
    code = _code(ops.CreateIndexOp.from_index(index))
    assert "postgresql_include=['x']" in code
    compile(code.strip().replace("\n    ", "\n"), "<rendered>", "exec")


def test_render_item_none_leaves_the_item_out_of_create_table():
    metadata = sa.MetaData()
    table = sa.Table(
        "t",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("secret", sa.Integer),
        sa.UniqueConstraint("secret", name="uq_secret"),
    )

    def hook(type_, obj, autogen_context):
        if type_ == "column" and obj.name == "secret":
            return None
        if type_ == "unique":
            return None
        return False

    code = _code(ops.CreateTableOp.from_table(table), render_item=hook)
    assert "secret" not in code
    assert "sa.Column('id', sa.Integer(), nullable=False)" in code
    # outside a Table construct None means "default rendering"
    add = ops.AddColumnOp("t", sa.Column("secret", sa.Integer))
    assert "op.add_column('t', sa.Column('secret', sa.Integer()" in _code(
        add, render_item=hook
    )


def test_unknown_constraint_is_visible_and_warned():
    class Mystery(sa.schema.ColumnCollectionConstraint):
        pass

    metadata = sa.MetaData()
    table = sa.Table("t", metadata, sa.Column("id", sa.Integer, primary_key=True))
    table.append_constraint(Mystery("id", name="mystery_one"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code = _code(ops.CreateTableOp.from_table(table))
    assert "# TODO: Mystery 'mystery_one' has no renderer; add it by hand" in code
    assert any("(Mystery 'mystery_one' on table" in str(w.message) for w in caught)
    compile(code.strip().replace("\n    ", "\n"), "<rendered>", "exec")


def test_drop_unnamed_constraint_carries_a_warning_comment():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code = _code(ops.DropConstraintOp(None, "t", type_="unique"))
    lines = [line.strip() for line in code.splitlines()]
    call = lines.index("op.drop_constraint(None, 't', type_='unique')")
    assert lines[call - 2].startswith("# WARNING: this constraint has no name")
    assert any("unnamed constraint on table 't'" in str(w.message) for w in caught)


@pytest.mark.parametrize("spelling", ["alembic_module_prefix", "op_prefix"])
def test_module_prefix_none_means_no_prefix(spelling):
    code = _code(ops.DropTableOp("t"), **{spelling: None})
    assert "    drop_table('t')" in code and "op." not in code
    code = _code(ops.DropTableOp("t"), alembic_module_prefix="mig.")
    assert "mig.drop_table('t')" in code


MODELS_WITH_KEYS = """
import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table("parent", metadata, sa.Column("id", sa.Integer, primary_key=True))
sa.Table("child", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("parent_id", sa.Integer, sa.ForeignKey("parent.id"), key="pid"),
)
"""


def test_foreign_key_with_a_column_key_upgrades(backend, tmp_path: Path) -> None:
    """The generated create_table used to name the key and fail at upgrade."""
    import runpy

    project = autogen_project(tmp_path, backend.url, MODELS_WITH_KEYS, hooks=False)
    cli(project, "revision", "--autogenerate", "-m", "keys")
    (revision,) = versions(project)
    assert "['parent_id'], ['parent.id']" in revision.read_text()
    cli(project, "upgrade", "head")
    fks = sa.inspect(backend.engine).get_foreign_keys("child")
    assert [(fk["constrained_columns"], fk["referred_table"]) for fk in fks] == [
        (["parent_id"], "parent")
    ]
    metadata = runpy.run_path(str(project / "models.py"))["metadata"]
    assert diff_against(backend.url, metadata) == []
