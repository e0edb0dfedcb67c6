"""Migration directives: plain data describing one schema change each.

A directive knows how to reverse itself and how to describe itself as an
autogenerate "diff tuple"; executing it (toimpl) and rendering it as Python
(autogenerate.render) are separate functions dispatched on its class.  The
classmethods named like the ``op.*`` API (``create_table``, ``batch_add_column``,
...) are what :meth:`Operations.register_operation` exposes as methods.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import schema as sa_schema
from sqlalchemy import types as sqltypes
from sqlalchemy.sql.elements import TextClause

from schemadiff.operations.base import BatchOperations, Operations
from schemadiff.operations.schemaobj import (
    SchemaObjects,
    constraint_name_or_none,
    table_for_constraint,
)
from schemadiff.util import CommandError, to_tuple

if TYPE_CHECKING:
    from sqlalchemy.sql.schema import Column, Constraint, Index, Table

__all__ = [
    "MigrateOperation",
    "AddConstraintOp",
    "DropConstraintOp",
    "CreatePrimaryKeyOp",
    "CreateUniqueConstraintOp",
    "CreateForeignKeyOp",
    "CreateCheckConstraintOp",
    "CreateExcludeConstraintOp",
    "CreateIndexOp",
    "DropIndexOp",
    "CreateTableOp",
    "DropTableOp",
    "AlterTableOp",
    "RenameTableOp",
    "CreateTableCommentOp",
    "DropTableCommentOp",
    "AlterColumnOp",
    "AddColumnOp",
    "DropColumnOp",
    "BulkInsertOp",
    "ExecuteSQLOp",
    "OpContainer",
    "ModifyTableOps",
    "UpgradeOps",
    "DowngradeOps",
    "MigrationScript",
]


def _require_name(value: Any, what: str, op_name: str) -> None:
    """Reject SQLAlchemy objects where a plain name is expected (a common slip)."""
    if value is not None and not isinstance(value, str):
        raise CommandError(
            f"{op_name}: {what} must be a string name, got "
            f"{type(value).__name__} {value!r}"
        )


def _require_column_names(cols: Any, what: str, op_name: str) -> list[str]:
    if isinstance(cols, str) or cols is None:
        raise CommandError(f"{op_name}: {what} must be a list of column names")
    out = list(cols)
    if not out:
        raise CommandError(f"{op_name}: {what} must name at least one column")
    for c in out:
        _require_name(c, f"each of {what}", op_name)
    return out


class MigrateOperation:
    """Base of all directives.

    Subclasses are plain data; ``reverse()`` returns the undoing directive and
    ``to_diff_tuple()`` the autogenerate diff form.
    """

    _mutations: frozenset[Any] = frozenset()

    @property
    def info(self) -> dict[Any, Any]:
        """A free-form dict for users and plugins, created on first access."""
        try:
            return self.__dict__["_info"]
        except KeyError:
            self.__dict__["_info"] = {}
            return self.__dict__["_info"]

    @info.setter
    def info(self, value: dict[Any, Any]) -> None:
        self.__dict__["_info"] = value

    def reverse(self) -> MigrateOperation:
        raise NotImplementedError(f"{type(self).__name__} has no reverse")

    def to_diff_tuple(self) -> tuple[Any, ...] | list[Any]:
        raise NotImplementedError(f"{type(self).__name__} has no diff form")

    def __repr__(self) -> str:
        attrs = ", ".join(
            f"{k}={v!r}" for k, v in vars(self).items() if not k.startswith("_")
        )
        return f"<{type(self).__name__}({attrs})>"


# --------------------------------------------------------------------------
# constraints
# --------------------------------------------------------------------------


class AddConstraintOp(MigrateOperation):
    """Base of the create-constraint directives."""

    add_constraint_ops: dict[str, type[AddConstraintOp]] = {}

    @property
    def constraint_type(self) -> str:
        raise NotImplementedError()

    @classmethod
    def register_add_constraint(cls, type_: str) -> Any:
        """Associate a SQLAlchemy constraint ``__visit_name__`` with a directive."""

        def go(klass: type[AddConstraintOp]) -> type[AddConstraintOp]:
            cls.add_constraint_ops[type_] = klass
            return klass

        return go

    @classmethod
    def from_constraint(cls, constraint: Constraint) -> AddConstraintOp:
        visit = constraint.__visit_name__
        try:
            klass = cls.add_constraint_ops[visit]
        except KeyError:
            raise CommandError(
                f"no create directive for constraint type {visit!r}"
            ) from None
        return klass.from_constraint(constraint)

    def to_constraint(self, migration_context: Any = None) -> Constraint:
        raise NotImplementedError()

    def reverse(self) -> DropConstraintOp:
        return DropConstraintOp.from_constraint(self.to_constraint())

    def to_diff_tuple(self) -> tuple[Any, ...]:
        return ("add_constraint", self.to_constraint())


_CONSTRAINT_KIND = {
    "unique_constraint": "unique",
    "foreign_key_constraint": "foreignkey",
    "primary_key_constraint": "primary",
    "check_constraint": "check",
    "column_check_constraint": "check",
    "table_or_column_check_constraint": "check",
}


@Operations.register_operation("drop_constraint")
@BatchOperations.register_operation("drop_constraint", "batch_drop_constraint")
class DropConstraintOp(MigrateOperation):
    """Drop a named constraint."""

    def __init__(
        self,
        constraint_name: str | None,
        table_name: str,
        type_: str | None = None,
        *,
        schema: str | None = None,
        if_exists: bool | None = None,
        _reverse: AddConstraintOp | None = None,
    ) -> None:
        self.constraint_name = constraint_name
        self.table_name = table_name
        self.constraint_type = type_
        self.schema = schema
        self.if_exists = if_exists
        self._reverse = _reverse

    def reverse(self) -> AddConstraintOp:
        return AddConstraintOp.from_constraint(self.to_constraint())

    def to_diff_tuple(self) -> tuple[Any, ...]:
        if self.constraint_type == "foreignkey":
            return ("remove_fk", self.to_constraint())
        return ("remove_constraint", self.to_constraint())

    @classmethod
    def from_constraint(cls, constraint: Constraint) -> DropConstraintOp:
        table = table_for_constraint(constraint)
        return cls(
            constraint_name_or_none(constraint.name),
            table.name,
            schema=table.schema,
            type_=_CONSTRAINT_KIND.get(constraint.__visit_name__),
            _reverse=AddConstraintOp.from_constraint(constraint),
        )

    def to_constraint(self) -> Constraint:
        if self._reverse is None:
            raise ValueError(
                f"constraint {self.constraint_name!r} cannot be rebuilt: the "
                "original constraint is not known"
            )
        constraint = self._reverse.to_constraint()
        constraint.name = self.constraint_name
        table = table_for_constraint(constraint)
        table.name = self.table_name
        table.schema = self.schema
        return constraint

    @classmethod
    def drop_constraint(
        cls,
        operations: Operations,
        constraint_name: str,
        table_name: str,
        type_: str | None = None,
        *,
        schema: str | None = None,
        if_exists: bool | None = None,
    ) -> None:
        """Drop a constraint by name; ``type_`` ('foreignkey', 'primary',
        'unique', 'check') is needed by MySQL/MariaDB and batch mode."""
        _require_name(constraint_name, "constraint_name", "drop_constraint")
        _require_name(table_name, "table_name", "drop_constraint")
        if not constraint_name:
            raise CommandError(
                f"drop_constraint on table {table_name!r}: a constraint name is "
                "required"
            )
        op = cls(
            constraint_name, table_name, type_=type_, schema=schema, if_exists=if_exists
        )
        return operations.invoke(op)

    @classmethod
    def batch_drop_constraint(
        cls,
        operations: BatchOperations,
        constraint_name: str,
        type_: str | None = None,
    ) -> None:
        """Drop a constraint of the batch table."""
        _require_name(constraint_name, "constraint_name", "drop_constraint")
        op = cls(
            constraint_name,
            operations.impl.table_name,
            type_=type_,
            schema=operations.impl.schema,
        )
        return operations.invoke(op)


class _ColumnListConstraintOp(AddConstraintOp):
    """A constraint over a list of the table's columns (primary key, unique)."""

    #: the SchemaObjects method that builds the constraint
    _factory: str
    #: constraint attributes carried over by from_constraint when set
    _kept_attrs: tuple[str, ...] = ()

    def __init__(
        self,
        constraint_name: str | None,
        table_name: str,
        columns: Sequence[str],
        *,
        schema: str | None = None,
        **kw: Any,
    ) -> None:
        self.constraint_name = constraint_name
        self.table_name = table_name
        self.columns = columns
        self.schema = schema
        self.kw = kw

    @classmethod
    def from_constraint(cls, constraint: Constraint) -> Any:
        table = table_for_constraint(constraint)
        kw: dict[str, Any] = {
            attr: getattr(constraint, attr)
            for attr in cls._kept_attrs
            if getattr(constraint, attr)
        }
        kw.update(constraint.dialect_kwargs)
        return cls(
            constraint_name_or_none(constraint.name),
            table.name,
            [c.name for c in constraint.columns],  # type: ignore[attr-defined]
            schema=table.schema,
            **kw,
        )

    def to_constraint(self, migration_context: Any = None) -> Constraint:
        factory = getattr(SchemaObjects(migration_context), self._factory)
        return factory(
            self.constraint_name,
            self.table_name,
            self.columns,
            schema=self.schema,
            **self.kw,
        )


@Operations.register_operation("create_primary_key")
@BatchOperations.register_operation("create_primary_key", "batch_create_primary_key")
@AddConstraintOp.register_add_constraint("primary_key_constraint")
class CreatePrimaryKeyOp(_ColumnListConstraintOp):
    """Add a primary key constraint."""

    constraint_type = "primarykey"  # type: ignore[assignment]
    _factory = "primary_key_constraint"

    @classmethod
    def create_primary_key(
        cls,
        operations: Operations,
        constraint_name: str | None,
        table_name: str,
        columns: list[str],
        *,
        schema: str | None = None,
    ) -> None:
        """Add a primary key over ``columns`` to an existing table."""
        _require_name(constraint_name, "constraint_name", "create_primary_key")
        _require_name(table_name, "table_name", "create_primary_key")
        cols = _require_column_names(columns, "columns", "create_primary_key")
        return operations.invoke(cls(constraint_name, table_name, cols, schema=schema))

    @classmethod
    def batch_create_primary_key(
        cls,
        operations: BatchOperations,
        constraint_name: str | None,
        columns: list[str],
    ) -> None:
        """Add a primary key to the batch table."""
        cols = _require_column_names(columns, "columns", "create_primary_key")
        op = cls(
            constraint_name,
            operations.impl.table_name,
            cols,
            schema=operations.impl.schema,
        )
        return operations.invoke(op)


@Operations.register_operation("create_unique_constraint")
@BatchOperations.register_operation(
    "create_unique_constraint", "batch_create_unique_constraint"
)
@AddConstraintOp.register_add_constraint("unique_constraint")
class CreateUniqueConstraintOp(_ColumnListConstraintOp):
    """Add a unique constraint."""

    constraint_type = "unique"  # type: ignore[assignment]
    _factory = "unique_constraint"
    _kept_attrs = ("deferrable", "initially")

    @classmethod
    def create_unique_constraint(
        cls,
        operations: Operations,
        constraint_name: str | None,
        table_name: str,
        columns: Sequence[str],
        *,
        schema: str | None = None,
        **kw: Any,
    ) -> Any:
        """Add a unique constraint; ``deferrable``/``initially`` and dialect
        keywords pass through."""
        _require_name(constraint_name, "constraint_name", "create_unique_constraint")
        _require_name(table_name, "table_name", "create_unique_constraint")
        cols = _require_column_names(columns, "columns", "create_unique_constraint")
        op = cls(constraint_name, table_name, cols, schema=schema, **kw)
        return operations.invoke(op)

    @classmethod
    def batch_create_unique_constraint(
        cls,
        operations: BatchOperations,
        constraint_name: str | None,
        columns: Sequence[str],
        **kw: Any,
    ) -> Any:
        """Add a unique constraint to the batch table."""
        cols = _require_column_names(columns, "columns", "create_unique_constraint")
        kw["schema"] = operations.impl.schema
        op = cls(constraint_name, operations.impl.table_name, cols, **kw)
        return operations.invoke(op)


@Operations.register_operation("create_foreign_key")
@BatchOperations.register_operation("create_foreign_key", "batch_create_foreign_key")
@AddConstraintOp.register_add_constraint("foreign_key_constraint")
class CreateForeignKeyOp(AddConstraintOp):
    """Add a foreign key constraint."""

    constraint_type = "foreignkey"  # type: ignore[assignment]

    def __init__(
        self,
        constraint_name: str | None,
        source_table: str,
        referent_table: str,
        local_cols: list[str],
        remote_cols: list[str],
        **kw: Any,
    ) -> None:
        self.constraint_name = constraint_name
        self.source_table = source_table
        self.referent_table = referent_table
        self.local_cols = local_cols
        self.remote_cols = remote_cols
        self.kw = kw

    def to_diff_tuple(self) -> tuple[Any, ...]:
        return ("add_fk", self.to_constraint())

    @classmethod
    def from_constraint(cls, constraint: Constraint) -> CreateForeignKeyOp:
        fk: sa_schema.ForeignKeyConstraint = constraint  # type: ignore[assignment]
        kw: dict[str, Any] = {}
        for attr in ("onupdate", "ondelete", "initially", "deferrable", "match"):
            value = getattr(fk, attr)
            if value:
                kw[attr] = value
        if fk.use_alter:
            kw["use_alter"] = fk.use_alter
        source_table = fk.parent
        referent = fk.elements[0].column.table if fk.elements else None
        ref_table_name, ref_schema, remote_cols = _fk_referent(fk)
        if referent is not None:
            ref_table_name = referent.name
            ref_schema = referent.schema
            # the referenced columns by name (a spec may use a Column's key)
            remote_cols = [e.column.name for e in fk.elements]
        kw["source_schema"] = source_table.schema
        kw["referent_schema"] = ref_schema
        kw.update(fk.dialect_kwargs)
        return cls(
            constraint_name_or_none(fk.name),
            source_table.name,
            ref_table_name,
            [c.name for c in fk.columns] if fk.columns else list(fk.column_keys),
            remote_cols,
            **kw,
        )

    def to_constraint(self, migration_context: Any = None) -> Constraint:
        return SchemaObjects(migration_context).foreign_key_constraint(
            self.constraint_name,
            self.source_table,
            self.referent_table,
            self.local_cols,
            self.remote_cols,
            **self.kw,
        )

    @classmethod
    def create_foreign_key(
        cls,
        operations: Operations,
        constraint_name: str | None,
        source_table: str,
        referent_table: str,
        local_cols: list[str],
        remote_cols: list[str],
        *,
        onupdate: str | None = None,
        ondelete: str | None = None,
        deferrable: bool | None = None,
        initially: str | None = None,
        match: str | None = None,
        source_schema: str | None = None,
        referent_schema: str | None = None,
        **dialect_kw: Any,
    ) -> None:
        """Add a foreign key from ``source_table(local_cols)`` to
        ``referent_table(remote_cols)``."""
        _require_name(constraint_name, "constraint_name", "create_foreign_key")
        _require_name(source_table, "source_table", "create_foreign_key")
        op = cls._checked(
            constraint_name,
            source_table,
            referent_table,
            local_cols,
            remote_cols,
            onupdate=onupdate,
            ondelete=ondelete,
            deferrable=deferrable,
            source_schema=source_schema,
            referent_schema=referent_schema,
            initially=initially,
            match=match,
            **dialect_kw,
        )
        return operations.invoke(op)

    @classmethod
    def _checked(
        cls,
        constraint_name: str | None,
        source_table: str,
        referent_table: str,
        local_cols: list[str],
        remote_cols: list[str],
        **kw: Any,
    ) -> CreateForeignKeyOp:
        """The directive, once the referent and the column lists are checked."""
        name = "create_foreign_key"
        _require_name(referent_table, "referent_table", name)
        local = _require_column_names(local_cols, "local_cols", name)
        remote = _require_column_names(remote_cols, "remote_cols", name)
        return cls(constraint_name, source_table, referent_table, local, remote, **kw)

    @classmethod
    def batch_create_foreign_key(
        cls,
        operations: BatchOperations,
        constraint_name: str | None,
        referent_table: str,
        local_cols: list[str],
        remote_cols: list[str],
        *,
        referent_schema: str | None = None,
        onupdate: str | None = None,
        ondelete: str | None = None,
        deferrable: bool | None = None,
        initially: str | None = None,
        match: str | None = None,
        **dialect_kw: Any,
    ) -> None:
        """Add a foreign key from the batch table."""
        op = cls._checked(
            constraint_name,
            operations.impl.table_name,
            referent_table,
            local_cols,
            remote_cols,
            onupdate=onupdate,
            ondelete=ondelete,
            deferrable=deferrable,
            source_schema=operations.impl.schema,
            referent_schema=referent_schema,
            initially=initially,
            match=match,
            **dialect_kw,
        )
        return operations.invoke(op)


def _fk_referent(
    fk: sa_schema.ForeignKeyConstraint,
) -> tuple[str, str | None, list[str]]:
    """Referent table name, schema and columns, read from the FK's column specs."""
    specs = [e._get_colspec() for e in fk.elements]
    remote_cols = []
    table_key = ""
    for spec in specs:
        table_key, col = spec.rsplit(".", 1)
        remote_cols.append(col)
    if "." in table_key:
        schema, tname = table_key.rsplit(".", 1)
        return tname, schema, remote_cols
    return table_key, None, remote_cols


@Operations.register_operation("create_check_constraint")
@BatchOperations.register_operation(
    "create_check_constraint", "batch_create_check_constraint"
)
@AddConstraintOp.register_add_constraint("check_constraint")
@AddConstraintOp.register_add_constraint("table_or_column_check_constraint")
@AddConstraintOp.register_add_constraint("column_check_constraint")
class CreateCheckConstraintOp(AddConstraintOp):
    """Add a CHECK constraint."""

    constraint_type = "check"  # type: ignore[assignment]

    def __init__(
        self,
        constraint_name: str | None,
        table_name: str,
        condition: str | TextClause | Any,
        *,
        schema: str | None = None,
        **kw: Any,
    ) -> None:
        self.constraint_name = constraint_name
        self.table_name = table_name
        self.condition = condition
        self.schema = schema
        self.kw = kw

    @classmethod
    def from_constraint(cls, constraint: Constraint) -> CreateCheckConstraintOp:
        ck: sa_schema.CheckConstraint = constraint  # type: ignore[assignment]
        table = table_for_constraint(ck)
        return cls(
            constraint_name_or_none(ck.name),
            table.name,
            ck.sqltext,
            schema=table.schema,
            **ck.dialect_kwargs,
        )

    def to_constraint(self, migration_context: Any = None) -> Constraint:
        return SchemaObjects(migration_context).check_constraint(
            self.constraint_name,
            self.table_name,
            self.condition,
            schema=self.schema,
            **self.kw,
        )

    @classmethod
    def create_check_constraint(
        cls,
        operations: Operations,
        constraint_name: str | None,
        table_name: str,
        condition: str | Any,
        *,
        schema: str | None = None,
        **kw: Any,
    ) -> None:
        """Add a CHECK constraint; ``condition`` is SQL text or an expression."""
        _require_name(constraint_name, "constraint_name", "create_check_constraint")
        _require_name(table_name, "table_name", "create_check_constraint")
        if condition is None:
            raise CommandError(
                f"create_check_constraint on table {table_name!r}: a condition "
                "is required"
            )
        op = cls(constraint_name, table_name, condition, schema=schema, **kw)
        return operations.invoke(op)

    @classmethod
    def batch_create_check_constraint(
        cls,
        operations: BatchOperations,
        constraint_name: str | None,
        condition: str | Any,
        **kw: Any,
    ) -> None:
        """Add a CHECK constraint to the batch table."""
        op = cls(
            constraint_name,
            operations.impl.table_name,
            condition,
            schema=operations.impl.schema,
            **kw,
        )
        return operations.invoke(op)


@Operations.register_operation("create_exclude_constraint")
@BatchOperations.register_operation(
    "create_exclude_constraint", "batch_create_exclude_constraint"
)
@AddConstraintOp.register_add_constraint("exclude_constraint")
class CreateExcludeConstraintOp(AddConstraintOp):
    """Add a PostgreSQL EXCLUDE constraint."""

    constraint_type = "exclude"  # type: ignore[assignment]

    def __init__(
        self,
        constraint_name: str | None,
        table_name: str,
        elements: Sequence[tuple[Any, str]],
        *,
        where: Any = None,
        schema: str | None = None,
        _orig_constraint: Any = None,
        **kw: Any,
    ) -> None:
        self.constraint_name = constraint_name
        self.table_name = table_name
        self.elements = elements
        self.where = where
        self.schema = schema
        self._orig_constraint = _orig_constraint
        self.kw = kw

    @classmethod
    def from_constraint(cls, constraint: Constraint) -> CreateExcludeConstraintOp:
        table = table_for_constraint(constraint)
        elements = [
            (expr, op)
            for expr, _name, op in constraint._render_exprs  # type: ignore[attr-defined]
        ]
        kw: dict[str, Any] = {}
        for attr in ("deferrable", "initially", "using"):
            value = getattr(constraint, attr, None)
            if value:
                kw[attr] = value
        return cls(
            constraint_name_or_none(constraint.name),
            table.name,
            elements,
            where=getattr(constraint, "where", None),
            schema=table.schema,
            _orig_constraint=constraint,
            **kw,
        )

    def to_constraint(self, migration_context: Any = None) -> Constraint:
        from sqlalchemy.dialects.postgresql import ExcludeConstraint

        if self._orig_constraint is not None:
            return self._orig_constraint
        schema_obj = SchemaObjects(migration_context)
        table = schema_obj.table(self.table_name, schema=self.schema)
        elements = []
        for expr, operator in self.elements:
            if isinstance(expr, str) and expr not in table.c:
                table.append_column(sa_schema.Column(expr, sqltypes.NULLTYPE))
            elements.append((expr, operator))
        excl = ExcludeConstraint(
            *elements, name=self.constraint_name, where=self.where, **self.kw
        )
        table.append_constraint(excl)
        return excl

    @classmethod
    def create_exclude_constraint(
        cls,
        operations: Operations,
        constraint_name: str | None,
        table_name: str,
        *elements: Any,
        **kw: Any,
    ) -> None:
        """Add ``EXCLUDE USING ... (col WITH op, ...)``; PostgreSQL only.

        ``elements`` are ``(column_or_expression, operator)`` pairs; ``where``,
        ``using``, ``deferrable``, ``initially`` and ``schema`` are keywords.
        """
        _require_name(table_name, "table_name", "create_exclude_constraint")
        if not elements:
            raise CommandError(
                f"create_exclude_constraint on table {table_name!r}: at least one "
                "(column, operator) element is required"
            )
        return operations.invoke(cls(constraint_name, table_name, elements, **kw))

    @classmethod
    def batch_create_exclude_constraint(
        cls,
        operations: BatchOperations,
        constraint_name: str | None,
        *elements: Any,
        **kw: Any,
    ) -> None:
        """Add an EXCLUDE constraint to the batch table (PostgreSQL)."""
        kw["schema"] = operations.impl.schema
        op = cls(constraint_name, operations.impl.table_name, elements, **kw)
        return operations.invoke(op)


# --------------------------------------------------------------------------
# indexes
# --------------------------------------------------------------------------


@Operations.register_operation("create_index")
@BatchOperations.register_operation("create_index", "batch_create_index")
class CreateIndexOp(MigrateOperation):
    """Create an index."""

    def __init__(
        self,
        index_name: str | None,
        table_name: str,
        columns: Sequence[str | TextClause | Any],
        *,
        schema: str | None = None,
        unique: bool = False,
        if_not_exists: bool | None = None,
        **kw: Any,
    ) -> None:
        self.index_name = index_name
        self.table_name = table_name
        self.columns = columns
        self.schema = schema
        self.unique = unique
        self.if_not_exists = if_not_exists
        self.kw = kw

    def reverse(self) -> DropIndexOp:
        return DropIndexOp.from_index(self.to_index())

    def to_diff_tuple(self) -> tuple[Any, ...]:
        return ("add_index", self.to_index())

    @classmethod
    def from_index(cls, index: Index) -> CreateIndexOp:
        table = _table_of_index(index)
        return cls(
            index.name,
            table.name,
            [
                e.name if isinstance(e, sa_schema.Column) else e
                for e in index.expressions
            ],
            schema=table.schema,
            unique=bool(index.unique),
            **index.kwargs,
        )

    def to_index(self, migration_context: Any = None) -> Index:
        return SchemaObjects(migration_context).index(
            self.index_name,
            self.table_name,
            self.columns,
            schema=self.schema,
            unique=self.unique,
            **self.kw,
        )

    @classmethod
    def create_index(
        cls,
        operations: Operations,
        index_name: str | None,
        table_name: str,
        columns: Sequence[str | TextClause | Any],
        *,
        schema: str | None = None,
        unique: bool = False,
        if_not_exists: bool | None = None,
        **kw: Any,
    ) -> None:
        """Create an index; columns are names or ``text()``/SQL expressions,
        dialect keywords such as ``postgresql_where`` pass through."""
        _require_name(index_name, "index_name", "create_index")
        _require_name(table_name, "table_name", "create_index")
        if isinstance(columns, str) or not columns:
            raise CommandError(
                f"create_index {index_name!r} on table {table_name!r}: columns must "
                "be a non-empty list"
            )
        op = cls(
            index_name,
            table_name,
            list(columns),
            schema=schema,
            unique=unique,
            if_not_exists=if_not_exists,
            **kw,
        )
        return operations.invoke(op)

    @classmethod
    def batch_create_index(
        cls,
        operations: BatchOperations,
        index_name: str,
        columns: list[str],
        **kw: Any,
    ) -> None:
        """Create an index on the batch table."""
        op = cls(
            index_name,
            operations.impl.table_name,
            list(columns),
            schema=operations.impl.schema,
            **kw,
        )
        return operations.invoke(op)


def _table_of_index(index: Index) -> Table:
    if index.table is None:
        raise CommandError(
            f"index {index.name!r} is not attached to a table; a directive needs "
            "the table's name"
        )
    return index.table


@Operations.register_operation("drop_index")
@BatchOperations.register_operation("drop_index", "batch_drop_index")
class DropIndexOp(MigrateOperation):
    """Drop an index."""

    def __init__(
        self,
        index_name: str | Any,
        table_name: str | None = None,
        *,
        schema: str | None = None,
        if_exists: bool | None = None,
        _reverse: CreateIndexOp | None = None,
        **kw: Any,
    ) -> None:
        self.index_name = index_name
        self.table_name = table_name
        self.schema = schema
        self.if_exists = if_exists
        self._reverse = _reverse
        self.kw = kw

    def to_diff_tuple(self) -> tuple[Any, ...]:
        return ("remove_index", self.to_index())

    def reverse(self) -> CreateIndexOp:
        return CreateIndexOp.from_index(self.to_index())

    @classmethod
    def from_index(cls, index: Index) -> DropIndexOp:
        table = _table_of_index(index)
        return cls(
            index.name,
            table_name=table.name,
            schema=table.schema,
            _reverse=CreateIndexOp.from_index(index),
            **index.kwargs,
        )

    def to_index(self, migration_context: Any = None) -> Index:
        columns = self._reverse.columns if self._reverse is not None else ["x"]
        kw = dict(self.kw)
        if self._reverse is not None:
            kw.setdefault("unique", self._reverse.unique)
        return SchemaObjects(migration_context).index(
            self.index_name, self.table_name, columns, schema=self.schema, **kw
        )

    @classmethod
    def drop_index(
        cls,
        operations: Operations,
        index_name: str,
        table_name: str | None = None,
        *,
        schema: str | None = None,
        if_exists: bool | None = None,
        **kw: Any,
    ) -> None:
        """Drop an index; MySQL/MariaDB need ``table_name``."""
        _require_name(index_name, "index_name", "drop_index")
        _require_name(table_name, "table_name", "drop_index")
        if not index_name:
            raise CommandError("drop_index: an index name is required")
        op = cls(
            index_name, table_name=table_name, schema=schema, if_exists=if_exists, **kw
        )
        return operations.invoke(op)

    @classmethod
    def batch_drop_index(
        cls, operations: BatchOperations, index_name: str, **kw: Any
    ) -> None:
        """Drop an index of the batch table."""
        op = cls(
            index_name,
            table_name=operations.impl.table_name,
            schema=operations.impl.schema,
            **kw,
        )
        return operations.invoke(op)


# --------------------------------------------------------------------------
# tables
# --------------------------------------------------------------------------


@Operations.register_operation("create_table")
class CreateTableOp(MigrateOperation):
    """Create a table."""

    def __init__(
        self,
        table_name: str,
        columns: Sequence[Any],
        *,
        schema: str | None = None,
        if_not_exists: bool | None = None,
        _namespace_metadata: sa_schema.MetaData | None = None,
        _constraints_included: bool = False,
        **kw: Any,
    ) -> None:
        self.table_name = table_name
        self.columns = columns
        self.schema = schema
        self.if_not_exists = if_not_exists
        self.info = kw.pop("info", {})
        self.comment = kw.pop("comment", None)
        self.prefixes = kw.pop("prefixes", None)
        self.kw = kw
        self._namespace_metadata = _namespace_metadata
        self._constraints_included = _constraints_included

    def reverse(self) -> DropTableOp:
        return DropTableOp.from_table(
            self.to_table(), _namespace_metadata=self._namespace_metadata
        )

    def to_diff_tuple(self) -> tuple[Any, ...]:
        return ("add_table", self.to_table())

    @classmethod
    def from_table(
        cls, table: Table, *, _namespace_metadata: sa_schema.MetaData | None = None
    ) -> CreateTableOp:
        if _namespace_metadata is None:
            _namespace_metadata = table.metadata
        return cls(
            table.name,
            list(table.c) + list(table.constraints),
            schema=table.schema,
            _namespace_metadata=_namespace_metadata,
            _constraints_included=True,
            **_table_kw(table),
        )

    def to_table(self, migration_context: Any = None) -> Table:
        return _build_table(
            migration_context, self, self.columns, self._constraints_included, self.kw
        )

    @classmethod
    def create_table(
        cls,
        operations: Operations,
        table_name: str,
        *columns: Any,
        if_not_exists: bool | None = None,
        **kw: Any,
    ) -> Table:
        """Create a table from Column/Constraint/Index objects; returns the
        Table so it can be fed straight to ``bulk_insert``."""
        _require_name(table_name, "table_name", "create_table")
        if not table_name:
            raise CommandError("create_table: a table name is required")
        for item in columns:
            if isinstance(item, str):
                raise CommandError(
                    f"create_table {table_name!r}: got the string {item!r} where a "
                    "Column or Constraint object is expected"
                )
        op = cls(table_name, list(columns), if_not_exists=if_not_exists, **kw)
        return operations.invoke(op)


@Operations.register_operation("drop_table")
class DropTableOp(MigrateOperation):
    """Drop a table."""

    def __init__(
        self,
        table_name: str,
        *,
        schema: str | None = None,
        if_exists: bool | None = None,
        table_kw: dict[str, Any] | None = None,
        _reverse: CreateTableOp | None = None,
    ) -> None:
        self.table_name = table_name
        self.schema = schema
        self.if_exists = if_exists
        self.table_kw = table_kw or {}
        self.comment = self.table_kw.pop("comment", None)
        self.info = self.table_kw.pop("info", None)
        self.prefixes = self.table_kw.pop("prefixes", None)
        self._reverse = _reverse

    def to_diff_tuple(self) -> tuple[Any, ...]:
        return ("remove_table", self.to_table())

    def reverse(self) -> CreateTableOp:
        return CreateTableOp.from_table(self.to_table())

    @classmethod
    def from_table(
        cls, table: Table, *, _namespace_metadata: sa_schema.MetaData | None = None
    ) -> DropTableOp:
        return cls(
            table.name,
            schema=table.schema,
            table_kw=_table_kw(table),
            _reverse=CreateTableOp.from_table(
                table, _namespace_metadata=_namespace_metadata
            ),
        )

    def to_table(self, migration_context: Any = None) -> Table:
        create = self._reverse
        return _build_table(
            migration_context,
            self,
            create.columns if create is not None else [],
            create is not None and create._constraints_included,
            self.table_kw,
        )

    @classmethod
    def drop_table(
        cls,
        operations: Operations,
        table_name: str,
        *,
        schema: str | None = None,
        if_exists: bool | None = None,
        **kw: Any,
    ) -> None:
        """Drop a table."""
        _require_name(table_name, "table_name", "drop_table")
        op = cls(table_name, schema=schema, if_exists=if_exists, table_kw=kw)
        return operations.invoke(op)


def _table_kw(table: Table) -> dict[str, Any]:
    """A table's comment, info, prefixes and dialect keywords, as keywords."""
    return {
        "comment": table.comment,
        "info": dict(table.info),
        "prefixes": list(table._prefixes),
        **table.kwargs,
    }


def _build_table(
    migration_context: Any,
    op: CreateTableOp | DropTableOp,
    items: Sequence[Any],
    constraints_included: bool,
    table_kw: dict[str, Any],
) -> Table:
    """The Table a create/drop directive describes (comment, info, prefixes
    and dialect keywords included)."""
    kw = dict(table_kw)
    if op.prefixes:
        kw["prefixes"] = list(op.prefixes)
    return SchemaObjects(migration_context).table(
        op.table_name,
        *items,
        schema=op.schema,
        comment=op.comment,
        info=dict(op.info) if op.info else {},
        _constraints_included=constraints_included,
        **kw,
    )


class AlterTableOp(MigrateOperation):
    """Base of directives that ALTER one table."""

    def __init__(self, table_name: str, *, schema: str | None = None) -> None:
        self.table_name = table_name
        self.schema = schema


@Operations.register_operation("rename_table")
class RenameTableOp(AlterTableOp):
    """Rename a table."""

    def __init__(
        self, old_table_name: str, new_table_name: str, *, schema: str | None = None
    ) -> None:
        super().__init__(old_table_name, schema=schema)
        self.new_table_name = new_table_name

    def reverse(self) -> RenameTableOp:
        return RenameTableOp(self.new_table_name, self.table_name, schema=self.schema)

    def to_diff_tuple(self) -> tuple[Any, ...]:
        """``("rename_table", schema, old name, new name)`` (autogenerate
        produces it only for a confirmed rename)."""
        return ("rename_table", self.schema, self.table_name, self.new_table_name)

    @classmethod
    def rename_table(
        cls,
        operations: Operations,
        old_table_name: str,
        new_table_name: str,
        *,
        schema: str | None = None,
    ) -> None:
        """Rename a table."""
        _require_name(old_table_name, "old_table_name", "rename_table")
        _require_name(new_table_name, "new_table_name", "rename_table")
        return operations.invoke(cls(old_table_name, new_table_name, schema=schema))


@Operations.register_operation("create_table_comment")
@BatchOperations.register_operation(
    "create_table_comment", "batch_create_table_comment"
)
class CreateTableCommentOp(AlterTableOp):
    """Set a table's comment."""

    def __init__(
        self,
        table_name: str,
        comment: str | None,
        *,
        schema: str | None = None,
        existing_comment: str | None = None,
    ) -> None:
        self.table_name = table_name
        self.comment = comment
        self.existing_comment = existing_comment
        self.schema = schema

    @classmethod
    def create_table_comment(
        cls,
        operations: Operations,
        table_name: str,
        comment: str | None,
        *,
        existing_comment: str | None = None,
        schema: str | None = None,
    ) -> None:
        """Set (or replace) the comment on a table."""
        _require_name(table_name, "table_name", "create_table_comment")
        op = cls(table_name, comment, existing_comment=existing_comment, schema=schema)
        return operations.invoke(op)

    @classmethod
    def batch_create_table_comment(
        cls,
        operations: BatchOperations,
        comment: str | None,
        *,
        existing_comment: str | None = None,
    ) -> None:
        """Set the comment on the batch table."""
        op = cls(
            operations.impl.table_name,
            comment,
            existing_comment=existing_comment,
            schema=operations.impl.schema,
        )
        return operations.invoke(op)

    def reverse(self) -> MigrateOperation:
        if self.existing_comment is None:
            return DropTableCommentOp(
                self.table_name, existing_comment=self.comment, schema=self.schema
            )
        return CreateTableCommentOp(
            self.table_name,
            self.existing_comment,
            existing_comment=self.comment,
            schema=self.schema,
        )

    def to_table(self, migration_context: Any = None) -> Table:
        return SchemaObjects(migration_context).table(
            self.table_name, schema=self.schema, comment=self.comment
        )

    def to_diff_tuple(self) -> tuple[Any, ...]:
        return ("add_table_comment", self.to_table(), self.existing_comment)


@Operations.register_operation("drop_table_comment")
@BatchOperations.register_operation("drop_table_comment", "batch_drop_table_comment")
class DropTableCommentOp(AlterTableOp):
    """Remove a table's comment."""

    def __init__(
        self,
        table_name: str,
        *,
        schema: str | None = None,
        existing_comment: str | None = None,
    ) -> None:
        self.table_name = table_name
        self.existing_comment = existing_comment
        self.schema = schema

    @classmethod
    def drop_table_comment(
        cls,
        operations: Operations,
        table_name: str,
        *,
        existing_comment: str | None = None,
        schema: str | None = None,
    ) -> None:
        """Remove the comment on a table."""
        _require_name(table_name, "table_name", "drop_table_comment")
        op = cls(table_name, existing_comment=existing_comment, schema=schema)
        return operations.invoke(op)

    @classmethod
    def batch_drop_table_comment(
        cls, operations: BatchOperations, *, existing_comment: str | None = None
    ) -> None:
        """Remove the comment on the batch table."""
        op = cls(
            operations.impl.table_name,
            existing_comment=existing_comment,
            schema=operations.impl.schema,
        )
        return operations.invoke(op)

    def reverse(self) -> CreateTableCommentOp:
        return CreateTableCommentOp(
            self.table_name, self.existing_comment, schema=self.schema
        )

    def to_table(self, migration_context: Any = None) -> Table:
        return SchemaObjects(migration_context).table(
            self.table_name, schema=self.schema
        )

    def to_diff_tuple(self) -> tuple[Any, ...]:
        return ("remove_table_comment", self.to_table())


# --------------------------------------------------------------------------
# columns
# --------------------------------------------------------------------------

_MODIFY_KEY = re.compile(r"^(?:existing|modify)_(.+)$")

#: AlterColumnOp's diff kinds: (kind, attribute, the "unchanged" marker)
_DIFF_KINDS = (
    ("modify_type", "type", None),
    ("modify_nullable", "nullable", None),
    ("modify_default", "server_default", False),
    ("modify_comment", "comment", False),
)


@Operations.register_operation("alter_column")
@BatchOperations.register_operation("alter_column", "batch_alter_column")
class AlterColumnOp(AlterTableOp):
    """Change a column's nullability, type, default, comment or name."""

    def __init__(
        self,
        table_name: str,
        column_name: str,
        *,
        schema: str | None = None,
        existing_type: Any = None,
        existing_server_default: Any = False,
        existing_nullable: bool | None = None,
        existing_comment: str | None = None,
        modify_nullable: bool | None = None,
        modify_comment: str | None | bool = False,
        modify_server_default: Any = False,
        modify_name: str | None = None,
        modify_type: Any = None,
        **kw: Any,
    ) -> None:
        super().__init__(table_name, schema=schema)
        self.column_name = column_name
        self.existing_type = existing_type
        self.existing_server_default = existing_server_default
        self.existing_nullable = existing_nullable
        self.existing_comment = existing_comment
        self.modify_nullable = modify_nullable
        self.modify_comment = modify_comment
        self.modify_server_default = modify_server_default
        self.modify_name = modify_name
        self.modify_type = modify_type
        self.kw = kw

    def to_diff_tuple(self) -> list[tuple[Any, ...]]:
        """One ``modify_*`` tuple per changed attribute: kind, schema, table,
        column, the other attributes' existing values, old value, new value."""
        diffs: list[tuple[Any, ...]] = []
        where = (self.schema, self.table_name, self.column_name)
        for kind, attr, unchanged in _DIFF_KINDS:
            new = getattr(self, f"modify_{attr}")
            if new is unchanged:
                continue
            others = {
                f"existing_{other}": getattr(self, f"existing_{other}")
                for _, other, _ in _DIFF_KINDS
                if other != attr
            }
            diffs.append((kind, *where, others, getattr(self, f"existing_{attr}"), new))
        return diffs

    def has_changes(self) -> bool:
        if (
            self.modify_nullable is not None
            or self.modify_server_default is not False
            or self.modify_comment is not False
            or self.modify_type is not None
            or self.modify_name is not None
        ):
            return True
        return any(k.startswith("modify_") for k in self.kw)

    def reverse(self) -> AlterColumnOp:
        values = dict(self.kw)
        for _, attr, unchanged in _DIFF_KINDS:
            values[f"existing_{attr}"] = getattr(self, f"existing_{attr}")
            if getattr(self, f"modify_{attr}") is not unchanged:
                values[f"modify_{attr}"] = getattr(self, f"modify_{attr}")
        attrs = {m.group(1) for m in map(_MODIFY_KEY.match, values) if m}
        for attr in attrs:
            new_key, old_key = f"modify_{attr}", f"existing_{attr}"
            if new_key in values:
                values[new_key], values[old_key] = values.get(old_key), values[new_key]
        column_name = self.column_name
        if self.modify_name is not None:
            values["modify_name"] = self.column_name
            column_name = self.modify_name
        return self.__class__(
            self.table_name, column_name, schema=self.schema, **values
        )

    @classmethod
    def alter_column(
        cls,
        operations: Operations,
        table_name: str,
        column_name: str,
        *,
        nullable: bool | None = None,
        comment: str | None | bool = False,
        server_default: Any = False,
        new_column_name: str | None = None,
        type_: Any = None,
        existing_type: Any = None,
        existing_server_default: Any = False,
        existing_nullable: bool | None = None,
        existing_comment: str | None = None,
        schema: str | None = None,
        **kw: Any,
    ) -> None:
        """Alter a column; pass only what changes plus ``existing_*`` hints,
        which MySQL/MariaDB need to restate the whole column."""
        _require_name(table_name, "table_name", "alter_column")
        op = cls._from_api(
            table_name,
            column_name,
            schema=schema,
            nullable=nullable,
            comment=comment,
            server_default=server_default,
            new_column_name=new_column_name,
            type_=type_,
            existing_type=existing_type,
            existing_server_default=existing_server_default,
            existing_nullable=existing_nullable,
            existing_comment=existing_comment,
            **kw,
        )
        return operations.invoke(op)

    @classmethod
    def _from_api(
        cls,
        table_name: str,
        column_name: str,
        *,
        nullable: bool | None,
        comment: str | None | bool,
        server_default: Any,
        new_column_name: str | None,
        type_: Any,
        **kw: Any,
    ) -> AlterColumnOp:
        """The directive from ``op.alter_column``'s argument names (the new
        values are ``modify_*`` here)."""
        _require_name(column_name, "column_name", "alter_column")
        _require_name(new_column_name, "new_column_name", "alter_column")
        return cls(
            table_name,
            column_name,
            modify_name=new_column_name,
            modify_type=type_,
            modify_server_default=server_default,
            modify_nullable=nullable,
            modify_comment=comment,
            **kw,
        )

    @classmethod
    def batch_alter_column(
        cls,
        operations: BatchOperations,
        column_name: str,
        *,
        nullable: bool | None = None,
        comment: str | None | bool = False,
        server_default: Any = False,
        new_column_name: str | None = None,
        type_: Any = None,
        existing_type: Any = None,
        existing_server_default: Any = False,
        existing_nullable: bool | None = None,
        existing_comment: str | None = None,
        insert_before: str | None = None,
        insert_after: str | None = None,
        **kw: Any,
    ) -> None:
        """Alter a column of the batch table."""
        op = cls._from_api(
            operations.impl.table_name,
            column_name,
            schema=operations.impl.schema,
            nullable=nullable,
            comment=comment,
            server_default=server_default,
            new_column_name=new_column_name,
            type_=type_,
            existing_type=existing_type,
            existing_server_default=existing_server_default,
            existing_nullable=existing_nullable,
            existing_comment=existing_comment,
            insert_before=insert_before,
            insert_after=insert_after,
            **kw,
        )
        return operations.invoke(op)


@Operations.register_operation("add_column")
@BatchOperations.register_operation("add_column", "batch_add_column")
class AddColumnOp(AlterTableOp):
    """Add a column."""

    def __init__(
        self,
        table_name: str,
        column: Column[Any],
        *,
        schema: str | None = None,
        if_not_exists: bool | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(table_name, schema=schema)
        self.column = column
        self.if_not_exists = if_not_exists
        self.kw = kw

    def reverse(self) -> DropColumnOp:
        op = DropColumnOp.from_column_and_tablename(
            self.schema, self.table_name, self.column
        )
        op.if_exists = self.if_not_exists
        return op

    def to_diff_tuple(self) -> tuple[Any, ...]:
        return ("add_column", self.schema, self.table_name, self.column)

    def to_column(self) -> Column[Any]:
        return self.column

    @classmethod
    def from_column(cls, col: Column[Any]) -> AddColumnOp:
        return cls(col.table.name, col, schema=col.table.schema)

    @classmethod
    def from_column_and_tablename(
        cls, schema: str | None, tname: str, col: Column[Any]
    ) -> AddColumnOp:
        return cls(tname, col, schema=schema)

    @classmethod
    def add_column(
        cls,
        operations: Operations,
        table_name: str,
        column: Column[Any],
        *,
        schema: str | None = None,
        if_not_exists: bool | None = None,
        inline_references: bool | None = None,
        inline_primary_key: bool | None = None,
    ) -> None:
        """Add a column (a Column object) to an existing table.

        ``inline_references`` writes the column's single-column foreign key as
        ``REFERENCES`` in the ADD COLUMN itself; ``inline_primary_key`` writes
        ``PRIMARY KEY`` there (with ``primary_key=True`` on the Column).
        """
        _require_name(table_name, "table_name", "add_column")
        if not isinstance(column, sa_schema.Column):
            raise CommandError(
                f"add_column on table {table_name!r}: expected a Column object, got "
                f"{column!r}"
            )
        inline = {
            key: value
            for key, value in (
                ("inline_references", inline_references),
                ("inline_primary_key", inline_primary_key),
            )
            if value is not None
        }
        op = cls(
            table_name, column, schema=schema, if_not_exists=if_not_exists, **inline
        )
        return operations.invoke(op)

    @classmethod
    def batch_add_column(
        cls,
        operations: BatchOperations,
        column: Column[Any],
        *,
        insert_before: str | None = None,
        insert_after: str | None = None,
        if_not_exists: bool | None = None,
        inline_references: bool | None = None,
        inline_primary_key: bool | None = None,
    ) -> None:
        """Add a column to the batch table (``inline_*`` as in add_column; a
        rebuilt table declares its keys in CREATE TABLE anyway)."""
        if not isinstance(column, sa_schema.Column):
            raise CommandError(
                f"add_column on table {operations.impl.table_name!r}: expected a "
                f"Column object, got {column!r}"
            )
        kw: dict[str, Any] = {}
        if insert_before:
            kw["insert_before"] = insert_before
        if insert_after:
            kw["insert_after"] = insert_after
        if inline_references is not None:
            kw["inline_references"] = inline_references
        if inline_primary_key is not None:
            kw["inline_primary_key"] = inline_primary_key
        op = cls(
            operations.impl.table_name,
            column,
            schema=operations.impl.schema,
            if_not_exists=if_not_exists,
            **kw,
        )
        return operations.invoke(op)


@Operations.register_operation("drop_column")
@BatchOperations.register_operation("drop_column", "batch_drop_column")
class DropColumnOp(AlterTableOp):
    """Drop a column."""

    def __init__(
        self,
        table_name: str,
        column_name: str,
        *,
        schema: str | None = None,
        if_exists: bool | None = None,
        _reverse: AddColumnOp | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(table_name, schema=schema)
        self.column_name = column_name
        self.kw = kw
        self.if_exists = if_exists
        self._reverse = _reverse

    def to_diff_tuple(self) -> tuple[Any, ...]:
        return ("remove_column", self.schema, self.table_name, self.to_column())

    def reverse(self) -> AddColumnOp:
        if self._reverse is None:
            raise ValueError(
                f"drop_column {self.table_name}.{self.column_name} is not reversible: "
                "the original column is not known"
            )
        return AddColumnOp.from_column_and_tablename(
            self.schema, self.table_name, self._reverse.column
        )

    @classmethod
    def from_column_and_tablename(
        cls, schema: str | None, tname: str, col: Column[Any]
    ) -> DropColumnOp:
        return cls(
            tname,
            col.name,
            schema=schema,
            _reverse=AddColumnOp.from_column_and_tablename(schema, tname, col),
        )

    def to_column(self, migration_context: Any = None) -> Column[Any]:
        if self._reverse is not None:
            return self._reverse.column
        return SchemaObjects(migration_context).column(
            self.column_name, sqltypes.NULLTYPE
        )

    @classmethod
    def drop_column(
        cls,
        operations: Operations,
        table_name: str,
        column_name: str,
        *,
        schema: str | None = None,
        **kw: Any,
    ) -> None:
        """Drop a column; on MSSQL-style backends dialect keywords may drop
        dependent defaults/constraints first."""
        _require_name(table_name, "table_name", "drop_column")
        _require_name(column_name, "column_name", "drop_column")
        op = cls(table_name, column_name, schema=schema, **kw)
        return operations.invoke(op)

    @classmethod
    def batch_drop_column(
        cls, operations: BatchOperations, column_name: str, **kw: Any
    ) -> None:
        """Drop a column of the batch table."""
        _require_name(column_name, "column_name", "drop_column")
        op = cls(
            operations.impl.table_name,
            column_name,
            schema=operations.impl.schema,
            **kw,
        )
        return operations.invoke(op)


# --------------------------------------------------------------------------
# data and raw SQL
# --------------------------------------------------------------------------


@Operations.register_operation("bulk_insert")
class BulkInsertOp(MigrateOperation):
    """Insert rows (a list of dicts) into a table."""

    def __init__(
        self,
        table: Table | Any,
        rows: list[dict[str, Any]],
        *,
        multiinsert: bool = True,
    ) -> None:
        self.table = table
        self.rows = rows
        self.multiinsert = multiinsert

    @classmethod
    def bulk_insert(
        cls,
        operations: Operations,
        table: Table | Any,
        rows: list[dict[str, Any]],
        *,
        multiinsert: bool = True,
    ) -> None:
        """Insert ``rows`` into ``table`` (a Table or ``sa.table()``); offline
        each row becomes a literal INSERT statement."""
        if isinstance(table, str) or not hasattr(table, "insert"):
            raise CommandError(
                f"bulk_insert: expected a Table or sa.table() construct, got {table!r}"
            )
        if isinstance(rows, dict):
            raise CommandError(
                f"bulk_insert into {table.name!r}: rows must be a list of dicts"
            )
        return operations.invoke(cls(table, list(rows), multiinsert=multiinsert))


@Operations.register_operation("execute")
@BatchOperations.register_operation("execute", "batch_execute")
class ExecuteSQLOp(MigrateOperation):
    """Run a SQL string, ``text()`` or any executable SQL expression."""

    def __init__(
        self,
        sqltext: str | Any,
        *,
        execution_options: dict[str, Any] | None = None,
    ) -> None:
        self.sqltext = sqltext
        self.execution_options = execution_options

    @classmethod
    def execute(
        cls,
        operations: Operations,
        sqltext: str | Any,
        *,
        execution_options: dict[str, Any] | None = None,
    ) -> None:
        """Execute SQL; use ``op.inline_literal()`` for values so offline
        ``--sql`` output stays runnable."""
        if sqltext is None:
            raise CommandError("execute: no SQL given")
        return operations.invoke(cls(sqltext, execution_options=execution_options))

    @classmethod
    def batch_execute(
        cls,
        operations: BatchOperations,
        sqltext: str | Any,
        *,
        execution_options: dict[str, Any] | None = None,
    ) -> None:
        """Execute SQL from inside a batch block (runs when it is reached)."""
        return cls.execute(operations, sqltext, execution_options=execution_options)


# --------------------------------------------------------------------------
# containers
# --------------------------------------------------------------------------


class OpContainer(MigrateOperation):
    """A list of directives."""

    def __init__(self, ops: Iterable[MigrateOperation] = ()) -> None:
        self.ops = list(ops)

    def is_empty(self) -> bool:
        return not self.ops

    def leaf_ops(self) -> Iterator[MigrateOperation]:
        """The directives inside, nested containers walked through, in order."""
        for op in self.ops:
            if isinstance(op, OpContainer):
                yield from op.leaf_ops()
            else:
                yield op

    def as_diffs(self) -> list[Any]:
        """One diff per directive, as ``compare_metadata`` returns them: a
        column's several changes stay one nested list of ``modify_*`` tuples."""
        return [op.to_diff_tuple() for op in self.leaf_ops()]


class ModifyTableOps(OpContainer):
    """The directives that change one existing table."""

    def __init__(
        self,
        table_name: str,
        ops: Sequence[MigrateOperation],
        *,
        schema: str | None = None,
    ) -> None:
        super().__init__(ops)
        self.table_name = table_name
        self.schema = schema

    def reverse(self) -> ModifyTableOps:
        return ModifyTableOps(
            self.table_name,
            ops=list(reversed([op.reverse() for op in self.ops])),
            schema=self.schema,
        )


class UpgradeOps(OpContainer):
    """The directives of a revision's ``upgrade()``."""

    def __init__(
        self,
        ops: Sequence[MigrateOperation] = (),
        upgrade_token: str = "upgrades",
    ) -> None:
        super().__init__(ops=ops)
        self.upgrade_token = upgrade_token

    def reverse_into(self, downgrade_ops: DowngradeOps) -> DowngradeOps:
        downgrade_ops.ops[:] = list(reversed([op.reverse() for op in self.ops]))
        return downgrade_ops

    def reverse(self) -> DowngradeOps:
        return self.reverse_into(DowngradeOps(ops=[]))


class DowngradeOps(OpContainer):
    """The directives of a revision's ``downgrade()``."""

    def __init__(
        self,
        ops: Sequence[MigrateOperation] = (),
        downgrade_token: str = "downgrades",
    ) -> None:
        super().__init__(ops=ops)
        self.downgrade_token = downgrade_token

    def reverse(self) -> UpgradeOps:
        return UpgradeOps(ops=list(reversed([op.reverse() for op in self.ops])))


class MigrationScript(MigrateOperation):
    """A whole revision file to write: ids, message and the two op lists.

    ``upgrade_ops``/``downgrade_ops`` are the single containers; with the
    multidb template there are several, in ``upgrade_ops_list`` /
    ``downgrade_ops_list``.
    """

    def __init__(
        self,
        rev_id: str | None,
        upgrade_ops: UpgradeOps | list[UpgradeOps],
        downgrade_ops: DowngradeOps | list[DowngradeOps],
        *,
        message: str | None = None,
        imports: set[str] | None = None,
        head: str | None = None,
        splice: bool | None = None,
        branch_label: Any = None,
        version_path: str | None = None,
        depends_on: Any = None,
    ) -> None:
        self.rev_id = rev_id
        self.message = message
        self.imports = imports if imports is not None else set()
        self.head = head
        self.splice = splice
        self.branch_label = branch_label
        self.version_path = version_path
        self.depends_on = depends_on
        self.upgrade_ops = upgrade_ops  # type: ignore[assignment]
        self.downgrade_ops = downgrade_ops  # type: ignore[assignment]

    @property
    def upgrade_ops(self) -> UpgradeOps:
        if len(self._upgrade_ops) > 1:
            raise ValueError(
                "this MigrationScript has several UpgradeOps; use upgrade_ops_list"
            )
        return self._upgrade_ops[0] if self._upgrade_ops else None  # type: ignore[return-value]

    @upgrade_ops.setter
    def upgrade_ops(self, value: UpgradeOps | list[UpgradeOps]) -> None:
        self._upgrade_ops = _as_list(value)
        for elem in self._upgrade_ops:
            if not isinstance(elem, UpgradeOps):
                raise TypeError(f"expected UpgradeOps, got {elem!r}")

    @property
    def downgrade_ops(self) -> DowngradeOps:
        if len(self._downgrade_ops) > 1:
            raise ValueError(
                "this MigrationScript has several DowngradeOps; use downgrade_ops_list"
            )
        return self._downgrade_ops[0] if self._downgrade_ops else None  # type: ignore[return-value]

    @downgrade_ops.setter
    def downgrade_ops(self, value: DowngradeOps | list[DowngradeOps]) -> None:
        self._downgrade_ops = _as_list(value)
        for elem in self._downgrade_ops:
            if not isinstance(elem, DowngradeOps):
                raise TypeError(f"expected DowngradeOps, got {elem!r}")

    @property
    def upgrade_ops_list(self) -> list[UpgradeOps]:
        return self._upgrade_ops

    @property
    def downgrade_ops_list(self) -> list[DowngradeOps]:
        return self._downgrade_ops


def _as_list(value: Any) -> list[Any]:
    """None, one item or a list/tuple of them, as a list."""
    return list(to_tuple(value))


# directives that live in modules of their own, importable from here as well
from schemadiff.operations.ops_enum import (  # noqa: E402
    CreateEnumOp,
    DropEnumOp,
    SyncEnumValuesOp,
)
from schemadiff.operations.ops_sequence import (  # noqa: E402
    AlterSequenceOp,
    CreateSequenceOp,
    DropSequenceOp,
)

__all__ += [
    "CreateEnumOp",
    "DropEnumOp",
    "SyncEnumValuesOp",
    "AlterSequenceOp",
    "CreateSequenceOp",
    "DropSequenceOp",
]
