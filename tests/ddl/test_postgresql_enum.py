"""PostgreSQL named ENUM types: created only when absent (online), never
dropped implicitly, so migrations ported from other tools that drop the type
themselves after ``drop_table`` work, and online and offline agree."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from tests.operations._util import offline, online, rows, statements

_TYPES_SQL = (
    "SELECT t.typname FROM pg_type t "
    "JOIN pg_namespace n ON n.oid = t.typnamespace "
    "WHERE t.typtype = 'e' AND n.nspname = current_schema() "
    "ORDER BY t.typname"
)


def _types(engine: sa.Engine) -> list[str]:
    """ENUM type names in the test's own schema (its search_path)."""
    return [name for (name,) in rows(engine, _TYPES_SQL)]


def _types_in_run(op) -> list[str]:
    """The same, seen from inside the run's own (uncommitted) transaction."""
    return [name for (name,) in op.get_bind().exec_driver_sql(_TYPES_SQL)]


def test_types_are_created_once_and_kept_by_drop_table(postgresql_backend) -> None:
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
        op.drop_table("a")
        op.drop_table("b")
    assert _types(engine) == ["mood", "tag"]

    # upgrade again after a downgrade that kept the types: no "already exists"
    with online(engine) as op:
        op.create_table("a", sa.Column("mood", sa.Enum("up", "down", name="mood")))
    assert sa.inspect(engine).get_columns("a")[0]["type"].enums == ["up", "down"]


def test_ported_idioms_drop_the_type_after_drop_table(postgresql_backend) -> None:
    """``op.execute("DROP TYPE x")`` and ``sa.Enum(name=...).drop(bind)`` after
    drop_table, then the same type created again later in the same run."""
    engine = postgresql_backend.engine
    with online(engine) as op:
        op.create_table("a", sa.Column("mood", sa.Enum("up", "down", name="mood")))
        op.create_table("b", sa.Column("kind", sa.Enum("p", "q", name="kind")))
        op.drop_table("a")
        op.execute("DROP TYPE mood")
        op.drop_table("b")
        postgresql.ENUM(name="kind").drop(op.get_bind())
        assert _types_in_run(op) == []
        op.create_table("a", sa.Column("mood", sa.Enum("up", "down", name="mood")))
    assert _types(engine) == ["mood"]
    assert sorted(sa.inspect(engine).get_table_names()) == ["a"]


def test_existing_type_is_reused(postgresql_backend) -> None:
    engine = postgresql_backend.engine
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TYPE mood AS ENUM ('up', 'down')")
    with online(engine) as op:
        op.create_table("a", sa.Column("mood", sa.Enum("up", "down", name="mood")))
        op.add_column("a", sa.Column("other", sa.Enum("up", "down", name="mood")))
    assert [c["name"] for c in sa.inspect(engine).get_columns("a")] == [
        "mood",
        "other",
    ]
    assert _types(engine) == ["mood"]


def test_drop_column_keeps_its_type(postgresql_backend) -> None:
    engine = postgresql_backend.engine
    with online(engine) as op:
        op.create_table(
            "t",
            sa.Column("id", sa.Integer),
            sa.Column("a", sa.Enum("p", "q", name="kind_a")),
        )
    with online(engine) as op:
        op.drop_column("t", "a")
    assert _types(engine) == ["kind_a"]
    assert [c["name"] for c in sa.inspect(engine).get_columns("t")] == ["id"]


def test_offline_matches_online_no_implicit_drop_type() -> None:
    op, buf = offline("postgresql")
    op.create_table("a", sa.Column("mood", sa.Enum("up", "down", name="mood")))
    op.create_table("b", sa.Column("mood", sa.Enum("up", "down", name="mood")))
    op.drop_table("a")
    op.drop_column("b", "mood")
    op.execute("DROP TYPE mood")
    assert statements(buf) == [
        "CREATE TYPE mood AS ENUM ('up', 'down')",
        "CREATE TABLE a ( mood mood )",
        "CREATE TABLE b ( mood mood )",
        "DROP TABLE a",
        "ALTER TABLE b DROP COLUMN mood",
        "DROP TYPE mood",
    ]


def test_offline_alter_column_to_a_type_the_script_made() -> None:
    """Offline, an ENUM the script already created is not created again by a
    later add_column/alter_column (the online run asks the database)."""
    op, buf = offline("postgresql")
    op.create_table("a", sa.Column("mood", sa.Enum("up", "down", name="mood")))
    op.add_column("a", sa.Column("m2", sa.Enum("up", "down", name="mood")))
    op.alter_column(
        "a", "m2", type_=sa.Enum("up", "down", name="mood"), existing_type=sa.String()
    )
    op.alter_column(
        "a", "m2", type_=sa.Enum("x", name="other"), existing_type=sa.String()
    )
    assert [s for s in statements(buf) if s.startswith("CREATE TYPE")] == [
        "CREATE TYPE mood AS ENUM ('up', 'down')",
        "CREATE TYPE other AS ENUM ('x')",
    ]


def test_offline_script_with_a_reused_type_runs(postgresql_backend) -> None:
    """The offline script of create_table + alter_column to the same type runs."""
    op, buf = offline("postgresql")
    op.create_table(
        "a",
        sa.Column("mood", sa.Enum("up", "down", name="mood")),
        sa.Column("other", sa.String(10)),
    )
    op.alter_column(
        "a",
        "other",
        type_=sa.Enum("up", "down", name="mood"),
        existing_type=sa.String(10),
        postgresql_using="other::mood",
    )
    with postgresql_backend.engine.begin() as conn:
        for statement in statements(buf):
            conn.exec_driver_sql(statement)
    assert _types(postgresql_backend.engine) == ["mood"]
