"""Small MySQL/MariaDB catalog readers for what SQLAlchemy's reflection
leaves out: the sort order of index columns."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

_DESC_COLUMNS = sa.text(
    "SELECT TABLE_NAME, INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS "
    "WHERE TABLE_SCHEMA = :schema AND COLLATION = 'D'"
)


def read_index_sorting(
    connection: Connection, schema: str
) -> dict[tuple[str, str], set[str]]:
    """``{(table, index): {descending columns}}`` of one schema, in one
    statement."""
    out: dict[tuple[str, str], set[str]] = {}
    for table, index, column in connection.execute(_DESC_COLUMNS, {"schema": schema}):
        out.setdefault((table, index), set()).add(column)
    return out
