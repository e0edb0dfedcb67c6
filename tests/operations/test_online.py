"""Every op.* operation run against real SQLite, PostgreSQL and MariaDB, then
checked by reflection."""

from __future__ import annotations

import warnings

import pytest
import sqlalchemy as sa

from schemadiff.operations.base import OperationError
from schemadiff.util import CommandError
from tests.operations._util import online, rows


def _cols(engine: sa.Engine, table: str, schema: str | None = None) -> dict:
    return {c["name"]: c for c in sa.inspect(engine).get_columns(table, schema=schema)}


def test_tables_columns_and_data(backend) -> None:
    engine = backend.engine
    with online(engine) as op:
        parent = op.create_table(
            "parent",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("name", sa.String(50), nullable=False, server_default="anon"),
            sa.Column("score", sa.Numeric(10, 2), comment="points"),
            comment="people",
        )
        assert isinstance(parent, sa.Table)
        op.bulk_insert(
            parent,
            [{"id": 1, "name": "a", "score": 1.5}, {"id": 2, "name": "b"}],
        )
        op.bulk_insert(parent, [{"id": 3, "name": "c"}], multiinsert=False)
        op.create_table(
            "child",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("parent_id", sa.Integer, sa.ForeignKey("parent.id")),
            if_not_exists=True,
        )
        op.add_column("child", sa.Column("note", sa.String(30), server_default="n"))
        op.add_column("child", sa.Column("gone", sa.Integer))
        op.add_column(
            "child", sa.Column("owner_id", sa.Integer, sa.ForeignKey("parent.id"))
        )
        op.drop_column("child", "gone")
        op.add_column("child", sa.Column("note", sa.String(30)), if_not_exists=True)
        op.drop_column("child", "gone", if_exists=True)
        op.execute("INSERT INTO child (id, parent_id) VALUES (10, 2)")
        op.execute(
            sa.text("UPDATE child SET note = :n").bindparams(n="hello"),
            execution_options={"no_parameters": False},
        )
        child = sa.table("child", sa.column("id"), sa.column("owner_id"))
        op.execute(child.update().values(owner_id=op.inline_literal(3)))
        op.rename_table("child", "kid")
        op.create_table("scratch", sa.Column("x", sa.Integer))
        op.drop_table("scratch")
        op.drop_table("never_there", if_exists=True)
        assert op.get_bind() is op.get_context().bind
        assert op.get_context().dialect.name == engine.dialect.name

    insp = sa.inspect(engine)
    tables = set(insp.get_table_names())
    assert {"parent", "kid"} <= tables and not tables & {"child", "scratch"}
    kid = _cols(engine, "kid")
    assert list(kid) == ["id", "parent_id", "note", "owner_id"]
    assert rows(engine, "SELECT id, parent_id, note, owner_id FROM kid") == [
        (10, 2, "hello", 3)
    ]
    assert rows(engine, "SELECT id, name FROM parent ORDER BY id") == [
        (1, "a"),
        (2, "b"),
        (3, "c"),
    ]
    parent_cols = _cols(engine, "parent")
    assert parent_cols["name"]["nullable"] is False
    assert "anon" in parent_cols["name"]["default"]
    fks = insp.get_foreign_keys("kid")
    assert sorted(fk["constrained_columns"][0] for fk in fks) == [
        "owner_id",
        "parent_id",
    ]
    if backend.name != "sqlite":
        assert parent_cols["score"]["comment"] == "points"
        assert insp.get_table_comment("parent")["text"] == "people"


def test_alter_column(backend) -> None:
    engine = backend.engine
    with online(engine) as op:
        op.create_table(
            "t",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("a", sa.Integer, nullable=True),
            sa.Column("b", sa.String(20), nullable=False, server_default="x"),
            sa.Column("c", sa.String(20), comment="old"),
        )
        op.execute("INSERT INTO t (id, a, b, c) VALUES (1, 5, 'y', 'z')")
        op.alter_column("t", "c", new_column_name="c2")
    assert "c2" in _cols(engine, "t")

    if backend.name == "sqlite":
        with online(engine) as op:
            with pytest.raises(CommandError, match=r"t\.a.*batch_alter_table"):
                op.alter_column("t", "a", nullable=False)
        return

    with online(engine) as op:
        op.alter_column("t", "a", nullable=False, existing_type=sa.Integer)
        op.alter_column(
            "t",
            "b",
            type_=sa.String(100),
            existing_type=sa.String(20),
            existing_nullable=False,
            existing_server_default="x",
        )
        op.alter_column("t", "b", server_default="new", existing_type=sa.String(100))
        op.alter_column("t", "c2", comment="fresh", existing_type=sa.String(20))
        # MariaDB fills in what isn't given from the live column
        op.alter_column("t", "a", type_=sa.BigInteger)
    cols = _cols(engine, "t")
    assert cols["a"]["nullable"] is False
    assert isinstance(cols["a"]["type"], sa.BigInteger)
    assert cols["b"]["type"].length == 100
    assert cols["b"]["nullable"] is False
    assert "new" in cols["b"]["default"]
    assert cols["c2"]["comment"] == "fresh"

    with online(engine) as op:
        op.alter_column("t", "b", server_default=None, existing_type=sa.String(100))
        op.alter_column("t", "a", nullable=True, existing_type=sa.BigInteger)
        op.alter_column("t", "c2", comment=None, existing_type=sa.String(20))
    cols = _cols(engine, "t")
    assert cols["b"]["default"] is None
    assert cols["a"]["nullable"] is True
    assert cols["c2"]["comment"] is None
    assert rows(engine, "SELECT a, b, c2 FROM t") == [(5, "y", "z")]


def test_postgresql_using(postgresql_backend) -> None:
    engine = postgresql_backend.engine
    with online(engine) as op:
        op.create_table("t", sa.Column("v", sa.String(10)))
        op.execute("INSERT INTO t (v) VALUES ('42')")
        op.alter_column(
            "t",
            "v",
            type_=sa.Integer,
            postgresql_using="v::integer",
            existing_type=sa.String,
        )
        with pytest.raises(CommandError, match="postgresql_using needs type_"):
            op.alter_column("t", "v", postgresql_using="v::text")
    assert isinstance(_cols(engine, "t")["v"]["type"], sa.Integer)
    assert rows(engine, "SELECT v FROM t") == [(42,)]
    # a new ENUM type is created before the column that uses it
    with online(engine) as op:
        op.add_column("t", sa.Column("m", sa.Enum("a", "b", name="mood")))
        op.execute("UPDATE t SET m = 'a'")
        op.alter_column(
            "t",
            "m",
            type_=sa.Enum("a", "b", "c", name="mood2"),
            postgresql_using="m::text::mood2",
        )
    assert _cols(engine, "t")["m"]["type"].enums == ["a", "b", "c"]
    assert rows(engine, "SELECT m FROM t") == [("a",)]


def test_indexes(backend) -> None:
    engine = backend.engine
    with online(engine) as op:
        op.create_table(
            "t",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("a", sa.String(40)),
            sa.Column("b", sa.Integer),
        )
        op.create_index("ix_t_a", "t", ["a"], unique=True)
        op.create_index("ix_t_a_b", "t", ["a", "b"], mysql_length={"a": 10})
        op.create_index("ix_t_b_partial", "t", ["b"], postgresql_where=sa.text("b > 0"))
        op.create_index("ix_t_a", "t", ["a"], unique=True, if_not_exists=True)
        op.create_index(op.f("ix_t_b"), "t", ["b"])
        op.drop_index("ix_t_b", table_name="t")
        op.drop_index("ix_missing", table_name="t", if_exists=True)
        if backend.name != "mariadb":
            op.create_index("ix_t_lower", "t", [sa.text("lower(a)")])
    with warnings.catch_warnings():
        # SQLite can't reflect the expression index; checked through its SQL below
        warnings.simplefilter("ignore", sa.exc.SAWarning)
        indexes = {i["name"]: i for i in sa.inspect(engine).get_indexes("t")}
    assert indexes["ix_t_a"]["unique"] and indexes["ix_t_a"]["column_names"] == ["a"]
    assert indexes["ix_t_a_b"]["column_names"] == ["a", "b"]
    assert "ix_t_b" not in indexes
    assert "ix_t_b_partial" in indexes
    if backend.name == "postgresql":
        where = indexes["ix_t_b_partial"]["dialect_options"]["postgresql_where"]
        assert "b > 0" in where
        assert indexes["ix_t_lower"]["expressions"][0].startswith("lower(")
    if backend.name == "sqlite":
        (sql,) = rows(engine, "SELECT sql FROM sqlite_master WHERE name='ix_t_lower'")
        assert sql[0] == "CREATE INDEX ix_t_lower ON t (lower(a))"
    if backend.name == "mariadb":
        with engine.connect() as conn:
            sub = conn.exec_driver_sql(
                "SELECT sub_part FROM information_schema.statistics WHERE "
                "table_schema = DATABASE() AND index_name = 'ix_t_a_b' "
                "AND column_name = 'a'"
            ).scalar()
        assert sub == 10


def test_constraints(backend) -> None:
    engine = backend.engine
    with online(engine) as op:
        op.create_table("p", sa.Column("id", sa.Integer, primary_key=True))
        op.create_table(
            "c",
            sa.Column("id", sa.Integer, nullable=False),
            sa.Column("pid", sa.Integer),
            sa.Column("code", sa.String(10)),
            sa.Column("qty", sa.Integer),
        )
    if backend.name == "sqlite":
        with online(engine) as op:
            with pytest.raises(CommandError, match="'uq_c_code' on table 'c'.*batch"):
                op.create_unique_constraint("uq_c_code", "c", ["code"])
            with pytest.raises(CommandError, match="'fk_x' on table 'c'.*batch"):
                op.drop_constraint("fk_x", "c", type_="foreignkey")
        return
    with online(engine) as op:
        op.create_primary_key("pk_c", "c", ["id"])
        op.create_unique_constraint("uq_c_code", "c", ["code"])
        op.create_foreign_key(
            "fk_c_p", "c", "p", ["pid"], ["id"], ondelete="CASCADE", onupdate="CASCADE"
        )
        op.create_check_constraint("ck_c_qty", "c", "qty > 0")
        op.create_check_constraint("ck_c_qty2", "c", sa.column("qty") < 1000)
    insp = sa.inspect(engine)
    assert insp.get_pk_constraint("c")["constrained_columns"] == ["id"]
    assert [u["name"] for u in insp.get_unique_constraints("c")] == ["uq_c_code"]
    (fk,) = insp.get_foreign_keys("c")
    assert fk["name"] == "fk_c_p" and fk["referred_table"] == "p"
    assert fk["options"]["ondelete"] == "CASCADE"
    assert fk["options"]["onupdate"] == "CASCADE"
    checks = {c["name"] for c in insp.get_check_constraints("c")}
    assert {"ck_c_qty", "ck_c_qty2"} <= checks

    with online(engine) as op:
        op.drop_constraint("fk_c_p", "c", type_="foreignkey")
        op.drop_constraint("uq_c_code", "c", type_="unique")
        op.drop_constraint("ck_c_qty", "c", type_="check")
        # no type_: found out from the live database where the backend needs it
        op.drop_constraint("ck_c_qty2", "c")
    insp = sa.inspect(engine)
    assert insp.get_foreign_keys("c") == []
    assert insp.get_unique_constraints("c") == []
    assert not {"ck_c_qty", "ck_c_qty2"} & {
        c["name"] for c in insp.get_check_constraints("c")
    }


def test_deferrable_fk_and_exclude(postgresql_backend) -> None:
    engine = postgresql_backend.engine
    with online(engine) as op:
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.create_table(
            "room",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("during", sa.dialects.postgresql.TSRANGE),
        )
        op.create_table("b", sa.Column("rid", sa.Integer))
        op.create_foreign_key(
            "fk_b_room",
            "b",
            "room",
            ["rid"],
            ["id"],
            deferrable=True,
            initially="DEFERRED",
        )
        op.create_exclude_constraint(
            "ex_room", "room", ("id", "="), ("during", "&&"), using="gist"
        )
    with engine.connect() as conn:
        defs = dict(
            conn.exec_driver_sql(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conname IN ('fk_b_room', 'ex_room')"
            ).all()
        )
    assert "DEFERRABLE INITIALLY DEFERRED" in defs["fk_b_room"]
    assert defs["ex_room"].startswith("EXCLUDE USING gist (id WITH =, during WITH &&)")


def test_comments(backend) -> None:
    engine = backend.engine
    with online(engine) as op:
        op.create_table("t", sa.Column("id", sa.Integer, primary_key=True))
        op.create_table_comment("t", "first")
        op.create_table_comment("t", "second", existing_comment="first")
        if backend.name == "sqlite":
            # SQLite has no comments: the calls are accepted and change nothing
            op.drop_table_comment("t", existing_comment="second")
    if backend.name == "sqlite":
        (sql,) = rows(engine, "SELECT sql FROM sqlite_master WHERE name = 't'")
        assert "second" not in sql[0]
        return
    assert sa.inspect(engine).get_table_comment("t")["text"] == "second"
    with online(engine) as op:
        op.drop_table_comment("t", existing_comment="second")
    assert sa.inspect(engine).get_table_comment("t")["text"] in (None, "")


def test_schema_arguments(server_backend) -> None:
    engine = server_backend.engine
    other = server_backend.make_schema()
    with online(engine) as op:
        op.create_table(
            "p", sa.Column("id", sa.Integer, primary_key=True), schema=other
        )
        op.create_table(
            "c",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("pid", sa.Integer),
            schema=other,
        )
        op.add_column("c", sa.Column("extra", sa.Integer), schema=other)
        op.create_index("ix_c_extra", "c", ["extra", "id"], schema=other)
        op.create_foreign_key(
            "fk_c_p",
            "c",
            "p",
            ["pid"],
            ["id"],
            source_schema=other,
            referent_schema=other,
        )
        op.create_unique_constraint("uq_c_extra", "c", ["extra"], schema=other)
        op.rename_table("p", "p2", schema=other)
        op.create_table("local", sa.Column("pid", sa.Integer))
        op.create_foreign_key(
            "fk_local", "local", "p2", ["pid"], ["id"], referent_schema=other
        )
        op.drop_constraint("uq_c_extra", "c", type_="unique", schema=other)
        op.drop_index("ix_c_extra", table_name="c", schema=other)
    insp = sa.inspect(engine)
    assert set(insp.get_table_names(schema=other)) == {"p2", "c"}
    assert "extra" in {c["name"] for c in insp.get_columns("c", schema=other)}
    (fk,) = insp.get_foreign_keys("local")
    assert (fk["referred_schema"], fk["referred_table"]) == (other, "p2")
    assert insp.get_unique_constraints("c", schema=other) == []
    assert "ix_c_extra" not in {i["name"] for i in insp.get_indexes("c", schema=other)}
    with online(engine) as op:
        op.drop_table("local")
        op.drop_column("c", "extra", schema=other)
        op.drop_table("c", schema=other)
    assert sa.inspect(engine).get_table_names(schema=other) == ["p2"]


def test_naming_convention_from_target_metadata(backend) -> None:
    metadata = sa.MetaData(
        naming_convention={
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ix": "ix_%(column_0_label)s",
        }
    )
    engine = backend.engine
    with online(engine, target_metadata=metadata) as op:
        op.create_table(
            "t",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("a", sa.Integer, index=True),
            sa.Column("b", sa.Integer, unique=True),
        )
        op.create_index(None, "t", ["id", "a"])
        op.create_index(op.f("ix_literal_name"), "t", ["b"])
    insp = sa.inspect(engine)
    names = {i["name"] for i in insp.get_indexes("t")}
    assert {"ix_t_a", "ix_t_id", "ix_literal_name"} <= names
    uniques = {u["name"] for u in insp.get_unique_constraints("t")}
    if backend.name == "mariadb":
        uniques |= names
    assert "uq_t_b" in uniques


def test_failed_operation_names_it_and_rolls_back(backend) -> None:
    engine = backend.engine
    with pytest.raises(OperationError) as info:
        with online(engine) as op:
            op.create_table("made_first", sa.Column("id", sa.Integer))
            op.add_column("no_such_table", sa.Column("x", sa.Integer))
    message = str(info.value)
    assert "add_column on table 'no_such_table'" in message
    # Alembic lets the database's error through: code catching its class (and
    # reading .orig, the DB-API error, as on SQLAlchemy's) keeps working
    assert isinstance(info.value, sa.exc.DBAPIError)
    assert not isinstance(info.value.orig, sa.exc.SQLAlchemyError)
    assert info.value.orig is info.value.__cause__.orig
    assert "\n" not in message
    assert "column 'x'" in message
    left = sa.inspect(engine).get_table_names()
    if backend.name == "mariadb":
        assert left == ["made_first"]  # DDL commits implicitly there
    else:
        assert left == []

    with online(engine) as op:
        op.create_table("t", sa.Column("id", sa.Integer))
    for call, expected in [
        (
            lambda op: op.drop_column("t", "nope"),
            "drop_column on table 't', column 'nope'",
        ),
        (
            lambda op: op.create_index("ix", "t", ["nope"]),
            "create_index on table 't', index 'ix'",
        ),
        (lambda op: op.execute("SELECT * FROM nowhere"), "execute failed"),
        (lambda op: op.drop_table("nowhere"), "drop_table on table 'nowhere'"),
    ]:
        with pytest.raises(OperationError, match=expected) as info:
            with online(engine) as op:
                call(op)
        assert isinstance(info.value, sa.exc.SQLAlchemyError)
    assert [c["name"] for c in sa.inspect(engine).get_columns("t")] == ["id"]
