"""Small SQLite catalog readers for what SQLAlchemy's reflection leaves out:
the sort order of index columns (``PRAGMA index_xinfo``)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.engine import Connection


def read_index_sorting(
    connection: Connection, schema: str | None, table_names: Sequence[str]
) -> dict[tuple[str, str], set[str]]:
    """``{(table, index): {descending columns}}`` for the indexes of
    ``table_names`` that have any.  SQLite has no catalog to batch: two
    pragmas per table plus one per index, as its reflection does anyway."""
    prefix = f'"{schema}".' if schema else ""
    out: dict[tuple[str, str], set[str]] = {}
    for table in table_names:
        quoted = table.replace('"', '""')
        indexes = connection.exec_driver_sql(
            f'PRAGMA {prefix}index_list("{quoted}")'
        ).fetchall()
        for row in indexes:
            index = row[1]
            if index.startswith("sqlite_autoindex_"):
                continue
            qindex = index.replace('"', '""')
            info = connection.exec_driver_sql(
                f'PRAGMA {prefix}index_xinfo("{qindex}")'
            ).fetchall()
            # seqno, cid, name, desc, coll, key
            desc = {r[2] for r in info if r[5] and r[3] and r[2] is not None}
            if desc:
                out[(table, index)] = desc
    return out
