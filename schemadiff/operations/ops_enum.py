"""Directives for named ENUM types (PostgreSQL): create, drop, change values.

A native ENUM is a schema object of its own, shared by every column that
uses it.  ``sync_enum_values`` turns one value list into another: pure
additions become ``ALTER TYPE ... ADD VALUE`` (at any position), renames
named in ``value_renames`` become ``RENAME VALUE``, anything else (a removed
or reordered value) rebuilds the type under the columns listed in
``columns``.  The columns are carried in the directive, not looked up when
it runs, so online and offline SQL are the same.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from schemadiff.operations.base import Operations
from schemadiff.operations.ops import MigrateOperation, _require_name
from schemadiff.util import CommandError

__all__ = ["CreateEnumOp", "DropEnumOp", "SyncEnumValuesOp", "enum_columns"]

_COLUMN_KEYS = frozenset({"table", "column", "schema", "array", "default"})


def enum_columns(columns: Sequence[Mapping[str, Any]], op_name: str) -> list[dict]:
    """Check and copy the ``columns`` argument: dicts with ``table`` and
    ``column``, optionally ``schema``, ``array`` (an array of the type) and
    ``default`` (the column's server default as SQL, re-set after a rebuild)."""
    out = []
    for col in columns or ():
        if not isinstance(col, Mapping) or not {"table", "column"} <= set(col):
            raise CommandError(
                f"{op_name}: each of columns must be a dict with 'table' and "
                f"'column' keys, got {col!r}"
            )
        unknown = set(col) - _COLUMN_KEYS
        if unknown:
            raise CommandError(
                f"{op_name}: unknown column key(s) {sorted(unknown)}; allowed: "
                f"{sorted(_COLUMN_KEYS)}"
            )
        out.append(dict(col))
    return out


def _values(values: Any, what: str, op_name: str) -> list[str]:
    if isinstance(values, str) or values is None:
        raise CommandError(f"{op_name}: {what} must be a list of strings")
    out = list(values)
    if not all(isinstance(v, str) for v in out):
        raise CommandError(f"{op_name}: {what} must be a list of strings")
    if len(set(out)) != len(out):
        raise CommandError(f"{op_name}: {what} has duplicates: {out!r}")
    return out


@Operations.register_operation("create_enum")
class CreateEnumOp(MigrateOperation):
    """Create a named ENUM type."""

    diff_kind = "add_enum"

    def __init__(self, name: str, values: Sequence[str], *, schema: str | None = None):
        self.name = name
        self.values = list(values)
        self.schema = schema

    def reverse(self) -> DropEnumOp:
        return DropEnumOp(self.name, self.values, schema=self.schema)

    def to_diff_tuple(self) -> tuple[Any, ...]:
        return ("add_enum", self.schema, self.name, tuple(self.values))

    @classmethod
    def create_enum(
        cls,
        operations: Operations,
        name: str,
        values: Sequence[str],
        *,
        schema: str | None = None,
    ) -> None:
        """``CREATE TYPE name AS ENUM (values...)``."""
        _require_name(name, "name", "create_enum")
        op = cls(name, _values(values, "values", "create_enum"), schema=schema)
        return operations.invoke(op)


@Operations.register_operation("drop_enum")
class DropEnumOp(MigrateOperation):
    """Drop a named ENUM type; ``values`` are only kept for the reverse."""

    diff_kind = "remove_enum"

    def __init__(
        self,
        name: str,
        values: Sequence[str] | None = None,
        *,
        schema: str | None = None,
    ):
        self.name = name
        self.values = list(values) if values is not None else None
        self.schema = schema

    def reverse(self) -> CreateEnumOp:
        if self.values is None:
            raise ValueError(
                f"drop_enum {self.name!r} can't be reversed without its values"
            )
        return CreateEnumOp(self.name, self.values, schema=self.schema)

    def to_diff_tuple(self) -> tuple[Any, ...]:
        values = tuple(self.values) if self.values is not None else None
        return ("remove_enum", self.schema, self.name, values)

    @classmethod
    def drop_enum(
        cls,
        operations: Operations,
        name: str,
        values: Sequence[str] | None = None,
        *,
        schema: str | None = None,
    ) -> None:
        """``DROP TYPE name``; ``values`` only serve the downgrade."""
        _require_name(name, "name", "drop_enum")
        return operations.invoke(cls(name, values, schema=schema))


@Operations.register_operation("sync_enum_values")
class SyncEnumValuesOp(MigrateOperation):
    """Turn the values of a named ENUM type from ``existing_values`` into
    ``values`` (see the module docstring for how)."""

    diff_kind = "modify_enum"

    def __init__(
        self,
        name: str,
        values: Sequence[str],
        existing_values: Sequence[str],
        *,
        columns: Sequence[Mapping[str, Any]] = (),
        schema: str | None = None,
        value_renames: Mapping[str, str] | None = None,
    ) -> None:
        self.name = name
        self.values = list(values)
        self.existing_values = list(existing_values)
        self.columns = [dict(c) for c in columns]
        self.schema = schema
        self.value_renames = dict(value_renames or {})
        #: (old, new) pairs autogenerate thinks may be renames: rendered as a
        #: hint for the reviewer, never acted upon
        self.rename_hints: list[tuple[str, str]] = []

    @property
    def removed(self) -> list[str]:
        """Existing values neither kept nor renamed."""
        return [
            v
            for v in self.existing_values
            if self.value_renames.get(v, v) not in self.values
        ]

    def reverse(self) -> SyncEnumValuesOp:
        back = SyncEnumValuesOp(
            self.name,
            self.existing_values,
            self.values,
            columns=self.columns,
            schema=self.schema,
            value_renames={new: old for old, new in self.value_renames.items()},
        )
        back.rename_hints = [(new, old) for old, new in self.rename_hints]
        return back

    def to_diff_tuple(self) -> tuple[Any, ...]:
        return (
            "modify_enum",
            self.schema,
            self.name,
            tuple(self.existing_values),
            tuple(self.values),
        )

    @classmethod
    def sync_enum_values(
        cls,
        operations: Operations,
        name: str,
        values: Sequence[str],
        *,
        existing_values: Sequence[str],
        columns: Sequence[Mapping[str, Any]] = (),
        schema: str | None = None,
        value_renames: Mapping[str, str] | None = None,
    ) -> None:
        """Change the values of ENUM type ``name`` to ``values``.

        ``existing_values`` are its values now; ``columns`` the columns using
        it (needed when a value is removed or the order changes);
        ``value_renames`` maps old values to new ones so rows keep their
        meaning (``ALTER TYPE ... RENAME VALUE``, or a mapping during a
        rebuild).  Rows still holding a removed value make it fail, with
        nothing changed.
        """
        op_name = "sync_enum_values"
        _require_name(name, "name", op_name)
        values = _values(values, "values", op_name)
        existing = _values(existing_values, "existing_values", op_name)
        renames = dict(value_renames or {})
        for old, new in renames.items():
            if old not in existing:
                raise CommandError(
                    f"{op_name} {name!r}: value_renames renames {old!r}, which is "
                    f"not one of existing_values {existing!r}"
                )
            if new not in values:
                raise CommandError(
                    f"{op_name} {name!r}: value_renames renames {old!r} to "
                    f"{new!r}, which is not one of values {values!r}"
                )
        op = cls(
            name,
            values,
            existing,
            columns=enum_columns(columns, op_name),
            schema=schema,
            value_renames=renames,
        )
        return operations.invoke(op)
