"""Build throw-away SQLAlchemy schema objects from the names a migration script gives.

Revision scripts talk in strings ("drop constraint uq_x on table t"); SQLAlchemy's
DDL constructs want Table / Constraint / Index objects.  These helpers make minimal
stand-ins in a private MetaData, carrying the naming convention of the target
metadata so that ``op.f()`` and convention-made names behave as in the models.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import schema as sa_schema
from sqlalchemy import types as sqltypes
from sqlalchemy.sql import elements, visitors
from sqlalchemy.sql.base import _NONE_NAME

from schemadiff.util import CommandError

__all__ = ["SchemaObjects", "table_for_constraint", "copy_schema_item"]


def table_for_constraint(constraint: sa_schema.Constraint) -> sa_schema.Table:
    """The Table a constraint belongs to (an FK's parent table, not the referent)."""
    if isinstance(constraint, sa_schema.ForeignKeyConstraint):
        table = constraint.parent
    else:
        table = constraint.table
    if table is None:
        raise CommandError(
            f"constraint {constraint.name!r} is not attached to a table; "
            "give the table name"
        )
    return table


def copy_schema_item(item: Any, **kw: Any) -> Any:
    """Copy a Column or Constraint (SQLAlchemy spells the method ``_copy``)."""
    return item._copy(**kw)


def constraint_name_or_none(name: Any) -> str | None:
    """Treat SQLAlchemy's "not yet named" marker as no name."""
    if name is None or name is _NONE_NAME:
        return None
    return name


def _textual_index_column(table: sa_schema.Table, item: Any) -> Any:
    """Turn one entry of an index column list into something Index accepts.

    Strings are column names; ``text()`` and other SQL expressions (functional
    indexes) pass through unchanged.
    """
    if isinstance(item, sa_schema.Column):
        item = item.name
    if isinstance(item, str):
        return _column_on(table, item)
    if isinstance(item, elements.TextClause):
        return item
    if isinstance(item, elements.ColumnElement):
        return _rebind_expression(table, item)
    raise CommandError(
        f"index column must be a column name or SQL expression, got {item!r}"
    )


def _column_on(table: sa_schema.Table, name: str) -> sa_schema.Column:
    if name in table.c:
        return table.c[name]
    col = sa_schema.Column(name, sqltypes.NULLTYPE)
    table.append_column(col)
    return col


def _rebind_expression(table: sa_schema.Table, expr: Any) -> Any:
    """Copy an expression, pointing its column references at ``table``."""

    def swap(element: Any) -> Any:
        if isinstance(element, sa_schema.Column) and element.table is not table:
            return _column_on(table, element.name)
        return None

    return visitors.replacement_traverse(expr, {}, swap)


class SchemaObjects:
    """Factory for the stand-in schema objects an operation needs."""

    def __init__(self, migration_context: Any = None) -> None:
        self.migration_context = migration_context

    # -- containers ---------------------------------------------------------
    def metadata(self) -> sa_schema.MetaData:
        """A fresh MetaData sharing the target metadata's naming convention."""
        kw: dict[str, Any] = {}
        ctx = self.migration_context
        opts = getattr(ctx, "opts", None) or {}
        target = opts.get("target_metadata")
        if isinstance(target, (list, tuple)):
            target = target[0] if target else None
        convention = getattr(target, "naming_convention", None)
        if convention:
            kw["naming_convention"] = convention
        return sa_schema.MetaData(**kw)

    def table(self, name: str, *items: Any, **kw: Any) -> sa_schema.Table:
        """A Table holding the given columns/constraints, copied if already owned."""
        constraints_included = kw.pop("_constraints_included", False)
        metadata = self.metadata()
        columns = []
        others = []
        for item in items:
            if isinstance(item, sa_schema.Column):
                columns.append(
                    copy_schema_item(item) if item.table is not None else item
                )
            elif isinstance(item, (sa_schema.Constraint, sa_schema.Index)):
                others.append(item)
            elif item is not None:
                raise CommandError(
                    f"table {name!r}: expected Column, Constraint or Index objects, "
                    f"got {item!r}"
                )
        table = sa_schema.Table(name, metadata, *columns, **kw)
        for item in others:
            if constraints_included and getattr(item, "_column_flag", False):
                # made again by the copied Column(unique=True) itself
                continue
            if isinstance(item, sa_schema.Index):
                self._attach_index(table, item)
            elif getattr(item, "parent", None) is not None and item.parent is not table:
                table.append_constraint(copy_schema_item(item, target_table=table))
            else:
                table.append_constraint(item)
        for fk in list(table.foreign_keys):
            self._ensure_table_for_fk(metadata, fk)
        return table

    def _attach_index(self, table: sa_schema.Table, index: sa_schema.Index) -> None:
        if index.table is table:
            return
        exprs = []
        for expr in index.expressions:
            if isinstance(expr, sa_schema.Column) and expr.name in table.c:
                exprs.append(table.c[expr.name])
            else:
                exprs.append(expr)
        sa_schema.Index(
            index.name,
            *exprs,
            unique=index.unique,
            _table=table,
            **index.dialect_kwargs,
        )

    def column(self, name: str, type_: Any, **kw: Any) -> sa_schema.Column:
        return sa_schema.Column(name, type_, **kw)

    # -- constraints ---------------------------------------------------------
    def primary_key_constraint(
        self,
        name: str | None,
        table_name: str,
        cols: Sequence[str],
        schema: str | None = None,
        **dialect_kw: Any,
    ) -> sa_schema.PrimaryKeyConstraint:
        table = self.table(
            table_name,
            *[sa_schema.Column(n, sqltypes.NULLTYPE) for n in cols],
            schema=schema,
        )
        pk = sa_schema.PrimaryKeyConstraint(
            *[table.c[n] for n in cols], name=name, **dialect_kw
        )
        table.append_constraint(pk)
        return pk

    def foreign_key_constraint(
        self,
        name: str | None,
        source: str,
        referent: str,
        local_cols: Sequence[str],
        remote_cols: Sequence[str],
        onupdate: str | None = None,
        ondelete: str | None = None,
        deferrable: bool | None = None,
        source_schema: str | None = None,
        referent_schema: str | None = None,
        initially: str | None = None,
        match: str | None = None,
        **dialect_kw: Any,
    ) -> sa_schema.ForeignKeyConstraint:
        if len(local_cols) != len(remote_cols):
            raise CommandError(
                f"foreign key {name!r} on {source!r}: {len(local_cols)} local "
                f"column(s) but {len(remote_cols)} referent column(s)"
            )
        metadata = self.metadata()
        if source == referent and source_schema == referent_schema:
            names = list(dict.fromkeys(list(local_cols) + list(remote_cols)))
            sa_schema.Table(
                source,
                metadata,
                *[sa_schema.Column(n, sqltypes.NULLTYPE) for n in names],
                schema=source_schema,
            )
        else:
            sa_schema.Table(
                referent,
                metadata,
                *[sa_schema.Column(n, sqltypes.NULLTYPE) for n in remote_cols],
                schema=referent_schema,
            )
            sa_schema.Table(
                source,
                metadata,
                *[sa_schema.Column(n, sqltypes.NULLTYPE) for n in local_cols],
                schema=source_schema,
            )
        table = metadata.tables[
            f"{source_schema}.{source}" if source_schema else source
        ]
        ref_prefix = f"{referent_schema}.{referent}" if referent_schema else referent
        fk = sa_schema.ForeignKeyConstraint(
            list(local_cols),
            [f"{ref_prefix}.{c}" for c in remote_cols],
            name=name,
            onupdate=onupdate,
            ondelete=ondelete,
            deferrable=deferrable,
            initially=initially,
            match=match,
            **dialect_kw,
        )
        table.append_constraint(fk)
        return fk

    def unique_constraint(
        self,
        name: str | None,
        source: str,
        local_cols: Sequence[str],
        schema: str | None = None,
        **kw: Any,
    ) -> sa_schema.UniqueConstraint:
        table = self.table(
            source,
            *[sa_schema.Column(n, sqltypes.NULLTYPE) for n in local_cols],
            schema=schema,
        )
        uq = sa_schema.UniqueConstraint(
            *[table.c[n] for n in local_cols], name=name, **kw
        )
        table.append_constraint(uq)
        return uq

    def check_constraint(
        self,
        name: str | None,
        source: str,
        condition: Any,
        schema: str | None = None,
        **kw: Any,
    ) -> sa_schema.CheckConstraint:
        table = self.table(
            source, sa_schema.Column("x", sqltypes.Integer), schema=schema
        )
        ck = sa_schema.CheckConstraint(condition, name=name, **kw)
        table.append_constraint(ck)
        return ck

    def generic_constraint(
        self,
        name: str | None,
        table_name: str,
        type_: str | None,
        schema: str | None = None,
        **kw: Any,
    ) -> sa_schema.Constraint:
        """A named constraint of the given kind, enough to emit DROP CONSTRAINT."""
        table = self.table(table_name, schema=schema)
        makers = {
            "foreignkey": lambda n: sa_schema.ForeignKeyConstraint([], [], name=n),
            "primary": lambda n: sa_schema.PrimaryKeyConstraint(name=n),
            "unique": lambda n: sa_schema.UniqueConstraint(name=n),
            "check": lambda n: sa_schema.CheckConstraint("", name=n),
            None: lambda n: sa_schema.Constraint(name=n),
        }
        try:
            maker = makers[type_]
        except KeyError:
            raise CommandError(
                f"drop_constraint {name!r} on table {table_name!r}: type_ must be one "
                f"of 'foreignkey', 'primary', 'unique', 'check' or None, "
                f"not {type_!r}"
            ) from None
        const = maker(name)
        table.append_constraint(const)
        return const

    def index(
        self,
        name: str | None,
        table_name: str | None,
        columns: Iterable[Any],
        schema: str | None = None,
        **kw: Any,
    ) -> sa_schema.Index:
        table = sa_schema.Table(
            table_name or "no_table", self.metadata(), schema=schema
        )
        exprs = [_textual_index_column(table, c) for c in columns]
        _add_included_columns(table, kw)
        kw["_table"] = table
        return sa_schema.Index(name, *exprs, **kw)

    # -- helpers -------------------------------------------------------------
    @staticmethod
    def _parse_table_key(table_key: str) -> tuple[str | None, str]:
        if "." in table_key:
            schema, tname = table_key.rsplit(".", 1)
            return schema, tname
        return None, table_key

    def _ensure_table_for_fk(
        self, metadata: sa_schema.MetaData, fk: sa_schema.ForeignKey
    ) -> None:
        """Give a string-targeted ForeignKey a stub referent so DDL can render it."""
        colspec = fk._colspec  # type: ignore[attr-defined]
        if not isinstance(colspec, str):
            return
        table_key, cname = colspec.rsplit(".", 1)
        sname, tname = self._parse_table_key(table_key)
        if table_key in metadata.tables:
            ref = metadata.tables[table_key]
        else:
            ref = sa_schema.Table(tname, metadata, schema=sname)
        if cname not in ref.c:
            ref.append_column(sa_schema.Column(cname, sqltypes.NULLTYPE))


def _add_included_columns(table: sa_schema.Table, kw: dict[str, Any]) -> None:
    """Give the stand-in table the columns an index only INCLUDEs
    (``postgresql_include=["col"]``, ``mssql_include``): the dialect looks them
    up by name when it compiles CREATE INDEX."""
    for key, value in kw.items():
        if not key.endswith("_include") or value is None:
            continue
        for column in [value] if isinstance(value, str) else value:
            if isinstance(column, str) and column not in table.c:
                table.append_column(sa_schema.Column(column, sqltypes.NULLTYPE))
