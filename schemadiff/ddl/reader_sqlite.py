"""SQLite catalog reader: every table of a schema in five statements.

SQLAlchemy reflects SQLite table by table (``PRAGMA table_xinfo``,
``index_list``, ``index_info``, ``foreign_key_list`` and the table's SQL for
each one: ten statements a table).  SQLite's table-valued pragma functions
(``pragma_table_xinfo(name, schema)`` and friends) joined to
``sqlite_master`` read the same rows for all tables at once, so a comparison
costs the same few statements whatever the number of tables.

What comes out is exactly what SQLAlchemy's reflection makes of those rows:
types, defaults, constraint names and options parsed from the table SQL,
unique constraints, checks, table options.  Most tables are worked out here
directly from the rows, with SQLAlchemy's own patterns and rules but each
table's SQL read once instead of once per ``get_*`` method, and a pattern
tried only where a word its matches begin with stands (SQLAlchemy's methods
cost four times the statements).  What is left (tables with non-ASCII SQL
text; generated columns, CHECK constraints and table options where the SQL
has them) goes to SQLAlchemy's own methods, run on a copy of the dialect
whose per-table queries answer from the rows.
Index lists (with partial-index predicates) are read here, since SQLAlchemy
looks those predicates up one statement per index.
"""

from __future__ import annotations

import copy
import itertools
import json
import operator
import re
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects.sqlite import base as sqlite_base
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.engine.reflection import ReflectionDefaults, _ReflectionInfo

from schemadiff.ddl.reflection_info import empty_reflection_info

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

#: SQLAlchemy's pattern of a FOREIGN KEY table constraint (names, options);
#: an SQLAlchemy without it gets SQLAlchemy's per-table methods throughout
_FK_PATTERN: re.Pattern[str] | None = getattr(sqlite_base, "FK_PATTERN", None)
#: what SQLAlchemy's reflection reads as a primary key's name
_PK_NAME = re.compile(r'CONSTRAINT\s+(?:"(.+?)"|(\w+))\s+PRIMARY\s+KEY', re.I)
#: a column in a constraint's column list, as SQLAlchemy finds them
_SIG_COLUMN = re.compile(r'(?:"(.+?)")|([a-z0-9_]+)', re.I)
_WORD = re.compile(r"[a-z0-9_]+", re.I)
_SPACES = re.compile(r"\s+")
_ON = re.compile(r" *\bON\b *")

#: a row's first column (the table or index name the rows are grouped by)
_FIRST = operator.itemgetter(0)

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
        #: pragma -> table (index_info: index) name -> rows as ``PRAGMA ...``
        #: returns them, after that name (kept, not sliced off: the rows are
        #: grouped by table as they come, without a Python step a row)
        self.pragmas: dict[str, dict[str, list[tuple[Any, ...]]]] = {}
        self.table_sql: dict[str, str | None] = {}
        self.index_sql: dict[str, str | None] = {}
        #: index name -> its DESC columns
        self.descending: dict[str, set[str]] = {}

    # ------------------------------------------------------------ statements
    def _rows(self, sql: str, params: Sequence[Any] | None = None) -> list[Any]:
        """The statement's rows as the driver's tuples.

        The statement goes through the connection (events, logging) but its
        rows are fetched from the driver's cursor: SQLAlchemy's rows cost
        more to make (a microsecond each) than SQLite takes to read them,
        and the pragma columns carry no types to process.
        """
        if params is None:
            params = (self.schema_arg, self.names_json)
        result = self.connection.exec_driver_sql(sql, tuple(params))
        cursor = result.cursor
        if cursor is None:  # pragma: no cover - a statement returning rows
            return [tuple(row) for row in result.fetchall()]
        try:
            return cursor.fetchall()  # type: ignore[no-any-return]
        finally:
            result.close()

    def _table_pragma(self, pragma: str) -> None:
        """Rows of ``pragma`` for every wanted table, keyed like PRAGMA calls."""
        by_table: dict[str, list[tuple[Any, ...]]] = {name: [] for name in self.names}
        rows = self._rows(
            f"SELECT m.name, {_PRAGMA_COLUMNS[pragma]} FROM {self.master} m "
            f"JOIN pragma_{pragma}(m.name, ?) p "
            "WHERE m.type = 'table' AND m.name IN (SELECT value FROM json_each(?))"
        )
        for name, table_rows in itertools.groupby(rows, _FIRST):
            by_table[name].extend(table_rows)
        self.pragmas[pragma] = by_table

    def read_rows(self) -> None:
        """Everything the reflection below asks for, in five statements."""
        self.names_json = json.dumps(self.names)
        rows = self._rows(
            f"SELECT name, type, sql FROM {self.master} "
            "WHERE type IN ('table', 'view', 'index')",
            (),
        )
        # a schema's tables, views and indexes share one namespace
        self.table_sql = {name: sql for name, type_, sql in rows if type_ != "index"}
        self.index_sql = {name: sql for name, type_, sql in rows if type_ == "index"}
        self._table_pragma(self.columns_pragma)
        self._table_pragma("foreign_key_list")
        self._table_pragma("index_list")
        index_info: dict[str, list[tuple[Any, ...]]] = {}
        for table_rows in self.pragmas["index_list"].values():
            for row in table_rows:
                index_info[row[2]] = []
        self.pragmas["index_info"] = index_info
        # index_xinfo rather than index_info: it also says which key columns
        # are DESC (SQLAlchemy's reflection reads no sort order on SQLite)
        rows = self._rows(
            f'SELECT il.name, ix.seqno, ix.cid, ix.name, ix."desc" '
            f"FROM {self.master} m "
            "JOIN pragma_index_list(m.name, ?1) il "
            "JOIN pragma_index_xinfo(il.name, ?1) ix "
            "WHERE m.type = 'table' AND m.name IN (SELECT value FROM json_each(?2)) "
            'AND ix."key" '
            "ORDER BY il.name, ix.seqno"
        )
        for index_name, index_rows in itertools.groupby(rows, _FIRST):
            index_info[index_name].extend(index_rows)
        for index_name, _seqno, _cid, column, desc in rows:
            if desc and column is not None:
                self.descending.setdefault(index_name, set()).add(column)

    # ----------------------------------------------------- SQLAlchemy's hooks
    def _get_table_pragma(
        self, connection: Any, pragma: str, table_name: str, schema: Any = None
    ) -> list[Any]:
        rows = self.pragmas.get(pragma, {}).get(table_name)
        if rows is None or schema != self.schema:
            # a table outside the batch (a key's target): ask SQLite directly
            return type(self.dialect)._get_table_pragma(
                self.reader, connection, pragma, table_name, schema=schema
            )
        # as the PRAGMA returns them (index_info: seqno, cid, name)
        end = 4 if pragma == "index_info" else None
        return [row[1:end] for row in rows]

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
        for match in _UNIQUE.finditer(sql):
            quoted, plain, columns = match.group(1, 2, 3)
            yield quoted or plain, _columns_in(columns)
        for line in sql.split("\n"):
            if "unique" not in line.lower():
                continue
            for match in _INLINE_UNIQUE.finditer(line):
                yield None, _columns_in(match.group(1) or match.group(2))

    def _resolve_type_affinity(self, type_: str) -> Any:
        """SQLAlchemy's type for a declared type, parsed once per spelling:
        thousands of columns share a handful (each gets its own copy)."""
        found = self.types.get(type_)
        if found is None:
            found = self.types[type_] = type(self.dialect)._resolve_type_affinity(
                self.reader, type_
            )
        if isinstance(found, sa.types.SchemaType):
            return _copy(found)  # attaches to its column: one each
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
        #: (name, declared type, notnull, default, pk) -> a column dict to
        #: copy, and the type to copy into it when it attaches to its column
        self.column_templates: dict[tuple[Any, ...], tuple[dict[str, Any], Any]] = {}
        self.columns: dict[Any, list[dict[str, Any]]] = {}
        #: table -> its key's columns, name, and where that name was found
        #: when unquoted
        self.primary_keys: dict[str, tuple[list[str], str | None, int | None]] = {}
        self.plain = self._plain_tables()
        info = empty_reflection_info()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=sa_exc.SAWarning)
            for name in self.names:
                plain = self.plain.get(name)
                if plain is None:
                    self._read_table(name, info)
                else:
                    self._read_plain_table(name, *plain, info)
        return info

    def _read_table(self, name: str, info: _ReflectionInfo) -> None:
        """One table through SQLAlchemy's reflection methods."""
        reader, conn, schema = self.reader, self.connection, self.schema
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
        info.unique_constraints[key] = reader.get_unique_constraints(conn, name, **kw)
        info.check_constraints[key] = reader.get_check_constraints(conn, name, **kw)
        info.table_options[key] = reader.get_table_options(conn, name, **kw)

    # ------------------------------------------------------------ plain tables
    # What SQLAlchemy's methods above work out, worked out directly from the
    # rows: each table's SQL is upper-cased once, a pattern is only tried
    # where one of the words its every match begins with stands, and a kind
    # of constraint the SQL never spells (no CHECK, no ROWID / STRICT) or the
    # pragmas never list (no key, no sqlite_autoindex) costs no scan at all.
    # Anything less plain (a non-ASCII SQL text, where case-insensitive
    # matching is not upper-casing; hidden or generated columns; a table
    # missing from the rows) goes through SQLAlchemy's methods.

    def _plain_tables(self) -> dict[str, tuple[str, str]]:
        """``{table: (sql, SQL)}`` for the tables read the direct way."""
        if (
            self.columns_pragma != "table_xinfo"
            or _FK_PATTERN is None
            or getattr(self.dialect, "_broken_fk_pragma_quotes", False)
        ):
            return {}
        plain = {}
        for name in self.names:
            sql = self.table_sql.get(name)
            if (
                isinstance(sql, str)
                and sql.isascii()
                and self.pragmas[self.columns_pragma][name]
            ):
                plain[name] = (sql, sql.upper())
        return plain

    def _read_plain_table(
        self, name: str, sql: str, upper: str, info: _ReflectionInfo
    ) -> None:
        """One table worked out from the rows, as SQLAlchemy's methods would
        work it out (``upper``: its ASCII SQL upper-cased)."""
        conn, schema, pragmas = self.connection, self.schema, self.pragmas
        key = (schema, name)
        # each row: table, cid, name, type, notnull, dflt_value, pk, hidden
        rows = pragmas[self.columns_pragma][name]
        if any([row[7] for row in rows]):
            # generated columns: their expressions are SQLAlchemy's to find
            columns = self.get_columns(conn, name, schema=schema)
            for column in columns:
                if isinstance(column["type"], type):
                    column["type"] = column["type"]()
        else:
            # most columns are spelled as some other table's are
            templates = self.column_templates
            found = [templates.get(row[2:7]) for row in rows]
            if None in found:
                found = [
                    self._column_template(row) if template is None else template
                    for template, row in zip(found, rows)
                ]
            columns = [
                (
                    column.copy()
                    if own_type is None
                    else {**column, "type": _copy(own_type)}
                )
                for column, own_type in found
            ]
        info.columns[key] = columns
        constraints = _find_all(upper, "CONSTRAINT")
        info.pk_constraint[key] = self._primary_key(name, sql, constraints)
        # where a CONSTRAINT with an unquoted name matched as one kind of
        # constraint (PRIMARY KEY, UNIQUE), the other kinds cannot match: the
        # name is a whole run of word characters between spaces, so the word
        # after it is the kind's
        known = [self.primary_keys[name][2]]
        info.indexes[key], auto = self._plain_indexes(name)
        info.unique_constraints[key] = (
            self._unique_constraints(auto, sql, upper, constraints, known)
            if auto
            else []
        )
        fk_rows = pragmas["foreign_key_list"][name]
        info.foreign_keys[key] = (
            self._foreign_keys(fk_rows, sql, upper, constraints, known)
            if fk_rows
            else []
        )
        info.check_constraints[key] = (
            self.reader.get_check_constraints(conn, name, schema=schema)
            if "CHECK" in upper
            else []
        )
        info.table_options[key] = (
            self.reader.get_table_options(conn, name, schema=schema)
            if "ROWID" in upper or "STRICT" in upper
            else {}
        )

    def _column_template(self, row: tuple[Any, ...]) -> tuple[dict[str, Any], Any]:
        """The column dict SQLAlchemy makes of a ``table_xinfo`` row that is
        neither hidden nor generated, kept for the rows spelled alike."""
        type_ = self._resolve_type_affinity(row[3].upper())
        column = {
            "name": row[2],
            "type": type_,
            "nullable": not row[4],
            "default": None if row[5] is None else str(row[5]),
            "primary_key": row[6],
        }
        # a type that attaches to its column: each column gets its own copy
        own_type = type_ if isinstance(type_, sa.types.SchemaType) else None
        template = self.column_templates[row[2:7]] = (column, own_type)
        return template

    def _plain_indexes(
        self, name: str
    ) -> tuple[list[dict[str, Any]], set[tuple[str, ...]]]:
        """``get_indexes``, and the columns of the table's sqlite_autoindex
        indexes (all ``get_unique_constraints`` looks at in those)."""
        pragmas = self.pragmas
        indexes: list[dict[str, Any]] = []
        auto: set[tuple[str, ...]] = set()
        index_info = pragmas["index_info"]
        for _table, _seq, index_name, unique, _origin, partial in pragmas["index_list"][
            name
        ]:
            # each column row: index, seqno, cid, name, desc
            columns = index_info[index_name]
            names = [column[3] for column in columns]
            if None in names:
                continue  # on an expression: SQLite doesn't say which
            if index_name.startswith("sqlite_autoindex"):
                auto.add(tuple(names))  # a key's index: never partial
                continue
            index: dict[str, Any] = {
                "name": index_name,
                "column_names": names,
                "unique": unique,
                "dialect_options": {},
            }
            if partial:
                match = _PARTIAL_WHERE.search(self.index_sql.get(index_name) or "")
                if match is not None:
                    index["dialect_options"]["sqlite_where"] = sa.text(match.group(1))
            descending = self.descending.get(index_name)
            if descending:
                index["column_sorting"] = {c: ("desc",) for c in descending}
            indexes.append(index)
        if len(indexes) > 1:
            indexes.sort(key=_index_order)
        return indexes, auto

    def _primary_key(
        self, name: str, sql: str | None = None, constraints: list[int] | None = None
    ) -> dict[str, Any]:
        """``get_pk_constraint``: the key columns in key order, and the name
        of the first ``CONSTRAINT <name> PRIMARY KEY`` in the SQL."""
        found = self.primary_keys.get(name)
        if found is None:
            rows = [
                row
                for row in self.pragmas[self.columns_pragma][name]
                if row[6] > 0 and row[7] != 1
            ]
            constraint_name = at = None
            if rows:
                if len(rows) > 1:
                    rows.sort(key=_key_order)
                if sql is None or constraints is None:
                    sql, upper = self.plain[name]
                    constraints = _find_all(upper, "CONSTRAINT")
                # the first match: where CONSTRAINT stands (see _find_all)
                for pos in constraints:
                    match = _PK_NAME.match(sql, pos)
                    if match is not None:
                        constraint_name = match.group(1) or match.group(2)
                        if match.group(1) is None:
                            at = pos
                        break
            found = self.primary_keys[name] = (
                [row[2] for row in rows],
                constraint_name,
                at,
            )
        columns, constraint_name, _at = found
        if not columns:
            return ReflectionDefaults.pk_constraint()
        return {"constrained_columns": list(columns), "name": constraint_name}

    def _referred_key(self, table: str) -> list[str]:
        """The key columns a foreign key naming no columns refers to."""
        if table in self.plain:
            return self._primary_key(table)["constrained_columns"]
        try:
            return self.reader.get_pk_constraint(
                self.connection, table, schema=self.schema
            )["constrained_columns"]
        except sa_exc.NoSuchTableError:
            return []

    def _foreign_keys(
        self,
        rows: list[tuple[Any, ...]],
        sql: str,
        upper: str,
        constraints: list[int],
        known: list[int | None],
    ) -> list[dict[str, Any]]:
        """``get_foreign_keys``: the pragma's keys, named and given their
        options where the SQL spells them out as a table constraint."""
        keys: dict[Any, dict[str, Any]] = {}
        for row in rows:
            # table, id, seq, table, from, to, on_update, on_delete, match
            key_id, table, column, referred = row[1], row[3], row[4], row[5]
            # SQLAlchemy asks for the key once a row, so a table outside the
            # batch is asked once a row too
            referred_columns = [] if referred else self._referred_key(table)
            key = keys.get(key_id)
            if key is None:
                key = keys[key_id] = {
                    "name": None,
                    "constrained_columns": [],
                    "referred_schema": self.schema,
                    "referred_table": table,
                    "referred_columns": referred_columns,
                    "options": {},
                }
            key["constrained_columns"].append(column)
            if referred:
                key["referred_columns"].append(referred)
        # one key a signature, as SQLAlchemy keeps them (the last one)
        by_signature = {}
        for key in keys.values():
            signature = (
                *key["constrained_columns"],
                key["referred_table"],
                *key["referred_columns"],
            )
            by_signature[signature] = key
        found = []
        foreign = _find_all(upper, "FOREIGN")
        if foreign:
            end = 0
            for pos in sorted(constraints + foreign):
                if pos < end or pos in known:
                    continue
                match = _FK_PATTERN.match(sql, pos)  # type: ignore[union-attr]
                if match is None:
                    continue
                end = match.end()
                signature, name, options = _spelled_key(match)
                key = by_signature.pop(signature, None)
                if key is not None:
                    key["name"] = name
                    key["options"] = options
                    found.append(key)
                    if not by_signature:
                        break  # nothing further can match
        found.extend(by_signature.values())
        return found

    def _unique_constraints(
        self,
        auto: set[tuple[str, ...]],
        sql: str,
        upper: str,
        constraints: list[int],
        known: list[int | None],
    ) -> list[dict[str, Any]]:
        """``get_unique_constraints`` given the columns of the table's
        sqlite_autoindex indexes: the UNIQUE constraints spelled in the SQL
        that one of them backs (SQLAlchemy's rule)."""
        found: list[dict[str, Any]] = []
        unique = _find_all(upper, "UNIQUE")
        if not unique:
            return found
        end = 0
        for pos in sorted(constraints + unique):
            if pos < end or pos in known:
                continue
            match = _UNIQUE.match(sql, pos)
            if match is None:
                continue
            end = match.end()
            quoted, plain, columns = match.group(1, 2, 3)
            if plain is not None:
                known.append(pos)
            names = _columns_in(columns)
            if tuple(names) in auto:
                auto.remove(tuple(names))
                found.append({"name": quoted or plain, "column_names": names})
                if not auto:
                    return found  # nothing further can match
        # then SQLAlchemy's ``<column> <type ...> UNIQUE`` spelling
        for line in sql.split("\n"):
            if "unique" not in line.lower():
                continue
            for match in _INLINE_UNIQUE.finditer(line):
                names = _columns_in(match.group(1) or match.group(2))
                if tuple(names) in auto:
                    auto.remove(tuple(names))
                    found.append({"name": None, "column_names": names})
                    if not auto:
                        return found
        return found


#: classes whose instances ``copy.copy`` copies by their ``__dict__`` alone
_DICT_COPIED: dict[type, bool] = {}


def _copies_by_dict(cls: type) -> bool:
    """Whether ``copy.copy`` of an instance of ``cls`` is a new instance
    holding the same ``__dict__`` entries: no copy or pickle hooks of its
    own, and no slot holding state."""
    return (
        getattr(cls, "__copy__", None) is None
        and cls.__reduce_ex__ is object.__reduce_ex__  # type: ignore[comparison-overlap]
        and cls.__reduce__ is object.__reduce__  # type: ignore[comparison-overlap]
        and getattr(cls, "__getstate__", None) is getattr(object, "__getstate__", None)
        and getattr(cls, "__setstate__", None) is None
        and cls.__new__ is object.__new__
        and all(not vars(klass).get("__slots__") for klass in cls.__mro__)
    )


def _copy(value: Any) -> Any:
    """``copy.copy(value)``, without its detour through ``copyreg`` for
    the classes it would copy by ``__dict__`` (a tenth of the time)."""
    cls = type(value)
    plain = _DICT_COPIED.get(cls)
    if plain is None:
        plain = _DICT_COPIED[cls] = _copies_by_dict(cls)
    if not plain:
        return copy.copy(value)
    new = object.__new__(cls)
    new.__dict__.update(value.__dict__)
    return new


def _index_order(index: dict[str, Any]) -> str:
    return index["name"] or "~"  # SQLAlchemy's order (no name last)


def _key_order(row: tuple[Any, ...]) -> Any:
    return row[6]


def _find_all(text: str, word: str) -> list[int]:
    """Where ``word`` stands in ``text``.

    The patterns tried on a table's SQL are case-insensitive, have no
    anchors, lookbehinds or empty matches, and every match of one begins
    with one of a few words (CONSTRAINT or FOREIGN, say): so ``finditer`` on
    the SQL finds what matching at those words' positions in turn finds,
    skipping those inside the last match.  Positions are found in the
    upper-cased SQL, which for an ASCII text has the same positions and the
    words at the same places as case-insensitive matching.
    """
    found = []
    pos = text.find(word)
    while pos >= 0:
        found.append(pos)
        pos = text.find(word, pos + 1)
    return found


def _columns_in(signature: str) -> list[str]:
    """SQLAlchemy's ``_find_cols_in_sig`` (a lone plain name is itself)."""
    if _WORD.fullmatch(signature):
        return [signature]
    return [m.group(1) or m.group(2) for m in _SIG_COLUMN.finditer(signature)]


def _spelled_key(
    match: re.Match[str],
) -> tuple[tuple[str, ...], str | None, dict[str, Any]]:
    """``(signature, name, options)`` of a ``FOREIGN KEY ... REFERENCES``
    match, read as SQLAlchemy's reflection reads it."""
    (
        quoted_name,
        name,
        columns,
        quoted_table,
        table,
        referred,
        actions,
        deferrable,
        initially,
    ) = match.group(1, 2, 3, 4, 5, 6, 7, 8, 9)
    constrained = _columns_in(columns)
    referred_columns = _columns_in(referred) if referred else constrained
    options: dict[str, Any] = {}
    if actions:
        # a line break may stand between ON and DELETE
        actions = _SPACES.sub(" ", actions.upper()).strip()
        for token in _ON.split(actions):
            if token.startswith("DELETE"):
                action = token[6:].strip()
                if action and action != "NO ACTION":
                    options["ondelete"] = action
            elif token.startswith("UPDATE"):
                action = token[6:].strip()
                if action and action != "NO ACTION":
                    options["onupdate"] = action
    if deferrable:
        options["deferrable"] = "NOT" not in deferrable.upper()
    if initially:
        options["initially"] = initially.upper()
    signature = (*constrained, quoted_table or table, *referred_columns)
    return signature, quoted_name or name, options
