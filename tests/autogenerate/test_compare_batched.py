"""Reflection is batched: statement count does not grow with the table count."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from schemadiff.autogenerate import compare_metadata
from schemadiff.runtime.migration import MigrationContext
from tests.autogenerate._util import NAMING


def wide_metadata(count: int) -> sa.MetaData:
    """``count`` tables with a comment, an index, a unique key, a named CHECK
    and a foreign key."""
    md = sa.MetaData(naming_convention=NAMING)
    for i in range(count):
        cols: list[Any] = [
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("name", sa.String(40), nullable=False, index=True),
            sa.Column("code", sa.String(10), unique=True),
            sa.Column("amount", sa.Numeric(10, 2), server_default="0"),
            sa.Column("created", sa.DateTime, server_default=sa.func.now()),
        ]
        if i:
            cols.append(sa.Column("t0_id", sa.ForeignKey("t0000.id")))
        cols.append(sa.CheckConstraint("amount >= 0", name="amount_positive"))
        sa.Table(f"t{i:04d}", md, *cols, comment=f"table {i}")
    return md


def create_tables(engine: sa.Engine, md: sa.MetaData, names: list[str]) -> None:
    """Create ``names`` in one transaction; where the driver takes a script
    (sqlite3, which otherwise commits each DDL statement on its own), as one
    script."""
    with engine.begin() as conn:
        driver = conn.connection.driver_connection
        if not hasattr(driver, "executescript"):
            md.create_all(conn, tables=[md.tables[n] for n in names], checkfirst=False)
            return
        ddl = []
        for name in names:
            table = md.tables[name]
            ddl.append(str(sa.schema.CreateTable(table).compile(conn)))
            ddl.extend(
                str(sa.schema.CreateIndex(i).compile(conn)) for i in table.indexes
            )
        driver.executescript("BEGIN;\n" + ";\n".join(ddl) + ";\nCOMMIT;")


def count_statements(url: str, md: sa.MetaData) -> tuple[int, list[Any]]:
    """Statements one comparison issues, on a fresh engine (cold dialect caches)."""
    statements: list[str] = []
    engine = sa.create_engine(url)

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            connection=conn,
            opts={"compare_type": True, "compare_server_default": True},
        )
        sa.event.listen(conn, "before_cursor_execute", record)
        try:
            result = compare_metadata(ctx, md)
        finally:
            sa.event.remove(conn, "before_cursor_execute", record)
    engine.dispose()
    return len(statements), result


def test_statement_count_independent_of_table_count(backend):
    engine = backend.engine
    big = wide_metadata(500)
    names = sorted(big.tables)
    create_tables(engine, big, names[:50])
    small = wide_metadata(50)
    count_50, diffs_50 = count_statements(backend.url, small)

    create_tables(engine, big, names[50:])
    count_500, diffs_500 = count_statements(backend.url, big)

    assert diffs_50 == []
    assert diffs_500 == []
    assert count_50 == count_500
    # PostgreSQL, on a fresh engine: the table names, then the tables with
    # their comments, columns, the access-method and operator-class lookups
    # the dialect caches, indexes, constraints (schemadiff's batch reader),
    # ENUM types and their columns, sequences; table options only when a
    # Table is built.  SQLite and MariaDB: see their readers.
    assert count_500 == {"postgresql": 10, "mariadb": 3, "sqlite": 7}[backend.name]


def test_include_name_filters_tables_before_reflection(server_backend):
    """Tables rejected by include_name are never reflected, nor reported."""
    engine = server_backend.engine
    md = wide_metadata(30)
    create_tables(engine, md, sorted(md.tables))
    seen: list[tuple[str, str]] = []

    def include_name(name, type_, parent_names):
        seen.append((type_, name))
        return type_ != "table" or name < "t0010"

    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            connection=conn, opts={"include_name": include_name}
        )
        empty = sa.MetaData()
        result = compare_metadata(ctx, empty)
    removed = sorted(d[1].name for d in result if d[0] == "remove_table")
    assert removed == [f"t{i:04d}" for i in range(10)]
    # names of filtered tables are offered once; their columns never
    assert ("table", "t0020") in seen
    assert seen.count(("column", "t0_id")) == 9


def test_postgresql_table_options_read_only_for_a_built_table(postgresql_backend):
    """Table options are never compared: a no-change comparison doesn't read
    them, and a dropped table's definition still carries them (one
    statement, when its Table is built)."""
    md = sa.MetaData()
    for name, fill in (("kept", 70), ("gone", 60)):
        sa.Table(
            name,
            md,
            sa.Column("id", sa.Integer, primary_key=True),
            postgresql_with={"fillfactor": fill},
        )
    md.create_all(postgresql_backend.engine)
    with postgresql_backend.engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT relname, reloptions FROM pg_class "
                "WHERE relname IN ('kept', 'gone') "
                "AND relnamespace = to_regnamespace(current_schema())::oid"
            )
        ).all()
    assert sorted(rows) == [("gone", ["fillfactor=60"]), ("kept", ["fillfactor=70"])]

    statements: list[str] = []
    url = postgresql_backend.url
    engine = sa.create_engine(url)
    only_kept = sa.MetaData()
    md.tables["kept"].to_metadata(only_kept)
    with engine.connect() as conn:
        sa.event.listen(
            conn,
            "before_cursor_execute",
            lambda c, cur, statement, *a: statements.append(statement),
        )
        ctx = MigrationContext.configure(connection=conn)
        assert compare_metadata(ctx, md) == []
        assert not [s for s in statements if _reads_table_options(s)]
        diffs = compare_metadata(ctx, only_kept)
    engine.dispose()
    assert [d[0] for d in diffs] == ["remove_table"]
    gone = diffs[0][1]
    assert gone.name == "gone"
    assert gone.dialect_options["postgresql"]["with"] == {"fillfactor": "60"}
    assert len([s for s in statements if _reads_table_options(s)]) == 1


def _reads_table_options(statement: str) -> bool:
    # the index query reads the indexes' own reloptions
    return "reloptions" in statement and "pg_index" not in statement
