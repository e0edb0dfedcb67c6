"""The SQLite batch reader reads what SQLAlchemy's per-table reflection reads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine.reflection import ObjectKind, ObjectScope

from schemadiff.ddl.reader_sqlite import SQLiteCatalog

DDL = [
    "CREATE TABLE parent (id INTEGER PRIMARY KEY, code VARCHAR(10) UNIQUE, "
    'a INT, b INT, "Odd Col" TEXT UNIQUE,\n'
    "CONSTRAINT uq_parent_ab UNIQUE (a, b))",
    'CREATE TABLE "Child Table" ('
    "id INTEGER NOT NULL, pid INTEGER, pa INT, pb INT, "
    "amount NUMERIC(10, 2) DEFAULT '0' CHECK (amount >= 0), "
    "total INTEGER GENERATED ALWAYS AS (pid * 2) STORED, "
    "flag BOOLEAN DEFAULT 1, "
    "note TEXT DEFAULT (lower('X')), "
    "CONSTRAINT pk_child PRIMARY KEY (id), "
    "CONSTRAINT fk_child_parent FOREIGN KEY (pid) REFERENCES parent (id) "
    "ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED, "
    "FOREIGN KEY (pa, pb) REFERENCES parent (a, b) ON UPDATE SET NULL, "
    "CONSTRAINT ck_child_flag CHECK (flag IN (0, 1)))",
    'CREATE INDEX ix_child_partial ON "Child Table" (pid) WHERE amount > 5',
    'CREATE UNIQUE INDEX ix_child_two ON "Child Table" (pa DESC, pb)',
    'CREATE INDEX ix_child_expr ON "Child Table" (lower(note))',
    "CREATE TABLE lone (x TEXT PRIMARY KEY) WITHOUT ROWID",
    "CREATE TABLE outside_ref (id INTEGER PRIMARY KEY, "
    "oid INTEGER REFERENCES not_read)",
    "CREATE TABLE not_read (id INTEGER PRIMARY KEY)",
    "CREATE VIEW v AS SELECT id FROM parent",
]


def _plain(value: Any) -> Any:
    """Dicts and lists as they are; types and SQL text by their spelling."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, sa.TextClause):
        return ("text", value.text)
    if isinstance(value, sa.types.TypeEngine):
        return repr(value)
    return value


def _comparable(info: Any) -> dict[str, Any]:
    """Each kind per table, comparable across two reads."""
    out: dict[str, Any] = {}
    for kind in (
        "columns",
        "pk_constraint",
        "foreign_keys",
        "indexes",
        "unique_constraints",
        "check_constraints",
        "table_options",
    ):
        out[kind] = _plain(getattr(info, kind))
    return out


def test_batch_reader_matches_per_table_reflection(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'r.db'}")
    with engine.begin() as conn:
        for statement in DDL:
            conn.exec_driver_sql(statement)
    names = ["Child Table", "lone", "outside_ref", "parent"]
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        expected = inspector._get_reflection_info(
            None,
            filter_names=names,
            kind=ObjectKind.TABLE,
            scope=ObjectScope.DEFAULT,
        )
        statements: list[str] = []
        sa.event.listen(
            conn,
            "before_cursor_execute",
            lambda *args: statements.append(args[2]),
        )
        got = SQLiteCatalog(conn.dialect, conn, None, names).read()
    engine.dispose()
    child = got.indexes[(None, "Child Table")]
    # the DESC order SQLAlchemy's per-table reflection doesn't read
    assert child[1].pop("column_sorting") == {"pa": ("desc",)}
    assert _comparable(got) == _comparable(expected)
    assert [i["name"] for i in child] == ["ix_child_partial", "ix_child_two"]
    assert str(child[0]["dialect_options"]["sqlite_where"]) == "amount > 5"
    assert sorted(
        (u["name"] or "", u["column_names"])
        for u in got.unique_constraints[(None, "parent")]
    ) == [
        ("", ["Odd Col"]),
        ("uq_parent_ab", ["a", "b"]),
    ]  # as SQLAlchemy reads
    assert [f["name"] for f in got.foreign_keys[(None, "Child Table")]] == [
        "fk_child_parent",
        None,
    ]
    # five batch statements, plus one PRAGMA for the key whose target
    # (not_read) names no column and is outside the batch
    assert len(statements) == 6
    assert statements[-1] == 'PRAGMA main.table_xinfo("not_read")'
    assert sum("json_each" in s for s in statements) == 4
