"""Index details beyond columns and predicate: PostgreSQL's method
(``USING``), ``INCLUDE`` columns, operator classes and ``NULLS NOT
DISTINCT``; MySQL/MariaDB prefix lengths and FULLTEXT/SPATIAL.  The dialect
normaliser puts them in canonical form
(:meth:`~schemadiff.ddl.normalise.Normaliser.index_options_signature`); an
index whose options differ is dropped and created again, as for a changed
column list.

DESC columns are compared as part of the column list; where SQLAlchemy's
reflection doesn't read them (SQLite, MySQL/MariaDB) the dialect's catalog
reader fills them in (see
:meth:`~schemadiff.ddl.normalise.Normaliser.reflection_info`).  Indexes the
reflection skips altogether (SQLite's on expressions) are added by
:func:`apply_expression_indexes`; the reflected table's SQLAlchemy ``Table``
is built for those tables only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from schemadiff.autogenerate.model import (
    IndexModel,
    SchemaModel,
    TableModel,
    build_index,
)
from schemadiff.ddl.normalise import Normaliser

if TYPE_CHECKING:
    from schemadiff.autogenerate.api import AutogenContext


def index_options_differ(
    normaliser: Normaliser, conn_i: IndexModel, meta_i: IndexModel
) -> bool:
    if conn_i.is_constraint or meta_i.is_constraint:
        return False  # unique constraints carry no such options here
    return _options(normaliser, conn_i) != _options(normaliser, meta_i)


def _options(normaliser: Normaliser, item: IndexModel) -> tuple[Any, ...]:
    """The options signature; a reflected index has it from its catalog row."""
    if item.options_sig is not None:
        return item.options_sig
    return normaliser.index_options_signature(item.obj)


def apply_expression_indexes(
    ctx: AutogenContext, conn: SchemaModel, schemas: list[str | None]
) -> None:
    """Give the reflected tables the indexes SQLAlchemy's reflection skips
    (SQLite's on expressions), read by the dialect's normaliser in one
    statement per schema; an index reflected as plain columns though it is
    not (a ``COLLATE`` term) is replaced.  The include_name hook sees them as
    any reflected index."""
    if ctx.connection is None:
        return
    normaliser = ctx.normaliser
    for schema in schemas:
        tables = {
            key[1]: table for key, table in conn.tables.items() if key[0] == schema
        }
        if not tables:
            continue
        name = schema if schema is not None else ctx.default_schema
        found = normaliser.read_expression_indexes(ctx.connection, name, sorted(tables))
        for tname, entries in (found or {}).items():
            table = tables.get(tname)
            if table is None:
                continue
            parents = {
                "schema_name": schema,
                "table_name": tname,
                "schema_qualified_table_name": f"{schema}.{tname}" if schema else tname,
            }
            for info in entries:
                if ctx.run_name_filters(info["name"], "index", parents):
                    _replace_index(normaliser, table, info)
            table.indexes.sort(key=lambda i: i.name or "")


def _replace_index(
    normaliser: Normaliser, table: TableModel, info: dict[str, Any]
) -> None:
    table.indexes = [i for i in table.indexes if i.name != info["name"]]
    index = normaliser.expression_index(table.table, info)
    entry = build_index(index, normaliser, reflected=True)
    if entry is not None:
        table.indexes.append(entry)
