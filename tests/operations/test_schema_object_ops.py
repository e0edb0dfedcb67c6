"""ENUM type and sequence operations on each backend, online and offline:
where the backend has no such object, one clear error."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from schemadiff.util import CommandError
from tests.operations._util import offline, online, rows, statements


def test_enum_ops(backend) -> None:
    engine = backend.engine
    if backend.name != "postgresql":
        with online(engine) as op:
            for call in (
                lambda: op.create_enum("mood", ["a"]),
                lambda: op.drop_enum("mood"),
                lambda: op.sync_enum_values("mood", ["a", "b"], existing_values=["a"]),
            ):
                with pytest.raises(CommandError, match="has no named ENUM types"):
                    call()
        return
    with online(engine) as op:
        op.create_enum("mood", ["a", "b"])
        op.create_table("t", sa.Column("m", sa.Enum("a", "b", name="mood")))
        op.sync_enum_values(
            "mood", ["a", "x", "b"], existing_values=["a", "b"], columns=[]
        )
    assert sa.inspect(engine).get_enums()[0]["labels"] == ["a", "x", "b"]
    with online(engine) as op:
        op.drop_table("t")
        op.drop_enum("mood", ["a", "x", "b"])
    assert sa.inspect(engine).get_enums() == []


def test_enum_ops_offline() -> None:
    op, buf = offline("postgresql")
    op.create_enum("mood", ["a", "it's"], schema="s")
    op.create_table("t", sa.Column("m", sa.Enum("a", "it's", name="mood", schema="s")))
    op.drop_enum("mood", schema="s")
    assert statements(buf) == [
        "CREATE TYPE s.mood AS ENUM ('a', 'it''s')",
        "CREATE TABLE t ( m s.mood )",
        "DROP TYPE s.mood",
    ]


def test_enum_op_arguments_are_checked() -> None:
    op, _ = offline("postgresql")
    with pytest.raises(CommandError, match="renames 'z', which is not one of"):
        op.sync_enum_values("m", ["a"], existing_values=["b"], value_renames={"z": "a"})
    with pytest.raises(CommandError, match="'table' and 'column' keys"):
        op.sync_enum_values("m", ["a"], existing_values=["b"], columns=[("t", "c")])
    with pytest.raises(CommandError, match="duplicates"):
        op.create_enum("m", ["a", "a"])


def test_sequence_ops(backend) -> None:
    engine = backend.engine
    if backend.name == "sqlite":
        with online(engine) as op:
            with pytest.raises(CommandError, match="sqlite has no sequences"):
                op.create_sequence("s")
        return
    with online(engine) as op:
        op.create_sequence("s", start=5, increment=2)
        op.alter_sequence("s", increment=10, maxvalue=500, cycle=True)
    with engine.connect() as conn:
        first = conn.execute(
            sa.text(
                "SELECT nextval(s)"
                if backend.name == "mariadb"
                else "SELECT nextval('s')"
            )
        ).scalar()
        second = conn.execute(
            sa.text(
                "SELECT nextval(s)"
                if backend.name == "mariadb"
                else "SELECT nextval('s')"
            )
        ).scalar()
    assert (first, second) == (5, 15)
    with online(engine) as op:
        op.drop_sequence("s")
    if backend.name == "postgresql":
        sql = "SELECT count(*) FROM pg_sequences WHERE schemaname = current_schema()"
    else:
        sql = (
            "SELECT count(*) FROM information_schema.TABLES "
            "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'SEQUENCE'"
        )
    assert rows(engine, sql) == [(0,)]


def test_sequence_ops_offline() -> None:
    op, buf = offline("postgresql")
    op.create_sequence("s", schema="x", start=3)
    op.alter_sequence("s", schema="x", minvalue=None, cache=4, existing={"cache": 1})
    op.drop_sequence("s", schema="x")
    assert statements(buf) == [
        "CREATE SEQUENCE x.s START WITH 3",
        "ALTER SEQUENCE x.s NO MINVALUE CACHE 4",
        "DROP SEQUENCE x.s",
    ]


def test_sequence_ops_offline_mariadb() -> None:
    """Offline the server's version is unknown (a MySQL URL may well be a
    MariaDB): the statements are written, in MariaDB's spelling."""
    for name in ("mysql", "mariadb"):
        op, buf = offline(name)
        op.create_sequence("s", start=3, cycle=True)
        op.alter_sequence("s", cycle=False, cache=20, existing={"cycle": True})
        op.drop_sequence("s")
        assert statements(buf) == [
            "CREATE SEQUENCE s START WITH 3 CYCLE",
            "ALTER SEQUENCE s NOCYCLE CACHE 20",
            "DROP SEQUENCE s",
        ]
