"""PostgreSQL SQL for named ENUM types: create, drop, and change the values.

How ``sync_enum_values`` changes a type, cheapest first:

- values only renamed (``value_renames``) and/or added, the order otherwise
  kept: ``ALTER TYPE ... RENAME VALUE`` (transactional), then ``ALTER TYPE ...
  ADD VALUE IF NOT EXISTS ... BEFORE/AFTER`` for each new value.  A new value
  can't be used before the transaction that added it commits, so the
  additions run in an autocommit block (offline: fenced by ``COMMIT;`` /
  ``BEGIN;``), unless the caller holds the transaction itself;
- otherwise (a value removed, or the order changed) the type is rebuilt:
  renamed to ``<name>_old``, created anew, each column converted with
  ``ALTER COLUMN ... TYPE ... USING`` (its default dropped first and re-set
  after), and the old type dropped.  Online, rows still holding a removed
  value stop it first with a clear error, before anything changes.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from schemadiff.util import CommandError

log = logging.getLogger(__name__)

AutocommitBlock = Callable[[], contextlib.AbstractContextManager[Any]]


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def plan_additions(
    existing: Sequence[str], values: Sequence[str]
) -> list[tuple[str, str, str]] | None:
    """``[(value, "BEFORE"|"AFTER", neighbour)]`` that add the new values in
    place, or None when ``values`` is not ``existing`` plus insertions (a
    value gone or moved)."""
    new = [v for v in values if v not in existing]
    if [v for v in values if v in existing] != list(existing) or not existing:
        return None
    if len(values) != len(existing) + len(new):
        return None
    steps = []
    for i, value in enumerate(values):
        if value in existing:
            continue
        if i > 0:
            steps.append((value, "AFTER", values[i - 1]))
        else:  # before the first value there is now
            steps.append((value, "BEFORE", next(v for v in values if v in existing)))
    return steps


class PostgresqlEnumMixin:
    """ENUM type methods of :class:`~schemadiff.ddl.postgresql.PostgresqlImpl`."""

    dialect: Any
    as_sql: bool
    memo: dict[str, Any]
    _exec: Callable[..., Any]

    def _run(self, sql: str) -> Any:
        """Execute SQL text; colons that ``text()`` would take for bind
        parameters (inside a value like ``'a :b'``) are escaped."""
        return self._exec(_BIND_LIKE.sub(r"\\:", sql))

    def _type_name(self, name: str, schema: str | None) -> str:
        quote = self.dialect.identifier_preparer.quote
        if schema:
            return (
                f"{self.dialect.identifier_preparer.quote_schema(schema)}.{quote(name)}"
            )
        return quote(name)

    def _table_name(self, table: str, schema: str | None) -> str:
        return self._type_name(table, schema)

    def create_enum(self, name: str, values: Sequence[str], schema: str | None) -> None:
        body = ", ".join(literal(v) for v in values)
        self._run(f"CREATE TYPE {self._type_name(name, schema)} AS ENUM ({body})")
        if self.as_sql:  # a later CREATE TABLE using it must not create it again
            self.memo.setdefault("pg_enum", set()).add((schema, name))

    def drop_enum(self, name: str, schema: str | None) -> None:
        self._run(f"DROP TYPE {self._type_name(name, schema)}")
        if self.as_sql:
            self.memo.setdefault("pg_enum", set()).discard((schema, name))

    def sync_enum_values(
        self,
        name: str,
        values: Sequence[str],
        existing_values: Sequence[str],
        columns: Sequence[Mapping[str, Any]],
        schema: str | None,
        value_renames: Mapping[str, str],
        autocommit_block: AutocommitBlock,
    ) -> None:
        renamed = [value_renames.get(v, v) for v in existing_values]
        additions = plan_additions(renamed, values)
        if additions is None:
            self._rebuild_enum(
                name, values, existing_values, columns, schema, value_renames
            )
            return
        type_name = self._type_name(name, schema)
        for old, new in value_renames.items():
            if old != new:
                self._run(
                    f"ALTER TYPE {type_name} RENAME VALUE {literal(old)} "
                    f"TO {literal(new)}"
                )
        if not additions:
            return
        with autocommit_block():
            for value, where, neighbour in additions:
                self._run(
                    f"ALTER TYPE {type_name} ADD VALUE IF NOT EXISTS {literal(value)} "
                    f"{where} {literal(neighbour)}"
                )

    def _rebuild_enum(
        self,
        name: str,
        values: Sequence[str],
        existing_values: Sequence[str],
        columns: Sequence[Mapping[str, Any]],
        schema: str | None,
        value_renames: Mapping[str, str],
    ) -> None:
        removed = [v for v in existing_values if value_renames.get(v, v) not in values]
        if removed and not self.as_sql:
            self._refuse_rows_holding(name, removed, columns)
        quote = self.dialect.identifier_preparer.quote
        type_name = self._type_name(name, schema)
        old_name = f"{name}_old"
        self._run(f"ALTER TYPE {type_name} RENAME TO {quote(old_name)}")
        body = ", ".join(literal(v) for v in values)
        self._run(f"CREATE TYPE {type_name} AS ENUM ({body})")
        renames = {o: n for o, n in value_renames.items() if o != n}
        for col in columns:
            table = self._table_name(col["table"], col.get("schema"))
            column = quote(col["column"])
            default = col.get("default")
            if default is not None:
                self._run(f"ALTER TABLE {table} ALTER COLUMN {column} DROP DEFAULT")
            self._run(
                f"ALTER TABLE {table} ALTER COLUMN {column} TYPE "
                f"{type_name}{'[]' if col.get('array') else ''} USING "
                f"{_using(column, type_name, bool(col.get('array')), renames)}"
            )
            if default is not None:
                self._run(
                    f"ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT "
                    f"{_renamed_default(default, renames)}"
                )
        self._run(f"DROP TYPE {self._type_name(old_name, schema)}")

    def _refuse_rows_holding(
        self, name: str, removed: Sequence[str], columns: Sequence[Mapping[str, Any]]
    ) -> None:
        """Stop before any change when a row still holds a removed value."""
        quote = self.dialect.identifier_preparer.quote
        wanted = ", ".join(literal(v) for v in removed)
        for col in columns:
            table = self._table_name(col["table"], col.get("schema"))
            column = quote(col["column"])
            if col.get("array"):
                where = f"{column}::text[] && ARRAY[{wanted}]::text[]"
            else:
                where = f"{column}::text IN ({wanted})"
            count = self._run(f"SELECT count(*) FROM {table} WHERE {where}").scalar()
            if count:
                where_name = f"{col.get('schema')}." if col.get("schema") else ""
                raise CommandError(
                    f"can't remove value(s) {', '.join(map(repr, removed))} from "
                    f"ENUM type {name!r}: {count} row(s) of "
                    f"{where_name}{col['table']}.{col['column']} still hold them; "
                    "update those rows first, or map the values with "
                    "value_renames={old: new}. Nothing was changed."
                )


def _using(column: str, type_name: str, array: bool, renames: Mapping[str, str]) -> str:
    if array:
        expr = f"{column}::text[]"
        for old, new in renames.items():
            expr = f"array_replace({expr}, {literal(old)}, {literal(new)})"
        return f"{expr}::{type_name}[]"
    if not renames:
        return f"{column}::text::{type_name}"
    whens = " ".join(
        f"WHEN {literal(old)} THEN {literal(new)}" for old, new in renames.items()
    )
    return f"(CASE {column}::text {whens} ELSE {column}::text END)::{type_name}"


_BIND_LIKE = re.compile(r"(?<![:\w\\]):(?=\w)")
_DEFAULT_LITERAL = re.compile(r"^\s*'((?:[^']|'')*)'")


def _renamed_default(default: str, renames: Mapping[str, str]) -> str:
    """A default of a renamed value points at the new one."""
    match = _DEFAULT_LITERAL.match(default)
    if match:
        value = match.group(1).replace("''", "'")
        if value in renames:
            return literal(renames[value]) + default[match.end() :]
    return default
