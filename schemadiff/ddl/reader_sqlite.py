"""SQLite catalog reader: every table of a schema in five statements.

SQLAlchemy reflects SQLite table by table (``PRAGMA table_xinfo``,
``index_list``, ``index_info``, ``foreign_key_list`` and the table's SQL for
each one: ten statements a table).  SQLite's table-valued pragma functions
(``pragma_table_xinfo(name, schema)`` and friends) joined to
``sqlite_master`` read the same rows for all tables at once, so a comparison
costs the same few statements whatever the number of tables.

The rows are then handed to SQLAlchemy's own SQLite reflection code in place
of its per-table queries, so types, defaults, constraint names parsed from the
table SQL, unique constraints and checks come out exactly as SQLAlchemy's
reflection makes them.  Index lists (with partial-index predicates) are read
here, since SQLAlchemy looks those predicates up one statement per index.
"""

from __future__ import annotations

import copy
import json
import re
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.engine.reflection import _ReflectionInfo

#: the predicate of a partial index, from its CREATE INDEX statement
_PARTIAL_WHERE = re.compile(r"\)\s+where\s+(.+)", re.IGNORECASE | re.DOTALL)

#: UNIQUE (cols), optionally named; and ``<column> <type ...> UNIQUE``
_UNIQUE = re.compile(
    r'(?:CONSTRAINT\s+(?:"(.+?)"|(\w+))\s+)?UNIQUE\s*\((.+?)\)', re.IGNORECASE
)
_INLINE_UNIQUE = re.compile(
    r'(?:(".+?")|(?:[\[`])?([a-z0-9_]+)(?:[\]`])?)[\t ]'
    r"+[a-z0-9_]+(?:[\t ]+[a-z0-9_]+)*?[\t ]+UNIQUE",
    re.IGNORECASE,
)

#: pragma -> the columns its table-valued function returns, in PRAGMA order
_PRAGMA_COLUMNS = {
    "table_info": 'p.cid, p.name, p.type, p."notnull", p.dflt_value, p.pk',
    "table_xinfo": ('p.cid, p.name, p.type, p."notnull", p.dflt_value, p.pk, p.hidden'),
    "foreign_key_list": (
        'p.id, p.seq, p."table", p."from", p."to", p.on_update, p.on_delete, '
        'p."match"'
    ),
    "index_list": 'p.seq, p.name, p."unique", p.origin, p.partial',
}


class SQLiteCatalog:
    """One schema's tables, read in a fixed number of statements."""

    def __init__(
        self,
        dialect: Dialect,
        connection: Connection,
        schema: str | None,
        table_names: Sequence[str],
    ) -> None:
        self.dialect = dialect
        self.connection = connection
        self.schema = schema
        self.names = list(table_names)
        quote = dialect.identifier_preparer.quote_identifier
        self.master = f"{quote(schema)}.sqlite_master" if schema else "sqlite_master"
        self.schema_arg = schema or "main"
        self.columns_pragma = (
            "table_xinfo" if dialect.server_version_info >= (3, 31) else "table_info"
        )
        #: (pragma, table or index name) -> rows, as ``PRAGMA ...`` returns them
        self.pragmas: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
        self.table_sql: dict[str, str | None] = {}
        self.index_sql: dict[str, str | None] = {}
        #: index name -> its DESC columns
        self.descending: dict[str, set[str]] = {}

    # ------------------------------------------------------------ statements
    def _rows(self, sql: str) -> list[Any]:
        return self.connection.exec_driver_sql(
            sql, (self.schema_arg, json.dumps(self.names))
        ).fetchall()

    def _table_pragma(self, pragma: str) -> None:
        """Rows of ``pragma`` for every wanted table, keyed like PRAGMA calls."""
        for name in self.names:
            self.pragmas[(pragma, name)] = []
        rows = self._rows(
            f"SELECT m.name, {_PRAGMA_COLUMNS[pragma]} FROM {self.master} m "
            f"JOIN pragma_{pragma}(m.name, ?) p "
            "WHERE m.type = 'table' AND m.name IN (SELECT value FROM json_each(?))"
        )
        for row in rows:
            self.pragmas[(pragma, row[0])].append(tuple(row[1:]))

    def read_rows(self) -> None:
        """Everything the reflection below asks for, in five statements."""
        for name, type_, sql in self.connection.exec_driver_sql(
            f"SELECT name, type, sql FROM {self.master} "
            "WHERE type IN ('table', 'view', 'index')"
        ):
            target = self.index_sql if type_ == "index" else self.table_sql
            target.setdefault(name, sql)
        self._table_pragma(self.columns_pragma)
        self._table_pragma("foreign_key_list")
        self._table_pragma("index_list")
        for name in self.names:
            for row in self.pragmas[("index_list", name)]:
                self.pragmas[("index_info", row[1])] = []
        # index_xinfo rather than index_info: it also says which key columns
        # are DESC (SQLAlchemy's reflection reads no sort order on SQLite)
        for index_name, seqno, cid, column, desc in self._rows(
            f'SELECT il.name, ix.seqno, ix.cid, ix.name, ix."desc" '
            f"FROM {self.master} m "
            "JOIN pragma_index_list(m.name, ?1) il "
            "JOIN pragma_index_xinfo(il.name, ?1) ix "
            "WHERE m.type = 'table' AND m.name IN (SELECT value FROM json_each(?2)) "
            'AND ix."key" '
            "ORDER BY il.name, ix.seqno"
        ):
            self.pragmas[("index_info", index_name)].append((seqno, cid, column))
            if desc and column is not None:
                self.descending.setdefault(index_name, set()).add(column)

    # ----------------------------------------------------- SQLAlchemy's hooks
    def _get_table_pragma(
        self, connection: Any, pragma: str, table_name: str, schema: Any = None
    ) -> list[Any]:
        rows = self.pragmas.get((pragma, table_name))
        if rows is None or schema != self.schema:
            # a table outside the batch (a key's target): ask SQLite directly
            return type(self.dialect)._get_table_pragma(
                self.reader, connection, pragma, table_name, schema=schema
            )
        return rows

    def _get_table_sql(
        self, connection: Any, table_name: str, schema: Any = None, **kw: Any
    ) -> Any:
        if schema != self.schema or table_name not in self.table_sql:
            return type(self.dialect)._get_table_sql(
                self.reader, connection, table_name, schema=schema, **kw
            )
        return self.table_sql[table_name]

    def get_indexes(
        self,
        connection: Any,
        table_name: str,
        schema: Any = None,
        include_auto_indexes: bool = False,
        **kw: Any,
    ) -> list[dict[str, Any]]:
        """SQLAlchemy's index dicts, partial predicates from the batch read."""
        indexes: list[dict[str, Any]] = []
        for row in self._get_table_pragma(connection, "index_list", table_name, schema):
            name = row[1]
            if not include_auto_indexes and name.startswith("sqlite_autoindex"):
                continue
            index: dict[str, Any] = {
                "name": name,
                "column_names": [],
                "unique": row[2],
                "dialect_options": {},
            }
            if len(row) >= 5 and row[4]:
                match = _PARTIAL_WHERE.search(self.index_sql.get(name) or "")
                if match is not None:
                    index["dialect_options"]["sqlite_where"] = sa.text(match.group(1))
            columns = self._get_table_pragma(connection, "index_info", name, schema)
            if any(column[2] is None for column in columns):
                continue  # on an expression: SQLite doesn't say which
            index["column_names"] = [column[2] for column in columns]
            descending = self.descending.get(name)
            if descending:
                index["column_sorting"] = {c: ("desc",) for c in descending}
            indexes.append(index)
        indexes.sort(key=lambda d: d["name"] or "~")
        return indexes

    def get_unique_constraints(
        self, connection: Any, table_name: str, schema: Any = None, **kw: Any
    ) -> list[dict[str, Any]]:
        """UNIQUE constraints: those spelled in the table's SQL that SQLite
        backs with one of its ``sqlite_autoindex`` indexes (SQLAlchemy's rule).

        The inline ``<column> <type> UNIQUE`` spelling is searched line by
        line, and only in lines saying UNIQUE: it cannot match across a line
        break, and on a whole table definition it backtracks at every
        character (most of a 500-table read).
        """
        auto: dict[tuple[str, ...], dict[str, Any]] = {}
        for index in self.get_indexes(
            connection, table_name, schema, include_auto_indexes=True
        ):
            if index["name"].startswith("sqlite_autoindex"):
                auto[tuple(index["column_names"])] = index
        if not auto:
            return []
        sql = self._get_table_sql(connection, table_name, schema)
        found = []
        for name, columns in self._parsed_uniques(sql or ""):
            if auto.pop(tuple(columns), None) is not None:
                found.append({"name": name, "column_names": columns})
        return found

    def _parsed_uniques(self, sql: str) -> Iterator[tuple[str | None, list[str]]]:
        columns_of = self.reader._find_cols_in_sig
        for match in _UNIQUE.finditer(sql):
            quoted, plain, columns = match.group(1, 2, 3)
            yield quoted or plain, list(columns_of(columns))
        for line in sql.split("\n"):
            if "unique" not in line.lower():
                continue
            for match in _INLINE_UNIQUE.finditer(line):
                yield None, list(columns_of(match.group(1) or match.group(2)))

    def _resolve_type_affinity(self, type_: str) -> Any:
        """SQLAlchemy's type for a declared type, parsed once per spelling:
        thousands of columns share a handful (each gets its own copy)."""
        found = self.types.get(type_)
        if found is None:
            found = self.types[type_] = type(self.dialect)._resolve_type_affinity(
                self.reader, type_
            )
        if isinstance(found, sa.types.SchemaType):
            return copy.copy(found)  # attaches to its column: one each
        return found

    def get_columns(
        self, connection: Any, table_name: str, schema: Any = None, **kw: Any
    ) -> list[dict[str, Any]]:
        """SQLAlchemy's column dicts, worked out once per table (its primary
        key reflection asks for them again)."""
        key = (schema, table_name)
        found = self.columns.get(key)
        if found is None:
            found = self.columns[key] = type(self.dialect).get_columns(
                self.reader, connection, table_name, schema=schema, **kw
            )
        return found

    # ------------------------------------------------------------ reflection
    def read(self) -> _ReflectionInfo:
        """The tables as the Inspector's ``get_multi_*`` calls would give them."""
        self.read_rows()
        # SQLAlchemy's SQLite reflection, run on a copy of the dialect whose
        # per-table catalog reads answer from the rows read above
        self.reader = reader = copy.copy(self.dialect)
        reader._get_table_pragma = self._get_table_pragma  # type: ignore[attr-defined]
        reader._get_table_sql = self._get_table_sql  # type: ignore[attr-defined]
        reader.get_indexes = self.get_indexes  # type: ignore[method-assign]
        reader.get_unique_constraints = (  # type: ignore[method-assign]
            self.get_unique_constraints
        )
        reader._resolve_type_affinity = (  # type: ignore[method-assign]
            self._resolve_type_affinity
        )
        reader.get_columns = self.get_columns  # type: ignore[method-assign]
        self.types: dict[str, Any] = {}
        self.columns: dict[Any, list[dict[str, Any]]] = {}
        conn, schema = self.connection, self.schema
        info = _ReflectionInfo(
            columns={},
            pk_constraint={},
            foreign_keys={},
            indexes={},
            unique_constraints={},
            table_comment={},
            check_constraints={},
            table_options={},
            unreflectable={},
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=sa_exc.SAWarning)
            for name in self.names:
                key = (schema, name)
                # no info_cache: every catalog read below is a dict lookup
                # already, and the cache's keys cost more than the reads
                kw = {"schema": schema}
                columns = reader.get_columns(conn, name, **kw)
                for column in columns:
                    if isinstance(column["type"], type):
                        column["type"] = column["type"]()
                info.columns[key] = columns
                info.pk_constraint[key] = reader.get_pk_constraint(conn, name, **kw)
                info.foreign_keys[key] = reader.get_foreign_keys(conn, name, **kw)
                info.indexes[key] = self.get_indexes(conn, name, schema)
                info.unique_constraints[key] = reader.get_unique_constraints(
                    conn, name, **kw
                )
                info.check_constraints[key] = reader.get_check_constraints(
                    conn, name, **kw
                )
                info.table_options[key] = reader.get_table_options(conn, name, **kw)
        return info
