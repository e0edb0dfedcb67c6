"""The SQLite batch reader reads every spelling of a table as SQLAlchemy's
per-table reflection reads it.

The batch reader works most tables out from the rows and the table's SQL
text directly, trying SQLAlchemy's patterns only where the words they begin
with stand; this DDL holds each spelling that shortcut must get right
(quoting styles, keys inline and table-level, options, checks with
parentheses and commas in strings, comments, line breaks, words such as
FOREIGN or UNIQUE inside names) and the tables it leaves to SQLAlchemy's
methods (non-ASCII text, generated columns).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine.reflection import ObjectKind, ObjectScope

from schemadiff.ddl.reader_sqlite import SQLiteCatalog
from tests.ddl.test_reader_sqlite import _comparable

DDL = [
    # a parent with a composite key in an order of its own, named
    "CREATE TABLE parent (a INT NOT NULL, b INT NOT NULL, code TEXT, "
    "CONSTRAINT pk_parent PRIMARY KEY (b, a), UNIQUE (code))",
    # quoting styles for tables, columns and constraint names
    'CREATE TABLE "Quoted Parent" ("Id Col" INTEGER PRIMARY KEY, '
    "[Bracket Col] TEXT UNIQUE, `Back Col` TEXT, "
    'CONSTRAINT "uq quoted" UNIQUE ("Back Col"))',
    "CREATE TABLE [bracket child] ([id] INTEGER PRIMARY KEY, "
    '[pid] INTEGER REFERENCES "Quoted Parent" ("Id Col"), '
    "`bid` INTEGER, "
    'CONSTRAINT "fk quoted" FOREIGN KEY (`bid`) '
    'REFERENCES "Quoted Parent" ("Id Col") ON DELETE SET NULL)',
    # every kind of key: inline, table-level, named, unnamed, composite,
    # actions, deferrability, MATCH, to the key a reference names no
    # columns of (in the batch and not), self-referencing
    "CREATE TABLE keys (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  inline_a INT REFERENCES parent,\n"
    "  inline_b INT REFERENCES parent (a) ON UPDATE CASCADE,\n"
    "  pa INT, pb INT, qa INT, qb INT, self_id INT, outside_id INT,\n"
    "  outside_pk INT REFERENCES not_read,\n"
    "  gone_id INT REFERENCES no_such_table (id),\n"
    "  CONSTRAINT fk_keys_parent FOREIGN KEY (pb, pa) REFERENCES parent (b, a)\n"
    "    ON DELETE CASCADE ON UPDATE RESTRICT DEFERRABLE INITIALLY DEFERRED,\n"
    "  FOREIGN KEY (qa, qb) REFERENCES parent (a, b) MATCH FULL,\n"
    "  constraint fk_keys_self foreign key(self_id) references keys(id)\n"
    "    on delete\n    set null not deferrable initially immediate,\n"
    "  CONSTRAINT fk_keys_outside FOREIGN KEY (outside_id) REFERENCES not_read (id)"
    " ON DELETE NO ACTION ON UPDATE SET DEFAULT\n"
    ")",
    # the same key twice; a key to a table spelled in another case
    "CREATE TABLE twice (id INTEGER PRIMARY KEY, pid INT, "
    "other INT REFERENCES NOT_READ, "
    "FOREIGN KEY (pid) REFERENCES not_read (id), "
    "FOREIGN KEY (pid) REFERENCES not_read (id))",
    # checks: named (in each quoting style), unnamed, nested parentheses,
    # strings holding parentheses, commas and quotes
    "CREATE TABLE checks (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  amount NUMERIC(10, 2) CHECK (amount >= 0),\n"
    "  kind TEXT CONSTRAINT ck_kind CHECK (kind IN ('a(', 'b,c', 'd''e)')),\n"
    "  lo INT, hi INT,\n"
    "  CONSTRAINT ck_range CHECK ((lo < hi) AND (hi - lo) < (100)),\n"
    '  CONSTRAINT "ck quoted" CHECK (lo > 0),\n'
    "  CONSTRAINT [ck bracket] CHECK (hi > 0),\n"
    "  CONSTRAINT `ck back` CHECK (hi < 1000),\n"
    "  CHECK (kind <> ')')\n"
    ")",
    # uniques: inline, table-level named and not, composite, in lower case,
    # a key's column list in quotes
    "create table uniques (id integer primary key, a text unique, "
    "b int not null unique, c int, d int, e int, "
    "constraint uq_cd unique (c, d), unique (d, e), "
    'constraint "uq e" unique ("e"))',
    # generated columns (their expressions are SQLAlchemy's to find)
    "CREATE TABLE generated (id INTEGER PRIMARY KEY, a INT, "
    "b INT GENERATED ALWAYS AS (a * 2) VIRTUAL, "
    "c TEXT GENERATED ALWAYS AS (upper(a || 'x')) STORED, "
    "d INT AS (a + 1))",
    # table options
    "CREATE TABLE options_norowid (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID",
    "CREATE TABLE options_strict (id INTEGER PRIMARY KEY, v TEXT) STRICT",
    "CREATE TABLE options_both (k TEXT PRIMARY KEY, v INT) STRICT, WITHOUT ROWID",
    # comments of both kinds, keywords in them and in names
    "CREATE TABLE commented ( -- a table with comments\n"
    "  id INTEGER PRIMARY KEY, /* the key; UNIQUE (id) and CHECK (x) here */\n"
    "  foreign_ref INT, -- FOREIGN KEY (id) REFERENCES parent (a)\n"
    "  unique_flag INT UNIQUE, check_flag INT, constraint_x INT,\n"
    "  CONSTRAINT fk_commented FOREIGN KEY (foreign_ref) -- the key\n"
    "    REFERENCES parent (a) /* ON DELETE CASCADE */ ON DELETE CASCADE,\n"
    "  CONSTRAINT uq_commented UNIQUE (check_flag, constraint_x)\n"
    ")",
    # a name holding the words the reader looks for
    "CREATE TABLE uniqueforeignconstraint (id INTEGER PRIMARY KEY, "
    "foreignkey INT REFERENCES parent (a), "
    "CONSTRAINTS INT CONSTRAINT checkunique UNIQUE, "
    "CONSTRAINT pkname_not_used CHECK (id > 0))",
    # a constraint name holding a whole constraint: skipped, as SQLAlchemy's
    # scan skips what a match took in
    "CREATE TABLE overlap (\n"
    "  a INT, b INT UNIQUE, c INT, d INT, e INT,\n"
    '  CONSTRAINT "n UNIQUE (b)" UNIQUE (a),\n'
    "  CONSTRAINT uq_c UNIQUE (c),\n"
    '  CONSTRAINT "k FOREIGN KEY (d) REFERENCES parent (a)" '
    "FOREIGN KEY (e) REFERENCES parent (a),\n"
    "  CONSTRAINT fk_d FOREIGN KEY (d) REFERENCES parent (a) ON DELETE CASCADE,\n"
    '  CONSTRAINT "pk ""quoted""" PRIMARY KEY (a, c)\n'
    ")",
    # several statements' worth of spacing and tabs
    "CREATE   TABLE\tspaced\t(\n\tid\tINTEGER\tNOT NULL,\n\tref\tINT,\n"
    "\tCONSTRAINT\tpk_spaced\tPRIMARY\tKEY\t(id),\n"
    "\tCONSTRAINT\tfk_spaced\tFOREIGN\tKEY\t(ref)\tREFERENCES\tparent\t(a)\n)",
    # non-ASCII SQL: SQLAlchemy's methods read it
    'CREATE TABLE "naïve" (id INTEGER PRIMARY KEY, "café" TEXT UNIQUE, '
    'pid INT, CONSTRAINT "fk_é" FOREIGN KEY (pid) REFERENCES parent (a), '
    "CHECK (\"café\" <> 'é'))",
    # no key of any kind, no constraints
    "CREATE TABLE bare (x, y TEXT DEFAULT 'a,b', z BLOB DEFAULT (x'00'), "
    "b1 BOOLEAN, b2 BOOLEAN NOT NULL DEFAULT 0)",
    "CREATE TABLE bare_too (x, b1 BOOLEAN, b2 BOOLEAN NOT NULL DEFAULT 0)",
    "CREATE TABLE not_read (id INTEGER PRIMARY KEY)",
    "CREATE INDEX ix_keys_pa ON keys (pa DESC)",
    "CREATE UNIQUE INDEX ix_uniques_partial ON uniques (c) WHERE c > 0",
    "CREATE INDEX ix_checks_expr ON checks (lower(kind))",
    "CREATE VIEW v AS SELECT id FROM keys",
]

#: the tables the batch reads, all but not_read
NAMES = [
    "parent",
    "Quoted Parent",
    "bracket child",
    "keys",
    "twice",
    "checks",
    "uniques",
    "generated",
    "options_norowid",
    "options_strict",
    "options_both",
    "commented",
    "uniqueforeignconstraint",
    "spaced",
    "overlap",
    "naïve",
    "bare",
    "bare_too",
]


@pytest.fixture
def engine(tmp_path: Path) -> sa.Engine:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'spellings.db'}")
    with engine.begin() as conn:
        for statement in DDL:
            conn.exec_driver_sql(statement)
    yield engine
    engine.dispose()


def _expected(conn: sa.Connection, schema: str | None) -> dict[str, object]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=sa.exc.SAWarning)
        info = sa.inspect(conn)._get_reflection_info(
            schema,
            filter_names=NAMES,
            kind=ObjectKind.TABLE,
            scope=ObjectScope.DEFAULT,
        )
    return _comparable(info)


def _without_sorting(info: object) -> object:
    # the DESC order SQLAlchemy's per-table reflection doesn't read
    for indexes in info.indexes.values():  # type: ignore[attr-defined]
        for index in indexes:
            index.pop("column_sorting", None)
    return info


def test_every_spelling_reads_as_sqlalchemy_reads_it(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        expected = _expected(conn, None)
        catalog = SQLiteCatalog(conn.dialect, conn, None, NAMES)
        got = _without_sorting(catalog.read())
    assert _comparable(got) == expected
    # all but the non-ASCII table went the direct way
    assert sorted(catalog.plain) == sorted(set(NAMES) - {"naïve"})
    # and the spellings were read, not merely equally missed
    keys = {k["name"]: k for k in got.foreign_keys[(None, "keys")]}
    assert keys["fk_keys_parent"]["options"] == {
        "ondelete": "CASCADE",
        "onupdate": "RESTRICT",
        "deferrable": True,
        "initially": "DEFERRED",
    }
    assert keys["fk_keys_self"]["options"] == {
        "ondelete": "SET NULL",
        "deferrable": False,
        "initially": "IMMEDIATE",
    }
    assert [c["name"] for c in got.check_constraints[(None, "checks")]] == [
        "ck back",
        "ck bracket",
        "ck quoted",
        "ck_kind",
        "ck_range",
        None,
        None,
    ]
    assert got.table_options[(None, "options_both")] == {
        "sqlite_with_rowid": False,
        "sqlite_strict": True,
    }
    assert [
        (u["name"], u["column_names"])
        for u in got.unique_constraints[(None, "overlap")]
    ] == [("n UNIQUE (b)", ["a"]), ("uq_c", ["c"]), (None, ["b"])]
    assert [(k["name"], k["options"]) for k in got.foreign_keys[(None, "overlap")]] == [
        ("k FOREIGN KEY (d) REFERENCES parent (a)", {}),
        ("fk_d", {"ondelete": "CASCADE"}),
    ]
    assert got.pk_constraint[(None, "overlap")]["name"] == 'pk ""quoted""'
    # a type that attaches to its column (BOOLEAN: a SchemaType) is each
    # column's own, as SQLAlchemy reflects it; others may be shared
    booleans = [
        column["type"]
        for table in ("bare", "bare_too")
        for column in got.columns[(None, table)]
        if column["name"] in ("b1", "b2")
    ]
    assert len({id(type_) for type_ in booleans}) == 4
    assert all(isinstance(type_, sa.BOOLEAN) for type_ in booleans)
    assert got.pk_constraint[(None, "parent")] == {
        "constrained_columns": ["b", "a"],
        "name": "pk_parent",
    }


def test_attached_schema_reads_as_sqlalchemy_reads_it(
    engine: sa.Engine, tmp_path: Path
) -> None:
    other = sa.create_engine(f"sqlite:///{tmp_path / 'main.db'}")
    with other.connect() as conn:
        conn.exec_driver_sql(f"ATTACH DATABASE '{tmp_path / 'spellings.db'}' AS other")
        expected = _expected(conn, "other")
        got = _without_sorting(SQLiteCatalog(conn.dialect, conn, "other", NAMES).read())
    other.dispose()
    assert _comparable(got) == expected
