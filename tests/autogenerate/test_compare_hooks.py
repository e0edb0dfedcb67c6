"""Options and extension points of the comparison: filters, callables, plugins."""

from __future__ import annotations

import sqlalchemy as sa

from schemadiff.autogenerate import comparators
from schemadiff.autogenerate.compare import Dispatcher
from schemadiff.operations import ops
from tests.autogenerate._util import NAMING, create, diffs, migration


def _pair() -> tuple[sa.MetaData, sa.MetaData]:
    before = sa.MetaData(naming_convention=NAMING)
    sa.Table("a", before, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        "b",
        before,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("x", sa.String(10)),
    )
    after = sa.MetaData(naming_convention=NAMING)
    sa.Table("a", after, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        "b",
        after,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("x", sa.String(30)),
        sa.Column("y", sa.Integer),
    )
    return before, after


def test_version_table_is_never_compared(backend):
    md = sa.MetaData()
    sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True))
    create(backend.engine, md)
    with backend.engine.begin() as conn:
        conn.execute(
            sa.text("CREATE TABLE schemadiff_version (version_num VARCHAR(32))")
        )
        conn.execute(sa.text("CREATE TABLE my_versions (version_num VARCHAR(32))"))
    # the default name is skipped; another table is reported as removed
    assert [d[0] for d in diffs(backend.engine, md)] == ["remove_table"]
    # a configured name is skipped instead, and shows up if it is in the models
    assert [
        d[1].name for d in diffs(backend.engine, md, version_table="my_versions")
    ] == ["schemadiff_version"]
    sa.Table("my_versions", md, sa.Column("other", sa.Integer))
    assert (
        diffs(backend.engine, md, version_table="my_versions")[0][0] == "remove_table"
    )


def test_include_object_sees_both_sides(backend):
    before, after = _pair()
    create(backend.engine, before)
    calls = []

    def include_object(obj, name, type_, reflected, compare_to):
        calls.append((type_, name, reflected, compare_to is not None))
        return not (type_ == "column" and name == "y")

    result = diffs(backend.engine, after, include_object=include_object)
    assert [d[0][0] if isinstance(d, list) else d[0] for d in result] == ["modify_type"]
    assert ("table", "b", False, True) in calls
    assert ("column", "y", False, False) in calls
    assert ("column", "x", False, True) in calls


def test_compare_type_callable_overrides(backend):
    before, after = _pair()
    create(backend.engine, before)
    seen = []

    def compare_type(context, inspected_column, metadata_column, inspected, target):
        seen.append(metadata_column.name)
        return False if metadata_column.name == "x" else None

    result = diffs(backend.engine, after, compare_type=compare_type)
    assert [d[0] for d in result] == ["add_column"]
    assert "x" in seen


def test_compare_server_default_callable(backend):
    md1 = sa.MetaData()
    sa.Table("t", md1, sa.Column("x", sa.Integer, server_default="1"))
    create(backend.engine, md1)
    md2 = sa.MetaData()
    sa.Table("t", md2, sa.Column("x", sa.Integer, server_default="1"))
    args = []

    def compare_server_default(
        ctx, conn_col, meta_col, conn_text, meta_default, rendered
    ):
        args.append((conn_text is not None, rendered))
        return True

    result = diffs(backend.engine, md2, compare_server_default=compare_server_default)
    assert [d[0][0] for d in result] == ["modify_default"]
    assert args and args[0][0] is True


def test_produce_migrations_downgrade_is_reverse(backend):
    before, after = _pair()
    create(backend.engine, before)
    script = migration(backend.engine, after)
    up = script.upgrade_ops.ops
    down = script.downgrade_ops.ops
    assert len(up) == len(down) == 1
    assert isinstance(up[0], ops.ModifyTableOps)
    assert [type(o).__name__ for o in up[0].ops] == ["AddColumnOp", "AlterColumnOp"]
    assert [type(o).__name__ for o in down[0].ops] == ["AlterColumnOp", "DropColumnOp"]
    assert down[0].ops[0].modify_type.length == 10


class GrantOp(ops.MigrateOperation):
    """A plugin directive: plain data that reverses itself."""

    def __init__(self, role: str, grant: bool = True) -> None:
        self.role = role
        self.grant = grant

    def reverse(self) -> GrantOp:
        return GrantOp(self.role, not self.grant)

    def to_diff_tuple(self) -> tuple[str, str]:
        return ("grant" if self.grant else "revoke", self.role)


def test_comparators_plugin_adds_directives(backend):
    before, after = _pair()
    create(backend.engine, before)
    md = sa.MetaData()
    sa.Table("a", md, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        "b",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("x", sa.String(10)),
    )
    seen = {"schema": [], "table": [], "column": []}

    @comparators.dispatch_for("schema")
    def on_schema(autogen_context, upgrade_ops, schemas):
        seen["schema"].append(list(schemas))
        upgrade_ops.ops.append(GrantOp("reader"))

    @comparators.dispatch_for("table")
    def on_table(autogen_context, modify_ops, schema, tname, conn_table, meta_table):
        seen["table"].append(tname)

    @comparators.dispatch_for("column", qualifier="no_such_dialect")
    def never(*arg):
        raise AssertionError("a dialect-qualified comparator ran elsewhere")

    try:
        script = migration(backend.engine, md)
        result = diffs(backend.engine, md)
    finally:
        for target, fn in (("schema", on_schema), ("table", on_table)):
            comparators._registry[(target, "default")].remove(fn)
        comparators._registry[("column", "no_such_dialect")].remove(never)
    assert seen["schema"][0] == [None]
    assert sorted(seen["table"][:2]) == ["a", "b"]
    assert result == [("grant", "reader")]
    assert [o.to_diff_tuple() for o in script.downgrade_ops.ops] == [
        ("revoke", "reader")
    ]


def test_dispatcher_rejects_unknown_target():
    try:
        Dispatcher().dispatch_for("view")
    except ValueError as err:
        assert "view" in str(err)
    else:
        raise AssertionError("expected ValueError")


def test_removed_fk_to_a_filtered_table(backend):
    """A key pointing at a table include_name hides is still droppable."""
    md = sa.MetaData(naming_convention=NAMING)
    sa.Table("parent", md, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        "child",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("pid", sa.ForeignKey("parent.id")),
    )
    create(backend.engine, md)
    target = sa.MetaData(naming_convention=NAMING)
    sa.Table(
        "child",
        target,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("pid", sa.Integer),
    )
    result = diffs(
        backend.engine,
        target,
        include_name=lambda name, type_, parents: name != "parent",
    )
    assert [(d[0], d[1].name) for d in result] == [("remove_fk", "fk_child_pid_parent")]
