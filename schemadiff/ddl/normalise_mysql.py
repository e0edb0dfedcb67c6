"""MySQL / MariaDB: batched catalog reads and the dialect's spellings.

SQLAlchemy reflects MySQL one table at a time (``SHOW CREATE TABLE`` per
table), so a 500-table comparison would cost 500+ statements.  On MariaDB we
read ``information_schema`` instead: one statement for the whole schema
(one query per kind of object before MariaDB 10.5), whatever the number of
tables.  Column types are still parsed by SQLAlchemy's own MySQL type parser
so they come out exactly as its reflection would make them.

Spellings reconciled here: integer display widths (``int(11)``), ``BOOL`` as
``tinyint(1)``, ``NUMERIC`` as ``decimal(10,0)``, MariaDB's ``JSON`` as
``longtext`` with an implicit ``json_valid()`` CHECK, ``true`` as ``1`` and
``now()`` as ``current_timestamp()`` in defaults.
"""

from __future__ import annotations

import copy
import re
import warnings
from collections.abc import Sequence
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy import types as sqltypes
from sqlalchemy.dialects.mysql.reflection import ReflectedState
from sqlalchemy.engine import Connection
from sqlalchemy.engine.reflection import Inspector, _ReflectionInfo

from schemadiff.ddl import mysql_catalog
from schemadiff.ddl.normalise import Normaliser

_INTS = r"(TINYINT|SMALLINT|MEDIUMINT|INT|INTEGER|BIGINT)"
_GENERATED_CHECK = re.compile(r"^CONSTRAINT_\d+$")


class MySQLNormaliser(Normaliser):
    __dialect__ = ("mysql", "mariadb")

    system_schemas: ClassVar[frozenset[str]] = frozenset(
        {"information_schema", "mysql", "performance_schema", "sys"}
    )
    unique_constraints_are_indexes: ClassVar[bool] = True
    # MariaDB cannot index expressions; nothing to reflect there
    reflects_expression_indexes: ClassVar[bool] = False
    type_rewrites = (
        (r"^(TINYINT\(1\)|BOOLEAN)$", "BOOL"),
        (r"^" + _INTS + r"\(\d+\)", r"\1"),
        (r"^INTEGER", "INT"),
        (r"^NUMERIC", "DECIMAL"),
        (r"^DECIMAL$", "DECIMAL(10,0)"),
        (r"^DECIMAL\((\d+)\)", r"DECIMAL(\1,0)"),
        (r"^(DOUBLE PRECISION|REAL)", "DOUBLE"),
        (r"^FLOAT\((2[5-9]|[3-5]\d)\)", "DOUBLE"),
        (r"^FLOAT\(\d+\)", "FLOAT"),
        (r"^NVARCHAR", "VARCHAR"),
        (r"^NCHAR", "CHAR"),
    )
    expression_synonyms: ClassVar[dict[str, str]] = {
        **Normaliser.expression_synonyms,
        "true": "1",
        "false": "0",
        "localtimestamp": "current_timestamp",
    }

    keeps_primary_key_name: ClassVar[bool] = False
    condition_rewrites = (
        *Normaliser.condition_rewrites,
        # MariaDB stores length() as octet_length()
        (r"(?<![\w.])octet_length", "length"),
    )
    condition_text_rewrites = (
        *Normaliser.condition_text_rewrites,
        # MariaDB stores `a % b` as `a MOD b`
        (r"\s+mod\s+", " % "),
    )

    def read_index_sorting(
        self, connection: Connection, schema: str | None, table_names: Sequence[str]
    ) -> dict[tuple[str, str], set[str]] | None:
        # SQLAlchemy reads no COLLATION from STATISTICS
        name = schema or connection.dialect.default_schema_name
        return mysql_catalog.read_index_sorting(connection, name)

    def read_sequences(
        self, connection: Connection, schemas: Sequence[str]
    ) -> dict[Any, Any] | None:
        # MariaDB has sequences (10.3+), MySQL none: nothing to compare there
        if not getattr(connection.dialect, "supports_sequences", False):
            return None
        return mysql_catalog.read_sequences(connection, schemas)

    def index_options_signature(self, index: Any) -> tuple[Any, ...]:
        opts = index.dialect_options["mysql"]
        prefix = (opts.get("prefix") or "").upper() or None
        if prefix == "SPATIAL":
            return (prefix, ())  # the server gives it a length of its own
        length = opts.get("length")
        names = [getattr(e, "name", None) for e in index.expressions]
        if isinstance(length, int):
            lengths = {n: length for n in names if n is not None}
        else:
            lengths = {getattr(k, "name", k): int(v) for k, v in (length or {}).items()}
        return (prefix, tuple(sorted(lengths.items())))

    def primary_key_name(self, name: str | None) -> str | None:
        # reflection gives no name; DROP PRIMARY KEY needs none, the op does
        return name or "PRIMARY"

    def __init__(self, dialect: Any) -> None:
        super().__init__(dialect)
        if getattr(dialect, "is_mariadb", False):
            # MariaDB's JSON is an alias of LONGTEXT with a json_valid() CHECK
            self._type_rewrites.append((re.compile(r"^JSON$"), "LONGTEXT"))

    # -------------------------------------------------------------- reflection
    def reflection_info(
        self,
        connection: Connection,
        inspector: Inspector,
        schema: str | None,
        table_names: Sequence[str],
        complete: bool = False,
    ) -> Any:
        if not getattr(self.dialect, "is_mariadb", False):
            # MySQL's catalog spells defaults differently; use SQLAlchemy's path
            return super().reflection_info(
                connection, inspector, schema, table_names, complete
            )
        return _MariaDBCatalog(self, connection, schema, table_names, complete).read()

    def is_implicit_index(
        self,
        index: sa.Index,
        table: sa.Table,
        kept_keys: Sequence[sa.ForeignKeyConstraint] | None = None,
    ) -> bool:
        # With no usable index, InnoDB indexes a foreign key's columns itself.
        # It names the index after the key when the key has a name of its
        # own, but after the key's first column when the server names the key
        # (child_ibfk_1 -> item_id, item_id_2, ...), so the name alone proves
        # nothing: an index led by a kept key's columns is one the key needs
        # (InnoDB refuses to drop it anyway).  The index of a key being
        # dropped counts only when named after the key, since dropping the
        # key drops that one too; any other must be dropped after the key.
        columns = [getattr(c, "name", None) for c in index.expressions]
        keys = [
            (
                fk.name,
                tuple(fk.column_keys),
                kept_keys is None or any(key is fk for key in kept_keys),
            )
            for fk in table.foreign_key_constraints
        ]
        return self.is_implicit_index_entry(index.name, index.unique, columns, keys)

    def is_implicit_index_entry(
        self,
        name: str | None,
        unique: bool,
        columns: Sequence[Any],
        keys: Sequence[tuple[str | None, tuple[str, ...], bool]],
    ) -> bool:
        if unique:
            return False
        columns = list(columns)
        for key_name, key_columns, kept in keys:
            if columns[: len(key_columns)] != list(key_columns):
                continue
            if key_name == name or kept:
                return True
        return False

    def is_implicit_check(self, name: str | None, sqltext: str) -> bool:
        return sqltext.replace("`", "").lower().startswith("json_valid(")

    def is_generated_check_name(self, name: str, table: sa.Table) -> bool:
        # MariaDB numbers unnamed table-level checks CONSTRAINT_1, _2, ...;
        # MySQL 8 calls them <table>_chk_1, _2, ...
        if _GENERATED_CHECK.match(name) is not None:
            return True
        prefix = table.name + "_chk_"
        return name.startswith(prefix) and name[len(prefix) :].isdigit()


class _MariaDBCatalog:
    """One schema's tables read from information_schema in one statement
    (six plain queries on a server before MariaDB 10.5; see
    :mod:`~schemadiff.ddl.mysql_catalog`)."""

    def __init__(
        self,
        normaliser: MySQLNormaliser,
        connection: Connection,
        schema: str | None,
        table_names: Sequence[str],
        complete: bool = False,
        aggregated: bool | None = None,
    ) -> None:
        self.normaliser = normaliser
        self.complete = complete
        self.dialect = normaliser.dialect
        self.connection = connection
        self.schema = schema
        self.actual_schema = schema or connection.dialect.default_schema_name
        self.names = list(table_names)
        self.keys = {name: (schema, name) for name in self.names}
        if aggregated is None:
            aggregated = mysql_catalog.has_aggregates(connection.dialect)
        #: rows as JSON documents (False: the plain queries, kept for old
        #: servers and to check the documents against)
        self.aggregated = aggregated

    def _read_rows(self) -> dict[str, list[Any]]:
        # every table of the schema is wanted (but one, ignored below)
        names = None if self.complete else self.names
        rows = None
        if self.aggregated:
            rows = mysql_catalog.read_aggregated_rows(
                self.connection, self.actual_schema, names, len(self.names)
            )
        if rows is None:
            rows = mysql_catalog.read_plain_rows(
                self.connection, self.actual_schema, names
            )
        return rows

    def read(self) -> _ReflectionInfo:
        columns: dict[Any, list[Any]] = {key: [] for key in self.keys.values()}
        pks: dict[Any, Any] = {
            key: {"constrained_columns": [], "name": None} for key in self.keys.values()
        }
        fks: dict[Any, list[Any]] = {key: [] for key in self.keys.values()}
        indexes: dict[Any, list[Any]] = {key: [] for key in self.keys.values()}
        uniques: dict[Any, list[Any]] = {key: [] for key in self.keys.values()}
        comments: dict[Any, Any] = {key: {"text": None} for key in self.keys.values()}
        checks: dict[Any, list[Any]] = {key: [] for key in self.keys.values()}

        rows = self._read_rows()
        self._read_comments(rows["comments"], comments)
        self._read_columns(rows["columns"], columns)
        self._read_indexes(rows["indexes"], pks, indexes, uniques)
        self._read_foreign_keys(rows["fk_rules"], rows["fk_columns"], fks)
        self._read_checks(rows["checks"], checks)
        return _ReflectionInfo(
            columns=columns,
            pk_constraint=pks,
            foreign_keys=fks,
            indexes=indexes,
            unique_constraints=uniques,
            table_comment=comments,
            check_constraints=checks,
            table_options={},
            unreflectable={},
        )

    # Each row below is its table name, the fields of its kind
    # (mysql_catalog.ROW_KINDS), then its position within the table (unused).

    def _read_comments(self, rows: list[Any], comments: dict[Any, Any]) -> None:
        for table_name, comment, _ in rows:
            if table_name in self.keys and comment:
                comments[self.keys[table_name]] = {"text": comment}

    def _read_columns(self, rows: list[Any], columns: dict[Any, list[Any]]) -> None:
        keys = self.keys
        # per spelling: its type, and whether that is a SchemaType, an Integer
        types: dict[str, tuple[Any, bool, bool]] = {}
        table: str | None = None
        target: list[Any] | None = None
        for (
            table_name,
            name,
            column_type,
            is_nullable,
            default,
            extra,
            comment,
            generation_expression,
            is_generated,
            _,
        ) in rows:
            if table_name != table:  # a table's rows come one after another
                table = table_name
                key = keys.get(table_name)
                target = None if key is None else columns[key]
            if target is None:
                continue
            # parsed once per spelling: thousands of columns share a handful
            spelled = types.get(column_type)
            if spelled is None:
                spelled = types[column_type] = self._parse_type(column_type)
            type_, schema_type, integer = spelled
            if schema_type:
                type_ = copy.copy(type_)  # attaches to its column: one each
            column: dict[str, Any] = {
                "name": name,
                "type": type_,
                "nullable": is_nullable == "YES",
                "default": None if default is None or default == "NULL" else default,
                "comment": comment or None,
            }
            extra = extra.lower() if extra else ""
            if "auto_increment" in extra:
                column["autoincrement"] = True
            elif integer:
                column["autoincrement"] = False
            if is_generated == "ALWAYS" and generation_expression is not None:
                column["default"] = None
                column["computed"] = {
                    "sqltext": generation_expression,
                    "persisted": "stored" in extra,
                }
            target.append(column)

    def _parse_type(self, column_type: str) -> tuple[Any, bool, bool]:
        """The type SQLAlchemy's reflection makes of ``column_type``."""
        state = ReflectedState()
        with warnings.catch_warnings():
            # a type SQLAlchemy doesn't know (GEOMETRY) comes back as
            # NullType, compared as "no change", as on SQLAlchemy's path
            warnings.simplefilter("ignore", category=sa_exc.SAWarning)
            self.dialect._tabledef_parser._parse_column(f"  `c` {column_type}", state)
        type_ = state.columns[0]["type"] if state.columns else sqltypes.NULLTYPE
        return (
            type_,
            isinstance(type_, sqltypes.SchemaType),
            isinstance(type_, sqltypes.Integer),
        )

    def _read_indexes(
        self,
        rows: list[Any],
        pks: dict[Any, Any],
        indexes: dict[Any, list[Any]],
        uniques: dict[Any, list[Any]],
    ) -> None:
        grouped: dict[tuple[str, str], dict[str, Any]] = {}
        for (
            table_name,
            index_name,
            non_unique,
            column,
            sub_part,
            index_type,
            collation,
            _,
        ) in rows:
            if table_name not in self.keys:
                continue
            entry = grouped.setdefault(
                (table_name, index_name),
                {
                    "unique": not int(non_unique),
                    "columns": [],
                    "lengths": {},
                    "type": index_type,
                    "desc": {},
                },
            )
            entry["columns"].append(column)
            if collation == "D":
                # the sort order SQLAlchemy's reflection doesn't read
                entry["desc"][column] = ("desc",)
            # a SPATIAL index's SUB_PART (32) is the server's, never declared
            if sub_part is not None and index_type != "SPATIAL":
                entry["lengths"][column] = int(sub_part)
        prefix = self.dialect.name
        for (table_name, index_name), entry in grouped.items():
            key = self.keys[table_name]
            if index_name == "PRIMARY":
                pks[key] = {"constrained_columns": entry["columns"], "name": None}
                continue
            index: dict[str, Any] = {
                "name": index_name,
                "column_names": entry["columns"],
                "unique": entry["unique"],
            }
            if entry["desc"]:
                index["column_sorting"] = entry["desc"]
            options: dict[str, Any] = {}
            if entry["type"] in ("FULLTEXT", "SPATIAL"):
                options[f"{prefix}_prefix"] = entry["type"]
            if entry["lengths"]:
                options[f"{prefix}_length"] = entry["lengths"]
            if options:
                index["dialect_options"] = options
            indexes[key].append(index)
            if entry["unique"]:
                uniques[key].append(
                    {
                        "name": index_name,
                        "column_names": entry["columns"],
                        "duplicates_index": index_name,
                    }
                )

    def _read_foreign_keys(
        self, rule_rows: list[Any], rows: list[Any], fks: dict[Any, list[Any]]
    ) -> None:
        rules = {
            (table_name, name): (on_update, on_delete)
            for table_name, name, on_update, on_delete, _ in rule_rows
        }
        grouped: dict[tuple[str, str], dict[str, Any]] = {}
        for table_name, name, column, ref_schema, ref_table, ref_column, _ in rows:
            if table_name not in self.keys or (table_name, name) not in rules:
                continue
            entry = grouped.get((table_name, name))
            if entry is None:
                on_update, on_delete = rules[(table_name, name)]
                options = {}
                for key, value in (("onupdate", on_update), ("ondelete", on_delete)):
                    if value and value.upper() not in ("RESTRICT", "NO ACTION"):
                        options[key] = value
                entry = grouped[(table_name, name)] = {
                    "name": name,
                    "constrained_columns": [],
                    "referred_schema": (
                        self.schema if ref_schema == self.actual_schema else ref_schema
                    ),
                    "referred_table": ref_table,
                    "referred_columns": [],
                    "options": options,
                }
                fks[self.keys[table_name]].append(entry)
            entry["constrained_columns"].append(column)
            entry["referred_columns"].append(ref_column)

    def _read_checks(self, rows: list[Any], checks: dict[Any, list[Any]]) -> None:
        # Column-level checks (inline ``CHECK`` in a column definition, and
        # the json_valid() check MariaDB puts on JSON columns) always carry
        # their column's name, never one the models gave, so they are left
        # out like other unnamed checks.
        for table_name, name, clause, level, _ in rows:
            if table_name not in self.keys:
                continue
            if (level or "").lower() == "column":
                continue
            if self.normaliser.is_implicit_check(name, clause):
                continue
            checks[self.keys[table_name]].append({"name": name, "sqltext": clause})
