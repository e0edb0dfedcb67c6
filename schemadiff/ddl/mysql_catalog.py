"""Small MySQL/MariaDB catalog readers for what SQLAlchemy's reflection
leaves out: the sort order of index columns, and sequences with their
options."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

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


_SEQUENCE_NAMES = sa.text(
    "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES "
    "WHERE TABLE_TYPE = 'SEQUENCE' AND TABLE_SCHEMA IN :schemas "
    "ORDER BY TABLE_SCHEMA, TABLE_NAME"
).bindparams(sa.bindparam("schemas", expanding=True))

#: sequences read per UNION ALL statement (keeps one statement's text small)
SEQUENCES_PER_STATEMENT = 500


def read_sequences(
    connection: Connection, schemas: Sequence[str]
) -> dict[tuple[str, str], dict[str, Any]]:
    """``{(schema, name): {start, increment, minvalue, maxvalue, cycle,
    cache}}`` for the sequences of ``schemas`` (MariaDB 10.3+).

    MariaDB before 11.5 keeps a sequence's options only in the sequence
    itself (a one-row table), so the names come from
    ``information_schema.TABLES`` and the options from one ``UNION ALL``
    over every sequence: two statements (plus one per further
    :data:`SEQUENCES_PER_STATEMENT` sequences), whatever their number.
    """
    if not schemas:
        return {}
    names = [
        (str(schema), str(name))
        for schema, name in connection.execute(
            _SEQUENCE_NAMES, {"schemas": list(schemas)}
        )
    ]
    quote = connection.dialect.identifier_preparer.quote_identifier
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for first in range(0, len(names), SEQUENCES_PER_STATEMENT):
        chunk = names[first : first + SEQUENCES_PER_STATEMENT]
        selects = [
            f"SELECT {pos}, start_value, increment, minimum_value, maximum_value, "
            f"cycle_option, cache_size FROM {quote(schema)}.{quote(name)}"
            for pos, (schema, name) in enumerate(chunk)
        ]
        for row in connection.exec_driver_sql(" UNION ALL ".join(selects)):
            pos, start, inc, low, high, cycle, cache = row
            out[chunk[int(pos)]] = {
                "start": int(start),
                "increment": int(inc),
                "minvalue": int(low),
                "maxvalue": int(high),
                "cycle": bool(cycle),
                "cache": int(cache),
            }
    return out
