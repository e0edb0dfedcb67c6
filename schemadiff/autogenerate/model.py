"""The normalised schema model both sides of a comparison are turned into.

A :class:`SchemaModel` is built the same way from the target ``MetaData`` and
from the reflected database (see :mod:`.reflect`): every table, column, index,
unique constraint, foreign key and named CHECK constraint carries, next to the
SQLAlchemy object it came from, a *signature* — the canonical form the
dialect's :class:`~schemadiff.ddl.normalise.Normaliser` gives it (checks are
matched by name alone).  Comparison
(:mod:`.compare`) then only checks signatures for equality and uses the
SQLAlchemy objects to build directives.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy import schema as sa_schema
from sqlalchemy.sql import operators

from schemadiff.ddl.normalise import Normaliser

log = logging.getLogger(__name__)

TableKey = tuple[str | None, str]
#: include_name-style filter: (name, type_, parent_names) -> bool
NameFilter = Callable[[str | None, str, dict[str, Any]], bool]


@dataclass
class ColumnModel:
    """One column: the SQLAlchemy Column plus its normalised attributes."""

    column: sa.Column[Any]
    name: str
    nullable: bool
    default_sig: str | None
    computed_sig: str | None
    identity: dict[str, Any] | None
    comment: str | None


@dataclass
class IndexModel:
    """An index, or a unique constraint (``is_constraint``)."""

    obj: Any
    name: str | None
    unique: bool
    sig: tuple[Any, ...]
    is_constraint: bool = False


@dataclass
class ForeignKeyModel:
    obj: sa.ForeignKeyConstraint
    name: str | None
    sig: tuple[Any, ...]


@dataclass
class CheckModel:
    """A named CHECK constraint.

    Checks are matched by name only: backends rewrite the condition
    (PostgreSQL adds casts and parentheses, MariaDB backquotes), so its text
    is not compared.  ``type_bound`` marks the CHECK a ``Boolean`` or
    non-native ``Enum`` type makes for its column (``columns``).
    """

    obj: sa.CheckConstraint
    name: str
    type_bound: bool = False
    columns: tuple[str, ...] = ()


@dataclass
class TableModel:
    table: sa.Table
    schema: str | None
    name: str
    columns: dict[str, ColumnModel] = field(default_factory=dict)
    indexes: list[IndexModel] = field(default_factory=list)
    uniques: list[IndexModel] = field(default_factory=list)
    foreign_keys: list[ForeignKeyModel] = field(default_factory=list)
    checks: list[CheckModel] = field(default_factory=list)
    comment: str | None = None
    #: names of model indexes left out of the comparison (no columns): the
    #: database's index of that name is left out too
    uncompared_indexes: set[str] = field(default_factory=set)


@dataclass
class EnumModel:
    """A named ENUM type (PostgreSQL) and, on the database side, the columns
    using it (dicts as :func:`schemadiff.ddl.postgresql_catalog.read_enums`
    gives them, schema None for the default schema)."""

    schema: str | None
    name: str
    values: tuple[str, ...]
    columns: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class SchemaModel:
    """Tables keyed by ``(schema, name)``; schema None is the default schema."""

    tables: dict[TableKey, TableModel] = field(default_factory=dict)
    #: keys in dependency order (referenced tables first)
    order: list[TableKey] = field(default_factory=list)
    #: named ENUM types by ``(schema, name)`` (see :mod:`.compare_enums`)
    enums: dict[TableKey, EnumModel] = field(default_factory=dict)


def _none_if_empty(value: str | None) -> str | None:
    return value if value else None


def schema_key(schema: str | None, default_schema: str | None) -> str | None:
    """None for the default schema, whether it was named or not."""
    if schema is None or schema == default_schema:
        return None
    return schema


def build_model(
    tables: Iterable[sa.Table],
    normaliser: Normaliser,
    default_schema: str | None,
    *,
    reflected: bool,
    name_filter: NameFilter | None = None,
) -> SchemaModel:
    """Normalise ``tables`` (model or reflected) into a :class:`SchemaModel`.

    ``name_filter`` (the user's include_name) is applied to the reflected
    side's columns, indexes and constraints; tables are filtered before
    reflection by the caller.
    """
    table_list = list(tables)
    model = SchemaModel()
    for table in _dependency_order(table_list):
        key = (schema_key(table.schema, default_schema), table.name)
        model.tables[key] = _build_table(
            table, key, normaliser, default_schema, reflected, name_filter
        )
        model.order.append(key)
    return model


def _dependency_order(tables: list[sa.Table]) -> list[sa.Table]:
    """Referenced tables first; stable for tables that don't depend on each other."""
    by_name = {(t.schema, t.name): t for t in tables}
    deps: dict[Any, set[Any]] = {}
    for t in tables:
        needs = set()
        for fkc in t.foreign_key_constraints:
            if fkc.use_alter:
                continue  # added after the tables: doesn't order them
            for elem in fkc.elements:
                tokens = elem._column_tokens
                ref = (tokens[0] if tokens[0] is not None else t.schema, tokens[1])
                if ref in by_name and ref != (t.schema, t.name):
                    needs.add(ref)
        deps[(t.schema, t.name)] = needs
    ordered: list[sa.Table] = []
    done: set[Any] = set()
    visiting: set[Any] = set()

    def visit(key: Any) -> None:
        if key in done or key in visiting:
            return  # a cycle: keep the order we have
        visiting.add(key)
        for dep in sorted(deps[key], key=lambda k: (k[0] or "", k[1])):
            visit(dep)
        visiting.discard(key)
        done.add(key)
        ordered.append(by_name[key])

    for t in tables:
        visit((t.schema, t.name))
    return ordered


def _build_table(
    table: sa.Table,
    key: TableKey,
    normaliser: Normaliser,
    default_schema: str | None,
    reflected: bool,
    name_filter: NameFilter | None,
) -> TableModel:
    schema, name = key
    parents = {
        "schema_name": schema,
        "table_name": name,
        "schema_qualified_table_name": f"{schema}.{name}" if schema else name,
    }

    def included(obj_name: str | None, type_: str) -> bool:
        if not reflected or name_filter is None:
            return True
        return name_filter(obj_name, type_, parents)

    model = TableModel(
        table=table,
        schema=schema,
        name=name,
        comment=_none_if_empty(table.comment),
    )
    for column in table.columns:
        if included(column.name, "column"):
            model.columns[column.name] = _build_column(column, normaliser, reflected)

    unique_as_index = normaliser.unique_constraints_are_indexes
    declared: set[str] = set()
    for index in sorted(table.indexes, key=lambda i: i.name or ""):
        if not reflected and not index.expressions:
            # Index("ix_name") alone: no database can create it (CREATE INDEX
            # ... ON t ()), so a revision rendering it would fail
            name = normaliser.object_name(index)
            warnings.warn(
                f"Index {str(name)!r} on table {table.fullname!r} has no columns "
                "in the models; it is left out of the comparison",
                stacklevel=2,
            )
            if name:
                model.uncompared_indexes.add(str(name))
            continue
        entry = _build_index(index, normaliser, reflected)
        if entry is None or not included(entry.name, "index"):
            continue
        if not reflected and entry.name:
            if str(entry.name) in declared:
                warnings.warn(
                    f"Index {str(entry.name)!r} is declared more than once on "
                    f"table {table.fullname!r}; it is compared and created once",
                    stacklevel=2,
                )
                continue
            declared.add(str(entry.name))
        if unique_as_index and entry.unique and reflected:
            # the backend cannot tell unique indexes from unique constraints
            if not included(entry.name, "unique_constraint"):
                continue
        model.indexes.append(entry)
    for constraint in sorted(
        table.constraints, key=lambda c: normaliser.object_name(c) or ""
    ):
        if isinstance(constraint, sa.UniqueConstraint):
            cname = constraint.name if reflected else normaliser.object_name(constraint)
            if not included(cname, "unique_constraint"):
                continue
            entry = IndexModel(
                obj=constraint,
                name=cname,
                unique=True,
                sig=(tuple(c.name for c in constraint.columns), None),
                is_constraint=True,
            )
            if unique_as_index:
                model.indexes.append(entry)
            else:
                model.uniques.append(entry)
        elif isinstance(constraint, sa.ForeignKeyConstraint):
            fname = constraint.name if reflected else normaliser.object_name(constraint)
            if not included(fname, "foreign_key_constraint"):
                continue
            model.foreign_keys.append(
                ForeignKeyModel(
                    obj=constraint,
                    name=fname,
                    sig=_fk_signature(constraint, table, normaliser, default_schema),
                )
            )
    model.checks = _build_checks(table, normaliser, reflected, included)
    return model


def _build_checks(
    table: sa.Table,
    normaliser: Normaliser,
    reflected: bool,
    included: Callable[[str | None, str], bool],
) -> list[CheckModel]:
    """The table's named CHECK constraints, column-level ones included.

    Unnamed checks are left out: nothing can pair them with the other side.
    On the model side, a type's CHECK that this dialect does not emit (a
    native BOOLEAN's) is left out too.
    """
    constraints = [c for c in table.constraints if isinstance(c, sa.CheckConstraint)]
    for column in table.columns:
        constraints.extend(
            c for c in column.constraints if isinstance(c, sa.CheckConstraint)
        )
    checks = []
    for const in constraints:
        if reflected:
            name = const.name
        else:
            if not normaliser.check_is_created(const):
                continue
            name = normaliser.object_name(const)
        if not name or not included(name, "check_constraint"):
            continue
        type_bound = bool(getattr(const, "_type_bound", False))
        columns: tuple[str, ...] = ()
        if type_bound:
            columns = tuple(c.name for c in const.columns)
        checks.append(CheckModel(const, str(name), type_bound, columns))
    checks.sort(key=lambda c: c.name)
    return checks


def drop_implicit_indexes(
    conn: SchemaModel, meta: SchemaModel, normaliser: Normaliser
) -> None:
    """Forget reflected indexes the backend made by itself (InnoDB's index for
    a foreign key) unless the models declare an index of that name too: the
    models never asked for them, and the key needs them while it stays.

    The normaliser is told which keys stay: those the models still have, and
    those the comparison doesn't see (filtered out by name).
    """
    for key, conn_t in conn.tables.items():
        meta_t = meta.tables.get(key)
        declared: set[str | None] = set()
        kept: list[sa.ForeignKeyConstraint] | None = None
        if meta_t is not None:
            declared = {i.name for i in meta_t.indexes}
            conn_t.indexes = [
                i
                for i in conn_t.indexes
                if str(i.name) not in meta_t.uncompared_indexes
            ]
            wanted = {fk.sig for fk in meta_t.foreign_keys}
            dropped = [fk.obj for fk in conn_t.foreign_keys if fk.sig not in wanted]
            kept = [
                fkc
                for fkc in conn_t.table.foreign_key_constraints
                if not any(fkc is gone for gone in dropped)
            ]
        conn_t.indexes = [
            i
            for i in conn_t.indexes
            if i.is_constraint
            or i.name in declared
            or not normaliser.is_implicit_index(i.obj, conn_t.table, kept)
        ]


def _build_column(
    column: sa.Column[Any], normaliser: Normaliser, reflected: bool
) -> ColumnModel:
    computed = column.computed
    computed_sig = None
    if computed is not None:
        computed_sig = normaliser.expression_signature(
            normaliser.compile_expression(computed.sqltext)
        )
    default_sig = None
    if computed is None and column.identity is None:
        if reflected:
            text = normaliser.reflected_default_text(column)
        else:
            text = normaliser.metadata_default_text(column)
        if text is not None and normaliser.is_implicit_default(text, column):
            text = None
        default_sig = normaliser.default_signature(text, column)
    identity = None
    if column.identity is not None:
        identity = _identity_attrs(column.identity)
    return ColumnModel(
        column=column,
        name=column.name,
        nullable=bool(column.nullable),
        default_sig=default_sig,
        computed_sig=computed_sig,
        identity=identity,
        comment=_none_if_empty(column.comment),
    )


_IDENTITY_DEFAULTS = {"always": False, "start": 1, "increment": 1, "cycle": False}


def _identity_attrs(identity: sa_schema.Identity) -> dict[str, Any]:
    attrs = {}
    for attr in ("always", "start", "increment", "minvalue", "maxvalue", "cycle"):
        value = getattr(identity, attr, None)
        if value is None:
            value = _IDENTITY_DEFAULTS.get(attr)
        attrs[attr] = value
    return attrs


def identity_differs(conn: dict[str, Any] | None, meta: dict[str, Any] | None) -> bool:
    """Compare only what the model states; unstated bounds are the backend's."""
    if conn is None or meta is None:
        return conn is not meta
    for attr in ("always", "start", "increment", "cycle"):
        if conn.get(attr) != meta.get(attr):
            return True
    for attr in ("minvalue", "maxvalue"):
        if meta.get(attr) is not None and conn.get(attr) != meta.get(attr):
            return True
    return False


def _is_plain_ascending(expr: Any) -> bool:
    """``col.asc()``: the same index as ``col`` (no backend records ASC)."""
    return getattr(expr, "modifier", None) is operators.asc_op and isinstance(
        getattr(expr, "element", None), sa.Column
    )


def build_index(
    index: sa.Index, normaliser: Normaliser, reflected: bool
) -> IndexModel | None:
    """One index of either side in normalised form (None: not compared)."""
    return _build_index(index, normaliser, reflected)


def _build_index(
    index: sa.Index, normaliser: Normaliser, reflected: bool
) -> IndexModel | None:
    name = index.name if reflected else normaliser.object_name(index)
    exprs: list[str] = []
    has_expression = False
    for expr in index.expressions:
        if isinstance(expr, sa.Column):
            exprs.append(expr.name)
        elif isinstance(expr, str):
            exprs.append(expr)
        elif _is_plain_ascending(expr):
            # ASC is every backend's default order: nothing to compare
            exprs.append(expr.element.name)
        else:
            # a column's DESC/ASC is no expression (its order is read back)
            element = getattr(expr, "element", None)
            has_expression = has_expression or not isinstance(element, sa.Column)
            exprs.append(
                normaliser.expression_signature(normaliser.compile_expression(expr))
            )
    if has_expression and not reflected and not normaliser.reflects_expression_indexes:
        log.warning(
            "index %s is on an expression, which %s does not reflect; not compared",
            name,
            normaliser.dialect.name,
        )
        return None
    where = normaliser.partial_index_where(index)
    where_sig = None
    if where is not None:
        where_sig = normaliser.expression_signature(
            normaliser.compile_expression(where)
        )
    return IndexModel(
        obj=index,
        name=name,
        unique=bool(index.unique),
        sig=(tuple(exprs), where_sig),
    )


def _fk_signature(
    constraint: sa.ForeignKeyConstraint,
    table: sa.Table,
    normaliser: Normaliser,
    default_schema: str | None,
) -> tuple[Any, ...]:
    referred_schema = None
    referred_table = None
    referred_columns = []
    for elem in constraint.elements:
        tokens = elem._column_tokens
        referred_schema = tokens[0]
        referred_table = tokens[1]
        referred_columns.append(tokens[2])
    return (
        tuple(c.name for c in constraint.columns),
        schema_key(referred_schema, default_schema),
        referred_table,
        tuple(referred_columns),
        normaliser.fk_action(constraint.ondelete),
        normaliser.fk_action(constraint.onupdate),
        bool(constraint.deferrable),
        (constraint.initially or "").upper() or None if constraint.deferrable else None,
    )
