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
from sqlalchemy.engine.reflection import Inspector
from sqlalchemy.sql import operators

from schemadiff.ddl.normalise import Normaliser

log = logging.getLogger(__name__)

TableKey = tuple[str | None, str]
#: include_name-style filter: (name, type_, parent_names) -> bool
NameFilter = Callable[[str | None, str, dict[str, Any]], bool]
#: what reflection does to an index column for each sorting keyword
_SORT_OPS = Inspector._index_sort_exprs


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
    #: the column's type (a reflected column's, read without building the
    #: Column); None means "ask ``column``"
    type: Any = None

    @property
    def type_(self) -> Any:
        """The column's type, without building a lazily reflected Column."""
        return self.type if self.type is not None else self.column.type


@dataclass
class IndexModel:
    """An index, or a unique constraint (``is_constraint``)."""

    obj: Any
    name: str | None
    unique: bool
    sig: tuple[Any, ...]
    is_constraint: bool = False
    #: the dialect's index options in canonical form, worked out from the
    #: catalog row of a reflected index; None means "ask ``obj``"
    options_sig: tuple[Any, ...] | None = None


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
    #: the condition as the catalog gave it; None means "ask ``obj``"
    sqltext: Any = None

    @property
    def condition(self) -> Any:
        """The condition, without building a lazily reflected constraint."""
        return self.sqltext if self.sqltext is not None else self.obj.sqltext


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
    #: every foreign key of the table, include_name filters or not (what the
    #: backend's implicit indexes depend on); None means "the compared ones"
    all_foreign_keys: list[ForeignKeyModel] | None = None
    #: the primary key as (column names, name), read from the catalog row;
    #: None means "ask ``table``"
    pk: tuple[tuple[str, ...], str | None] | None = None

    def primary_key(self) -> tuple[tuple[str, ...], str | None]:
        """The primary key's column names and its name, as the object
        (model or database) states them."""
        if self.pk is not None:
            return self.pk
        pk = self.table.primary_key
        return tuple(c.name for c in pk.columns), pk.name

    @property
    def shape(self) -> Any:
        """What naming rules look at: the table's name and its columns'
        names (the Table itself here)."""
        return self.table


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
    all_fks: list[ForeignKeyModel] = []
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
    # each constraint's final name worked out once (naming conventions are
    # rendered by the compiler), then in name order
    named = sorted(
        ((normaliser.object_name(c), c) for c in table.constraints),
        key=lambda pair: pair[0] or "",
    )
    for final_name, constraint in named:
        if isinstance(constraint, sa.UniqueConstraint):
            cname = constraint.name if reflected else final_name
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
            fname = constraint.name if reflected else final_name
            fk = ForeignKeyModel(
                obj=constraint,
                name=fname,
                sig=_fk_signature(constraint, table, normaliser, default_schema),
            )
            all_fks.append(fk)
            if included(fname, "foreign_key_constraint"):
                model.foreign_keys.append(fk)
    model.all_foreign_keys = all_fks
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
    those the comparison doesn't see (filtered out by name).  Works on the
    models alone, so no reflected Table is built for it.
    """
    for key, conn_t in conn.tables.items():
        meta_t = meta.tables.get(key)
        if meta_t is not None and meta_t.uncompared_indexes:
            conn_t.indexes = [
                i
                for i in conn_t.indexes
                if str(i.name) not in meta_t.uncompared_indexes
            ]
        every_fk = conn_t.all_foreign_keys
        if every_fk is None:
            every_fk = conn_t.foreign_keys
        if not every_fk:
            continue
        declared: set[str | None] = set()
        dropped: set[int] = set()
        if meta_t is not None:
            declared = {i.name for i in meta_t.indexes}
            wanted = {fk.sig for fk in meta_t.foreign_keys}
            dropped = {id(fk) for fk in conn_t.foreign_keys if fk.sig not in wanted}
        keys = [(fk.name, fk.sig[0], id(fk) not in dropped) for fk in every_fk]
        conn_t.indexes = [
            i
            for i in conn_t.indexes
            if i.is_constraint
            or i.name in declared
            or not normaliser.is_implicit_index_entry(i.name, i.unique, i.sig[0], keys)
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


# ------------------------------------------------------------------------------
# The reflected side, straight from catalog rows
# ------------------------------------------------------------------------------
class TableLoader:
    """Builds the SQLAlchemy Table of a reflected table on demand.

    Only directives need SQLAlchemy objects (a dropped table's definition, a
    column's existing type); tables that compare equal never get one.  The
    loader is handed the catalog rows the models were built from, so the
    Table it builds is exactly what eager reflection made.
    """

    def table(self, schema: str | None, name: str) -> sa.Table:  # pragma: no cover
        raise NotImplementedError


class CatalogTableModel(TableModel):
    """A reflected :class:`TableModel` whose ``table`` is built on first use."""

    def __init__(
        self, loader: TableLoader, table_key: tuple[str | None, str], **kw: Any
    ) -> None:
        self._loader = loader
        self._table_key = table_key
        self._table: sa.Table | None = None
        #: (schema, name) of every table a foreign key refers to, as reflected
        self.referred: list[tuple[str | None, str]] = []
        #: every reflected column's name, include_name filters or not
        self.column_names: list[str] = []
        #: what this table's columns, indexes and keys reach the Table by
        self.ref = _TableRef(loader, table_key)
        super().__init__(table=None, **kw)  # type: ignore[arg-type]

    @property
    def shape(self) -> Any:
        return _Shape(self._table_key[1], self.column_names)

    @property  # type: ignore[override]
    def table(self) -> sa.Table:
        if self._table is None:
            self._table = self._loader.table(*self._table_key)
        return self._table

    @table.setter
    def table(self, value: sa.Table | None) -> None:
        self._table = value


class _Shape:
    """A reflected table's name and column names, without the Table."""

    __slots__ = ("name", "columns")

    def __init__(self, name: str, column_names: list[str]) -> None:
        self.name = name
        self.columns = [sa.column(c) for c in column_names]


class _TableRef:
    """How a reflected column, index or key reaches its table's Table: through
    the loader, not the table model (no reference cycles, so the models are
    freed as soon as a comparison is done with them)."""

    __slots__ = ("loader", "key")

    def __init__(self, loader: TableLoader, key: tuple[str | None, str]) -> None:
        self.loader = loader
        self.key = key

    @property
    def table(self) -> sa.Table:
        return self.loader.table(*self.key)


class CatalogColumnModel(ColumnModel):
    """A reflected column; its Column comes from the lazily built Table."""

    def __init__(
        self,
        owner: CatalogTableModel,
        name: str,
        nullable: bool,
        default_sig: str | None,
        computed_sig: str | None,
        identity: dict[str, Any] | None,
        comment: str | None,
        type: Any,
    ) -> None:
        # set directly: thousands are made per comparison, and the
        # dataclass __init__ would route ``column`` through the property
        self._owner = owner.ref
        self.name = name
        self.nullable = nullable
        self.default_sig = default_sig
        self.computed_sig = computed_sig
        self.identity = identity
        self.comment = comment
        self.type = type
        #: the name in the database (the model's may be renamed)
        self._db_name = name

    @property  # type: ignore[override]
    def column(self) -> sa.Column[Any]:
        table = self._owner.table
        found = table.c.get(self._db_name)
        if found is None:
            found = next(c for c in table.columns if c.name == self._db_name)
        return found

    @column.setter
    def column(self, value: Any) -> None:
        pass  # always read from the table


class CatalogIndexModel(IndexModel):
    """A reflected index or unique constraint, found in the Table on demand."""

    def __init__(self, owner: CatalogTableModel, **kw: Any) -> None:
        self._owner = owner.ref
        super().__init__(obj=None, **kw)

    @property  # type: ignore[override]
    def obj(self) -> Any:
        table = self._owner.table
        columns = self.sig[0]
        if self.is_constraint:
            for const in table.constraints:
                if (
                    isinstance(const, sa.UniqueConstraint)
                    and const.name == self.name
                    and tuple(c.name for c in const.columns) == columns
                ):
                    return const
        for index in table.indexes:
            if index.name == self.name:
                return index
        raise LookupError(f"no reflected index {self.name!r} on {table.name}")

    @obj.setter
    def obj(self, value: Any) -> None:
        pass


class CatalogForeignKeyModel(ForeignKeyModel):
    """A reflected foreign key, found in the Table on demand."""

    def __init__(
        self,
        owner: CatalogTableModel,
        normaliser: Normaliser,
        default_schema: str | None,
        **kw: Any,
    ) -> None:
        self._owner = owner.ref
        self._normaliser = normaliser
        self._default_schema = default_schema
        super().__init__(obj=None, **kw)  # type: ignore[arg-type]

    @property  # type: ignore[override]
    def obj(self) -> sa.ForeignKeyConstraint:
        table = self._owner.table
        for fkc in table.foreign_key_constraints:
            if fkc.name == self.name and self.sig == _fk_signature(
                fkc, table, self._normaliser, self._default_schema
            ):
                return fkc
        raise LookupError(f"no reflected foreign key {self.name!r} on {table.name}")

    @obj.setter
    def obj(self, value: Any) -> None:
        pass


class CatalogCheckModel(CheckModel):
    """A reflected named CHECK, found in the Table on demand."""

    def __init__(self, owner: CatalogTableModel, **kw: Any) -> None:
        self._owner = owner.ref
        super().__init__(obj=None, **kw)  # type: ignore[arg-type]

    @property  # type: ignore[override]
    def obj(self) -> sa.CheckConstraint:
        table = self._owner.table
        for const in table.constraints:
            if isinstance(const, sa.CheckConstraint) and const.name == self.name:
                return const
        raise LookupError(f"no reflected check {self.name!r} on {table.name}")

    @obj.setter
    def obj(self, value: Any) -> None:
        pass


def catalog_table_model(
    info: Any,
    table_key: tuple[str | None, str],
    normaliser: Normaliser,
    default_schema: str | None,
    loader: TableLoader,
    name_filter: NameFilter | None = None,
) -> CatalogTableModel:
    """The model of one reflected table, read from the Inspector-style
    reflection dicts in ``info`` (the ``_ReflectionInfo`` both SQLAlchemy's
    ``get_multi_*`` and our catalog readers produce) without building any
    SQLAlchemy schema object.

    It mirrors, entry for entry and in the same order, what
    :func:`build_model` makes from the Table ``Inspector.reflect_table``
    would assemble from the same dicts.
    """
    schema_arg, name = table_key
    schema = schema_key(schema_arg, default_schema)
    parents = {
        "schema_name": schema,
        "table_name": name,
        "schema_qualified_table_name": f"{schema}.{name}" if schema else name,
    }

    def included(obj_name: str | None, type_: str) -> bool:
        if name_filter is None:
            return True
        return name_filter(obj_name, type_, parents)

    comment_d = info.table_comment.get(table_key)
    model = CatalogTableModel(
        loader,
        table_key,
        schema=schema,
        name=name,
        comment=_none_if_empty(comment_d["text"] if comment_d else None),
    )
    column_names: set[str] = set()
    for col_d in info.columns.get(table_key, ()):
        cname = col_d["name"]
        column_names.add(cname)
        model.column_names.append(cname)
        if included(cname, "column"):
            model.columns[cname] = _catalog_column(model, col_d, normaliser)

    unique_as_index = normaliser.unique_constraints_are_indexes
    indexes = []
    for index_d in info.indexes.get(table_key, ()):
        entry = _catalog_index(model, index_d, column_names, normaliser)
        if entry is not None:
            indexes.append(entry)
    indexes.sort(key=lambda i: i.name or "")
    for entry in indexes:
        if not included(entry.name, "index"):
            continue
        if unique_as_index and entry.unique:
            if not included(entry.name, "unique_constraint"):
                continue
        model.indexes.append(entry)

    constraints: list[tuple[str, Any]] = []
    for const_d in info.unique_constraints.get(table_key, ()):
        if const_d.get("duplicates_index"):
            continue
        cols = tuple(c for c in const_d["column_names"] if c in column_names)
        entry = CatalogIndexModel(
            model,
            name=const_d["name"],
            unique=True,
            sig=(cols, None),
            is_constraint=True,
        )
        constraints.append((const_d["name"] or "", entry))
    all_fks: list[ForeignKeyModel] = []
    for fk_d in info.foreign_keys.get(table_key, ()):
        referred_schema = fk_d["referred_schema"]
        model.referred.append(
            (
                referred_schema if referred_schema is not None else schema_arg,
                fk_d["referred_table"],
            )
        )
        options = fk_d.get("options") or {}
        deferrable = options.get("deferrable")
        fk = CatalogForeignKeyModel(
            model,
            normaliser,
            default_schema,
            name=fk_d["name"],
            sig=(
                tuple(fk_d["constrained_columns"]),
                schema_key(referred_schema, default_schema),
                fk_d["referred_table"],
                tuple(fk_d["referred_columns"]),
                normaliser.fk_action(options.get("ondelete")),
                normaliser.fk_action(options.get("onupdate")),
                bool(deferrable),
                (
                    (options.get("initially") or "").upper() or None
                    if deferrable
                    else None
                ),
            ),
        )
        all_fks.append(fk)
        constraints.append((fk_d["name"] or "", fk))
    constraints.sort(key=lambda pair: pair[0])
    for _, entry in constraints:
        if isinstance(entry, IndexModel):
            if not included(entry.name, "unique_constraint"):
                continue
            (model.indexes if unique_as_index else model.uniques).append(entry)
        elif included(entry.name, "foreign_key_constraint"):
            model.foreign_keys.append(entry)
    model.all_foreign_keys = all_fks

    for check_d in info.check_constraints.get(table_key, ()):
        cname = check_d.get("name")
        if not cname or not included(cname, "check_constraint"):
            continue
        model.checks.append(
            CatalogCheckModel(model, name=str(cname), sqltext=check_d["sqltext"])
        )
    model.checks.sort(key=lambda c: c.name)
    pk_d = info.pk_constraint.get(table_key) or {}
    model.pk = (
        tuple(c for c in pk_d.get("constrained_columns") or () if c in column_names),
        pk_d.get("name"),
    )
    return model


def _catalog_column(
    owner: CatalogTableModel, col_d: dict[str, Any], normaliser: Normaliser
) -> ColumnModel:
    computed = col_d.get("computed")
    identity = col_d.get("identity")
    computed_sig = None
    default_sig = None
    if computed is not None:
        computed_sig = normaliser.expression_signature(
            normaliser.compile_expression(sa_schema.Computed(**computed).sqltext)
        )
    elif identity is None:
        default_sig = _catalog_default_signature(normaliser, col_d.get("default"))
    type_ = col_d["type"]
    return CatalogColumnModel(
        owner,
        col_d["name"],
        bool(col_d.get("nullable", True)),
        default_sig,
        computed_sig,
        (
            _identity_attrs(sa_schema.Identity(**identity))
            if identity is not None
            else None
        ),
        col_d.get("comment") or None,
        (
            type_
            if isinstance(type_, sa.types.TypeEngine)
            else sa.types.to_instance(type_)
        ),
    )


def _catalog_default_signature(normaliser: Normaliser, default: Any) -> str | None:
    """A reflected column's default signature (an implicit default such as
    SERIAL's ``nextval(...)`` counts as none)."""
    if default is None:
        return None
    text = normaliser.catalog_default_text(default)
    if text is not None and normaliser.is_implicit_default(text, None):
        return None
    return normaliser.default_signature(text, None)


def _catalog_index(
    owner: CatalogTableModel,
    index_d: dict[str, Any],
    column_names: set[str],
    normaliser: Normaliser,
) -> IndexModel | None:
    if index_d.get("duplicates_constraint"):
        return None
    expressions = index_d.get("expressions")
    sorting = index_d.get("column_sorting") or {}
    exprs: list[str] = []
    for pos, column in enumerate(index_d["column_names"]):
        if column is None:
            if not expressions:
                return None  # reflection skips the index too
            element: Any = sa.text(expressions[pos])
        elif column not in column_names:
            continue
        else:
            ops = [o for o in sorting.get(column, ()) if o in _SORT_OPS]
            if not ops:
                exprs.append(column)
                continue
            element = sa.column(column)
            for option in ops:
                element = _SORT_OPS[option](element)
        exprs.append(
            normaliser.expression_signature(normaliser.compile_expression(element))
        )
    where = normaliser.catalog_partial_where(index_d.get("dialect_options") or {})
    where_sig = None
    if where is not None:
        where_sig = normaliser.expression_signature(
            normaliser.compile_expression(where)
        )
    return CatalogIndexModel(
        owner,
        name=index_d["name"],
        unique=bool(index_d["unique"]),
        sig=(tuple(exprs), where_sig),
        options_sig=normaliser.catalog_index_options_signature(
            index_d["column_names"], index_d.get("dialect_options") or {}
        ),
    )


def dependency_order(
    keys: list[TableKey], refs: dict[TableKey, list[TableKey]]
) -> list[TableKey]:
    """``keys`` with referenced tables first; stable otherwise (cycles keep
    the order they have)."""
    present = set(keys)
    ordered: list[TableKey] = []
    done: set[Any] = set()
    visiting: set[Any] = set()

    def visit(key: Any) -> None:
        if key in done or key in visiting:
            return
        visiting.add(key)
        needs = {r for r in refs.get(key, ()) if r in present and r != key}
        for dep in sorted(needs, key=lambda k: (k[0] or "", k[1])):
            visit(dep)
        visiting.discard(key)
        done.add(key)
        ordered.append(key)

    for key in keys:
        visit(key)
    return ordered
