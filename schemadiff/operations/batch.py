"""Batch mode: collect the ALTERs on one table, then apply them.

Where the backend can ALTER in place the calls are replayed as they are.
Otherwise (SQLite, or ``recreate="always"``) the table is rebuilt "move and
copy": a new table with the final shape is created under a temporary name, the
rows are copied over in their existing order, the old table is dropped and the
new one renamed; indexes are then created again.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import cast, select
from sqlalchemy import schema as sa_schema
from sqlalchemy import types as sqltypes
from sqlalchemy.exc import DBAPIError, NoSuchTableError, SAWarning
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import ClauseElement, quoted_name

from schemadiff.error_class import also_instance_of
from schemadiff.operations.schemaobj import constraint_name_or_none
from schemadiff.util import CommandError

log = logging.getLogger(__name__)


class BatchOperationsImpl:
    """Stands in for the dialect impl inside ``batch_alter_table``: records calls."""

    def __init__(
        self,
        operations: Any,
        table_name: str,
        schema: str | None,
        recreate: str,
        copy_from: sa_schema.Table | None,
        table_args: tuple[Any, ...],
        table_kwargs: dict[str, Any],
        reflect_args: tuple[Any, ...],
        reflect_kwargs: dict[str, Any],
        naming_convention: dict[str, str] | None,
        partial_reordering: Sequence[tuple[str, ...]] | None,
    ) -> None:
        self.operations = operations
        self.table_name = table_name
        self.schema = schema
        self.recreate = recreate
        self.copy_from = copy_from
        self.table_args = table_args
        self.table_kwargs = dict(table_kwargs)
        self.reflect_args = reflect_args
        self.reflect_kwargs = dict(reflect_kwargs)
        self.naming_convention = naming_convention
        self.partial_reordering = partial_reordering or ()
        self.batch: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    @property
    def dialect(self) -> Any:
        return self.operations.impl.dialect

    @property
    def impl(self) -> Any:
        return self.operations.impl

    @property
    def __dialect__(self) -> str:  # used by Operations.invoke for dispatch
        return self.operations.impl.__dialect__

    def _record(self, _method: str, /, *args: Any, **kw: Any) -> None:
        self.batch.append((_method, args, kw))

    # every impl method a directive's implementation may call
    def add_column(self, *args: Any, **kw: Any) -> None:
        self._record("add_column", *args, **kw)

    def drop_column(self, *args: Any, **kw: Any) -> None:
        self._record("drop_column", *args, **kw)

    def alter_column(self, *args: Any, **kw: Any) -> None:
        self._record("alter_column", *args, **kw)

    def add_constraint(self, *args: Any, **kw: Any) -> None:
        self._record("add_constraint", *args, **kw)

    def drop_constraint(self, *args: Any, **kw: Any) -> None:
        self._record("drop_constraint", *args, **kw)

    def create_index(self, *args: Any, **kw: Any) -> None:
        self._record("create_index", *args, **kw)

    def drop_index(self, *args: Any, **kw: Any) -> None:
        self._record("drop_index", *args, **kw)

    def create_table_comment(self, *args: Any, **kw: Any) -> None:
        self._record("create_table_comment", *args, **kw)

    def drop_table_comment(self, *args: Any, **kw: Any) -> None:
        self._record("drop_table_comment", *args, **kw)

    def rename_table(self, *args: Any, **kw: Any) -> None:
        raise CommandError(
            f"batch_alter_table({self.table_name!r}): rename_table is not supported "
            "inside a batch block; call op.rename_table() outside it"
        )

    def create_table(self, *args: Any, **kw: Any) -> None:
        raise CommandError("create_table can't be used inside batch_alter_table")

    def drop_table(self, *args: Any, **kw: Any) -> None:
        raise CommandError("drop_table can't be used inside batch_alter_table")

    def bulk_insert(self, *args: Any, **kw: Any) -> None:
        raise CommandError("bulk_insert can't be used inside batch_alter_table")

    # -------------------------------------------------------------- apply
    def flush(self) -> None:
        """Apply the recorded operations: in place, or by rebuilding the table."""
        if not self.batch:
            return
        impl = self.operations.impl
        if self.recreate == "always":
            rebuild = True
        elif self.recreate == "never":
            rebuild = False
        else:
            rebuild = impl.requires_recreate_in_batch(self)
        where = f"batch_alter_table({self.table_name!r})"
        if not rebuild:
            for name, args, kw in self.batch:
                try:
                    getattr(impl, name)(*args, **kw)
                except DBAPIError as err:
                    raise _batch_error(where, name, args, err) from err
                except NoSuchTableError as err:
                    raise CommandError(
                        f"{where}: table {self.table_name!r} does not exist"
                    ) from err
            return

        metadata = sa_schema.MetaData(naming_convention=self.naming_convention or {})
        if self.copy_from is not None:
            existing = self.copy_from
            reflected = False
        else:
            if impl.as_sql:
                raise CommandError(
                    f"{where}: offline (--sql) mode can't inspect the table; pass "
                    "copy_from=Table(...) describing it"
                )
            try:
                with warnings.catch_warnings():
                    # the impl adds those indexes itself (complete_reflected_table)
                    warnings.filterwarnings(
                        "ignore",
                        message="Skipped unsupported reflection of expression-based",
                        category=SAWarning,
                    )
                    existing = sa_schema.Table(
                        self.table_name,
                        metadata,
                        *self.reflect_args,
                        schema=self.schema,
                        autoload_with=self.operations.migration_context.bind,
                        **self.reflect_kwargs,
                    )
            except NoSuchTableError as err:
                raise CommandError(
                    f"{where}: table {self.table_name!r} does not exist"
                ) from err
            impl.complete_reflected_table(existing)
            reflected = True
        rebuild_impl = ApplyBatchImpl(
            impl,
            existing,
            self.table_args,
            self.table_kwargs,
            reflected,
            partial_reordering=self.partial_reordering,
        )
        for name, args, kw in self.batch:
            getattr(rebuild_impl, name)(*args, **kw)
        try:
            rebuild_impl._create(impl)
        except DBAPIError as err:
            detail = str(getattr(err, "orig", err)).strip().splitlines()
            error = CommandError(
                f"{where}: rebuilding the table failed: {detail[0] if detail else err}"
            )
            raise also_instance_of(error, err) from err


def _batch_error(where: str, name: str, args: tuple[Any, ...], err: Any) -> Exception:
    detail = str(getattr(err, "orig", err)).strip().splitlines()
    target = ""
    if len(args) >= 2 and isinstance(args[1], str):
        target = f" {args[1]!r}"
    elif len(args) >= 2 and hasattr(args[1], "name"):
        target = f" {args[1].name!r}"
    elif args and hasattr(args[0], "name"):
        target = f" {args[0].name!r}"
    error = CommandError(
        f"{where}: {name}{target} failed: {detail[0] if detail else err}"
    )
    return also_instance_of(error, err) if isinstance(err, BaseException) else error


def _columns_of(const: Any) -> list[sa_schema.Column[Any]]:
    """The table columns a constraint or index refers to (expressions included)."""
    if isinstance(const, sa_schema.ForeignKeyConstraint):
        return [fk.parent for fk in const.elements]
    if isinstance(const, sa_schema.CheckConstraint):
        return []
    if isinstance(const, sa_schema.Index):
        cols: list[sa_schema.Column[Any]] = []
        for expr in const.expressions:
            if isinstance(expr, sa_schema.Column):
                cols.append(expr)
            elif isinstance(expr, ClauseElement):
                from sqlalchemy.sql import visitors

                cols.extend(
                    c for c in visitors.iterate(expr) if isinstance(c, sa_schema.Column)
                )
        return cols
    return list(getattr(const, "columns", []))


def _is_type_bound(const: Any) -> bool:
    return bool(getattr(const, "_type_bound", False))


class ApplyBatchImpl:
    """Compute the rebuilt table from the existing one and the recorded changes."""

    def __init__(
        self,
        impl: Any,
        table: sa_schema.Table,
        table_args: tuple[Any, ...],
        table_kwargs: dict[str, Any],
        reflected: bool,
        partial_reordering: Iterable[tuple[str, ...]] = (),
    ) -> None:
        self.impl = impl
        self.table = table
        self.table_args = table_args
        self.table_kwargs = dict(table_kwargs)
        self.reflected = reflected
        self.partial_reordering = [tuple(p) for p in partial_reordering]
        self.temp_table_name = f"_schemadiff_tmp_{table.name}"
        self.new_table: sa_schema.Table | None = None
        self.table_comment = table.comment
        # keyed by the ORIGINAL column key; a rename changes only .name
        self.columns: dict[str, sa_schema.Column[Any]] = {}
        self.column_transfers: dict[str, dict[str, Any]] = {}
        self.order: list[str] = []
        for col in table.c:
            copy = col._copy()
            # the copy keeps its own key; constraints are remapped by key
            self.columns[col.key] = copy
            self.column_transfers[col.key] = {"expr": col}
            self.order.append(col.key)
        self.named_constraints: dict[str, Any] = {}
        self.unnamed_constraints: list[Any] = []
        self.pk_columns: list[str] = [c.key for c in table.primary_key.columns]
        self.pk_name = constraint_name_or_none(table.primary_key.name)
        self.pk_kwargs = dict(table.primary_key.dialect_kwargs)
        for const in table.constraints:
            if isinstance(const, sa_schema.PrimaryKeyConstraint):
                continue
            if _is_type_bound(const):
                continue
            name = constraint_name_or_none(const.name)
            if name:
                self.named_constraints[name] = const
            else:
                self.unnamed_constraints.append(const)
        self.indexes: dict[str, sa_schema.Index] = {
            idx.name: idx for idx in table.indexes if idx.name  # type: ignore[misc]
        }
        self.new_indexes: dict[str, sa_schema.Index] = {}
        for key, value in table.kwargs.items():
            self.table_kwargs.setdefault(key, value)

    # ---------------------------------------------------------- helpers
    def _key_for(self, name: str, where: str) -> str:
        """Find a column by its current name (after renames)."""
        for key, col in self.columns.items():
            if col.name == name:
                return key
        raise CommandError(f"{where}: table {self.table.name!r} has no column {name!r}")

    def _place(
        self, key: str, before: str | None, after: str | None, where: str
    ) -> None:
        if before is None and after is None:
            return
        self.order.remove(key)
        anchor = self._key_for(before or after, where)  # type: ignore[arg-type]
        pos = self.order.index(anchor)
        self.order.insert(pos if before else pos + 1, key)

    # ---------------------------------------------------------- operations
    def add_column(
        self,
        table_name: str,
        column: sa_schema.Column[Any],
        insert_before: str | None = None,
        insert_after: str | None = None,
        if_not_exists: bool | None = None,
        **kw: Any,
    ) -> None:
        where = f"add_column {table_name}.{column.name}"
        if any(c.name == column.name for c in self.columns.values()):
            if if_not_exists:
                return
            raise CommandError(f"{where}: the column already exists")
        copy = column._copy()
        key = copy.key
        while key in self.columns:
            key = f"{key}_"
            copy.key = key
        self.columns[key] = copy
        self.order.append(key)
        self._place(key, insert_before, insert_after, where)
        if copy.primary_key:
            self.pk_columns.append(key)
        # a ForeignKey on the Column is bound to its stand-in table and isn't
        # copied with it; carry it over as a table-level constraint
        for fk in column.foreign_keys:
            owner = fk.constraint
            self.unnamed_constraints.append(
                sa_schema.ForeignKeyConstraint(
                    [copy.name],
                    [fk._get_colspec()],
                    name=owner.name if owner is not None else None,
                    ondelete=fk.ondelete,
                    onupdate=fk.onupdate,
                    deferrable=fk.deferrable,
                    initially=fk.initially,
                )
            )

    def drop_column(
        self,
        table_name: str,
        column: sa_schema.Column[Any],
        if_exists: bool | None = None,
        **kw: Any,
    ) -> None:
        where = f"drop_column {table_name}.{column.name}"
        try:
            key = self._key_for(column.name, where)
        except CommandError:
            if if_exists:
                return
            raise
        del self.columns[key]
        self.column_transfers.pop(key, None)
        self.order.remove(key)
        if key in self.pk_columns:
            self.pk_columns.remove(key)
        # the named CHECK of the column's Boolean/Enum type goes with it (read
        # back from the database it is a plain CHECK on a column now gone)
        for type_ in (kw.get("existing_type"), column.type):
            name = constraint_name_or_none(getattr(type_, "name", None))
            if name and isinstance(type_, sqltypes.SchemaType):
                self.named_constraints.pop(name, None)

    def alter_column(
        self,
        table_name: str,
        column_name: str,
        nullable: bool | None = None,
        server_default: Any = False,
        name: str | None = None,
        type_: Any = None,
        autoincrement: bool | None = None,
        comment: Any = False,
        insert_before: str | None = None,
        insert_after: str | None = None,
        **kw: Any,
    ) -> None:
        where = f"alter_column {table_name}.{column_name}"
        key = self._key_for(column_name, where)
        col = self.columns[key]
        transfer = self.column_transfers.get(key)
        if name is not None and name != column_name:
            if any(c.name == name for c in self.columns.values()):
                raise CommandError(f"{where}: a column named {name!r} already exists")
            col.name = name
        if type_ is not None:
            type_ = sqltypes.to_instance(type_)
            if transfer is not None and (
                type_._type_affinity is not col.type._type_affinity
                or repr(type_) != repr(col.type)
            ):
                transfer["expr"] = cast(transfer["expr"], type_)
            # a type's own constraints (Boolean/Enum CHECK) follow the new type
            col.type = type_
        if nullable is not None:
            col.nullable = nullable
        if server_default is not False:
            if server_default is None or isinstance(
                server_default, sa_schema.DefaultClause
            ):
                col.server_default = server_default
            else:
                col.server_default = sa_schema.DefaultClause(server_default)
        if autoincrement is not None:
            col.autoincrement = autoincrement
        if comment is not False:
            col.comment = comment
        self._place(key, insert_before, insert_after, where)

    def add_constraint(self, const: sa_schema.Constraint) -> None:
        name = constraint_name_or_none(const.name)
        if isinstance(const, sa_schema.PrimaryKeyConstraint):
            where = "create_primary_key"
            self.pk_columns = [self._key_for(c.name, where) for c in const.columns]
            self.pk_name = name
            return
        if not name:
            # e.g. the CHECK of a new column type (Enum/Boolean with
            # create_constraint) that has no name: it goes into the rebuilt
            # table as it is (it can't be dropped by name later, as anywhere)
            self.unnamed_constraints.append(const)
            return
        self.named_constraints[name] = const

    def drop_constraint(
        self, const: sa_schema.Constraint, if_exists: bool | None = None
    ) -> None:
        name = constraint_name_or_none(const.name)
        where = f"drop_constraint {name!r} on table {self.table.name!r}"
        if not name:
            raise CommandError(f"{where}: a constraint name is required")
        if isinstance(const, sa_schema.PrimaryKeyConstraint) or (
            self.pk_name is not None and name == self.pk_name
        ):
            if self.pk_name in (None, name):
                for key in self.pk_columns:
                    self.columns[key].primary_key = False
                self.pk_columns = []
                self.pk_name = None
                return
        if name in self.named_constraints:
            del self.named_constraints[name]
            return
        if if_exists:
            return
        raise CommandError(f"{where}: no such constraint")

    def create_index(self, index: sa_schema.Index, **kw: Any) -> None:
        self.new_indexes[index.name] = index  # type: ignore[index]

    def drop_index(self, index: sa_schema.Index, if_exists: bool | None = None) -> None:
        if index.name in self.new_indexes:
            del self.new_indexes[index.name]  # type: ignore[arg-type]
            return
        try:
            del self.indexes[index.name]  # type: ignore[arg-type]
        except KeyError:
            if not if_exists:
                raise CommandError(
                    f"drop_index {index.name!r} on table {self.table.name!r}: no such "
                    "index"
                ) from None

    def create_table_comment(self, table: sa_schema.Table) -> None:
        self.table_comment = table.comment

    def drop_table_comment(self, table: sa_schema.Table) -> None:
        self.table_comment = None

    # ---------------------------------------------------------- rebuild
    def _final_order(self) -> list[str]:
        if not self.partial_reordering:
            return list(self.order)
        names = {self.columns[k].name: k for k in self.order}
        edges: dict[str, set[str]] = {k: set() for k in self.order}
        for group in self.partial_reordering:
            keys = []
            for name in group:
                if name not in names:
                    raise CommandError(
                        f"batch_alter_table({self.table.name!r}): partial_reordering "
                        f"names unknown column {name!r}"
                    )
                keys.append(names[name])
            for earlier, later in zip(keys, keys[1:]):
                edges[later].add(earlier)
        result: list[str] = []
        pending = list(self.order)
        while pending:
            for key in pending:
                if edges[key] <= set(result):
                    result.append(key)
                    pending.remove(key)
                    break
            else:
                raise CommandError(
                    f"batch_alter_table({self.table.name!r}): partial_reordering is "
                    "contradictory"
                )
        return result

    def _build_new_table(self) -> sa_schema.Table:
        metadata = sa_schema.MetaData()
        schema = self.table.schema
        columns = []
        for key in self._final_order():
            col = self.columns[key]
            col.primary_key = key in self.pk_columns
            if col.primary_key:
                col.nullable = False
            columns.append(col)
        kwargs = dict(self.table_kwargs)
        if self.table_comment is not None:
            kwargs["comment"] = self.table_comment
        new_table = sa_schema.Table(
            self.temp_table_name,
            metadata,
            *columns,
            *self.table_args,
            schema=schema,
            **kwargs,
        )
        if self.pk_columns:
            pk = sa_schema.PrimaryKeyConstraint(
                *[new_table.c[k] for k in self.pk_columns],
                name=self.pk_name,
                **self.pk_kwargs,
            )
            new_table.append_constraint(pk)
        for const in [*self.named_constraints.values(), *self.unnamed_constraints]:
            copied = self._copy_constraint(const, new_table, metadata)
            if copied is not None:
                new_table.append_constraint(copied)
        return new_table

    def _copy_constraint(
        self, const: Any, new_table: sa_schema.Table, metadata: sa_schema.MetaData
    ) -> Any:
        if isinstance(const, sa_schema.CheckConstraint):
            return sa_schema.CheckConstraint(
                const.sqltext,
                name=const.name,
                deferrable=const.deferrable,
                initially=const.initially,
                **const.dialect_kwargs,
            )
        cols = []
        for col in _columns_of(const):
            key = self._key_for_source(col)
            if key is None:
                return None  # refers to a dropped column: it goes with it
            cols.append(key)
        if isinstance(const, sa_schema.ForeignKeyConstraint):
            targets = []
            for element in const.elements:
                spec = element._get_colspec()
                table_key, ref_col = spec.rsplit(".", 1)
                ref_schema, ref_name = (
                    table_key.rsplit(".", 1) if "." in table_key else (None, table_key)
                )
                if ref_name == self.temp_table_name:
                    ref_name = self.table.name
                _stub_table(metadata, ref_name, ref_schema, ref_col, self, new_table)
                targets.append(
                    f"{ref_schema}.{ref_name}.{ref_col}"
                    if ref_schema
                    else f"{ref_name}.{ref_col}"
                )
            return sa_schema.ForeignKeyConstraint(
                [new_table.c[k] for k in cols],
                targets,
                name=const.name,
                onupdate=const.onupdate,
                ondelete=const.ondelete,
                deferrable=const.deferrable,
                initially=const.initially,
                match=const.match,
                **const.dialect_kwargs,
            )
        if isinstance(const, sa_schema.UniqueConstraint):
            return sa_schema.UniqueConstraint(
                *[new_table.c[k] for k in cols],
                name=const.name,
                deferrable=const.deferrable,
                initially=const.initially,
                **const.dialect_kwargs,
            )
        return const._copy(target_table=new_table)

    def _key_for_source(self, col: Any) -> str | None:
        """Map a column of the old table, or of a stand-in table, to our key."""
        if getattr(col, "table", None) is self.table:
            return col.key if col.key in self.columns else None
        for key, mine in self.columns.items():
            if mine.name == col.name:
                return key
        return None

    def _on_new_table(self, expr: Any, new_table: sa_schema.Table) -> Any:
        """An index expression (``col.desc()``, ``lower(col)``) over the new
        table's columns; None when one of its columns is dropped."""
        if not isinstance(expr, ClauseElement):
            return expr
        gone = False

        def swap(element: Any) -> Any:
            nonlocal gone
            if not isinstance(element, sa_schema.Column):
                return None
            key = self._key_for_source(element)
            if key is None:
                gone = True
                return element
            return new_table.c[key]

        moved = visitors.replacement_traverse(expr, {}, swap)
        return None if gone else moved

    def _rebuilt_indexes(self, new_table: sa_schema.Table) -> list[sa_schema.Index]:
        result = []
        for idx in [*self.indexes.values(), *self.new_indexes.values()]:
            exprs = []
            dropped = False
            for expr in idx.expressions:
                if isinstance(expr, sa_schema.Column):
                    key = self._key_for_source(expr)
                    if key is None:
                        dropped = True
                        break
                    exprs.append(new_table.c[key])
                else:
                    moved = self._on_new_table(expr, new_table)
                    if moved is None:
                        dropped = True
                        break
                    exprs.append(moved)
            if dropped:
                continue
            result.append(
                sa_schema.Index(
                    idx.name,
                    *exprs,
                    unique=idx.unique,
                    _table=new_table,
                    **idx.dialect_kwargs,
                )
            )
        return result

    def _create(self, op_impl: Any) -> None:
        new_table = self._build_new_table()
        self.new_table = new_table
        op_impl.prep_table_for_batch(self, self.table)
        op_impl.create_table(new_table)
        # a generated (computed) column can't be written: the new table
        # computes it again from the copied columns
        copy_keys = [
            k
            for k in self._final_order()
            if k in self.column_transfers and new_table.c[k].computed is None
        ]
        try:
            if copy_keys:
                op_impl._exec(
                    new_table.insert()
                    .inline()
                    .from_select(
                        [new_table.c[k] for k in copy_keys],
                        select(
                            *[self.column_transfers[k]["expr"] for k in copy_keys]
                        ).select_from(self.table),
                    )
                )
            op_impl.drop_table(self.table)
        except BaseException:
            op_impl.drop_table(new_table)
            raise
        op_impl.rename_table(
            self.temp_table_name, self.table.name, schema=self.table.schema
        )
        new_table.name = quoted_name(self.table.name, None)  # type: ignore[assignment]
        try:
            for idx in self._rebuilt_indexes(new_table):
                op_impl.create_index(idx)
        finally:
            new_table.name = self.temp_table_name  # type: ignore[assignment]


def _stub_table(
    metadata: sa_schema.MetaData,
    name: str,
    schema: str | None,
    column: str,
    batch: ApplyBatchImpl,
    new_table: sa_schema.Table,
) -> None:
    """Give a foreign key's referent a minimal table so the DDL can render."""
    if name == batch.table.name and schema == batch.table.schema:
        # self-referential: the referent is the table being rebuilt
        pass
    key = f"{schema}.{name}" if schema else name
    if key in metadata.tables:
        ref = metadata.tables[key]
    else:
        ref = sa_schema.Table(name, metadata, schema=schema)
    if column not in ref.c:
        ref.append_column(sa_schema.Column(column, sqltypes.NULLTYPE))
