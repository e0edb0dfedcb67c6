"""Zero false positives: a database made by create_all() matches its MetaData."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from tests.autogenerate._util import NAMING, create, diffs


def zoo(backend_name: str) -> sa.MetaData:
    """Every generic type and the usual kinds of server default and index."""
    md = sa.MetaData(naming_convention=NAMING)
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
    if backend_name == "postgresql":
        sa.Index("ix_expr", sa.func.lower(parent.c.code))
        sa.Index("ix_partial", parent.c.b, postgresql_where=parent.c.b > 5)
        sa.Table(
            "ident",
            md,
            sa.Column("id", sa.Integer, sa.Identity(), primary_key=True),
            sa.Column("other", sa.BigInteger, sa.Identity(start=10, increment=5)),
        )
    return md


def test_identical_schema_has_no_diffs(backend):
    md = zoo(backend.name)
    create(backend.engine, md)
    assert diffs(backend.engine, md) == []


def test_identical_schema_reflected_twice_has_no_diffs(backend):
    """A MetaData reflected from the database also compares clean."""
    create(backend.engine, zoo(backend.name))
    reflected = sa.MetaData()
    with backend.engine.connect() as conn:
        reflected.reflect(conn)
    assert diffs(backend.engine, reflected) == []
