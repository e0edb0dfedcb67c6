"""MySQL/MariaDB catalog statements: the rows of a schema's tables for the
batch reader (``normalise_mysql``), and what SQLAlchemy's reflection leaves
out: the sort order of index columns, and sequences with their options."""

from __future__ import annotations

import json
import operator
import re
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


# ----------------------------------------------------------- batch reading
#
# The batch reader (``normalise_mysql._MariaDBCatalog``) needs six kinds of
# catalog rows for a schema's tables.  Each kind is read either as plain rows
# (one query per kind, one row per column / index part / key part / check),
# or, where the server has JSON_ARRAYAGG, all six kinds in ONE statement that
# packs the rows of a few dozen tables into one JSON document: PyMySQL
# decodes every row and field in pure Python (~10 us a row of nine fields),
# json.loads decodes a document in C, so 4,000 column rows cost a tenth of
# the client time.  Both forms give the same rows, each with its table name
# first and a position last, in the order the plain queries sort them.


class RowKind:
    """One kind of catalog row: its select list (``TABLE_NAME`` first),
    where it comes from, and the order of its rows within a table (``None``:
    any).  An order that is not one number per row of a table (names sort
    in the catalog's case-insensitive collation, not as Python sorts them)
    is ``ranked``: the server numbers the rows."""

    def __init__(
        self,
        tag: str,
        fields: str,
        source: str,
        order: str | None,
        ranked: bool = True,
    ) -> None:
        self.tag = tag
        self.fields = fields
        self.source = source
        self.order = order
        self.ranked = ranked

    def plain_sql(self) -> str:
        """One row per object, ordered by table then :attr:`order`."""
        order = f" ORDER BY TABLE_NAME, {self.order}" if self.order else ""
        return f"SELECT {self.fields}, 0 FROM {self.source}{order}"

    def aggregated_sql(self) -> str:
        """One row per bucket of tables: its row count and a JSON array of
        its rows, each ending with its position within its table (the order
        is lost in the aggregate; ``ORDER BY`` inside JSON_ARRAYAGG is
        MariaDB's alone, ROW_NUMBER() is both servers').  Ranking needs a
        derived table, which MariaDB writes to disk when it holds a TEXT
        column (COLUMNS' defaults: +20 ms at 500 tables), so only ranked
        kinds get one."""
        source = self.source
        position = self.order or "0"
        if self.order is not None and self.ranked:
            rank = f"ROW_NUMBER() OVER (PARTITION BY TABLE_NAME ORDER BY {self.order})"
            source = f"(SELECT {self.fields}, {rank} AS p FROM {self.source}) AS s"
            position = "p"
        document = f"JSON_ARRAYAGG(JSON_ARRAY({self.fields}, {position}))"
        return (
            f"SELECT '{self.tag}', COUNT(*), {document} FROM {source} "
            "GROUP BY CRC32(TABLE_NAME) % :buckets"
        )


#: the rows the batch reader reads, by name
ROW_KINDS: dict[str, RowKind] = {
    "comments": RowKind(
        "T",
        "TABLE_NAME, TABLE_COMMENT",
        "information_schema.TABLES "
        "WHERE TABLE_SCHEMA = :schema AND TABLE_NAME IN :names",
        None,
    ),
    "columns": RowKind(
        "C",
        "TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, "
        "EXTRA, COLUMN_COMMENT, GENERATION_EXPRESSION, IS_GENERATED",
        "information_schema.COLUMNS "
        "WHERE TABLE_SCHEMA = :schema AND TABLE_NAME IN :names",
        "ORDINAL_POSITION",
        ranked=False,
    ),
    "indexes": RowKind(
        "I",
        "TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART, "
        "INDEX_TYPE, COLLATION",
        "information_schema.STATISTICS "
        "WHERE TABLE_SCHEMA = :schema AND TABLE_NAME IN :names",
        "INDEX_NAME, SEQ_IN_INDEX",
    ),
    # Two plain queries joined by the reader: information_schema's
    # KEY_COLUMN_USAGE JOIN REFERENTIAL_CONSTRAINTS made MariaDB open every
    # table twice over and took ~90% of the catalog time (0.15-0.64 s
    # against 0.02 + 0.02 s for the two halves at 500 tables).
    "fk_rules": RowKind(
        "R",
        "TABLE_NAME, CONSTRAINT_NAME, UPDATE_RULE, DELETE_RULE",
        "information_schema.REFERENTIAL_CONSTRAINTS "
        "WHERE CONSTRAINT_SCHEMA = :schema AND TABLE_NAME IN :names",
        None,
    ),
    "fk_columns": RowKind(
        "K",
        "TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, "
        "REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME",
        "information_schema.KEY_COLUMN_USAGE "
        "WHERE TABLE_SCHEMA = :schema AND TABLE_NAME IN :names "
        "AND REFERENCED_TABLE_NAME IS NOT NULL",
        "CONSTRAINT_NAME, ORDINAL_POSITION",
    ),
    # A check's schema is its table's (MariaDB names checks per table).
    # Joining TABLE_CONSTRAINTS to scope them, as this once did, read
    # CHECK_CONSTRAINTS for every database of the server: MariaDB pushes no
    # join condition into an information_schema scan, only constants.
    "checks": RowKind(
        "X",
        "TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE, LEVEL",
        "information_schema.CHECK_CONSTRAINTS "
        "WHERE CONSTRAINT_SCHEMA = :schema AND TABLE_NAME IN :names",
        "CONSTRAINT_NAME",
    ),
}

_BY_TAG = {kind.tag: name for name, kind in ROW_KINDS.items()}

#: a catalog query's table-name filter, dropped when every table is wanted
_NAMES_FILTER = re.compile(r"\s+AND\s+(?:\w+\.)?TABLE_NAME IN :names")

#: tables whose rows share one JSON document (~1 KB a table of eight
#: columns; MariaDB cuts a document at group_concat_max_len, 1 MB by default)
TABLES_PER_DOCUMENT = 25

#: the first MariaDB with JSON_ARRAYAGG
AGGREGATES_SINCE = (10, 5)


def has_aggregates(dialect: Any) -> bool:
    """Whether the server can send the rows as JSON documents."""
    version = tuple(dialect.server_version_info or ())
    return bool(getattr(dialect, "is_mariadb", False)) and version >= AGGREGATES_SINCE


def _execute(
    connection: Connection,
    sql: str,
    schema: str,
    names: Sequence[str] | None,
    **params: Any,
) -> Any:
    """``sql`` for ``names`` of ``schema``, or for all its tables (``None``)."""
    if names is None:
        return connection.execute(
            sa.text(_NAMES_FILTER.sub("", sql)), {"schema": schema, **params}
        )
    stmt = sa.text(sql).bindparams(sa.bindparam("names", expanding=True))
    return connection.execute(stmt, {"schema": schema, "names": list(names), **params})


def read_plain_rows(
    connection: Connection, schema: str, names: Sequence[str] | None
) -> dict[str, list[Any]]:
    """Every kind of :data:`ROW_KINDS`, one query each."""
    return {
        name: _execute(connection, kind.plain_sql(), schema, names).all()
        for name, kind in ROW_KINDS.items()
    }


_AGGREGATED_SQL = " UNION ALL ".join(k.aggregated_sql() for k in ROW_KINDS.values())


def read_aggregated_rows(
    connection: Connection, schema: str, names: Sequence[str] | None, tables: int
) -> dict[str, list[Any]] | None:
    """Every kind of :data:`ROW_KINDS` in one statement, for about ``tables``
    tables; ``None`` when a document came back cut short (a server whose
    group_concat_max_len is too small for it), for the caller to read the
    plain rows instead."""
    buckets = max(1, tables // TABLES_PER_DOCUMENT)
    out: dict[str, list[Any]] = {name: [] for name in ROW_KINDS}
    result = _execute(connection, _AGGREGATED_SQL, schema, names, buckets=buckets)
    for tag, count, document in result:
        try:
            rows = json.loads(document)
        except (TypeError, ValueError):
            return None
        # cut at an element's end, the document still parses; MariaDB
        # 10.5.0-10.5.4 could leave out the outer brackets (MDEV-23004)
        if len(rows) != count or not isinstance(rows[0], list):
            return None
        name = _BY_TAG[tag]
        if ROW_KINDS[name].order is not None:
            # positions are per table: a stable sort keeps each table's
            # rows in their order, however the tables interleave
            rows.sort(key=_POSITION)
        out[name].extend(rows)
    return out


_POSITION = operator.itemgetter(-1)
