"""Small SQLite catalog readers for what SQLAlchemy's reflection leaves out:
the sort order of index columns (``PRAGMA index_xinfo``), and indexes on
expressions (their ``CREATE INDEX`` text in ``sqlite_master``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

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


_INDEX_SQL = (
    "SELECT tbl_name, name, sql FROM {prefix}sqlite_master "
    "WHERE type = 'index' AND sql IS NOT NULL"
)
_QUOTES = {'"': '"', "'": "'", "`": "`", "[": "]"}
_IDENT = r'(?:[A-Za-z_][\w$]*|"(?:[^"]|"")+"|`(?:[^`]|``)+`|\[[^\]]+\])'
# what SQLAlchemy's reflection reads back: a column, in either order
_PLAIN_COLUMN = re.compile(rf"^\s*({_IDENT})\s*(?:(ASC|DESC)\s*)?$", re.IGNORECASE)
_UNIQUE = re.compile(r"^\s*CREATE\s+UNIQUE\s", re.IGNORECASE)
_WHERE = re.compile(r"^\s*WHERE\s+(.+?)\s*;?\s*$", re.IGNORECASE | re.DOTALL)


def read_expression_indexes(
    connection: Connection, schema: str | None, table_names: Sequence[str]
) -> dict[str, list[dict[str, Any]]]:
    """``{table: [{"name", "unique", "elements", "where"}]}`` for the indexes
    of ``table_names`` that SQLAlchemy's reflection skips (an expression
    among the indexed terms) or reads as plain columns though they are not
    (a ``COLLATE``), in one statement over ``sqlite_master``.

    Each of ``elements`` is ``(sql, column, descending)``: the indexed term
    as the ``CREATE INDEX`` text spells it (``lower(code) DESC``), and for a
    bare column its unquoted name and order (else None, False); ``where`` is
    a partial index's predicate (None without one).
    """
    prefix = f'"{schema}".' if schema else ""
    wanted = set(table_names)
    out: dict[str, list[dict[str, Any]]] = {}
    for table, name, sql in connection.exec_driver_sql(
        _INDEX_SQL.format(prefix=prefix)
    ):
        if table not in wanted:
            continue
        parsed = parse_create_index(sql)
        if parsed is None:
            continue
        terms, where = parsed
        columns = [_plain_column(term) for term in terms]
        if all(columns):
            continue  # SQLAlchemy reflects this one as it is
        elements = [
            (term, *(column or (None, False))) for term, column in zip(terms, columns)
        ]
        out.setdefault(table, []).append(
            {
                "name": name,
                "unique": _UNIQUE.match(sql) is not None,
                "elements": elements,
                "where": where,
            }
        )
    return out


def _plain_column(element: str) -> tuple[str, bool] | None:
    """``(column, descending)`` when an indexed term is a bare column
    (quotes removed), else None."""
    match = _PLAIN_COLUMN.match(element)
    if match is None:
        return None
    ident = match.group(1)
    if ident[0] in _QUOTES:
        ident = ident[1:-1].replace(ident[0] * 2, ident[0])
    return ident, (match.group(2) or "").upper() == "DESC"


def parse_create_index(sql: str) -> tuple[list[str], str | None] | None:
    """The indexed terms and the WHERE predicate of a ``CREATE INDEX``
    statement; quoted names and string literals may hold any character."""
    start = _first_paren(sql)
    if start is None:
        return None
    elements: list[str] = []
    depth = 0
    piece_start = start + 1
    pos = start + 1
    while pos < len(sql):
        char = sql[pos]
        if char in _QUOTES:
            pos = _skip_quoted(sql, pos)
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                elements.append(sql[piece_start:pos].strip())
                rest = _WHERE.match(sql[pos + 1 :])
                return elements, rest.group(1) if rest else None
            depth -= 1
        elif char == "," and depth == 0:
            elements.append(sql[piece_start:pos].strip())
            piece_start = pos + 1
        pos += 1
    return None


def _first_paren(sql: str) -> int | None:
    pos = 0
    while pos < len(sql):
        char = sql[pos]
        if char in _QUOTES:
            pos = _skip_quoted(sql, pos)
            continue
        if char == "(":
            return pos
        pos += 1
    return None


def _skip_quoted(sql: str, pos: int) -> int:
    """The position after the quoted name or literal opening at ``pos``
    (a doubled closing quote stays inside)."""
    close = _QUOTES[sql[pos]]
    pos += 1
    while pos < len(sql):
        if sql[pos] == close:
            if close != "]" and sql[pos + 1 : pos + 2] == close:
                pos += 2
                continue
            return pos + 1
        pos += 1
    return pos
