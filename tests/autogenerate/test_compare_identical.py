"""Zero false positives: a database made by create_all() matches its MetaData."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql

from tests.autogenerate._geometry import Geometry
from tests.autogenerate._util import NAMING, create, diffs


def zoo(backend_name: str, naming: dict[str, str] = NAMING) -> sa.MetaData:
    """Every generic type and the usual kinds of server default and index."""
    md = sa.MetaData(naming_convention=naming)
    server = backend_name != "sqlite"
    types = sa.Table(
        "types",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("s50", sa.String(50)),
        sa.Column("txt", sa.Text),
        sa.Column("uni", sa.Unicode(30)),
        sa.Column("unitext", sa.UnicodeText),
        sa.Column("i", sa.Integer),
        sa.Column("si", sa.SmallInteger),
        sa.Column("bi", sa.BigInteger),
        sa.Column("num", sa.Numeric(10, 2)),
        sa.Column("num_plain", sa.Numeric),
        sa.Column("flt", sa.Float),
        sa.Column("flag", sa.Boolean),
        sa.Column("d", sa.Date),
        sa.Column("dt", sa.DateTime),
        sa.Column("dttz", sa.DateTime(timezone=True)),
        sa.Column("t", sa.Time),
        sa.Column("iv", sa.Interval),
        sa.Column("blob", sa.LargeBinary),
        sa.Column("mood", sa.Enum("happy", "sad", name="mood")),
        sa.Column("mood2", sa.Enum("up", "down", native_enum=False)),
        sa.Column("js", sa.JSON),
        sa.Column("uid", sa.Uuid),
        sa.Column("req", sa.String(20), nullable=False),
        comment="all the types" if server else None,
    )
    if backend_name != "mariadb":
        types.append_column(sa.Column("s_nolen", sa.String))
    if backend_name == "postgresql":
        types.append_column(sa.Column("arr", postgresql.ARRAY(sa.Integer)))
        types.append_column(sa.Column("jsb", postgresql.JSONB))
        # a named ENUM shared by two columns, one of them an array of it
        types.append_column(
            sa.Column("moods", postgresql.ARRAY(sa.Enum("happy", "sad", name="mood")))
        )
    sa.Table(
        "defaults",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("s_str", sa.String(20), server_default="abc"),
        sa.Column("s_text", sa.String(20), server_default=sa.text("'xyz'")),
        sa.Column("s_quote", sa.String(20), server_default="it's"),
        sa.Column("i_num", sa.Integer, server_default="5", nullable=False),
        sa.Column("i_text", sa.Integer, server_default=sa.text("7")),
        sa.Column("i_neg", sa.Integer, server_default=sa.text("-3")),
        sa.Column("n_num", sa.Numeric(10, 2), server_default="1.5"),
        sa.Column("f_num", sa.Float, server_default=sa.text("2.5")),
        sa.Column("b_true", sa.Boolean, server_default=sa.true()),
        sa.Column("b_false", sa.Boolean, server_default=sa.false()),
        sa.Column("dt_now", sa.DateTime, server_default=sa.func.now()),
        sa.Column("dt_ct", sa.DateTime, server_default=sa.text("CURRENT_TIMESTAMP")),
        sa.Column("d_lit", sa.Date, server_default="2020-01-02"),
        sa.Column("e_def", sa.Enum("a", "b", name="ab"), server_default="a"),
        sa.Column("c_comment", sa.Integer, comment="a column comment"),
        sa.Column("computed", sa.Integer, sa.Computed("i_num * 2", persisted=True)),
    )
    parent = sa.Table(
        "parent",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(10), unique=True),
        sa.Column("a", sa.Integer, index=True),
        sa.Column("b", sa.Integer),
        sa.Column("c", sa.Integer),
        sa.UniqueConstraint("b", "c"),
        sa.UniqueConstraint("a", "c", name="my_named_uq"),
        sa.Index("ix_named_multi", "a", "b"),
        sa.Index("ix_unique_idx", "c", unique=True),
    )
    sa.Table(
        "child",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("parent_id", sa.ForeignKey("parent.id"), nullable=False),
        sa.Column("parent_code", sa.String(10)),
        sa.Column("other", sa.Integer),
        sa.ForeignKeyConstraint(
            ["parent_code"], ["parent.code"], ondelete="CASCADE", onupdate="SET NULL"
        ),
        sa.ForeignKeyConstraint(["other"], ["parent.id"], name="named_fk"),
    )
    _checks(md, backend_name)
    sa.Table(
        "composite",
        md,
        sa.Column("a", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("b", sa.String(10), primary_key=True),
    )
    # a descending column (compared by its column where reflection can't
    # see the order: SQLite, MariaDB)
    sa.Index("ix_desc", parent.c.c.desc(), parent.c.b)
    if backend_name == "mariadb":
        docs = sa.Table(
            "docs",
            md,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("title", sa.String(200)),
            sa.Column("body", sa.Text),
            mysql_engine="InnoDB",
        )
        sa.Index("ix_title_prefix", docs.c.title, docs.c.id, mysql_length={"title": 20})
        sa.Index("ix_body_ft", docs.c.body, mysql_prefix="FULLTEXT")
        docs.append_column(sa.Column("tags", mysql.SET("red", "green", "it's")))
        docs.append_column(
            sa.Column("kind", mysql.ENUM("a", "b"), nullable=False, server_default="a")
        )
        # a SPATIAL index (MariaDB reports a length of its own for it)
        docs.append_column(sa.Column("area", Geometry(), nullable=False))
        sa.Index("ix_area", docs.c.area, mysql_prefix="SPATIAL")
    if backend_name != "sqlite":
        # free-standing sequences (compared); PostgreSQL's serial and
        # identity columns' own sequences are never reported; MariaDB's
        # defaults (cache 1000, the largest maxvalue) are no change
        sa.Sequence("seq_plain", metadata=md)
        sa.Sequence(
            "seq_opts",
            start=10,
            increment=5,
            minvalue=10,
            maxvalue=1000,
            cycle=True,
            cache=3,
            metadata=md,
        )
        sa.Sequence("seq_down", increment=-1, metadata=md)
        sa.Table(
            "numbered",
            md,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("n", sa.BigInteger, sa.Sequence("seq_col")),
        )
    if backend_name != "mariadb":  # MariaDB indexes no expressions
        sa.Index("ix_expr", sa.func.lower(parent.c.code))
    if backend_name == "sqlite":
        # read from sqlite_master (SQLAlchemy's reflection skips them): a
        # unique partial one mixing a column, an expression and DESC, and a
        # COLLATE term (which reflection reads as its bare column)
        sa.Index(
            "ix_expr_unique",
            parent.c.a,
            (parent.c.b + parent.c.c).desc(),
            unique=True,
            sqlite_where=parent.c.a > 0,
        )
        sa.Index("ix_collate", sa.collate(parent.c.code, "NOCASE"))
    if backend_name == "postgresql":
        sa.Index("ix_code_hash", parent.c.code, postgresql_using="hash")
        sa.Index(
            "ix_b_incl",
            parent.c.b,
            postgresql_include=["c"],
            postgresql_nulls_not_distinct=True,
            unique=True,
        )
        sa.Index(
            "ix_code_ops", parent.c.code, postgresql_ops={"code": "text_pattern_ops"}
        )
        sa.Index(
            "ix_code_gin",
            sa.func.to_tsvector(sa.literal_column("'english'"), parent.c.code),
            postgresql_using="gin",
        )
        sa.Index("ix_partial", parent.c.b, postgresql_where=parent.c.b > 5)
        sa.Table(
            "ident",
            md,
            sa.Column("id", sa.Integer, sa.Identity(), primary_key=True),
            sa.Column("other", sa.BigInteger, sa.Identity(start=10, increment=5)),
        )
    return md


def _checks(md: sa.MetaData, backend_name: str) -> sa.Table:
    """Named CHECK constraints in the forms backends like to rewrite (PG adds
    casts and parentheses, MariaDB backquotes), a type's named checks, and a
    JSON column (MariaDB adds its own json_valid() check)."""
    column_checks: list[Any] = []
    if backend_name != "mariadb":  # MariaDB: no named check in a column
        column_checks.append(sa.CheckConstraint("qty < 1000", name="qty_small"))
    table = sa.Table(
        "checked",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("qty", sa.Integer, *column_checks),
        sa.Column("price", sa.Numeric(10, 2)),
        sa.Column("code", sa.String(10)),
        sa.Column("status", sa.String(10)),
        sa.Column("doc", sa.JSON),
        sa.Column("active", sa.Boolean(create_constraint=True, name="active")),
        sa.Column(
            "size",
            sa.Enum(
                "s", "m", "l", native_enum=False, create_constraint=True, name="sz"
            ),
        ),
        sa.CheckConstraint("qty >= 0 AND (price IS NULL OR price > -1.5)", "sane"),
        sa.CheckConstraint("status IN ('new', 'done')", name="status_known"),
        sa.CheckConstraint("length(code) > 2 OR code IS NULL", name="code_len"),
        sa.CheckConstraint("qty BETWEEN -5 AND 5000", name="qty_range"),
        sa.CheckConstraint("code LIKE 'c%' OR code IS NULL", name="code_like"),
        sa.CheckConstraint("status NOT IN ('lost')", name="status_not_lost"),
    )
    table.append_constraint(sa.CheckConstraint(table.c.qty != 13, name="unlucky"))
    return table


def test_identical_schema_has_no_diffs(backend):
    md = zoo(backend.name)
    create(backend.engine, md)
    assert diffs(backend.engine, md) == []
    # the named checks are really there, so the empty diff means "matched"
    inspector = sa.inspect(backend.engine)
    names = {c["name"] for c in inspector.get_check_constraints("checked")}
    expected = {
        "ck_checked_sane",
        "ck_checked_status_known",
        "ck_checked_code_len",
        "ck_checked_unlucky",
        "ck_checked_sz",
        "ck_checked_qty_range",
        "ck_checked_code_like",
        "ck_checked_status_not_lost",
    }
    if backend.name != "mariadb":
        expected.add("ck_checked_qty_small")
    if backend.name != "postgresql":  # a native BOOLEAN needs no check
        expected.add("ck_checked_active")
    assert names == expected


def test_identical_schema_with_unnamed_foreign_keys_has_no_diffs(backend):
    """Without an "fk" convention the backend names the keys itself (MariaDB:
    ``child_ibfk_<n>``, with InnoDB's index for each named after its column)."""
    md = zoo(backend.name, {k: v for k, v in NAMING.items() if k != "fk"})
    create(backend.engine, md)
    assert diffs(backend.engine, md) == []
    inspector = sa.inspect(backend.engine)
    keys = {
        tuple(k["constrained_columns"]): k["name"]
        for k in inspector.get_foreign_keys("child")
    }
    assert set(keys) == {("parent_id",), ("parent_code",), ("other",)}
    assert keys[("other",)] == "named_fk"
    if backend.name == "mariadb":
        indexes = {i["name"] for i in inspector.get_indexes("child")}
        assert {"parent_id", "parent_code", "named_fk"} <= indexes


def unnamed_checks(convention: dict[str, str]) -> sa.MetaData:
    """Unnamed checks of every origin: explicit, column-level, and a type's.

    With a "ck" convention the types' checks get convention names; the
    explicit ones (whose text has no column for the convention) are left out.
    """
    md = sa.MetaData(naming_convention=convention)
    explicit: list[Any] = []
    qty_checks: list[Any] = []
    if "ck" not in convention:
        explicit = [sa.CheckConstraint("qty <> other"), sa.CheckConstraint("other < 9")]
        qty_checks = [sa.CheckConstraint("qty > 0")]
    sa.Table(
        "plain_checks",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("qty", sa.Integer, *qty_checks),
        sa.Column("other", sa.Integer),
        sa.Column("doc", sa.JSON),
        sa.Column("flag", sa.Boolean(create_constraint=True)),
        sa.Column("kind", sa.Enum("a", "b", native_enum=False, create_constraint=True)),
        *explicit,
    )
    return md


NO_CK = {k: v for k, v in NAMING.items() if k != "ck"}
CK_BY_COLUMN = {**NO_CK, "ck": "ck_%(table_name)s_%(column_0_name)s"}


@pytest.mark.parametrize("convention", [NO_CK, CK_BY_COLUMN], ids=["unnamed", "ck"])
def test_unnamed_and_convention_named_checks_have_no_diffs(backend, convention):
    """Unnamed checks (the backend's own names for them are ignored) and
    checks named by a convention that needs no explicit name compare clean."""
    md = unnamed_checks(convention)
    create(backend.engine, md)
    assert diffs(backend.engine, md) == []
    names = [
        c["name"]
        for c in sa.inspect(backend.engine).get_check_constraints("plain_checks")
    ]
    assert names  # the database does hold the checks


def _sequence_options(seq: sa.Sequence) -> dict[str, Any]:
    names = ("start", "increment", "minvalue", "maxvalue", "cycle", "cache")
    return {n: getattr(seq, n) for n in names}


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection")
@pytest.mark.filterwarnings("ignore:Did not recognize type .geometry.")
def test_identical_schema_reflected_twice_has_no_diffs(backend):
    """A MetaData reflected from the database also compares clean."""
    md = zoo(backend.name)
    create(backend.engine, md)
    reflected = sa.MetaData()
    with backend.engine.connect() as conn:
        reflected.reflect(conn)
    # (SQLAlchemy doesn't know MariaDB's GEOMETRY: NullType, no change)
    # MetaData.reflect() brings no sequences: declare them as the models do
    for seq in md._sequences.values():
        sa.Sequence(seq.name, metadata=reflected, **_sequence_options(seq))
    # ... and on SQLite and MariaDB no DESC of an index column (autogenerate
    # reads it itself): the reflected index is ascending, so it differs; on
    # SQLite, MetaData.reflect() leaves the expression indexes out (autogenerate
    # reads them from sqlite_master) and reads a COLLATE term as its column
    found = diffs(backend.engine, reflected)
    expected = []
    if backend.name == "sqlite":
        expected = [
            ("remove_index", "ix_expr"),
            ("remove_index", "ix_expr_unique"),
            ("remove_index", "ix_collate"),
            ("add_index", "ix_collate"),
        ]
    if backend.name != "postgresql":
        expected += [("remove_index", "ix_desc"), ("add_index", "ix_desc")]
    assert sorted((d[0], d[1].name) for d in found) == sorted(expected)


def test_identical_schema_with_unnamed_primary_keys_has_no_diffs(backend):
    """Without a "pk" convention the backend names each key itself
    (PostgreSQL ``<table>_pkey``); a model key without a name accepts it."""
    md = zoo(backend.name, {k: v for k, v in NAMING.items() if k != "pk"})
    create(backend.engine, md)
    assert diffs(backend.engine, md) == []
    pk = sa.inspect(backend.engine).get_pk_constraint("composite")
    assert pk["constrained_columns"] == ["a", "b"]
