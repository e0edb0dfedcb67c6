"""PostgreSQL batch reflection with less work per row than the Inspector's.

SQLAlchemy's ``get_multi_*`` calls read a schema in eight statements, five
of them for constraints and table comments, each sending every table name
(or oid) as its own bound parameter: 500 names are 500 placeholders the
driver parses into a statement it cannot cache.  This reader asks the
catalog for the same facts in four statements, each filtered by one array
parameter:

- the tables (oid, name, comment), by name;
- their columns, by oid, handed to SQLAlchemy's own row post-processing on
  a copy of the dialect that parses each distinct ``format_type`` text once
  (thousands of columns share a handful of types);
- every primary key, unique, foreign key and CHECK constraint, by oid, key
  columns named from the column rows;
- the indexes (:mod:`.postgresql_indexes`).

The dicts it returns are the ones SQLAlchemy's PostgreSQL dialect makes from
the same catalog rows (same keys, same defaults for tables without a key,
same parsing of foreign-key and CHECK definitions), so a Table assembled
from them later is the Table ``Inspector.reflect_table`` would build.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSON, OID
from sqlalchemy.dialects.postgresql import base as pg_base
from sqlalchemy.engine import Connection
from sqlalchemy.engine.reflection import (
    ObjectKind,
    ReflectionDefaults,
    _ReflectionInfo,
)
from sqlalchemy.util import langhelpers

from schemadiff.ddl.postgresql_indexes import read_indexes
from schemadiff.ddl.reflection_info import empty_reflection_info

_CHECK = re.compile(r"^CHECK *\((.+)\)( NO INHERIT)?( NOT VALID)?$", re.DOTALL)


def supported(dialect: Any) -> bool:
    """The dialect has the parsing helpers this reader relies on (SQLAlchemy
    2.1's PostgreSQL dialect); otherwise the Inspector reads the batch."""
    return (
        hasattr(dialect, "_parse_fk")
        and hasattr(dialect, "_kind_to_relkinds")
        and hasattr(dialect, "_get_columns_info")
        and hasattr(dialect, "_load_pg_am_btree_oid")
        and hasattr(dialect, "_load_pg_opclass_notdefault_dict")
        and hasattr(pg_base, "_NamedTypeLoader")
        and hasattr(langhelpers, "strip_outer_parens")
        and dialect.server_version_info >= (12,)
    )


def _tables_sql(schema: str | None, relkinds: Sequence[str]) -> str:
    kinds = ", ".join(f"'{k}'" for k in relkinds)
    where_schema = (
        "pg_catalog.pg_table_is_visible(c.oid) AND n.nspname != 'pg_catalog'"
        if schema is None
        else "n.nspname = :schema"
    )
    return f"""
        SELECT c.oid, c.relname, d.description
        FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_catalog.pg_description d
          ON d.objoid = c.oid AND d.objsubid = 0
         AND d.classoid = 'pg_catalog.pg_class'::regclass
        WHERE c.relkind IN ({kinds}) AND c.relpersistence != 't'
          AND {where_schema} AND c.relname = ANY(:names)
        """


# SQLAlchemy's column query, by table oid: identity options and collation as
# JSON, the default only where there is one
_COLUMNS_SQL = """
    SELECT a.attrelid, a.attnum, a.attname AS name,
           pg_catalog.format_type(a.atttypid, a.atttypmod) AS format_type,
           CASE WHEN a.atthasdef THEN (
               SELECT pg_catalog.pg_get_expr(ad.adbin, ad.adrelid)
               FROM pg_catalog.pg_attrdef ad
               WHERE ad.adrelid = a.attrelid AND ad.adnum = a.attnum) END
           AS "default",
           a.attnotnull AS not_null,
           d.description AS comment,
           a.attgenerated AS generated,
           CASE WHEN a.attidentity != '' THEN (
               SELECT json_build_object(
                   'always', a.attidentity = 'a', 'start', s.seqstart,
                   'increment', s.seqincrement, 'minvalue', s.seqmin,
                   'maxvalue', s.seqmax, 'cache', s.seqcache,
                   'cycle', s.seqcycle)
               FROM pg_catalog.pg_sequence s
               WHERE s.seqrelid = CAST(CAST(pg_catalog.pg_get_serial_sequence(
                   CAST(CAST(a.attrelid AS REGCLASS) AS TEXT), a.attname)
                   AS REGCLASS) AS OID)) END AS identity_options,
           CASE WHEN a.attcollation != 0 AND (
               SELECT t.typcollation FROM pg_catalog.pg_type t
               WHERE t.oid = a.atttypid) != a.attcollation THEN (
               SELECT json_build_object(
                   'name', co.collname,
                   'schema', CASE WHEN pg_catalog.pg_collation_is_visible(co.oid)
                                  THEN NULL ELSE cn.nspname END)
               FROM pg_catalog.pg_collation co
               JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
               WHERE co.oid = a.attcollation) END AS collation
    FROM pg_catalog.pg_attribute a
    LEFT JOIN pg_catalog.pg_description d
      ON d.objoid = a.attrelid AND d.objsubid = a.attnum
    WHERE a.attrelid = ANY(:oids) AND a.attnum > 0 AND NOT a.attisdropped
    ORDER BY a.attrelid, a.attnum
    """


def _constraints_sql(server_version: tuple[int, ...]) -> str:
    nulls_not_distinct = "i.indnullsnotdistinct" if server_version >= (15,) else "false"
    return f"""
        SELECT k.conrelid, k.conname, k.contype,
               CAST(i.indkey AS int2[]) AS attnums,
               i.indnkeyatts, {nulls_not_distinct} AS nulls_not_distinct,
               CASE WHEN k.contype IN ('f', 'c')
                    THEN pg_catalog.pg_get_constraintdef(k.oid, true) END,
               rn.nspname AS referred_schema,
               d.description
        FROM pg_catalog.pg_constraint k
        LEFT JOIN pg_catalog.pg_index i
          ON k.contype IN ('p', 'u') AND i.indexrelid = k.conindid
        LEFT JOIN pg_catalog.pg_class rc ON rc.oid = k.confrelid
        LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
        LEFT JOIN pg_catalog.pg_description d
          ON d.objoid = k.oid
         AND d.classoid = 'pg_catalog.pg_constraint'::regclass
        WHERE k.conrelid = ANY(:oids) AND k.contype IN ('p', 'u', 'f', 'c')
        ORDER BY k.conrelid, k.conname
        """


class PostgresqlReader:
    """One schema's tables, read in a fixed number of statements."""

    def __init__(
        self, connection: Connection, schema: str | None, table_names: Sequence[str]
    ) -> None:
        self.connection = connection
        self.dialect: Any = connection.dialect
        self.schema = schema
        self.names = list(table_names)
        self.types: dict[Any, Any] = {}
        #: (table oid, attnum) -> column name, for the keys' column lists
        self.attnames: dict[tuple[Any, int], str] = {}

    # ------------------------------------------------------------- the reads
    def read(self) -> _ReflectionInfo:
        """The batch as the Inspector's ``get_multi_*`` calls would give it
        (table options excepted: the caller reads those on demand)."""
        tables = self._tables()
        info = empty_reflection_info()
        if not tables:
            return info
        names = {oid: name for oid, name, _ in tables}
        columns = self._columns(self._dialect_reader(), names)
        for column_list in columns.values():
            for column in column_list:
                if not isinstance(column["type"], sa.types.TypeEngine):
                    column["type"] = column["type"]()
        info.columns.update(columns)
        info.indexes.update(
            read_indexes(
                self.connection, self.dialect, self.schema, names, self.attnames
            )
        )
        for _oid, name, comment in tables:
            key = (self.schema, name)
            info.table_comment[key] = (
                {"text": comment}
                if comment is not None
                else ReflectionDefaults.table_comment()
            )
            info.pk_constraint[key] = ReflectionDefaults.pk_constraint()
            info.unique_constraints[key] = []
            info.foreign_keys[key] = []
            info.check_constraints[key] = []
        self._constraints(info, names)
        return info

    def _tables(self) -> list[tuple[Any, str, str | None]]:
        relkinds = self.dialect._kind_to_relkinds(ObjectKind.TABLE)
        statement = sa.text(_tables_sql(self.schema, relkinds)).bindparams(
            sa.bindparam("names", type_=ARRAY(sa.Text()))
        )
        params: dict[str, Any] = {"names": self.names}
        if self.schema is not None:
            params["schema"] = self.schema
        return [tuple(row) for row in self.connection.execute(statement, params)]

    def _columns(
        self, reader: Any, names: dict[Any, str]
    ) -> dict[Any, list[dict[str, Any]]]:
        """SQLAlchemy's column dicts, from its own row post-processing."""
        statement = (
            sa.text(_COLUMNS_SQL)
            .bindparams(sa.bindparam("oids", type_=ARRAY(OID())))
            .columns(identity_options=JSON(), collation=JSON())
        )
        by_name: dict[str, list[dict[str, Any]]] = {name: [] for name in names.values()}
        result = self.connection.execute(statement, {"oids": list(names)})
        keys = ["table_name", *result.keys()]
        for row in result.all():
            name = names[row[0]]
            by_name[name].append(dict(zip(keys, (name, *row))))
            self.attnames[(row[0], row[1])] = row[2]
        rows: list[Any] = []
        for name in sorted(by_name):
            # a table without columns still gets its entry
            rows.extend(by_name[name] or [{"name": None, "table_name": name}])
        loader = pg_base._NamedTypeLoader(reader, self.connection, {})
        return dict(reader._get_columns_info(rows, loader, self.schema))

    def _constraints(self, info: _ReflectionInfo, names: dict[Any, str]) -> None:
        statement = sa.text(
            _constraints_sql(self.dialect.server_version_info)
        ).bindparams(sa.bindparam("oids", type_=ARRAY(OID())))
        rows = self.connection.execute(statement, {"oids": list(names)}).all()
        for row in rows:
            oid, name, kind, attnums, key_count, nulls_not_distinct = row[:6]
            condef, referred_schema, comment = row[6:]
            key = (self.schema, names[oid])
            if kind in ("p", "u"):
                cols = [self.attnames[(oid, n)] for n in attnums]
                entry = self._key(name, cols, key_count, comment)
                if kind == "p":
                    entry["constrained_columns"] = entry.pop("column_names")
                    info.pk_constraint[key] = entry
                else:
                    entry["dialect_options"][
                        "postgresql_nulls_not_distinct"
                    ] = nulls_not_distinct
                    info.unique_constraints[key].append(entry)
            elif kind == "f":
                info.foreign_keys[key].append(
                    self._foreign_key(name, condef, referred_schema, comment)
                )
            else:
                info.check_constraints[key].append(self._check(name, condef, comment))

    # ------------------------------------------- SQLAlchemy's dicts, per kind
    @staticmethod
    def _key(
        name: str, cols: list[str], key_count: int, comment: str | None
    ) -> dict[str, Any]:
        """A primary key or unique constraint; INCLUDE columns follow the
        key columns in the index."""
        cols = list(cols)
        return {
            "column_names": cols[:key_count],
            "name": name,
            "comment": comment,
            "dialect_options": {"postgresql_include": cols[key_count:]},
        }

    def _foreign_key(
        self,
        name: str,
        condef: str,
        conschema: str | None,
        comment: str | None,
    ) -> dict[str, Any]:
        """SQLAlchemy's foreign-key dict, from the same definition text."""
        unquote = self.dialect.identifier_preparer._unquote_identifier
        (
            constrained,
            referred_schema,
            referred_table,
            referred,
            match,
            onupdate,
            ondelete,
            deferrable,
            initially,
        ) = self.dialect._parse_fk(condef)
        if deferrable is not None:
            deferrable = deferrable == "DEFERRABLE"
        if referred_schema:
            # not on the search path: pg_get_constraintdef names it
            referred_schema = unquote(referred_schema)
        elif self.schema is not None and self.schema == conschema:
            referred_schema = self.schema
        options = {
            option: value
            for option, value in (
                ("onupdate", onupdate),
                ("ondelete", ondelete),
                ("initially", initially),
                ("deferrable", deferrable),
                ("match", match),
            )
            if value is not None and value != "NO ACTION"
        }
        return {
            "name": name,
            "constrained_columns": [
                unquote(c) for c in re.split(r"\s*,\s*", constrained)
            ],
            "referred_schema": referred_schema,
            "referred_table": unquote(referred_table),
            "referred_columns": [unquote(c) for c in re.split(r"\s*,\s", referred)],
            "options": options,
            "comment": comment,
        }

    @staticmethod
    def _check(name: str, condef: str, comment: str | None) -> dict[str, Any]:
        """SQLAlchemy's CHECK dict: the condition without ``CHECK (...)`` and
        its NOT VALID / NO INHERIT flags as dialect options."""
        match = _CHECK.match(condef)
        if match is None:
            return {"name": name, "sqltext": "", "comment": comment}
        entry: dict[str, Any] = {
            "name": name,
            "sqltext": langhelpers.strip_outer_parens(match.group(1)),
            "comment": comment,
        }
        flags = {}
        if " NOT VALID" in match.groups():
            flags["not_valid"] = True
        if " NO INHERIT" in match.groups():
            flags["no_inherit"] = True
        if flags:
            entry["dialect_options"] = flags
        return entry

    # --------------------------------------------------------- type parsing
    def _dialect_reader(self) -> Any:
        """A copy of the dialect whose type parser remembers each type text."""
        reader = copy.copy(self.dialect)
        parse = type(self.dialect)._reflect_type

        def reflect_type(format_type: Any, *args: Any, **kw: Any) -> Any:
            # the result depends on the text and the collation only, unless
            # the text names an ENUM or DOMAIN (SchemaTypes: never shared)
            if any(isinstance(a, str) for a in args) or set(kw) - {
                "type_description",
                "collation",
                "collation_schema",
            }:
                return parse(reader, format_type, *args, **kw)
            key = (format_type, kw.get("collation"), kw.get("collation_schema"))
            found = self.types.get(key)
            if found is None:
                found = parse(reader, format_type, *args, **kw)
                if isinstance(found, sa.types.SchemaType):
                    return found
                self.types[key] = found
            return found

        reader._reflect_type = reflect_type
        return reader
