"""Autogenerate-side knowledge of one dialect: batched reflection and normal forms.

The comparison step never asks "which database is this?".  Instead both sides of
a comparison (the reflected database and the target ``MetaData``) are turned
into *signatures* — canonical strings for types, server defaults and SQL
expressions — by the :class:`Normaliser` of the dialect in use, and the
signatures are compared for equality.  Backends that spell the same thing
differently (``BOOL`` vs ``tinyint(1)``, ``'5'`` vs ``5``, ``now()`` vs
``current_timestamp()``) are reconciled here, in one place per dialect
(``normalise_<dialect>.py``).

Reflection is batched too: :meth:`Normaliser.reflection_info` gathers every
kind of object for a whole schema in a fixed number of catalog queries, and
tables are then assembled in memory.
"""

from __future__ import annotations

import importlib
import logging
import re
import warnings
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy import schema as sa_schema
from sqlalchemy import types as sqltypes
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.engine.reflection import Inspector, ObjectKind, ObjectScope
from sqlalchemy.sql.base import _NONE_NAME
from sqlalchemy.sql.compiler import DDLCompiler

from schemadiff.ddl.impl import register_by_dialect
from schemadiff.ddl.plain_sql import plain_sql_dialect

log = logging.getLogger(__name__)

_registry: dict[str, type[Normaliser]] = {}

#: dialect name -> module holding its normaliser (imported on first use)
_MODULES = {
    "postgresql": "normalise_postgresql",
    "mysql": "normalise_mysql",
    "mariadb": "normalise_mysql",
    "sqlite": "normalise_sqlite",
}

_LITERAL = re.compile(r"'(?:[^']|'')*'")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_SPACES = re.compile(r"\s+")
#: one operand of a simple comparison: a literal, a (quoted) name or a number
_OPERAND = r"('(?:[^']|'')*'|[\w.\"`:+-]+)"
_MISSING = object()
#: SQLAlchemy's default rendering, which depends on the default alone
_BASE_DEFAULT_STRING = DDLCompiler.get_column_default_string


def add_index_sorting(
    info: Any, schema: str | None, found: dict[tuple[str, str], set[str]]
) -> None:
    """Mark the DESC columns ``found`` (``{(table, index): columns}``) in the
    reflected index dicts of ``info``, as reflection does where it reads them
    itself: models and Tables built from ``info`` then both carry the order."""
    for (table, index), columns in found.items():
        for index_d in info.indexes.get((schema, table), ()):
            if index_d["name"] == index:
                sorting = dict(index_d.get("column_sorting") or {})
                for column in columns:
                    sorting[column] = ("desc",)
                index_d["column_sorting"] = sorting


def get_normaliser(dialect: Dialect) -> Normaliser:
    """The normaliser for ``dialect`` (the generic one for unknown dialects)."""
    module = _MODULES.get(dialect.name)
    if module is not None:
        importlib.import_module(f"schemadiff.ddl.{module}")
    return _registry.get(dialect.name, Normaliser)(dialect)


def split_literals(text: str) -> list[tuple[bool, str]]:
    """Split SQL text into ``(is_string_literal, chunk)`` pieces."""
    pieces: list[tuple[bool, str]] = []
    pos = 0
    for match in _LITERAL.finditer(text):
        if match.start() > pos:
            pieces.append((False, text[pos : match.start()]))
        pieces.append((True, match.group(0)))
        pos = match.end()
    if pos < len(text):
        pieces.append((False, text[pos:]))
    return pieces


def strip_outer_parens(text: str) -> str:
    """Remove parentheses that enclose the whole expression, as often as they do."""
    text = text.strip()
    while text.startswith("(") and text.endswith(")"):
        depth = 0
        in_literal = False
        for i, ch in enumerate(text):
            if ch == "'":
                in_literal = not in_literal
            elif not in_literal and ch == "(":
                depth += 1
            elif not in_literal and ch == ")":
                depth -= 1
                if depth == 0 and i != len(text) - 1:
                    return text
        text = text[1:-1].strip()
    return text


def canonical_number(text: str) -> str | None:
    """``'1.50'`` -> ``'1.5'``, ``'1e3'`` -> ``'1000'``; None when not a number."""
    text = text.strip()
    if not _NUMBER.match(text):
        return None
    try:
        value = Decimal(text).normalize()
    except InvalidOperation:
        return None
    if value == 0:
        return "0"
    return format(value, "f")


class Normaliser:
    """Generic rules; ``normalise_<dialect>.py`` subclasses refine them.

    Subclasses register by declaring ``__dialect__`` (a name or a tuple).
    """

    __dialect__: ClassVar[str | tuple[str, ...]] = "default"

    #: schemas that are never user schemas (skipped with include_schemas)
    system_schemas: ClassVar[frozenset[str]] = frozenset({"information_schema"})
    #: the backend implements UNIQUE constraints as unique indexes (MySQL)
    unique_constraints_are_indexes: ClassVar[bool] = False
    #: the primary key's own name comes back from reflection (MySQL calls
    #: every one PRIMARY)
    keeps_primary_key_name: ClassVar[bool] = True
    #: what a ``Computed`` without ``persisted`` becomes (STORED or VIRTUAL)
    computed_persisted_by_default: ClassVar[bool] = False
    #: indexes on expressions come back from reflection (or from
    #: :meth:`read_expression_indexes`)
    reflects_expression_indexes: ClassVar[bool] = True
    #: ``add_column`` also creates the CHECK of the column's type (Boolean,
    #: non-native Enum); SQLite can't add one to an existing table
    add_column_creates_type_checks: ClassVar[bool] = True
    #: the Index keyword holding a partial index's WHERE (None: the backend
    #: has no partial indexes)
    partial_index_option: ClassVar[str | None] = None
    #: referential actions that mean "none given"
    default_fk_actions: ClassVar[frozenset[str]] = frozenset({"NO ACTION", "RESTRICT"})
    #: regex rewrites applied, in order, to an upper-cased type signature
    type_rewrites: ClassVar[Sequence[tuple[str, str]]] = ()
    #: canonical spellings of SQL expressions (lower-cased; no spaces, quotes
    #: or parentheses)
    expression_synonyms: ClassVar[dict[str, str]] = {
        "now": "current_timestamp",
        "curdate": "current_date",
    }

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        register_by_dialect(_registry, cls)

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        #: compiles model-side SQL as the catalog stores it (single ``%``)
        self.sql_dialect = plain_sql_dialect(dialect)
        self._type_rewrites = [
            (re.compile(pattern), repl) for pattern, repl in self.type_rewrites
        ]
        self._type_sigs: dict[Any, str | None] = {}
        self._type_sigs_by_id: dict[int, tuple[Any, str | None]] = {}
        self._default_sigs: dict[str, str | None] = {}
        self._default_texts: dict[tuple[Any, ...], str] = {}
        self._index_option_sigs: dict[Any, tuple[Any, ...]] = {}

    # ------------------------------------------------------------------ schema
    @property
    def supports_comments(self) -> bool:
        return bool(getattr(self.dialect, "supports_comments", False))

    @property
    def supports_identity(self) -> bool:
        return bool(getattr(self.dialect, "supports_identity_columns", False))

    def is_system_schema(self, name: str) -> bool:
        """A schema of the backend's own, never compared (include_schemas)."""
        return name in self.system_schemas

    def default_schema_name(self, connection: Connection) -> str | None:
        """The schema unqualified names resolve to (None when there is none)."""
        return connection.dialect.default_schema_name

    # -------------------------------------------------------------- reflection
    def reflect_tables(
        self,
        connection: Connection,
        inspector: Inspector,
        schema: str | None,
        table_names: Sequence[str],
        metadata: sa.MetaData,
    ) -> list[sa.Table]:
        """Reflect ``table_names`` of ``schema`` into ``metadata`` in one batch.

        The catalog is read by :meth:`reflection_info` in a fixed number of
        queries; each Table is then assembled in memory from those results.
        """
        if not table_names:
            return []
        info = self.reflection_info(connection, inspector, schema, table_names)
        tables = []
        with warnings.catch_warnings():
            # e.g. SQLite's "skipped expression-based index": we account for
            # such gaps through reflects_expression_indexes instead.
            warnings.simplefilter("ignore", category=sa_exc.SAWarning)
            for name in table_names:
                table = sa.Table(name, metadata, schema=schema)
                inspector.reflect_table(
                    table, None, resolve_fks=False, _reflect_info=info
                )
                tables.append(table)
        return tables

    def reflection_info(
        self,
        connection: Connection,
        inspector: Inspector,
        schema: str | None,
        table_names: Sequence[str],
        complete: bool = False,
    ) -> Any:
        """Everything about ``table_names``, via the Inspector's get_multi_*
        calls, with the index sort order they leave out on some backends
        (:meth:`read_index_sorting`) filled in as ``column_sorting``.

        ``complete`` says the names are all the schema's tables but at most
        one: the catalog may then be read for all of them, without sending
        the list (the extra table's rows are ignored)."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=sa_exc.SAWarning)
            info = inspector._get_reflection_info(
                schema,
                filter_names=None if complete else list(table_names),
                kind=ObjectKind.TABLE,
                scope=ObjectScope.DEFAULT,
            )
        found = self.read_index_sorting(connection, schema, table_names)
        if found:
            add_index_sorting(info, schema, found)
        return info

    # -------------------------------------------------------------- enum types
    def read_enums(
        self, connection: Connection, schemas: Sequence[str]
    ) -> dict[Any, Any]:
        """Named ENUM types of ``schemas`` with the columns using them
        (``{(schema, name): {"values", "columns"}}``); none by default."""
        return {}

    def read_sequences(
        self, connection: Connection, schemas: Sequence[str]
    ) -> dict[Any, Any] | None:
        """Free-standing sequences of ``schemas`` (``{(schema, name):
        {start, increment, minvalue, maxvalue, cycle, cache}}``); None where
        they are not compared."""
        return None

    def native_enum(
        self, type_: sqltypes.TypeEngine[Any]
    ) -> tuple[str | None, str, tuple[str, ...], bool] | None:
        """``(schema, name, values, is_array)`` when a model column of this
        type uses a named ENUM type of its own on this dialect."""
        return None

    # ------------------------------------------------------------------- types
    def type_signature(self, type_: sqltypes.TypeEngine[Any]) -> str | None:
        """A canonical spelling of ``type_`` on this dialect; None if unknown."""
        if isinstance(type_, sqltypes.NullType):
            return None
        try:
            text = type_.compile(dialect=self.sql_dialect)
        except sa_exc.CompileError:
            return None
        except Exception:  # a third-party type that cannot compile here
            log.debug("type %r does not compile on %s", type_, self.dialect.name)
            return None
        text = "".join(
            chunk if is_literal else _SPACES.sub(" ", chunk.upper())
            for is_literal, chunk in split_literals(text)
        ).strip()
        text = re.sub(r"\s*COLLATE\s+\"?[\w.-]+\"?", "", text)
        text = re.sub(r"\s*CHARACTER SET\s+\w+", "", text)
        text = re.sub(r"\s*,\s*", ",", text)
        text = re.sub(r"\s*\(\s*", "(", text)
        text = re.sub(r"\s*\)", ")", text)
        for pattern, repl in self._type_rewrites:
            text = pattern.sub(repl, text)
        return text

    def cached_type_signature(self, type_: sqltypes.TypeEngine[Any]) -> str | None:
        """:meth:`type_signature`, computed once per distinct type.

        Thousands of columns share a handful of types (``VARCHAR(40)``,
        ``INTEGER``); the key is the type's class and plain attributes, so
        equal types share one compile.  Types whose state can't be hashed
        (an Enum's member list) are compiled once per type object.
        """
        seen = self._type_sigs_by_id.get(id(type_))
        if seen is not None and seen[0] is type_:
            return seen[1]  # reflected columns share their type objects
        try:
            # attributes in the order they were set: equal types built the
            # same way share a key (another order only costs a compile); a
            # SchemaType's event dispatcher is its own per object and says
            # nothing of the DDL
            state = type_.__dict__
            items = (
                tuple(item for item in state.items() if item[0] != "dispatch")
                if "dispatch" in state
                else tuple(state.items())
            )
            key = (type_.__class__, items)
            cached = self._type_sigs.get(key, _MISSING)
        except TypeError:  # unhashable state: compiled once per object
            cached = self.type_signature(type_)
        if cached is _MISSING:
            cached = self._type_sigs[key] = self.type_signature(type_)
        # the type is kept with its signature, so its id is never reused
        self._type_sigs_by_id[id(type_)] = (type_, cached)
        return cached  # type: ignore[return-value]

    def types_equivalent(
        self, conn_type: sqltypes.TypeEngine[Any], meta_type: sqltypes.TypeEngine[Any]
    ) -> bool:
        """True when the database type is what the model's type creates."""
        conn_sig = self.cached_type_signature(conn_type)
        meta_sig = self.cached_type_signature(meta_type)
        if conn_sig is None or meta_sig is None:
            return True  # nothing to compare against
        return conn_sig == meta_sig

    # ---------------------------------------------------------------- defaults
    def metadata_default_text(self, column: sa.Column[Any]) -> str | None:
        """The DDL text ``CREATE TABLE`` would give the column's server default."""
        default = column.server_default
        if not isinstance(default, sa_schema.DefaultClause):
            return None
        key = self._default_text_key(default.arg)
        if key is not None:
            found = self._default_texts.get(key)
            if found is not None:
                return found
        try:
            text = self._ddl_compiler.get_column_default_string(column)
        except sa_exc.CompileError:
            arg = default.arg
            return arg if isinstance(arg, str) else str(arg)
        if key is not None and text is not None:
            self._default_texts[key] = text
        return text

    def _default_text_key(self, arg: Any) -> tuple[Any, ...] | None:
        """What a server default's DDL text depends on, for the defaults
        thousands of columns share ('0', ``func.now()``, ``true()``, a bare
        ``text()``); None (render each time) for anything else, and for a
        compiler that renders defaults per column."""
        if (
            type(self._ddl_compiler).get_column_default_string
            is not _BASE_DEFAULT_STRING
        ):
            return None
        if isinstance(arg, str):
            return (str, arg)
        if isinstance(arg, (sa.sql.elements.True_, sa.sql.elements.False_)):
            return (type(arg),)
        if isinstance(arg, sa.TextClause) and not arg._bindparams:
            return (sa.TextClause, arg.text)
        if (
            isinstance(arg, sa.sql.functions.GenericFunction)
            and not arg.clauses.clauses
        ):
            return (type(arg), arg.name)
        return None

    def reflected_default_text(self, column: sa.Column[Any]) -> str | None:
        """The server default text a reflected column carries."""
        default = column.server_default
        if not isinstance(default, sa_schema.DefaultClause):
            return None
        arg = default.arg
        return arg if isinstance(arg, str) else str(getattr(arg, "text", arg))

    def catalog_default_text(self, default: Any) -> str | None:
        """The server default text of a reflected column's ``default`` entry
        (what :meth:`reflected_default_text` reads from the built Column)."""
        if default is None:
            return None
        if isinstance(default, str):
            return default
        if isinstance(default, sa_schema.FetchedValue) and not isinstance(
            default, sa_schema.DefaultClause
        ):
            return None
        if isinstance(default, sa_schema.DefaultClause):
            default = default.arg
        return str(getattr(default, "text", default))

    @property
    def _ddl_compiler(self) -> Any:
        """One DDL compiler for every model-side snippet rendered (defaults,
        expressions), as one compiler renders a whole CREATE TABLE."""
        compiler = self.__dict__.get("_ddl")
        if compiler is None:
            compiler = self.__dict__["_ddl"] = self.sql_dialect.ddl_compiler(
                self.sql_dialect, None
            )
        return compiler

    def default_signature(
        self, text: str | None, column: sa.Column[Any] | None = None
    ) -> str | None:
        """Canonical form of a server default so equal defaults compare equal.

        A pure function of ``text`` here, so each distinct text is worked out
        once per comparison."""
        if text is None:
            return None
        cached = self._default_sigs.get(text, _MISSING)
        if cached is _MISSING:
            cached = self._default_sigs[text] = self._default_signature(text)
        return cached  # type: ignore[return-value]

    def _default_signature(self, text: str) -> str | None:
        text = self.strip_casts(text)
        text = strip_outer_parens(text)
        if text.upper() == "NULL" or text == "":
            return None
        pieces = split_literals(text)
        if len(pieces) == 1 and pieces[0][0]:
            value = pieces[0][1][1:-1].replace("''", "'")
            number = canonical_number(value)
            if number is not None:
                return "num:" + number
            return "str:" + value
        number = canonical_number(text)
        if number is not None:
            return "num:" + number
        expr = self.expression_signature(text)
        number = canonical_number(expr)
        if number is not None:
            return "num:" + number
        return "expr:" + expr

    # ------------------------------------------------------------- expressions
    def strip_casts(self, text: str) -> str:
        """Remove explicit casts the catalog adds (PostgreSQL's ``::type``)."""
        return text

    def expression_signature(self, text: str) -> str:
        """Canonical form of a SQL expression (index expressions, WHERE, computed).

        Casts, identifier quoting, letter case, whitespace and parentheses are
        dropped outside string literals; that is lossy but errs on the side of
        "no change", which is what a reviewer wants from autogenerate.
        """
        text = self.strip_casts(text)
        out = []
        for is_literal, chunk in split_literals(text):
            if is_literal:
                out.append(chunk)
            else:
                chunk = chunk.lower()
                chunk = re.sub(r"[\s\"`()\[\]]", "", chunk)
                out.append(chunk)
        result = "".join(out)
        return self.expression_synonyms.get(result, result)

    #: regex rewrites applied, in order, to a CHECK condition's expression
    #: signature (see :meth:`condition_signature`)
    condition_rewrites: ClassVar[Sequence[tuple[str, str]]] = (
        (r"!=", "<>"),
        # a number the catalog quotes ('-1.5'::numeric) is still that number
        (r"'([+-]?\d+(?:\.\d+)?)'", r"\1"),
    )

    #: rewrites of the condition's text (case-insensitive, before the
    #: signature loses word boundaries); both sides get them
    condition_text_rewrites: ClassVar[Sequence[tuple[str, str]]] = (
        # PostgreSQL expands BETWEEN
        (
            rf"{_OPERAND}\s+not\s+between\s+{_OPERAND}\s+and\s+{_OPERAND}",
            r"(\1 < \2 OR \1 > \3)",
        ),
        (
            rf"{_OPERAND}\s+between\s+{_OPERAND}\s+and\s+{_OPERAND}",
            r"(\1 >= \2 AND \1 <= \3)",
        ),
        # ... and an IN list of one element
        (r"\bnot\s+in\s*\(\s*" + _OPERAND + r"\s*\)", r"<> \1"),
        (r"\bin\s*\(\s*" + _OPERAND + r"\s*\)", r"= \1"),
    )

    def condition_signature(self, text: str) -> str:
        """Canonical form of a CHECK condition: the expression signature plus
        this dialect's rewrites of how its catalog spells operators back."""
        for pattern, repl in self.condition_text_rewrites:
            text = re.sub(pattern, repl, text, flags=re.IGNORECASE)
        sig = self.expression_signature(text)
        for pattern, repl in self.condition_rewrites:
            sig = re.sub(pattern, repl, sig)
        return sig

    # ----------------------------------------------------------------- indexes
    def read_index_sorting(
        self, connection: Connection, schema: str | None, table_names: Sequence[str]
    ) -> dict[tuple[str, str], set[str]] | None:
        """``{(table, index): {descending columns}}`` where reflection itself
        doesn't give the sort order; None where it does (or nothing can)."""
        return None

    def read_expression_indexes(
        self, connection: Connection, schema: str | None, table_names: Sequence[str]
    ) -> dict[str, list[dict[str, Any]]] | None:
        """Indexes SQLAlchemy's reflection skips or flattens (SQLite's on
        expressions), ``{table: [{"name", "unique", "elements", "where"}]}``
        with each element ``(sql, column or None, descending)``; None where
        reflection has them all."""
        return None

    def expression_index(self, table: sa.Table, info: dict[str, Any]) -> sa.Index:
        """An Index of ``table`` made from one of :meth:`read_expression_indexes`'
        entries (bare columns as columns, other terms as SQL text), in place
        of any index of that name reflection gave the table."""
        for old in [i for i in table.indexes if i.name == info["name"]]:
            table.indexes.discard(old)
        terms: list[Any] = []
        for sql, column, descending in info["elements"]:
            if column is not None and column in table.c:
                col = table.c[column]
                terms.append(col.desc() if descending else col)
            else:
                terms.append(sa.text(sql))
        kw = {}
        if info["where"] is not None and self.partial_index_option:
            kw[self.partial_index_option] = sa.text(info["where"])
        return sa.Index(info["name"], *terms, unique=info["unique"], _table=table, **kw)

    def index_options_signature(self, index: Any) -> tuple[Any, ...]:
        """This dialect's index options (method, included columns, operator
        classes, prefix lengths...) in canonical form; compared with the
        columns and the predicate."""
        return ()

    def catalog_index_options_signature(
        self, column_names: Sequence[str | None], dialect_options: dict[str, Any]
    ) -> tuple[Any, ...]:
        """:meth:`index_options_signature` of a reflected index, from its
        catalog row (no Table needed).  Worked out on a detached Index once
        per distinct set of options: thousands of indexes share a handful."""
        key: Any = repr(sorted(dialect_options.items()))
        if any(isinstance(v, int) for v in dialect_options.values()):
            key = (key, tuple(column_names))  # e.g. one prefix length for all
        cached = self._index_option_sigs.get(key)
        if cached is None:
            index = sa.Index(
                "_reflected",
                *(sa.column(c) for c in column_names if c is not None),
                **dialect_options,
            )
            cached = self._index_option_sigs[key] = self.index_options_signature(index)
        return cached

    def partial_index_where(self, index: sa.Index) -> Any:
        """The WHERE condition of a partial index (model or reflected); None
        for an index over the whole table."""
        if self.partial_index_option is None:
            return None
        return index.dialect_kwargs.get(self.partial_index_option)

    def catalog_partial_where(self, dialect_options: dict[str, Any]) -> Any:
        """The WHERE of a reflected index, from its ``dialect_options``."""
        if self.partial_index_option is None:
            return None
        return dialect_options.get(self.partial_index_option)

    def compile_expression(self, expr: Any) -> str:
        """Render a model-side SQL expression the way DDL would show it."""
        if isinstance(expr, str):
            return expr
        return str(
            self._ddl_compiler.sql_compiler.process(
                expr, include_table=False, literal_binds=True
            )
        )

    # ------------------------------------------------------------ constraints
    def fk_action(self, value: str | None) -> str | None:
        """ON DELETE / ON UPDATE in canonical form; None for the default action."""
        if value is None:
            return None
        value = _SPACES.sub(" ", value.strip().upper())
        if value in self.default_fk_actions:
            return None
        return value

    def object_name(self, obj: Any) -> str | None:
        """The final name of a model constraint/index (naming convention applied)."""
        if obj.name is None:
            return None
        if obj.name is _NONE_NAME and obj.table is None:
            return None
        try:
            name = self.dialect.identifier_preparer.format_constraint(
                obj, _alembic_quote=False
            )
        except Exception:  # e.g. a convention token that can't be resolved yet
            name = None if obj.name is _NONE_NAME else obj.name
        return None if name is None else str(name)

    def reflected_name(self, name: str | None) -> str | None:
        """The name of a reflected constraint/index as the model would spell it."""
        return name

    def primary_key_name(self, name: str | None) -> str | None:
        """The name ``drop_constraint`` should use for a reflected primary key."""
        return name

    def is_implicit_default(self, text: str, column: sa.Column[Any] | None) -> bool:
        """A default the backend adds by itself (serial sequences and the like)."""
        return False

    def is_implicit_index(
        self,
        index: sa.Index,
        table: sa.Table,
        kept_keys: Sequence[sa.ForeignKeyConstraint] | None = None,
    ) -> bool:
        """A reflected index of ``table`` the backend made by itself (e.g.
        InnoDB's index for a foreign key); ignored unless the models declare it.

        ``kept_keys`` are the table's foreign keys the models keep (None: all
        of them); an index that only served a key being dropped is not the
        backend's business any more.
        """
        return False

    def is_implicit_index_entry(
        self,
        name: str | None,
        unique: bool,
        columns: Sequence[Any],
        keys: Sequence[tuple[str | None, tuple[str, ...], bool]],
    ) -> bool:
        """:meth:`is_implicit_index` on the schema model: an index by name,
        uniqueness and columns, against the table's foreign keys given as
        ``(name, columns, kept)``."""
        return False

    def is_implicit_check(self, name: str | None, sqltext: str) -> bool:
        """A CHECK constraint the backend adds by itself (e.g. MariaDB JSON)."""
        return False

    def is_generated_check_name(self, name: str, table: sa.Table) -> bool:
        """``name`` is one the backend gives an unnamed CHECK by itself.

        Such a constraint came from an unnamed CHECK in the models, which
        cannot be matched by name; the comparison leaves it alone unless the
        models declare a check of exactly that name.
        """
        return False

    def check_is_created(self, constraint: sa.CheckConstraint) -> bool:
        """Whether DDL on this dialect emits the model's CHECK at all.

        A type's own CHECK (``Boolean``/non-native ``Enum`` with
        ``create_constraint=True``) is skipped where the type is native,
        e.g. BOOLEAN on PostgreSQL.
        """
        rule = getattr(constraint, "_create_rule", None)
        if rule is None:
            return True
        return bool(rule(self._ddl_compiler))
