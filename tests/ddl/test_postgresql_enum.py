"""PostgreSQL named ENUM types follow the tables and columns that use them:
created only when absent, dropped with the last table/column that used them."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from tests.operations._util import offline, online, rows, statements


def _types(engine: sa.Engine) -> list[str]:
    """ENUM type names in the test's own schema (its search_path)."""
    return [
        name
        for (name,) in rows(
            engine,
            "SELECT t.typname FROM pg_type t "
            "JOIN pg_namespace n ON n.oid = t.typnamespace "
            "WHERE t.typtype = 'e' AND n.nspname = current_schema() "
            "ORDER BY t.typname",
        )
    ]


def test_drop_table_drops_enum_types_no_longer_used(postgresql_backend) -> None:
    engine = postgresql_backend.engine
    with online(engine) as op:
        op.create_table(
            "a",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("mood", sa.Enum("up", "down", name="mood")),
            sa.Column("tags", postgresql.ARRAY(sa.Enum("x", "y", name="tag"))),
        )
        # the same type again: created only once
        op.create_table("b", sa.Column("mood", sa.Enum("up", "down", name="mood")))
    assert _types(engine) == ["mood", "tag"]

    with online(engine) as op:
        op.drop_table("a")  # "mood" is still used by b; "tag" (an array) is not
    assert _types(engine) == ["mood"]
    with online(engine) as op:
        op.drop_table("b")
    assert _types(engine) == []

    # upgrade again after the downgrade: no "type already exists"
    with online(engine) as op:
        op.create_table("a", sa.Column("mood", sa.Enum("up", "down", name="mood")))
        # dropped and created again within one run
        op.drop_table("a")
        op.create_table("a", sa.Column("mood", sa.Enum("up", "down", name="mood")))
    assert _types(engine) == ["mood"]
    assert sa.inspect(engine).get_columns("a")[0]["type"].enums == ["up", "down"]


def test_existing_type_is_reused_and_other_dependents_keep_it(
    postgresql_backend,
) -> None:
    engine = postgresql_backend.engine
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TYPE mood AS ENUM ('up', 'down')")
        conn.exec_driver_sql("CREATE DOMAIN mood_domain AS mood")
    with online(engine) as op:
        op.create_table("a", sa.Column("mood", sa.Enum("up", "down", name="mood")))
        op.add_column("a", sa.Column("other", sa.Enum("up", "down", name="mood")))
    with online(engine) as op:
        op.drop_table("a")  # the domain still depends on the type
    assert _types(engine) == ["mood"]


def test_drop_column_drops_its_enum_type(postgresql_backend) -> None:
    engine = postgresql_backend.engine
    with online(engine) as op:
        op.create_table(
            "t",
            sa.Column("id", sa.Integer),
            sa.Column("a", sa.Enum("p", "q", name="kind_a")),
            sa.Column("b", sa.Enum("p", "q", name="kind_b")),
            sa.Column("c", sa.Enum("p", "q", name="kind_b")),
        )
    with online(engine) as op:
        op.drop_column("t", "a")
        op.drop_column("t", "b")  # c still uses kind_b
    assert _types(engine) == ["kind_b"]
    with online(engine) as op:
        op.drop_column("t", "c")
        op.drop_column("t", "id")
    assert _types(engine) == []
    assert [c["name"] for c in sa.inspect(engine).get_columns("t")] == []


def test_offline_writes_create_type_and_no_drop_type() -> None:
    op, buf = offline("postgresql")
    op.create_table("a", sa.Column("mood", sa.Enum("up", "down", name="mood")))
    op.create_table("b", sa.Column("mood", sa.Enum("up", "down", name="mood")))
    op.drop_table("a")
    op.drop_column("b", "mood")
    assert statements(buf) == [
        "CREATE TYPE mood AS ENUM ('up', 'down')",
        "CREATE TABLE a ( mood mood )",
        "CREATE TABLE b ( mood mood )",
        "DROP TABLE a",
        "ALTER TABLE b DROP COLUMN mood",
    ]
