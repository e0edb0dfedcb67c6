"""PostgreSQL spellings: ``::type`` casts, FLOAT as DOUBLE PRECISION, serials."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy import types as sqltypes
from sqlalchemy.engine import Connection
from sqlalchemy.engine.reflection import Inspector

from schemadiff.ddl import postgresql_catalog
from schemadiff.ddl.normalise import Normaliser, split_literals

_TYPE_WORDS = r"(?:varying|precision|without|with|time|zone)"
_CAST = re.compile(
    r"::\s*(?:\"[^\"]+\"|[a-z_][\w.]*(?:\s+" + _TYPE_WORDS + r")*)"
    r"(?:\s*\(\s*\d+(?:\s*,\s*\d+)?\s*\))?(?:\s*\[\s*\])*",
    re.IGNORECASE,
)
#: <table>_<column>_check / <table>_check, with a number when taken
_GENERATED_CHECK = re.compile(r"^(.+)_check\d*$")
#: identifiers longer than this were truncated to NAMEDATALEN - 1
_TRUNCATED_LENGTH = 58


class PostgresqlNormaliser(Normaliser):
    __dialect__ = "postgresql"

    system_schemas: ClassVar[frozenset[str]] = frozenset(
        {"information_schema", "pg_catalog", "pg_toast"}
    )
    partial_index_option: ClassVar[str | None] = "postgresql_where"
    #: PostgreSQL before 18 only has STORED generated columns
    computed_persisted_by_default: ClassVar[bool] = True
    type_rewrites = (
        (r"^FLOAT\(([1-9]|1\d|2[0-4])\)$", "REAL"),
        (r"^FLOAT(\(\d+\))?$", "DOUBLE PRECISION"),
        (r"^DOUBLE$", "DOUBLE PRECISION"),
        (r"^DECIMAL", "NUMERIC"),
        (r" WITHOUT TIME ZONE", ""),
        (r"^TIMESTAMP\(6\)", "TIMESTAMP"),
        (r"^CHARACTER VARYING", "VARCHAR"),
        (r"^INT4$", "INTEGER"),
        (r"^INT8$", "BIGINT"),
        (r"^INT2$", "SMALLINT"),
        (r"^BOOL$", "BOOLEAN"),
    )

    condition_rewrites = (
        *Normaliser.condition_rewrites,
        # x IN (...) comes back as x = ANY (ARRAY[...]), NOT IN as <> ALL
        (r"=anyarray", "in"),
        (r"<>allarray", "notin"),
        # LIKE family as operators
        (r"!~~\*", "notilike"),
        (r"~~\*", "ilike"),
        (r"!~~", "notlike"),
        (r"~~", "like"),
    )

    def is_system_schema(self, name: str) -> bool:
        # pg_catalog and pg_toast, plus each session's pg_temp_<n> and
        # pg_toast_temp_<n>
        return super().is_system_schema(name) or name.startswith("pg_")

    def is_generated_check_name(self, name: str, table: sa.Table) -> bool:
        # PostgreSQL names an unnamed CHECK "<table>_<column>_check" when it
        # uses one column, "<table>_check" otherwise; long parts are cut so
        # the whole fits in 63 bytes
        match = _GENERATED_CHECK.match(name)
        if match is None:
            return False
        stem = match.group(1)
        if stem == table.name or stem.startswith(table.name + "_"):
            return True
        if len(name) < _TRUNCATED_LENGTH:
            return False
        if table.name.startswith(stem):
            return True
        columns = [c.name for c in table.columns]
        for pos, char in enumerate(stem):
            if char != "_" or pos == 0 or not table.name.startswith(stem[:pos]):
                continue
            rest = stem[pos + 1 :]
            if any(c.startswith(rest) for c in columns):
                return True
        return False

    def strip_casts(self, text: str) -> str:
        return "".join(
            chunk if is_literal else _CAST.sub("", chunk)
            for is_literal, chunk in split_literals(text)
        )

    def is_implicit_default(self, text: str, column: sa.Column[Any] | None) -> bool:
        # SERIAL columns carry nextval('<table>_<col>_seq'::regclass)
        return text.strip().lower().startswith("nextval(")

    def reflection_info(
        self,
        connection: Connection,
        inspector: Inspector,
        schema: str | None,
        table_names: Sequence[str],
        complete: bool = False,
    ) -> Any:
        """The batch read by name whatever ``complete`` says, table options
        on demand (see :func:`postgresql_catalog.reflection_info`)."""
        return postgresql_catalog.reflection_info(
            connection, inspector, schema, table_names
        )

    def read_enums(
        self, connection: Connection, schemas: Sequence[str]
    ) -> dict[Any, Any]:
        return postgresql_catalog.read_enums(connection, schemas)

    def read_sequences(
        self, connection: Connection, schemas: Sequence[str]
    ) -> dict[Any, Any] | None:
        return postgresql_catalog.read_sequences(connection, schemas)

    def native_enum(
        self, type_: sqltypes.TypeEngine[Any]
    ) -> tuple[str | None, str, tuple[str, ...], bool] | None:
        is_array = isinstance(type_, sqltypes.ARRAY)
        if is_array:
            type_ = type_.item_type  # type: ignore[attr-defined]
        if isinstance(type_, sqltypes.TypeDecorator):
            type_ = type_.impl_instance
        if not isinstance(type_, sqltypes.Enum) or not type_.native_enum:
            return None
        if not type_.name:
            return None
        return type_.schema, str(type_.name), tuple(type_.enums), is_array

    def index_options_signature(self, index: Any) -> tuple[Any, ...]:
        opts = index.dialect_options["postgresql"]
        using = (opts.get("using") or "btree").lower()
        include = tuple(
            c if isinstance(c, str) else c.name for c in opts.get("include") or ()
        )
        ops = tuple(
            sorted(
                (getattr(k, "name", k), str(v).lower())
                for k, v in (opts.get("ops") or {}).items()
            )
        )
        return (using, include, ops, bool(opts.get("nulls_not_distinct")))
