"""Offline (--sql) output of every operation, per dialect."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from schemadiff.util import CommandError
from tests.operations._util import offline, statements


def _run_common(op) -> None:
    t = op.create_table(
        "t",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(20), nullable=False, server_default="x"),
        comment="tc",
    )
    op.bulk_insert(t, [{"id": 1, "name": "o'k"}, {"id": 2, "name": "b"}])
    op.add_column("t", sa.Column("n", sa.Integer, sa.ForeignKey("p.id")))
    op.drop_column("t", "n")
    op.rename_table("t", "t2")
    op.create_index("ix_t2_name", "t2", ["name"], unique=True)
    op.drop_index("ix_t2_name", table_name="t2")
    op.execute("UPDATE t2 SET name = 'z'")
    op.execute(
        sa.table("t2", sa.column("name")).update().values(name=op.inline_literal("q"))
    )
    op.drop_table("t2")


def test_sqlite_sql() -> None:
    op, buf = offline("sqlite")
    _run_common(op)
    op.alter_column("t2", "name", new_column_name="title")
    assert statements(buf) == [
        "CREATE TABLE t ( id INTEGER NOT NULL, name VARCHAR(20) DEFAULT 'x' NOT NULL, "
        "PRIMARY KEY (id) )",
        "INSERT INTO t (id, name) VALUES (1, 'o''k')",
        "INSERT INTO t (id, name) VALUES (2, 'b')",
        "ALTER TABLE t ADD COLUMN n INTEGER REFERENCES p (id)",
        "ALTER TABLE t DROP COLUMN n",
        "ALTER TABLE t RENAME TO t2",
        "CREATE UNIQUE INDEX ix_t2_name ON t2 (name)",
        "DROP INDEX ix_t2_name",
        "UPDATE t2 SET name = 'z'",
        "UPDATE t2 SET name='q'",
        "DROP TABLE t2",
        "ALTER TABLE t2 RENAME COLUMN name TO title",
    ]


def test_postgresql_sql() -> None:
    op, buf = offline("postgresql")
    _run_common(op)
    op.alter_column(
        "t",
        "name",
        nullable=True,
        server_default=sa.text("now()"),
        type_=sa.Text,
        comment="c",
        new_column_name="title",
        postgresql_using="name::text",
    )
    op.alter_column("t", "title", server_default=None)
    op.create_primary_key("pk_t", "t", ["id"])
    op.create_unique_constraint("uq_t", "t", ["a", "b"], deferrable=True)
    op.create_foreign_key(
        "fk_t",
        "t",
        "p",
        ["pid"],
        ["id"],
        ondelete="SET NULL",
        source_schema="s1",
        referent_schema="s2",
    )
    op.create_check_constraint("ck_t", "t", "a > 0", schema="s1")
    op.drop_constraint("ck_t", "t", schema="s1")
    op.create_index(
        "ix_w", "t", ["a"], postgresql_where=sa.text("a > 1"), postgresql_using="gin"
    )
    op.create_index("ix_w", "t", ["a"], if_not_exists=True)
    op.drop_index("ix_w", if_exists=True, schema="s1")
    op.create_table_comment("t", "hi")
    op.drop_table_comment("t")
    op.create_exclude_constraint("ex", "t", ("room", "="), where="a > 0", using="gist")
    op.create_table(
        "e",
        sa.Column("mood", postgresql.ENUM("sad", "ok", name="mood")),
        sa.Column("c", sa.Integer, comment="cc"),
    )
    out = statements(buf)
    assert out[0] == (
        "CREATE TABLE t ( id SERIAL NOT NULL, name VARCHAR(20) DEFAULT 'x' NOT NULL, "
        "PRIMARY KEY (id) )"
    )
    assert out[1] == "COMMENT ON TABLE t IS 'tc'"
    assert "ALTER TABLE t ADD COLUMN n INTEGER" in out
    assert "ALTER TABLE t ADD FOREIGN KEY(n) REFERENCES p (id)" in out
    tail = out[out.index("DROP TABLE t2") + 1 :]
    assert tail == [
        "ALTER TABLE t ALTER COLUMN name TYPE TEXT USING name::text",
        "ALTER TABLE t ALTER COLUMN name DROP NOT NULL",
        "ALTER TABLE t ALTER COLUMN name SET DEFAULT now()",
        "COMMENT ON COLUMN t.name IS 'c'",
        "ALTER TABLE t RENAME COLUMN name TO title",
        "ALTER TABLE t ALTER COLUMN title DROP DEFAULT",
        "ALTER TABLE t ADD CONSTRAINT pk_t PRIMARY KEY (id)",
        "ALTER TABLE t ADD CONSTRAINT uq_t UNIQUE (a, b) DEFERRABLE",
        "ALTER TABLE s1.t ADD CONSTRAINT fk_t FOREIGN KEY(pid) REFERENCES s2.p (id) "
        "ON DELETE SET NULL",
        "ALTER TABLE s1.t ADD CONSTRAINT ck_t CHECK (a > 0)",
        "ALTER TABLE s1.t DROP CONSTRAINT ck_t",
        "CREATE INDEX ix_w ON t USING gin (a) WHERE a > 1",
        "CREATE INDEX IF NOT EXISTS ix_w ON t (a)",
        "DROP INDEX IF EXISTS s1.ix_w",
        "COMMENT ON TABLE t IS 'hi'",
        "COMMENT ON TABLE t IS NULL",
        "ALTER TABLE t ADD CONSTRAINT ex EXCLUDE USING gist (room WITH =) "
        "WHERE (a > 0)",
        "CREATE TYPE mood AS ENUM ('sad', 'ok')",
        "CREATE TABLE e ( mood mood, c INTEGER )",
        "COMMENT ON COLUMN e.c IS 'cc'",
    ]


@pytest.mark.parametrize("dialect", ["mysql", "mariadb"])
def test_mysql_sql(dialect: str) -> None:
    op, buf = offline(dialect)
    _run_common(op)
    op.alter_column(
        "t",
        "name",
        new_column_name="title",
        existing_type=sa.String(20),
        existing_nullable=False,
        existing_server_default="x",
        existing_comment="keep me",
    )
    op.alter_column(
        "t", "n", type_=sa.BigInteger, existing_nullable=True, comment="new"
    )
    op.alter_column("t", "n", server_default="5")
    op.alter_column("t", "n", server_default=None)
    op.alter_column(
        "t",
        "id",
        existing_type=sa.Integer,
        nullable=False,
        autoincrement=True,
    )
    op.drop_constraint("fk_x", "t", type_="foreignkey")
    op.drop_constraint("uq_x", "t", type_="unique")
    op.drop_constraint("PRIMARY", "t", type_="primary")
    op.drop_constraint("ck_x", "t", type_="check")
    op.create_table_comment("t", "hi")
    op.drop_table_comment("t")
    op.rename_table("a", "b", schema="s")
    out = statements(buf)
    assert out[0] == (
        "CREATE TABLE t ( id INTEGER NOT NULL AUTO_INCREMENT, name VARCHAR(20) "
        "NOT NULL DEFAULT 'x', PRIMARY KEY (id) )COMMENT='tc'"
    )
    assert "ALTER TABLE t ADD FOREIGN KEY(n) REFERENCES p (id)" in out
    # dropping an index (or UNIQUE) first indexes the foreign keys only it
    # serves, which the server works out (tests/ddl/test_foreign_key_index.py)
    full = out
    drops = [s for s in out if s.startswith("-- dropping index")]
    assert [d.split(":")[0] for d in drops] == [
        "-- dropping index ix_t2_name of t2",
        "-- dropping index uq_x of t",
    ]
    assert "CONCAT('ALTER TABLE t2 '," in drops[0]
    assert "'DROP INDEX ix_t2_name')" in drops[0]
    assert "'DROP INDEX uq_x')" in drops[1]
    assert out.count("EXECUTE schemadiff_ddl") == 2
    out = [s for s in out if "schemadiff_ddl" not in s]
    check = "DROP CONSTRAINT ck_x" if dialect == "mariadb" else "DROP CHECK ck_x"
    tail = out[out.index("DROP TABLE t2") + 1 :]
    assert tail == [
        "ALTER TABLE t CHANGE COLUMN name title VARCHAR(20) NOT NULL DEFAULT 'x' "
        "COMMENT 'keep me'",
        "ALTER TABLE t MODIFY n BIGINT NULL COMMENT 'new'",
        "ALTER TABLE t ALTER COLUMN n SET DEFAULT '5'",
        "ALTER TABLE t ALTER COLUMN n DROP DEFAULT",
        "ALTER TABLE t MODIFY id INTEGER NOT NULL AUTO_INCREMENT",
        "ALTER TABLE t DROP FOREIGN KEY fk_x",
        "ALTER TABLE t DROP PRIMARY KEY",
        f"ALTER TABLE t {check}",
        "ALTER TABLE t COMMENT 'hi'",
        "ALTER TABLE t COMMENT ''",
        "ALTER TABLE s.a RENAME TO s.b",
    ]
    with pytest.raises(CommandError, match=r"t\.n: .*existing_type= is required"):
        op.alter_column("t", "n", nullable=False)
    # Without existing_nullable the column's NOT NULL can't be restated: refuse
    # rather than write NULL.
    with pytest.raises(
        CommandError, match=r"t\.n: .*existing_nullable= \(or nullable=\) is required"
    ):
        op.alter_column("t", "n", type_=sa.BigInteger, comment="x")
    with pytest.raises(CommandError, match="existing_nullable"):
        op.alter_column("t", "n", new_column_name="m", existing_type=sa.Integer)
    # each refusal leaves a comment in the script, and nothing else
    text = buf.getvalue()
    assert text.count("\n-- FAILED: alter_column t.n: MySQL/MariaDB restate") == 3
    kept = "".join(
        line for line in text.splitlines(True) if not line.startswith("-- FAILED")
    )
    assert statements(io.StringIO(kept)) == full
    with pytest.raises(CommandError, match="'ck' on table 't': .*type_="):
        op.drop_constraint("ck", "t")
    with pytest.raises(CommandError, match="drop_index 'ix': .*table_name="):
        op.drop_index("ix")


def test_bulk_insert_offline_literals() -> None:
    import datetime

    op, buf = offline("postgresql")
    typed = sa.table("t", sa.column("d", sa.Date), sa.column("n", sa.Integer))
    untyped = sa.table("u", sa.column("a"), sa.column("b"), sa.column("c"))
    op.bulk_insert(typed, [{"d": datetime.date(2024, 1, 2), "n": None}])
    op.bulk_insert(untyped, [{"a": "x", "b": 3, "c": op.inline_literal("y")}])
    assert statements(buf) == [
        "INSERT INTO t (d, n) VALUES ('2024-01-02', NULL)",
        "INSERT INTO u (a, b, c) VALUES ('x', 3, 'y')",
    ]


def test_generic_dialect_uses_standard_sql() -> None:
    """A dialect without its own implementation gets the generic one."""
    op, buf = offline("oracle")
    assert type(op.impl).__name__ == "DefaultImpl"
    op.add_column("t", sa.Column("c", sa.Integer))
    op.alter_column("t", "c", nullable=False, type_=sa.BigInteger, server_default="1")
    op.alter_column("t", "c", new_column_name="d", comment="x")
    assert statements(buf) == [
        "ALTER TABLE t ADD COLUMN c INTEGER",
        "ALTER TABLE t ALTER COLUMN c SET NOT NULL",
        "ALTER TABLE t ALTER COLUMN c SET DEFAULT '1'",
        "ALTER TABLE t ALTER COLUMN c TYPE NUMBER(19)",
        "COMMENT ON COLUMN t.c IS 'x'",
        "ALTER TABLE t RENAME COLUMN c TO d",
    ]


def test_sqlite_rejects_alters_it_cannot_do() -> None:
    op, _ = offline("sqlite")
    for call, pattern in [
        (lambda: op.alter_column("t", "c", nullable=False), r"t\.c.*nullability"),
        (lambda: op.alter_column("t", "c", type_=sa.Text), r"t\.c.*type"),
        (lambda: op.create_primary_key("pk", "t", ["c"]), "'pk' on table 't'"),
        (lambda: op.create_foreign_key("fk", "t", "p", ["a"], ["b"]), "'fk'"),
        (lambda: op.drop_constraint("ck", "t"), "'ck' on table 't'"),
        (
            lambda: op.add_column("t", sa.Column("u", sa.Integer, unique=True)),
            r"t\.u: SQLite can't add a PRIMARY KEY or UNIQUE column",
        ),
    ]:
        with pytest.raises(CommandError, match=pattern):
            call()
