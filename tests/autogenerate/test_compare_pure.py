"""The normal forms and the comparison itself, without any database."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql, sqlite

from schemadiff.autogenerate.api import AutogenContext
from schemadiff.autogenerate.compare import compare_models
from schemadiff.autogenerate.model import build_model, drop_implicit_indexes
from schemadiff.ddl.normalise import get_normaliser
from schemadiff.operations import ops
from schemadiff.runtime.migration import MigrationContext


def _mariadb() -> sa.Dialect:
    dialect = mysql.pymysql.dialect()
    dialect.is_mariadb = True
    return dialect


@pytest.mark.parametrize(
    "dialect, reflected, model",
    [
        (postgresql.psycopg.dialect(), "'abc'::character varying", "'abc'"),
        (postgresql.psycopg.dialect(), "'2020-01-02'::date", "'2020-01-02'"),
        (postgresql.psycopg.dialect(), "5", "'5'"),
        (postgresql.psycopg.dialect(), "CURRENT_TIMESTAMP", "now()"),
        (postgresql.psycopg.dialect(), "('now'::text)::date", "'now'"),
        (_mariadb(), "1.50", "'1.5'"),
        (_mariadb(), "current_timestamp()", "(now())"),
        (_mariadb(), "1", "true"),
        (_mariadb(), "'it''s'", "'it''s'"),
        (sqlite.pysqlite.dialect(), "(CURRENT_TIMESTAMP)", "CURRENT_TIMESTAMP"),
    ],
)
def test_equal_defaults_normalise_alike(dialect, reflected, model):
    normaliser = get_normaliser(dialect)
    assert normaliser.default_signature(reflected) == normaliser.default_signature(
        model
    )


@pytest.mark.parametrize(
    "dialect, reflected, model",
    [
        (postgresql.psycopg.dialect(), "'abc'::character varying", "'abd'"),
        (_mariadb(), "2", "true"),
        (_mariadb(), "'a'", "'A'"),
    ],
)
def test_different_defaults_stay_different(dialect, reflected, model):
    normaliser = get_normaliser(dialect)
    assert normaliser.default_signature(reflected) != normaliser.default_signature(
        model
    )


@pytest.mark.parametrize(
    "dialect, reflected, model, equal",
    [
        (_mariadb(), mysql.TINYINT(display_width=1), sa.Boolean(), True),
        (_mariadb(), mysql.INTEGER(display_width=11), sa.Integer(), True),
        (_mariadb(), mysql.DECIMAL(10, 0), sa.Numeric(), True),
        (_mariadb(), mysql.LONGTEXT(), sa.JSON(), True),
        (_mariadb(), mysql.ENUM("a", "b"), sa.Enum("a", "B", name="e"), False),
        (_mariadb(), mysql.VARCHAR(20), sa.String(30), False),
        (postgresql.psycopg.dialect(), postgresql.DOUBLE_PRECISION(), sa.Float(), True),
        (postgresql.psycopg.dialect(), sa.VARCHAR(20), sa.Unicode(20), True),
        (postgresql.psycopg.dialect(), sa.INTEGER(), sa.BigInteger(), False),
        (sqlite.pysqlite.dialect(), sa.CHAR(32), sa.Uuid(), True),
    ],
)
def test_type_equivalence(dialect, reflected, model, equal):
    assert get_normaliser(dialect).types_equivalent(reflected, model) is equal


def test_compare_models_is_pure():
    """Two models built from MetaData compare without a connection."""
    conn_md, meta_md = sa.MetaData(), sa.MetaData()
    sa.Table("t", conn_md, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        "t",
        meta_md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("x", sa.Integer),
    )
    sa.Table("u", meta_md, sa.Column("id", sa.Integer, primary_key=True))
    dialect = postgresql.psycopg.dialect()
    ctx = AutogenContext(
        MigrationContext.configure(dialect_name="postgresql"),
        meta_md,
        autogenerate=False,
    )
    normaliser = get_normaliser(dialect)
    conn = build_model(conn_md.tables.values(), normaliser, None, reflected=True)
    meta = build_model(meta_md.tables.values(), normaliser, None, reflected=False)
    upgrade = ops.UpgradeOps([])
    compare_models(ctx, upgrade, conn, meta)
    assert upgrade.as_diffs()[0][0] == "add_table"
    assert upgrade.as_diffs()[1][:3] == ("add_column", None, "t")


def _fk_table(md: sa.MetaData, *extra: sa.SchemaItem) -> sa.Table:
    sa.Table("p", md, sa.Column("id", sa.Integer, primary_key=True))
    return sa.Table(
        "c",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("pid", sa.Integer),
        sa.Column("n", sa.Integer),
        sa.ForeignKeyConstraint(["pid"], ["p.id"], name="fk_c_p"),
        *extra,
    )


def test_innodb_foreign_key_index_is_ignored_unless_declared():
    """A reflected index named like a key and led by its columns is InnoDB's
    own; it is compared only when the models declare an index of that name."""
    normaliser = get_normaliser(_mariadb())
    conn_md = sa.MetaData()
    conn_t = _fk_table(
        conn_md,
        sa.Index("fk_c_p", "pid", "n"),  # led by the key's columns: InnoDB's
        sa.Index("ix_c_n", "n"),
    )
    assert normaliser.is_implicit_index(
        next(i for i in conn_t.indexes if i.name == "fk_c_p"), conn_t
    )
    other = sa.Table(
        "d",
        sa.MetaData(),
        sa.Column("pid", sa.Integer),
        sa.Column("n", sa.Integer),
        sa.ForeignKeyConstraint(["pid"], ["p.id"], name="fk_d_p"),
        sa.Index("fk_d_p", "n", "pid"),  # not led by the key's columns
    )
    assert not normaliser.is_implicit_index(next(iter(other.indexes)), other)

    def conn_indexes(meta_md: sa.MetaData) -> list[str | None]:
        conn = build_model([conn_t], normaliser, None, reflected=True)
        meta = build_model(meta_md.tables.values(), normaliser, None, reflected=False)
        drop_implicit_indexes(conn, meta, normaliser)
        return [i.name for i in conn.tables[(None, "c")].indexes]

    plain = sa.MetaData()
    _fk_table(plain, sa.Index("ix_c_n", "n"))
    assert conn_indexes(plain) == ["ix_c_n"]
    declared = sa.MetaData()
    _fk_table(declared, sa.Index("fk_c_p", "pid", "n"), sa.Index("ix_c_n", "n"))
    assert conn_indexes(declared) == ["fk_c_p", "ix_c_n"]
    # a table the models drop: its key's index goes with it, not before it
    assert conn_indexes(sa.MetaData()) == ["ix_c_n"]


def test_innodb_index_of_a_server_named_key_follows_the_key():
    """A server-named key (``c_ibfk_1``) gets an index named after its column;
    it is InnoDB's while the models keep the key, and is dropped (after the
    key) when they drop it.  An index named after a dropped key goes with it."""
    normaliser = get_normaliser(_mariadb())

    def table(md: sa.MetaData, key: str | None, *extra: sa.SchemaItem) -> sa.Table:
        fks = [sa.ForeignKeyConstraint(["pid"], ["p.id"], name=key)] if key else []
        return sa.Table(
            "c",
            md,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("pid", sa.Integer),
            *fks,
            *extra,
        )

    conn_t = table(sa.MetaData(), "c_ibfk_1", sa.Index("pid", "pid"))
    named_t = table(sa.MetaData(), "fk_c_p", sa.Index("fk_c_p", "pid"))

    def conn_indexes(conn_table: sa.Table, meta_table: sa.Table) -> list[str]:
        conn = build_model([conn_table], normaliser, None, reflected=True)
        meta = build_model([meta_table], normaliser, None, reflected=False)
        drop_implicit_indexes(conn, meta, normaliser)
        return [i.name for i in conn.tables[(None, "c")].indexes]

    keeps_key = table(sa.MetaData(), None)
    keeps_key.append_constraint(sa.ForeignKeyConstraint(["pid"], ["p.id"]))
    assert conn_indexes(conn_t, keeps_key) == []
    assert conn_indexes(conn_t, table(sa.MetaData(), None)) == ["pid"]
    assert conn_indexes(named_t, table(sa.MetaData(), None)) == []
