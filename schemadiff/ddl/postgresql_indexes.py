"""PostgreSQL index reflection for a batch of tables, in one statement.

The dicts are those of SQLAlchemy's ``get_multi_indexes`` (same keys, same
defaults left out, same dialect options) for the same catalog facts; the
difference is the statement: the table oids go as one array parameter
(SQLAlchemy's query expands them into three lists of bound parameters that
the driver parses on every call), and plain key columns are named from the
column rows already read instead of a join per index column.  Expression
elements are rendered by ``pg_get_indexdef`` as SQLAlchemy renders them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, OID
from sqlalchemy.engine import Connection


def _indexes_sql(server_version: tuple[int, ...]) -> str:
    nulls_not_distinct = "x.indnullsnotdistinct" if server_version >= (15,) else "false"
    return f"""
        SELECT x.indrelid, c.relname, x.indisunique, x.indisvalid,
               EXISTS (
                   SELECT 1 FROM pg_catalog.pg_constraint k
                   WHERE k.conrelid = x.indrelid AND k.conindid = x.indexrelid
                     AND k.contype IN ('p', 'u', 'x')) AS has_constraint,
               CAST(x.indoption AS int2[]) AS indoption,
               c.reloptions, c.relam,
               CASE WHEN x.indpred IS NOT NULL
                    THEN pg_catalog.pg_get_expr(x.indpred, x.indrelid) END,
               x.indnkeyatts, {nulls_not_distinct} AS nulls_not_distinct,
               CAST(x.indkey AS int2[]) AS attnums,
               CAST(CAST(x.indclass AS oid[]) AS int8[]) AS opclasses,
               CASE WHEN 0 = ANY (CAST(x.indkey AS int2[])) THEN ARRAY(
                   SELECT pg_catalog.pg_get_indexdef(x.indexrelid, n, true)
                   FROM generate_series(1, x.indnatts) AS n ORDER BY n) END
        FROM pg_catalog.pg_index x
        JOIN pg_catalog.pg_class c ON c.oid = x.indexrelid
        WHERE x.indrelid = ANY(:oids) AND NOT x.indisprimary
        ORDER BY x.indrelid, c.relname
        """


def read_indexes(
    connection: Connection,
    dialect: Any,
    schema: str | None,
    names: dict[Any, str],
    attnames: dict[tuple[Any, int], str],
) -> dict[Any, list[dict[str, Any]]]:
    """``{(schema, table): [index dict, ...]}`` for the tables ``names``
    (oid -> name); ``attnames`` names each (table oid, attnum)."""
    btree = dialect._load_pg_am_btree_oid(connection)
    opclasses = dialect._load_pg_opclass_notdefault_dict(connection)
    access_methods: dict[int, str] | None = None

    def access_method(oid: int) -> str:
        nonlocal access_methods
        if access_methods is None:  # only for an index that isn't a B-tree
            access_methods = dialect._load_pg_am_dict(connection)
        return access_methods[oid]

    statement = sa.text(_indexes_sql(dialect.server_version_info)).bindparams(
        sa.bindparam("oids", type_=ARRAY(OID()))
    )
    out: dict[Any, list[dict[str, Any]]] = {
        (schema, name): [] for name in names.values()
    }
    for row in connection.execute(statement, {"oids": list(names)}):
        entry = _index(row, attnames, opclasses, btree, access_method)
        out[(schema, names[row[0]])].append(entry)
    return out


def _index(
    row: Any,
    attnames: dict[tuple[Any, int], str],
    opclasses: dict[int, str],
    btree: int,
    access_method: Callable[[int], str],
) -> dict[str, Any]:
    """One index's dict, as SQLAlchemy's ``get_multi_indexes`` makes it."""
    (
        table_oid,
        name,
        unique,
        valid,
        has_constraint,
        indoption,
        reloptions,
        relam,
        where,
        key_count,
        nulls_not_distinct,
        attnums,
        opclass_oids,
        definitions,
    ) = row
    elements = [
        definitions[pos] if attnum == 0 else attnames[(table_oid, attnum)]
        for pos, attnum in enumerate(attnums)
    ]
    is_expr = [attnum == 0 for attnum in attnums]
    # INCLUDE columns follow the key columns (never expressions)
    keys, included = elements[:key_count], elements[key_count:]
    index: dict[str, Any] = {"name": name, "unique": unique}
    if any(is_expr[:key_count]):
        index["column_names"] = [
            None if expr else element
            for element, expr in zip(keys, is_expr[:key_count])
        ]
        index["expressions"] = keys
    else:
        index["column_names"] = keys
    options: dict[str, Any] = {}
    ops = {
        element: opclasses[oid]
        for element, oid in zip(keys, opclass_oids[:key_count])
        if oid in opclasses
    }
    if ops:
        options["postgresql_ops"] = ops
    sorting = {}
    for pos, flags in enumerate(indoption):
        order: tuple[str, ...] = ()
        if flags & 0x01:  # DESC, where NULLS FIRST is the default
            order += ("desc",)
            if not flags & 0x02:
                order += ("nulls_last",)
        elif flags & 0x02:
            order += ("nulls_first",)
        if order:
            sorting[keys[pos]] = order
    if sorting:
        index["column_sorting"] = sorting
    if has_constraint:
        index["duplicates_constraint"] = name
    if reloptions:
        options["postgresql_with"] = dict(o.split("=", 1) for o in reloptions)
    if relam != btree:
        options["postgresql_using"] = access_method(relam)
    if where:
        options["postgresql_where"] = where
    options["postgresql_include"] = included
    if nulls_not_distinct:
        options["postgresql_nulls_not_distinct"] = nulls_not_distinct
    if not valid:
        options["postgresql_invalid"] = True
    index["dialect_options"] = options
    return index
