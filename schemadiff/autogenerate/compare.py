"""Compare two normalised schema models and emit migration directives.

:func:`compare_models` is a pure function of the two models and the options:
it touches no database.  Like Django's autodetector it has one small step per
kind of change (tables, columns, indexes and uniques, foreign keys, CHECK
constraints, table comments), each appending directives from
:mod:`schemadiff.operations.ops`.

Order inside one table follows what can be applied safely: new columns, then
column changes, then foreign key drops, index/unique and CHECK drops,
index/unique and CHECK creations, foreign key creations, the table comment,
and finally dropped columns (so an index, key or check on a column is gone
before the column is).  Foreign
keys go out before and come back after the indexes because MySQL/MariaDB refuse
to drop an index a foreign key still needs.  Downgrades are the exact reverse.

User extensions hook in through :data:`comparators`::

    @comparators.dispatch_for("table")
    def compare_grants(autogen_context, modify_table_ops, schema, tname,
                       conn_table, metadata_table): ...
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.sql import naming
from sqlalchemy.sql.naming import conv

from schemadiff.autogenerate.compare_checks import (
    conditions_differ,
    type_without_tracked_check,
)
from schemadiff.autogenerate.compare_computed import computed_changed
from schemadiff.autogenerate.compare_indexes import index_options_differ
from schemadiff.autogenerate.compare_keys import compare_primary_keys
from schemadiff.autogenerate.model import (
    CheckModel,
    ColumnModel,
    ForeignKeyModel,
    IndexModel,
    SchemaModel,
    TableKey,
    TableModel,
    identity_differs,
    schema_key,
)
from schemadiff.operations import ops

if TYPE_CHECKING:
    from schemadiff.autogenerate.api import AutogenContext

log = logging.getLogger(__name__)


class Dispatcher:
    """Registry of comparison functions by target ("schema", "table", "column").

    ``qualifier`` restricts a function to one dialect name; "default" runs on
    every dialect.
    """

    def __init__(self) -> None:
        self._registry: dict[tuple[str, str], list[Callable[..., Any]]] = defaultdict(
            list
        )

    def dispatch_for(
        self, target: str, qualifier: str = "default"
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        if target not in ("schema", "table", "column"):
            raise ValueError(
                f"comparators target must be 'schema', 'table' or 'column', "
                f"not {target!r}"
            )

        def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
            self._registry[(target, qualifier)].append(fn)
            return fn

        return decorate

    def dispatch(self, target: str, qualifier: str = "default") -> Callable[..., None]:
        """A callable running every function registered for ``target``."""
        fns = list(self._registry.get((target, "default"), ()))
        if qualifier != "default":
            fns += self._registry.get((target, qualifier), ())

        def go(*arg: Any, **kw: Any) -> None:
            for fn in fns:
                fn(*arg, **kw)

        return go

    def has(self, target: str, qualifier: str = "default") -> bool:
        return bool(
            self._registry.get((target, "default"))
            or self._registry.get((target, qualifier))
        )


#: user-extensible comparison hooks (see module docstring)
comparators = Dispatcher()


def compare_models(
    autogen_context: AutogenContext,
    upgrade_ops: ops.UpgradeOps,
    conn: SchemaModel,
    meta: SchemaModel,
) -> None:
    """Append to ``upgrade_ops`` what turns ``conn`` into ``meta``."""
    ctx = autogen_context
    conn_keys = set(conn.tables)
    meta_keys = set(meta.tables)

    new_keys = [
        key
        for key in meta.order
        if key not in conn_keys
        and ctx.run_object_filters(meta.tables[key].table, key[1], "table", False, None)
    ]
    deferred = _foreign_keys_to_defer(ctx, meta, new_keys)
    for key in new_keys:
        tmodel = meta.tables[key]
        create = ops.CreateTableOp.from_table(tmodel.table)
        create.columns = [c for c in create.columns if c not in deferred]
        upgrade_ops.ops.append(create)
        modify = ops.ModifyTableOps(key[1], [], schema=key[0])
        for index in tmodel.indexes:
            if not index.is_constraint and _include(ctx, index, "index", False, None):
                modify.ops.append(ops.CreateIndexOp.from_index(index.obj))
        _dispatch_table(ctx, modify, key, None, tmodel.table)
        if not modify.is_empty():
            upgrade_ops.ops.append(modify)
    for key in new_keys:
        late = [
            ops.CreateForeignKeyOp.from_constraint(fk)
            for fk in meta.tables[key].table.foreign_key_constraints
            if fk in deferred
        ]
        if late:
            upgrade_ops.ops.append(ops.ModifyTableOps(key[1], late, schema=key[0]))

    for key in reversed(conn.order):
        if key in meta_keys:
            continue
        tmodel = conn.tables[key]
        if not ctx.run_object_filters(tmodel.table, key[1], "table", True, None):
            continue
        modify = ops.ModifyTableOps(key[1], [], schema=key[0])
        for index in tmodel.indexes:
            if not index.is_constraint and _include(ctx, index, "index", True, None):
                modify.ops.append(ops.DropIndexOp.from_index(index.obj))
        _dispatch_table(ctx, modify, key, tmodel.table, None)
        if not modify.is_empty():
            upgrade_ops.ops.append(modify)
        upgrade_ops.ops.append(ops.DropTableOp.from_table(tmodel.table))

    for key in sorted(conn_keys & meta_keys, key=lambda k: (k[0] or "", k[1])):
        conn_t, meta_t = conn.tables[key], meta.tables[key]
        if ctx.has_object_filters and not ctx.run_object_filters(
            meta_t.table, key[1], "table", False, conn_t.table
        ):
            continue
        modify = ops.ModifyTableOps(key[1], [], schema=key[0])
        column_drops = _compare_columns(ctx, modify, key, conn_t, meta_t)
        index_drops, index_adds = _compare_indexes(ctx, conn_t, meta_t)
        fk_drops, fk_adds = _compare_foreign_keys(ctx, conn_t, meta_t)
        check_drops, check_adds = _compare_checks(ctx, key, conn_t, meta_t)
        pk_drops, pk_adds = compare_primary_keys(ctx, conn_t, meta_t)
        modify.ops.extend(
            fk_drops
            + pk_drops
            + index_drops
            + check_drops
            + pk_adds
            + index_adds
            + check_adds
            + fk_adds
        )
        _compare_table_comment(ctx, modify, key, conn_t, meta_t)
        if comparators.has("table", ctx.dialect.name):
            _dispatch_table(ctx, modify, key, conn_t.table, meta_t.table)
        modify.ops.extend(column_drops)
        if not modify.is_empty():
            upgrade_ops.ops.append(modify)


def _include(
    ctx: AutogenContext,
    item: IndexModel | ForeignKeyModel,
    type_: str,
    reflected: bool,
    compare_to: Any,
) -> bool:
    if not ctx.has_object_filters:
        return True  # no reflected object built just to be offered to one
    if isinstance(item, IndexModel) and item.is_constraint:
        type_ = "unique_constraint"
    return ctx.run_object_filters(item.obj, item.name, type_, reflected, compare_to)


def _dispatch_table(
    ctx: AutogenContext,
    modify: ops.ModifyTableOps,
    key: tuple[str | None, str],
    conn_table: sa.Table | None,
    meta_table: sa.Table | None,
) -> None:
    if comparators.has("table", ctx.dialect.name):
        comparators.dispatch("table", ctx.dialect.name)(
            ctx, modify, key[0], key[1], conn_table, meta_table
        )


# --------------------------------------------------------------------- columns
def _compare_columns(
    ctx: AutogenContext,
    modify: ops.ModifyTableOps,
    key: tuple[str | None, str],
    conn_t: TableModel,
    meta_t: TableModel,
) -> list[ops.MigrateOperation]:
    """Add and alter columns in place; return the drops (they go last)."""
    schema, tname = key
    rules = _ColumnRules.of(ctx)
    for name, col in meta_t.columns.items():
        if name in conn_t.columns:
            continue
        if ctx.run_object_filters(col.column, name, "column", False, None):
            column = _column_to_add(ctx, col.column, meta_t)
            modify.ops.append(
                ops.AddColumnOp.from_column_and_tablename(schema, tname, column)
            )

    for name, meta_col in meta_t.columns.items():
        conn_col = conn_t.columns.get(name)
        if conn_col is None:
            continue
        if ctx.has_object_filters and not ctx.run_object_filters(
            meta_col.column, name, "column", False, conn_col.column
        ):
            continue
        if computed_changed(ctx.normaliser, conn_col, meta_col):
            modify.ops.append(
                ops.DropColumnOp.from_column_and_tablename(
                    schema, tname, conn_col.column
                )
            )
            column = _column_to_add(ctx, meta_col.column, meta_t)
            modify.ops.append(
                ops.AddColumnOp.from_column_and_tablename(schema, tname, column)
            )
            continue
        alter = _compare_column(ctx, key, conn_col, meta_col, rules)
        if alter is None:
            continue
        alter.modify_type = type_without_tracked_check(alter.modify_type, name, meta_t)
        if alter.has_changes():
            modify.ops.append(alter)

    drops: list[ops.MigrateOperation] = []
    for name, col in conn_t.columns.items():
        if name in meta_t.columns:
            continue
        if ctx.run_object_filters(col.column, name, "column", True, None):
            drops.append(
                ops.DropColumnOp.from_column_and_tablename(schema, tname, col.column)
            )
    return drops


def _column_to_add(
    ctx: AutogenContext, column: sa.Column[Any], meta_t: TableModel
) -> sa.Column[Any]:
    """The column as ``add_column`` should get it.

    Where ADD COLUMN can't create the named CHECK of the column's type
    (SQLite), that check becomes a ``create_check_constraint`` of its own
    (see :func:`_compare_checks`), and the column is added with a copy of its
    type that does not make the check again under another name.
    """
    if ctx.normaliser.add_column_creates_type_checks:
        return column
    if not any(c.type_bound and column.name in c.columns for c in meta_t.checks):
        return column
    type_ = column.type.copy()
    type_.create_constraint = False  # type: ignore[attr-defined]
    copied = column._copy()
    copied.type = type_
    return copied


class _ColumnRules(NamedTuple):
    """What decides a column comparison, looked up once per table rather
    than once per column."""

    hooks: bool
    compare_type: Any
    compare_server_default: Any
    comments: bool

    @classmethod
    def of(cls, ctx: AutogenContext) -> _ColumnRules:
        return cls(
            comparators.has("column", ctx.dialect.name),
            ctx.opts.get("compare_type", True),
            ctx.opts.get("compare_server_default", False),
            ctx.normaliser.supports_comments,
        )


def _compare_column(
    ctx: AutogenContext,
    key: tuple[str | None, str],
    conn: ColumnModel,
    meta: ColumnModel,
    rules: _ColumnRules,
) -> ops.AlterColumnOp | None:
    """The column's ALTER, or None when nothing differs and no column
    comparator is registered (the reflected Column is then never built)."""
    normaliser = ctx.normaliser
    nullable_changed = conn.nullable != meta.nullable
    type_changed = _types_differ(ctx, conn, meta, rules.compare_type)
    # a generated column has no default of its own; a changed one is
    # replaced as a whole (see compare_computed)
    default_change = None
    if conn.computed_sig is None and meta.computed_sig is None:
        default_change = _default_or_identity_change(
            ctx, conn, meta, rules.compare_server_default
        )
    comment_changed = rules.comments and conn.comment != meta.comment
    if not (
        rules.hooks
        or nullable_changed
        or type_changed
        or default_change
        or comment_changed
    ):
        return None

    conn_col, meta_col = conn.column, meta.column
    alter = ops.AlterColumnOp(
        key[1],
        conn.name,
        schema=key[0],
        existing_type=conn_col.type,
        existing_server_default=conn_col.server_default,
        existing_nullable=conn.nullable,
        existing_comment=conn.comment if normaliser.supports_comments else None,
    )
    if nullable_changed:
        alter.modify_nullable = meta.nullable
    if type_changed:
        alter.modify_type = meta_col.type
    if default_change == "identity":
        alter.modify_server_default = meta_col.identity
        if conn_col.identity is not None:
            # what the downgrade restores
            alter.existing_server_default = conn_col.identity
    elif default_change == "default":
        alter.modify_server_default = meta_col.server_default
    if comment_changed:
        alter.modify_comment = meta.comment
    return _column_hooks(ctx, key, conn, meta, alter)


def _default_or_identity_change(
    ctx: AutogenContext, conn: ColumnModel, meta: ColumnModel, option: Any
) -> str | None:
    """ "identity", "default" or None: what of the server default changed."""
    if conn.identity is not None or meta.identity is not None:
        if ctx.normaliser.supports_identity and identity_differs(
            conn.identity, meta.identity
        ):
            return "identity"
        return None
    if _defaults_differ(ctx, conn, meta, option):
        return "default"
    return None


def _column_hooks(
    ctx: AutogenContext,
    key: tuple[str | None, str],
    conn: ColumnModel,
    meta: ColumnModel,
    alter: ops.AlterColumnOp,
) -> ops.AlterColumnOp:
    """The user's "column" comparators get the last word."""
    if comparators.has("column", ctx.dialect.name):
        comparators.dispatch("column", ctx.dialect.name)(
            ctx, alter, key[0], key[1], conn.name, conn.column, meta.column
        )
    return alter


def _types_differ(
    ctx: AutogenContext, conn: ColumnModel, meta: ColumnModel, option: Any
) -> bool:
    if option is False:
        return False
    if callable(option):
        conn_col, meta_col = conn.column, meta.column
        verdict = option(
            ctx.migration_context, conn_col, meta_col, conn_col.type, meta_col.type
        )
        if verdict is not None:
            return bool(verdict)
    return not ctx.normaliser.types_equivalent(conn.type_, meta.type_)


def _defaults_differ(
    ctx: AutogenContext, conn: ColumnModel, meta: ColumnModel, option: Any
) -> bool:
    if option is False:
        return False
    if callable(option):
        conn_text = ctx.normaliser.reflected_default_text(conn.column)
        meta_text = ctx.normaliser.metadata_default_text(meta.column)
        verdict = option(
            ctx.migration_context,
            conn.column,
            meta.column,
            conn_text,
            meta.column.server_default,
            meta_text,
        )
        if verdict is not None:
            return bool(verdict)
    return conn.default_sig != meta.default_sig


def _foreign_keys_to_defer(
    ctx: AutogenContext, meta: SchemaModel, new_keys: list[TableKey]
) -> set[Any]:
    """Foreign keys of new tables that must be added after all of them exist.

    ``use_alter=True`` keys, and keys to a new table created later (a cycle the
    table order can't satisfy), become ``create_foreign_key`` calls after the
    ``create_table`` calls.  A backend without ALTER ... ADD CONSTRAINT
    (SQLite) accepts forward references in CREATE TABLE and keeps them inline.
    """
    if not getattr(ctx.dialect, "supports_alter", True):
        return set()
    position = {key: i for i, key in enumerate(new_keys)}
    deferred: set[Any] = set()
    for i, key in enumerate(new_keys):
        table = meta.tables[key].table
        for fk in table.foreign_key_constraints:
            target = fk.referred_table if fk.elements else None
            target_key = (
                (schema_key(target.schema, ctx.default_schema), target.name)
                if target is not None
                else None
            )
            if fk.use_alter or position.get(target_key, -1) > i:
                deferred.add(fk)
    return deferred


# ------------------------------------------------------ indexes and uniques
_DropsAndAdds = tuple[list[ops.MigrateOperation], list[ops.MigrateOperation]]


def _compare_indexes(
    ctx: AutogenContext, conn_t: TableModel, meta_t: TableModel
) -> _DropsAndAdds:
    drops: list[ops.MigrateOperation] = []
    adds: list[ops.MigrateOperation] = []
    for conn_items, meta_items in (
        (conn_t.indexes, meta_t.indexes),
        (conn_t.uniques, meta_t.uniques),
    ):
        pairs, conn_only, meta_only = _match_indexes(conn_items, meta_items)
        for conn_i, meta_i in pairs:
            if (conn_i.unique, conn_i.sig) == (meta_i.unique, meta_i.sig):
                if not index_options_differ(ctx.normaliser, conn_i, meta_i):
                    continue
            if not _include(ctx, meta_i, "index", False, conn_i.obj):
                continue
            drops.append(_drop_index_or_unique(conn_i))
            adds.append(_add_index_or_unique(meta_i))
        for conn_i in conn_only:
            if conn_i.name is None:
                continue  # named by the database itself; cannot be addressed
            if _include(ctx, conn_i, "index", True, None):
                drops.append(_drop_index_or_unique(conn_i))
        for meta_i in meta_only:
            if _include(ctx, meta_i, "index", False, None):
                adds.append(_add_index_or_unique(meta_i))
    return drops, adds


def _match_indexes(
    conn_items: list[IndexModel], meta_items: list[IndexModel]
) -> tuple[list[tuple[IndexModel, IndexModel]], list[IndexModel], list[IndexModel]]:
    """Pair by name; unnamed model items pair with any same-signature item."""
    conn_by_name = {i.name: i for i in conn_items if i.name is not None}
    used: set[int] = set()
    pairs: list[tuple[IndexModel, IndexModel]] = []
    meta_only: list[IndexModel] = []
    unnamed: list[IndexModel] = []
    for meta_i in meta_items:
        if meta_i.name is None:
            unnamed.append(meta_i)
            continue
        conn_i = conn_by_name.get(meta_i.name)
        if conn_i is None:
            meta_only.append(meta_i)
        else:
            used.add(id(conn_i))
            pairs.append((conn_i, meta_i))
    for meta_i in unnamed:
        for conn_i in conn_items:
            if id(conn_i) in used:
                continue
            if (conn_i.unique, conn_i.sig) == (meta_i.unique, meta_i.sig):
                used.add(id(conn_i))
                break
        else:
            meta_only.append(meta_i)
    conn_only = [i for i in conn_items if id(i) not in used]
    return pairs, conn_only, meta_only


def _drop_index_or_unique(item: IndexModel) -> ops.MigrateOperation:
    if item.is_constraint:
        return ops.DropConstraintOp.from_constraint(item.obj)
    return ops.DropIndexOp.from_index(item.obj)


def _add_index_or_unique(item: IndexModel) -> ops.MigrateOperation:
    if item.is_constraint:
        return ops.AddConstraintOp.from_constraint(item.obj)
    return ops.CreateIndexOp.from_index(item.obj)


# ---------------------------------------------------------------- foreign keys
def _compare_foreign_keys(
    ctx: AutogenContext, conn_t: TableModel, meta_t: TableModel
) -> _DropsAndAdds:
    conn_by_sig = {fk.sig: fk for fk in conn_t.foreign_keys}
    meta_by_sig = {fk.sig: fk for fk in meta_t.foreign_keys}
    drops: list[ops.MigrateOperation] = [
        ops.DropConstraintOp.from_constraint(fk.obj)
        for sig, fk in conn_by_sig.items()
        if sig not in meta_by_sig
        and _include(ctx, fk, "foreign_key_constraint", True, None)
    ]
    adds: list[ops.MigrateOperation] = [
        ops.AddConstraintOp.from_constraint(fk.obj)
        for sig, fk in meta_by_sig.items()
        if sig not in conn_by_sig
        and _include(ctx, fk, "foreign_key_constraint", False, None)
    ]
    return drops, adds


# ------------------------------------------------------------ CHECK constraints
def _compare_checks(
    ctx: AutogenContext,
    key: tuple[str | None, str],
    conn_t: TableModel,
    meta_t: TableModel,
) -> _DropsAndAdds:
    """Named checks, matched by name; a changed condition is a drop plus an add.

    A database check whose name the backend made up (for an unnamed check in
    the models) is left alone unless the models use that name.  A type's own
    CHECK on a column being added is not added again where ``add_column``
    creates it with the column (everywhere but SQLite).
    """
    conn_names = {c.name for c in conn_t.checks}
    meta_names = {c.name for c in meta_t.checks}
    final_names = _convention_renames_checks(ctx)
    new_columns = set(meta_t.columns) - set(conn_t.columns)
    drops: list[ops.MigrateOperation] = []
    adds: list[ops.MigrateOperation] = []
    for check in conn_t.checks:
        if check.name in meta_names:
            continue
        if ctx.normaliser.is_generated_check_name(check.name, conn_t.shape):
            continue
        if ctx.run_object_filters(
            check.obj, check.name, "check_constraint", True, None
        ):
            if final_names:
                # the database's name is final: op.f() keeps the models'
                # "ck" convention from naming it again when the op runs
                check.obj.name = conv(check.name)
            drops.append(ops.DropConstraintOp.from_constraint(check.obj))
    conn_by_name = {c.name: c for c in conn_t.checks}
    for check in meta_t.checks:
        if check.name in conn_names:
            changed = _changed_check(ctx, conn_by_name[check.name], check)
            if changed:
                if final_names:
                    conn_by_name[check.name].obj.name = conv(check.name)
                drops.append(
                    ops.DropConstraintOp.from_constraint(conn_by_name[check.name].obj)
                )
                adds.append(_create_check(ctx, key, check))
            continue
        if (
            check.type_bound
            and ctx.normaliser.add_column_creates_type_checks
            and new_columns.intersection(check.columns)
        ):
            continue
        if ctx.run_object_filters(
            check.obj, check.name, "check_constraint", False, None
        ):
            adds.append(_create_check(ctx, key, check))
    return drops, adds


def _changed_check(ctx: AutogenContext, conn: CheckModel, meta: CheckModel) -> bool:
    """Same name, another condition (see :mod:`.compare_checks`)."""
    if not conditions_differ(ctx.normaliser, conn, meta):
        return False
    return ctx.run_object_filters(
        meta.obj, meta.name, "check_constraint", False, conn.obj
    )


def _convention_renames_checks(ctx: AutogenContext) -> bool:
    """The models' "ck" convention uses ``%(constraint_name)s``, so a plain
    name given to an op would be run through the convention once more."""
    for metadata in ctx.metadata_list:
        pattern = naming._get_convention(metadata.naming_convention, sa.CheckConstraint)
        if isinstance(pattern, str) and "%(constraint_name)" in pattern:
            return True
    return False


def _create_check(
    ctx: AutogenContext, key: tuple[str | None, str], check: CheckModel
) -> ops.CreateCheckConstraintOp:
    """The directive for a model check, column-level ones included (those are
    not attached to the table, so ``from_constraint`` can't place them).

    The condition is carried as SQL text: an expression over the model's
    columns would attach any CheckConstraint later built from it (by
    ``to_constraint``, for the report or the downgrade) to the model's table.
    """
    const = check.obj
    name: Any = const.name
    if not isinstance(name, conv):
        # a plain name, or one the naming convention makes only at DDL time
        name = check.name if name == check.name else conv(check.name)
    condition = const.sqltext
    if not isinstance(condition, sa.TextClause):
        condition = sa.text(ctx.normaliser.compile_expression(condition))
    return ops.CreateCheckConstraintOp(
        name, key[1], condition, schema=key[0], **const.dialect_kwargs
    )


# --------------------------------------------------------------- table comment
def _compare_table_comment(
    ctx: AutogenContext,
    modify: ops.ModifyTableOps,
    key: tuple[str | None, str],
    conn_t: TableModel,
    meta_t: TableModel,
) -> None:
    if not ctx.normaliser.supports_comments or conn_t.comment == meta_t.comment:
        return
    schema, tname = key
    if meta_t.comment is None:
        modify.ops.append(
            ops.DropTableCommentOp(
                tname, schema=schema, existing_comment=conn_t.comment
            )
        )
    else:
        modify.ops.append(
            ops.CreateTableCommentOp(
                tname, meta_t.comment, schema=schema, existing_comment=conn_t.comment
            )
        )
