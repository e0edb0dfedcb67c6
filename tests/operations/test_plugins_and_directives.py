"""The plugin API, the op proxy, and directives as plain reversible data."""

from __future__ import annotations

import inspect

import pytest
import sqlalchemy as sa

from schemadiff import op as op_proxy
from schemadiff.operations import BatchOperations, MigrateOperation, Operations, ops
from schemadiff.util import CommandError
from tests.operations._util import offline, online, statements


@Operations.register_operation("create_sequence_plugin")
@BatchOperations.register_operation("touch_plugin", "batch_touch")
class CreateSequencePluginOp(MigrateOperation):
    """A plugin directive: CREATE SEQUENCE (tests only)."""

    def __init__(self, sequence_name: str, schema: str | None = None) -> None:
        self.sequence_name = sequence_name
        self.schema = schema

    @classmethod
    def create_sequence_plugin(
        cls, operations: Operations, sequence_name: str, **kw
    ) -> str:
        """Create a sequence."""
        return operations.invoke(cls(sequence_name, **kw))

    @classmethod
    def batch_touch(cls, operations: BatchOperations) -> str:
        return operations.invoke(cls(f"seq_{operations.impl.table_name}"))

    def reverse(self) -> MigrateOperation:
        return DropSequencePluginOp(self.sequence_name, schema=self.schema)


class DropSequencePluginOp(MigrateOperation):
    def __init__(self, sequence_name: str, schema: str | None = None) -> None:
        self.sequence_name = sequence_name
        self.schema = schema


@Operations.implementation_for(CreateSequencePluginOp)
def _create_sequence(operations: Operations, operation: CreateSequencePluginOp) -> str:
    operations.execute(f"CREATE SEQUENCE {operation.sequence_name}")
    return operation.sequence_name


def test_register_operation_and_implementation_for() -> None:
    op, buf = offline("postgresql")
    assert op.create_sequence_plugin("s1") == "s1"
    assert op.invoke(CreateSequencePluginOp("s2")) == "s2"
    with op.batch_alter_table("t") as batch_op:
        assert batch_op.touch_plugin() == "seq_t"
    assert statements(buf) == [
        "CREATE SEQUENCE s1",
        "CREATE SEQUENCE s2",
        "CREATE SEQUENCE seq_t",
    ]
    sig = inspect.signature(Operations.create_sequence_plugin)
    assert list(sig.parameters) == ["self", "sequence_name", "kw"]
    assert Operations.create_sequence_plugin.__doc__ == "Create a sequence."
    assert isinstance(CreateSequencePluginOp("x").reverse(), DropSequencePluginOp)
    with pytest.raises(NotImplementedError, match="DropSequencePluginOp"):
        op.invoke(DropSequencePluginOp("x"))


def test_op_proxy_installed_by_context(backend) -> None:
    with pytest.raises(CommandError, match="schemadiff.op.create_table"):
        op_proxy.create_table  # noqa: B018
    with backend.engine.connect() as conn, conn.begin():
        from schemadiff.runtime.migration import MigrationContext

        ctx = MigrationContext.configure(connection=conn)
        with Operations.context(ctx) as installed:
            assert op_proxy.get_context() is ctx is installed.get_context()
            op_proxy.create_table("via_proxy", sa.Column("id", sa.Integer))
            assert op_proxy.get_bind() is conn
    with pytest.raises(CommandError):
        op_proxy.get_context()
    assert sa.inspect(backend.engine).get_table_names() == ["via_proxy"]


def test_bad_input_is_named_before_touching_the_database(tmp_path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    col = sa.Column("c", sa.Integer)
    cases = [
        (
            lambda op: op.drop_column("t", col),
            "drop_column: column_name must be a string",
        ),
        (lambda op: op.drop_table(sa.table("t")), "drop_table: table_name must be"),
        (
            lambda op: op.add_column("t", "c"),
            "add_column on table 't': expected a Column",
        ),
        (
            lambda op: op.create_table("t", "id"),
            "create_table 't': got the string 'id'",
        ),
        (
            lambda op: op.create_index("ix", "t", "a"),
            "create_index 'ix' on table 't': columns must be a non-empty list",
        ),
        (
            lambda op: op.create_unique_constraint("uq", "t", []),
            "create_unique_constraint: columns must name at least one column",
        ),
        (
            lambda op: op.create_foreign_key("fk", "t", "p", ["a", "b"], ["id"]),
            "foreign key 'fk' on 't': 2 local column",
        ),
        (
            lambda op: op.alter_column("t", "c", type_="VARCHAR"),
            r"alter_column t\.c: expected a SQLAlchemy type",
        ),
        (
            lambda op: op.drop_constraint("ck", "t", type_="bogus"),
            "drop_constraint 'ck' on table 't': type_ must be one of",
        ),
        (lambda op: op.drop_constraint(None, "t"), "constraint name is required"),
        (lambda op: op.bulk_insert("t", [{"a": 1}]), "bulk_insert: expected a Table"),
        (
            lambda op: op.bulk_insert(sa.table("t", sa.column("a")), [{"b": 1}]),
            "bulk_insert into 't': unknown column",
        ),
        (lambda op: op.execute(None), "execute: no SQL given"),
        (
            lambda op: op.create_check_constraint("ck", "t", None),
            "create_check_constraint on table 't': a condition is required",
        ),
    ]
    for call, message in cases:
        with pytest.raises(CommandError, match=message):
            with online(engine) as op:
                op.create_table("made", sa.Column("id", sa.Integer))
                call(op)
        # transactional DDL: nothing of the failed attempt is left
        assert sa.inspect(engine).get_table_names() == []
    with pytest.raises(TypeError):
        with online(engine) as op:
            op.create_primary_key("pk", "t")  # missing required argument


def test_directive_round_trips() -> None:
    m = sa.MetaData()
    parent = sa.Table("p", m, sa.Column("id", sa.Integer, primary_key=True))
    t = sa.Table(
        "t",
        m,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("x", sa.String(20), unique=True),
        sa.Column("pid", sa.ForeignKey("p.id", ondelete="CASCADE"), nullable=False),
        sa.CheckConstraint("id > 0", name="ck_t"),
        comment="tbl",
        schema="s",
    )
    idx = sa.Index("ix_t_x", t.c.x, sa.func.lower(t.c.x), postgresql_where=t.c.id > 1)
    assert parent is not None

    create = ops.CreateTableOp.from_table(t)
    assert create.to_diff_tuple()[0] == "add_table"
    assert create.comment == "tbl" and create.schema == "s"
    drop = create.reverse()
    assert isinstance(drop, ops.DropTableOp)
    rebuilt = drop.reverse().to_table()
    assert [c.name for c in rebuilt.c] == ["id", "x", "pid"]
    assert rebuilt.comment == "tbl"
    assert {type(c).__name__ for c in rebuilt.constraints} == {
        "PrimaryKeyConstraint",
        "UniqueConstraint",
        "ForeignKeyConstraint",
        "CheckConstraint",
    }

    for const in t.constraints:
        add = ops.AddConstraintOp.from_constraint(const)
        back = add.reverse().reverse()
        assert type(back) is type(add)
        assert back.to_diff_tuple()[0] in ("add_constraint", "add_fk")
    fk_op = ops.AddConstraintOp.from_constraint(next(iter(t.foreign_key_constraints)))
    assert (fk_op.referent_table, fk_op.local_cols, fk_op.remote_cols) == (
        "p",
        ["pid"],
        ["id"],
    )
    assert fk_op.kw["ondelete"] == "CASCADE" and fk_op.kw["source_schema"] == "s"
    assert fk_op.reverse().to_diff_tuple()[0] == "remove_fk"
    with pytest.raises(ValueError, match="cannot be rebuilt"):
        ops.DropConstraintOp("x", "t").reverse()

    index_op = ops.CreateIndexOp.from_index(idx)
    assert index_op.columns[0] == "x"
    again = index_op.reverse().reverse().to_index()
    assert again.name == "ix_t_x" and again.table.schema == "s"
    assert "postgresql_where" in again.dialect_kwargs or "postgresql_where" in (
        index_op.kw
    )

    add_col = ops.AddColumnOp.from_column(t.c.x)
    assert add_col.to_diff_tuple() == ("add_column", "s", "t", t.c.x)
    assert add_col.reverse().to_diff_tuple() == ("remove_column", "s", "t", t.c.x)
    with pytest.raises(ValueError, match="not reversible"):
        ops.DropColumnOp("t", "x").reverse()

    alter = ops.AlterColumnOp(
        "t",
        "x",
        existing_type=sa.String(20),
        existing_nullable=True,
        modify_type=sa.Text(),
        modify_nullable=False,
        modify_name="y",
        modify_comment="c",
    )
    kinds = [d[0] for d in alter.to_diff_tuple()]
    assert kinds == ["modify_type", "modify_nullable", "modify_comment"]
    undo = alter.reverse()
    assert (undo.column_name, undo.modify_name) == ("y", "x")
    assert isinstance(undo.modify_type, sa.String) and undo.modify_nullable is True
    assert undo.modify_comment is None and undo.existing_comment == "c"
    assert undo.reverse().modify_nullable is False
    assert alter.has_changes() and not ops.AlterColumnOp("t", "x").has_changes()

    comment = ops.CreateTableCommentOp("t", "new", existing_comment="old")
    assert comment.reverse().comment == "old"
    assert isinstance(
        ops.CreateTableCommentOp("t", "new").reverse(), ops.DropTableCommentOp
    )
    assert ops.DropTableCommentOp("t", existing_comment="x").reverse().comment == "x"
    rename = ops.RenameTableOp("a", "b").reverse()
    assert (rename.table_name, rename.new_table_name) == ("b", "a")

    upgrade = ops.UpgradeOps(
        [create, ops.ModifyTableOps("t", [add_col, alter], schema="s")]
    )
    downgrade = upgrade.reverse()
    assert isinstance(downgrade, ops.DowngradeOps)
    assert isinstance(downgrade.ops[0], ops.ModifyTableOps)
    assert isinstance(downgrade.ops[0].ops[1], ops.DropColumnOp)
    assert isinstance(downgrade.ops[1], ops.DropTableOp)
    # compare_metadata's shape: a column's changes stay one nested list
    diffs = upgrade.as_diffs()
    assert [d[0] for d in diffs[:2]] == ["add_table", "add_column"]
    assert [d[0] for d in diffs[2]] == [
        "modify_type",
        "modify_nullable",
        "modify_comment",
    ]
    assert len(diffs) == 3
    assert ops.UpgradeOps().is_empty() and not upgrade.is_empty()
    script = ops.MigrationScript("abc", upgrade, downgrade, message="m")
    assert script.upgrade_ops is upgrade and script.downgrade_ops_list == [downgrade]
    multi = ops.MigrationScript("x", [upgrade, ops.UpgradeOps()], [downgrade])
    with pytest.raises(ValueError, match="upgrade_ops_list"):
        multi.upgrade_ops  # noqa: B018
    create.info["k"] = 1
    assert create.info == {"k": 1} and ops.ExecuteSQLOp("x").info == {}
