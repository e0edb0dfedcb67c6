"""Directives for free-standing sequences (``sa.Sequence`` in the MetaData):
create, drop, and alter their options.

Options are ``start``, ``increment``, ``minvalue``, ``maxvalue``, ``cycle``
and ``cache``; an option left out (None) is the backend's default.
"""

from __future__ import annotations

from typing import Any

from schemadiff.operations.base import Operations
from schemadiff.operations.ops import MigrateOperation, _require_name
from schemadiff.util import CommandError

__all__ = ["AlterSequenceOp", "CreateSequenceOp", "DropSequenceOp", "SEQUENCE_OPTIONS"]

SEQUENCE_OPTIONS = ("start", "increment", "minvalue", "maxvalue", "cycle", "cache")


def _options(kw: dict[str, Any], op_name: str) -> dict[str, Any]:
    unknown = set(kw) - set(SEQUENCE_OPTIONS)
    if unknown:
        raise CommandError(
            f"{op_name}: unknown option(s) {sorted(unknown)}; allowed: "
            f"{list(SEQUENCE_OPTIONS)}"
        )
    return {k: kw[k] for k in SEQUENCE_OPTIONS if kw.get(k) is not None}


@Operations.register_operation("create_sequence")
class CreateSequenceOp(MigrateOperation):
    """Create a sequence."""

    diff_kind = "add_sequence"

    def __init__(self, name: str, *, schema: str | None = None, **options: Any):
        self.name = name
        self.schema = schema
        self.options = {k: v for k, v in options.items() if v is not None}

    def reverse(self) -> DropSequenceOp:
        return DropSequenceOp(self.name, schema=self.schema, **self.options)

    def to_diff_tuple(self) -> tuple[Any, ...]:
        return ("add_sequence", self.schema, self.name)

    @classmethod
    def create_sequence(
        cls,
        operations: Operations,
        name: str,
        *,
        schema: str | None = None,
        **options: Any,
    ) -> None:
        """``CREATE SEQUENCE name`` with the given options."""
        _require_name(name, "name", "create_sequence")
        opts = _options(options, "create_sequence")
        return operations.invoke(cls(name, schema=schema, **opts))


@Operations.register_operation("drop_sequence")
class DropSequenceOp(MigrateOperation):
    """Drop a sequence; its options only serve the reverse."""

    diff_kind = "remove_sequence"

    def __init__(self, name: str, *, schema: str | None = None, **options: Any):
        self.name = name
        self.schema = schema
        self.options = {k: v for k, v in options.items() if v is not None}

    def reverse(self) -> CreateSequenceOp:
        return CreateSequenceOp(self.name, schema=self.schema, **self.options)

    def to_diff_tuple(self) -> tuple[Any, ...]:
        return ("remove_sequence", self.schema, self.name)

    @classmethod
    def drop_sequence(
        cls,
        operations: Operations,
        name: str,
        *,
        schema: str | None = None,
        **options: Any,
    ) -> None:
        """``DROP SEQUENCE name``; the options only serve the downgrade."""
        _require_name(name, "name", "drop_sequence")
        opts = _options(options, "drop_sequence")
        return operations.invoke(cls(name, schema=schema, **opts))


@Operations.register_operation("alter_sequence")
class AlterSequenceOp(MigrateOperation):
    """Change some options of a sequence (``ALTER SEQUENCE``)."""

    diff_kind = "modify_sequence"

    def __init__(
        self,
        name: str,
        changes: dict[str, Any],
        existing: dict[str, Any],
        *,
        schema: str | None = None,
    ) -> None:
        self.name = name
        self.schema = schema
        #: option -> new value (None: back to the backend's default)
        self.changes = dict(changes)
        #: option -> value before, for the reverse
        self.existing = dict(existing)

    def reverse(self) -> AlterSequenceOp:
        return AlterSequenceOp(
            self.name,
            {k: self.existing.get(k) for k in self.changes},
            {k: self.changes[k] for k in self.changes},
            schema=self.schema,
        )

    def to_diff_tuple(self) -> tuple[Any, ...]:
        return (
            "modify_sequence",
            self.schema,
            self.name,
            {k: (self.existing.get(k), v) for k, v in self.changes.items()},
        )

    @classmethod
    def alter_sequence(
        cls,
        operations: Operations,
        name: str,
        *,
        schema: str | None = None,
        existing: dict[str, Any] | None = None,
        **changes: Any,
    ) -> None:
        """``ALTER SEQUENCE name`` setting each option given; ``existing``
        holds the values before (only the downgrade needs them)."""
        _require_name(name, "name", "alter_sequence")
        unknown = set(changes) - set(SEQUENCE_OPTIONS)
        if unknown or not changes:
            raise CommandError(
                f"alter_sequence {name!r}: give one or more of "
                f"{list(SEQUENCE_OPTIONS)}"
            )
        return operations.invoke(cls(name, changes, existing or {}, schema=schema))
