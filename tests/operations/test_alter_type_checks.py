"""``alter_column(type_=...)`` between types that carry a CHECK constraint
(non-native Enum, Boolean with ``create_constraint=True``): the old type's
CHECK goes and the new one's comes, plain and batch, online and offline.
A real project's status column rejected the value its application wrote
because the old CHECK stayed."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from schemadiff.util import CommandError
from tests.operations._util import offline, online, statements

OLD = sa.Enum("a", "b", native_enum=False, create_constraint=True, name="ck_status")
NEW = sa.Enum(
    "a", "b", "c", native_enum=False, create_constraint=True, name="ck_status"
)


def _checks(engine: sa.Engine) -> list[str]:
    return [c["name"] for c in sa.inspect(engine).get_check_constraints("t")]


def _insert(engine: sa.Engine, value: str) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO t (id, s) VALUES (1, :v)"), {"v": value})


@pytest.mark.parametrize("batch", [False, True], ids=["plain", "batch"])
def test_enum_values_widened(backend, batch):
    with online(backend.engine) as op:
        op.create_table(
            "t", sa.Column("id", sa.Integer, primary_key=True), sa.Column("s", OLD)
        )
    with pytest.raises(sa.exc.DBAPIError):
        _insert(backend.engine, "c")
    with online(backend.engine) as op:
        if batch:
            with op.batch_alter_table("t") as batch_op:
                batch_op.alter_column("s", type_=NEW, existing_type=OLD)
        elif backend.name == "sqlite":
            # SQLite alters a column's type only by rebuilding the table
            with pytest.raises(CommandError, match="batch"):
                op.alter_column(
                    "t", "s", type_=NEW, existing_type=OLD, existing_nullable=True
                )
            return
        else:
            op.alter_column(
                "t", "s", type_=NEW, existing_type=OLD, existing_nullable=True
            )
    assert _checks(backend.engine) == ["ck_status"]
    _insert(backend.engine, "c")


def test_boolean_to_integer_drops_its_check(backend):
    flag = sa.Boolean(create_constraint=True, name="ck_flag")
    with online(backend.engine) as op:
        op.create_table(
            "t", sa.Column("id", sa.Integer, primary_key=True), sa.Column("f", flag)
        )
        with op.batch_alter_table("t") as batch_op:
            batch_op.alter_column(
                "f",
                type_=sa.Integer,
                existing_type=flag,
                existing_nullable=True,
                **(
                    {"postgresql_using": "f::int"}
                    if backend.name == "postgresql"
                    else {}
                ),
            )
    assert "ck_flag" not in _checks(backend.engine)
    with backend.engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO t (id, f) VALUES (1, 7)"))


@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
def test_offline_sql(dialect):
    op, buf = offline(dialect)
    op.alter_column("t", "s", type_=NEW, existing_type=OLD, existing_nullable=True)
    out = statements(buf)
    assert "DROP" in out[0] and "ck_status" in out[0]
    assert out[-1].startswith("ALTER TABLE t ADD CONSTRAINT ck_status CHECK")
    assert "'c'" in out[-1]


def test_unnamed_enum_widened_in_batch(backend):
    """MLflow's runs.status: the old Enum's CHECK is named, the new one not."""
    new = sa.Enum("a", "b", "c", native_enum=False, create_constraint=True)
    with online(backend.engine) as op:
        op.create_table(
            "t", sa.Column("id", sa.Integer, primary_key=True), sa.Column("s", OLD)
        )
        with op.batch_alter_table("t") as batch_op:
            batch_op.alter_column("s", type_=new, existing_type=OLD)
    assert "ck_status" not in _checks(backend.engine)
    _insert(backend.engine, "c")
    with pytest.raises(sa.exc.DBAPIError):
        with backend.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO t (id, s) VALUES (2, 'd')"))
