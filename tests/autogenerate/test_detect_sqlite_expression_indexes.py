"""SQLite indexes on expressions end to end: SQLAlchemy's reflection skips
them, so autogenerate reads their ``CREATE INDEX`` text from
``sqlite_master``.  One change matrix adds one (unique and partial), drops
one, changes one's expression and another's uniqueness, and keeps one that
mixes a DESC column, an expression and a quoted column name untouched."""

from __future__ import annotations

import sqlalchemy as sa

from schemadiff.ddl.sqlite_catalog import parse_create_index
from tests.autogenerate._autogen_project import cli
from tests.autogenerate._matrix import change
from tests.autogenerate._util import diffs

TABLE = """
t = sa.Table("t", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("code", sa.String(20)),
    sa.Column("Odd Name", sa.Integer),
)
sa.Index("ix_keep", t.c["Odd Name"].desc(), sa.func.lower(t.c.code),
         t.c["Odd Name"] + 1)
"""

BEFORE = TABLE + """
sa.Index("ix_change", sa.func.lower(t.c.code))
sa.Index("ix_gone", t.c["Odd Name"] * 2)
sa.Index("ix_uniq", sa.func.length(t.c.code), unique=True)
"""

AFTER = TABLE + """
sa.Index("ix_change", sa.func.upper(t.c.code))
sa.Index("ix_new", sa.func.trim(t.c.code), unique=True,
         sqlite_where=t.c["Odd Name"] > 0)
sa.Index("ix_uniq", sa.func.length(t.c.code))
"""

EXPECTED = [
    (
        "modify_table",
        None,
        "t",
        [
            ("drop_index", "ix_change"),
            ("drop_index", "ix_uniq"),
            ("drop_index", "ix_gone"),
            ("create_index", "ix_change", ("upper(t.code)",), False),
            ("create_index", "ix_uniq", ("length(t.code)",), False),
            ("create_index", "ix_new", ("trim(t.code)",), True),
        ],
    )
]


def _index_sql(engine: sa.Engine) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
        ).fetchall()
    return {name: sql for name, sql in rows if sql is not None}


def test_sqlite_expression_indexes(tmp_path):
    from tests.conftest import make_backend

    backend = make_backend("sqlite", tmp_path)
    try:
        run = change(backend, tmp_path, BEFORE, AFTER, EXPECTED)
        assert "sa.func" not in run.text  # expressions render as SQL text
        assert set(_index_sql(backend.engine)) == {
            "ix_keep",
            "ix_change",
            "ix_gone",
            "ix_uniq",
        }
        cli(run.project, "upgrade", "head")
        found = _index_sql(backend.engine)
        assert set(found) == {"ix_keep", "ix_change", "ix_new", "ix_uniq"}
        assert found["ix_change"] == "CREATE INDEX ix_change ON t (upper(code))"
        assert found["ix_new"] == (
            'CREATE UNIQUE INDEX ix_new ON t (trim(code)) WHERE "Odd Name" > 0'
        )
        assert found["ix_uniq"] == "CREATE INDEX ix_uniq ON t (length(code))"
    finally:
        backend.dispose()


def test_expression_text_the_catalog_keeps(tmp_path):
    """Quoted names and string literals may hold commas and parentheses;
    a changed partial predicate of an expression index is a change."""
    assert parse_create_index(
        'CREATE UNIQUE INDEX "a(b" ON "t(" (b, code || \')\', "x,y" DESC) '
        "WHERE b > 5"
    ) == (["b", "code || ')'", '"x,y" DESC'], "b > 5")
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'x.db'}")

    def models(threshold: int) -> sa.MetaData:
        metadata = sa.MetaData()
        t = sa.Table(
            "t",
            metadata,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("code", sa.String(20)),
        )
        sa.Index(
            "ix_p",
            sa.func.lower(t.c.code + "),"),
            sqlite_where=t.c.id > threshold,
        )
        return metadata

    try:
        with engine.begin() as conn:
            models(5).create_all(conn)
        assert diffs(engine, models(5)) == []
        assert [(d[0], d[1].name) for d in diffs(engine, models(6))] == [
            ("remove_index", "ix_p"),
            ("add_index", "ix_p"),
        ]
    finally:
        engine.dispose()
