"""Small PostgreSQL catalog readers for what SQLAlchemy's Inspector doesn't
batch or doesn't give at all: native ENUM types with the columns using them,
free-standing sequences, and the batch of reflection rows a comparison needs.

Each reader takes a connection and the schemas to read and returns plain
dicts, in a constant number of statements whatever the number of tables, so
autogenerate stays batched.  Schema names in the results are the catalog's;
callers map the default schema to ``None`` themselves.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection
from sqlalchemy.engine.reflection import (
    Inspector,
    ObjectKind,
    ObjectScope,
    _ReflectionInfo,
)

from schemadiff.ddl import postgresql_reader
from schemadiff.ddl.reflection_info import empty_reflection_info

_ENUMS = sa.text("""
    SELECT n.nspname, t.typname, e.enumlabel
    FROM pg_type t
    JOIN pg_namespace n ON n.oid = t.typnamespace
    JOIN pg_enum e ON e.enumtypid = t.oid
    WHERE t.typtype = 'e' AND n.nspname = ANY(:schemas)
    ORDER BY n.nspname, t.typname, e.enumsortorder
    """)

# every column of a regular/partitioned table holding one of the types, or an
# array of one; the default is the catalog's text (with its casts)
_ENUM_COLUMNS = sa.text("""
    SELECT tn.nspname, t.typname, cn.nspname, c.relname, a.attname,
           a.atttypid <> t.oid AS is_array,
           pg_get_expr(d.adbin, d.adrelid) AS col_default
    FROM pg_type t
    JOIN pg_namespace tn ON tn.oid = t.typnamespace
    JOIN pg_attribute a ON a.atttypid IN (t.oid, t.typarray)
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace cn ON cn.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE t.typtype = 'e' AND tn.nspname = ANY(:schemas)
      AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
    ORDER BY cn.nspname, c.relname, a.attnum
    """)


def read_enums(connection: Connection, schemas: Sequence[str]) -> dict[Any, Any]:
    """``{(schema, name): {"values": [...], "columns": [...]}}`` for every ENUM
    type of ``schemas`` (two statements).

    Each column is ``{"schema", "table", "column", "array", "default"}``;
    columns of tables in *any* schema are listed, so a type is never taken
    for unused because its users live elsewhere.
    """
    params = {"schemas": list(schemas)}
    out: dict[Any, Any] = {}
    for schema, name, label in connection.execute(_ENUMS, params):
        entry = out.setdefault((schema, name), {"values": [], "columns": []})
        entry["values"].append(label)
    for row in connection.execute(_ENUM_COLUMNS, params):
        type_schema, type_name, schema, table, column, is_array, default = row
        entry = out.get((type_schema, type_name))
        if entry is None:
            continue
        entry["columns"].append(
            {
                "schema": schema,
                "table": table,
                "column": column,
                "array": bool(is_array),
                "default": default,
            }
        )
    return out


# sequences owned by a column (serial: 'a', identity: 'i') are the column's
_SEQUENCES = sa.text("""
    SELECT n.nspname, c.relname, s.seqstart, s.seqincrement, s.seqmin,
           s.seqmax, s.seqcycle, s.seqcache, format_type(s.seqtypid, NULL)
    FROM pg_sequence s
    JOIN pg_class c ON c.oid = s.seqrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ANY(:schemas)
      AND NOT EXISTS (
        SELECT 1 FROM pg_depend d
        WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
          AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
      )
    ORDER BY n.nspname, c.relname
    """)


def read_sequences(connection: Connection, schemas: Sequence[str]) -> dict[Any, Any]:
    """``{(schema, name): {start, increment, minvalue, maxvalue, cycle, cache,
    data_type}}`` for the free-standing sequences of ``schemas`` (one
    statement); serial and identity columns' own sequences are left out."""
    out: dict[Any, Any] = {}
    for row in connection.execute(_SEQUENCES, {"schemas": list(schemas)}):
        schema, name, start, inc, low, high, cycle, cache, data_type = row
        out[(schema, name)] = {
            "start": int(start),
            "increment": int(inc),
            "minvalue": int(low),
            "maxvalue": int(high),
            "cycle": bool(cycle),
            "cache": int(cache),
            "data_type": data_type,
        }
    return out


def reflection_info(
    connection: Connection,
    inspector: Inspector,
    schema: str | None,
    table_names: Sequence[str],
) -> _ReflectionInfo:
    """The ``get_multi_*`` dicts for ``table_names``, always filtered by
    name, with the table options left unread until a Table is built.

    :mod:`.postgresql_reader` reads them (the names as one array parameter)
    where the installed SQLAlchemy has the parsing helpers it reuses; the
    Inspector otherwise.  The names are always sent: PostgreSQL then finds
    the tables through pg_class's (relname, relnamespace) index, where a
    schema-wide read scans all of pg_class, whose cost grows with every
    table ever created and dropped in the database, not with the schema
    compared (three to four times the server time on a churned catalog).
    Table options (WITH storage parameters, tablespace, inheritance,
    partitioning) are not compared, only carried by a built Table, so no
    comparison pays for them.
    """
    unreflectable: dict[Any, sa_exc.UnreflectableTableError] = {}
    kw: dict[str, Any] = {
        "schema": schema,
        "filter_names": list(table_names),
        "kind": ObjectKind.TABLE,
        "scope": ObjectScope.DEFAULT,
        "unreflectable": unreflectable,
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=sa_exc.SAWarning)
        if postgresql_reader.supported(connection.dialect):
            info = postgresql_reader.PostgresqlReader(
                connection, schema, table_names
            ).read()
        else:
            info = _inspector_info(inspector, kw)
    if info.columns:
        info.table_options = LazyTableOptions(
            lambda: dict(inspector.get_multi_table_options(**kw))
        )
    return info


def _inspector_info(inspector: Inspector, kw: dict[str, Any]) -> _ReflectionInfo:
    """The batch through the Inspector's ``get_multi_*`` calls."""
    columns = dict(inspector.get_multi_columns(**kw))
    if not columns:  # none of the tables exists: nothing else to read
        info = empty_reflection_info()
        info.unreflectable = kw["unreflectable"]
        return info
    return _ReflectionInfo(
        columns=columns,
        pk_constraint=dict(inspector.get_multi_pk_constraint(**kw)),
        foreign_keys=dict(inspector.get_multi_foreign_keys(**kw)),
        indexes=dict(inspector.get_multi_indexes(**kw)),
        unique_constraints=dict(inspector.get_multi_unique_constraints(**kw)),
        table_comment=dict(inspector.get_multi_table_comment(**kw)),
        check_constraints=dict(inspector.get_multi_check_constraints(**kw)),
        table_options={},
        unreflectable=kw["unreflectable"],
    )


class LazyTableOptions(dict):  # type: ignore[type-arg]
    """``{table key: options}`` read by ``load`` (one statement, every table
    of the batch) the first time anything looks inside."""

    def __init__(self, load: Callable[[], dict[Any, Any]]) -> None:
        super().__init__()
        self._load: Callable[[], dict[Any, Any]] | None = load

    def _fill(self) -> None:
        if self._load is not None:
            load, self._load = self._load, None
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", category=sa_exc.SAWarning)
                dict.update(self, load())

    def __len__(self) -> int:
        self._fill()
        return dict.__len__(self)

    def __contains__(self, key: object) -> bool:
        self._fill()
        return dict.__contains__(self, key)

    def __getitem__(self, key: Any) -> Any:
        self._fill()
        return dict.__getitem__(self, key)

    def __iter__(self) -> Any:
        self._fill()
        return dict.__iter__(self)

    def __eq__(self, other: object) -> bool:
        self._fill()
        return dict.__eq__(self, other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        self._fill()
        return dict.__repr__(self)

    def get(self, key: Any, default: Any = None) -> Any:
        self._fill()
        return dict.get(self, key, default)

    def keys(self) -> Any:
        self._fill()
        return dict.keys(self)

    def values(self) -> Any:
        self._fill()
        return dict.values(self)

    def items(self) -> Any:
        self._fill()
        return dict.items(self)

    def update(self, *args: Any, **kw: Any) -> None:
        self._fill()
        dict.update(self, *args, **kw)
