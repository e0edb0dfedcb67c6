"""The base dialect implementation every backend-specific class extends.

An implementation is chosen by dialect name; subclasses register themselves by
declaring ``__dialect__``.  It executes constructs online or, in offline mode,
writes them as SQL text to the output buffer.
"""

from __future__ import annotations

import logging
import re
from typing import Any, ClassVar, TextIO

from sqlalchemy import literal, text
from sqlalchemy.engine import URL, Connection, Dialect
from sqlalchemy.schema import (
    AddConstraint,
    Column,
    Constraint,
    CreateIndex,
    CreateSequence,
    CreateTable,
    DropConstraint,
    DropIndex,
    DropSequence,
    DropTable,
    DropTableComment,
    ForeignKeyConstraint,
    Index,
    PrimaryKeyConstraint,
    Sequence,
    SetColumnComment,
    SetTableComment,
    Table,
)
from sqlalchemy.sql.elements import BindParameter, ClauseElement
from sqlalchemy.sql.sqltypes import NullType

from schemadiff.ddl import base
from schemadiff.ddl.lock import MigrationLock
from schemadiff.ddl.plain_sql import STRING_LITERAL, script_dialect
from schemadiff.util import CommandError

log = logging.getLogger(__name__)

#: CREATE TABLE's line-start TAB, found outside quoted literals and names
_INDENT = re.compile(r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|`(?:[^`]|``)*`|\n\t""")

_registry: dict[str, type[DefaultImpl]] = {}


def register_by_dialect(registry: dict[str, Any], cls: type) -> None:
    """File ``cls`` under each name of its own ``__dialect__`` (a name or a
    tuple of names); subclasses that don't declare one aren't filed."""
    names = cls.__dict__.get("__dialect__")
    if names:
        for name in (names,) if isinstance(names, str) else names:
            registry[name] = cls


class DefaultImpl:
    """Generic SQL for any SQLAlchemy dialect; backends override what differs."""

    __dialect__: ClassVar[str] = "default"
    #: Whether DDL runs inside a transaction that can be rolled back.
    transactional_ddl: ClassVar[bool] = False
    command_terminator: ClassVar[str] = ";"
    #: ALTER SEQUENCE's clause turning cycling off (MariaDB: NOCYCLE)
    sequence_no_cycle: ClassVar[str] = "NO CYCLE"

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        register_by_dialect(_registry, cls)

    def __init__(
        self,
        dialect: Dialect,
        connection: Connection | None,
        as_sql: bool,
        transactional_ddl: bool | None,
        output_buffer: TextIO | None,
        context_opts: dict[str, Any],
    ) -> None:
        self.dialect = dialect
        self.connection = connection
        self.as_sql = as_sql
        self.literal_binds = bool(context_opts.get("literal_binds", False))
        self.output_buffer = output_buffer
        self.context_opts = context_opts
        if transactional_ddl is not None:
            self.transactional_ddl = transactional_ddl  # type: ignore[misc]
        #: Statements run online since ``start_statement_log()``; None = not kept.
        self.statement_log: list[tuple[str, bool]] | None = None
        if self.literal_binds and not self.as_sql:
            raise CommandError(
                "literal_binds=True only applies to offline (--sql) mode"
            )
        #: compiles offline statements: single ``%``, literals escaped for
        #: the dialect's command-line client
        self.script_dialect = (
            script_dialect(dialect, self.escape_script_literal) if as_sql else dialect
        )

    def start_statement_log(self) -> None:
        """Keep ``(sql, is_ddl)`` of each statement run from now on, so a
        failure on a backend that commits DDL can say what stays applied."""
        self.statement_log = []

    def stop_statement_log(self) -> list[tuple[str, bool]]:
        """Stop keeping statements; those kept since the start."""
        kept, self.statement_log = self.statement_log or [], None
        return kept

    @classmethod
    def needs_batch_for(cls, diff_kind: str) -> bool:
        """Whether a plain ALTER for this kind of difference (a ``to_diff_tuple``
        name such as ``modify_type`` or ``add_fk``) can't run on this dialect
        outside batch mode; autogenerate warns when it renders one."""
        return False

    @classmethod
    def get_by_dialect(cls, dialect: Dialect) -> type[DefaultImpl]:
        """The implementation class for ``dialect``, or the generic one."""
        _load_builtin_impls()
        return _registry.get(dialect.name, DefaultImpl)

    @property
    def bind(self) -> Connection | None:
        return self.connection

    def escape_script_literal(self, literal: str) -> str:
        """A rendered literal as an offline script must spell it so that the
        dialect's client reads back every character; the generic dialect has
        no known client and writes the literal as SQLAlchemy renders it."""
        return literal

    def static_output(self, text_: str) -> None:
        """Write one chunk of offline output, followed by a blank line."""
        assert self.output_buffer is not None
        self.output_buffer.write(text_ + "\n\n")
        self.output_buffer.flush()

    def _exec(
        self,
        construct: str | ClauseElement,
        execution_options: dict[str, Any] | None = None,
        multiparams: Any = None,
        params: dict[str, Any] | None = None,
    ) -> Any:
        """Run a statement online, or render it with a terminator offline."""
        if isinstance(construct, str):
            construct = text(construct)
        if self.as_sql:
            if multiparams or params:
                raise TypeError("Execution arguments are not allowed in offline mode")
            # Offline SQL must be complete text: values are rendered inline,
            # hand-written SQL is written exactly as given.
            compiled = str(
                construct.compile(
                    dialect=self.script_dialect, compile_kwargs={"literal_binds": True}
                )
            )
            if isinstance(construct, CreateTable):
                compiled = _INDENT.sub(_indent_with_spaces, compiled)
            self.static_output(compiled.strip() + self.command_terminator)
            return None
        assert self.connection is not None
        conn = self.connection
        if execution_options:
            conn = conn.execution_options(**execution_options)
        if multiparams is not None:
            result = conn.execute(construct, multiparams)
        else:
            result = conn.execute(construct, params or {})
        if self.statement_log is not None:
            self.statement_log.append(_statement_text(construct, self.dialect))
        return result

    def execute(
        self,
        sql: str | ClauseElement,
        execution_options: dict[str, Any] | None = None,
    ) -> Any:
        return self._exec(sql, execution_options)

    def emit_begin(self) -> None:
        self.static_output("BEGIN" + self.command_terminator)

    def emit_commit(self) -> None:
        self.static_output("COMMIT" + self.command_terminator)

    # ------------------------------------------------------------- sequences
    def _require_sequences(self, op_name: str) -> None:
        if not getattr(self.dialect, "supports_sequences", False):
            raise CommandError(f"{op_name}: {self.dialect.name} has no sequences")

    def create_sequence(self, name: str, schema: str | None, **options: Any) -> None:
        self._require_sequences("create_sequence")
        self._exec(CreateSequence(Sequence(name, schema=schema, **options)))

    def drop_sequence(self, name: str, schema: str | None) -> None:
        self._require_sequences("drop_sequence")
        self._exec(DropSequence(Sequence(name, schema=schema)))

    def alter_sequence(
        self, name: str, schema: str | None, changes: dict[str, Any]
    ) -> None:
        """``ALTER SEQUENCE`` with one clause per changed option; None puts
        an option back to the backend's default."""
        self._require_sequences("alter_sequence")
        preparer = self.dialect.identifier_preparer
        target = preparer.format_sequence(Sequence(name, schema=schema))
        clauses = []
        for option, value in changes.items():
            if option == "start":
                clauses.append(f"START WITH {int(value if value is not None else 1)}")
            elif option == "increment":
                clauses.append(f"INCREMENT BY {int(value if value is not None else 1)}")
            elif option in ("minvalue", "maxvalue"):
                word = option.upper()
                clauses.append(
                    f"NO {word}" if value is None else f"{word} {int(value)}"
                )
            elif option == "cycle":
                clauses.append("CYCLE" if value else self.sequence_no_cycle)
            elif option == "cache":
                clauses.append(f"CACHE {int(value if value is not None else 1)}")
        self._exec(f"ALTER SEQUENCE {target} {' '.join(clauses)}")

    # ------------------------------------------------------------ enum types
    def create_enum(self, name: str, values: Any, schema: str | None) -> None:
        self._no_enum_types("create_enum")

    def drop_enum(self, name: str, schema: str | None) -> None:
        self._no_enum_types("drop_enum")

    def sync_enum_values(self, name: str, *args: Any, **kw: Any) -> None:
        self._no_enum_types("sync_enum_values")

    def _no_enum_types(self, op_name: str) -> None:
        raise CommandError(
            f"{op_name}: {self.dialect.name} has no named ENUM types (an ENUM "
            "there is part of its column: change the column with alter_column)"
        )

    # ------------------------------------------------------------ migrations

    @property
    def memo(self) -> dict[str, Any]:
        """Scratch space SQLAlchemy's type events use during CREATE TABLE.

        Offline it lasts the run, so a named type shared by several tables is
        created once.  Online nothing is remembered: the database is asked
        (``checkfirst``), so a type a migration dropped itself (``DROP TYPE``)
        is created again when a later table in the same run needs it.
        """
        if not self.as_sql:
            return {}
        try:
            return self.__dict__["_memo"]
        except KeyError:
            return self.__dict__.setdefault("_memo", {})

    def _ddl_bind(self) -> Any:
        """Something DDL events (e.g. PostgreSQL ENUM creation) can run on."""
        if self.connection is not None:
            return self.connection
        from sqlalchemy.engine.mock import MockConnection

        def executor(construct: Any, *multiparams: Any, **params: Any) -> None:
            self._exec(construct)

        return MockConnection(self.dialect, executor)

    def start_migrations(self) -> None:
        """Hook called when a run begins; per-run state can be set up here."""

    @classmethod
    def fleet_target_url(cls, url: URL, schema: str | None) -> tuple[URL, str | None]:
        """Where a fleet target (``schemadiff fleet``) with ``schema`` runs:
        the URL env.py connects with and the version table's schema.

        Generic dialects have no notion of a tenant schema the connection can
        be pointed at, so a schema is refused rather than silently ignored.
        """
        if schema is None:
            return url, None
        raise CommandError(
            f"{url.get_backend_name()} fleet targets take no 'schema'; give each "
            "target its own url"
        )

    def migration_lock(self, table: str, schema: str | None) -> MigrationLock | None:
        """The lock that serialises runs on this database (see
        ``schemadiff.ddl.lock``); None runs unlocked.  A third-party dialect
        implementation overrides this to lock its backend."""
        return None

    def requires_recreate_in_batch(self, batch_op: Any) -> bool:
        """Whether batch mode must rebuild the table ("move and copy")."""
        return False

    def prep_table_for_batch(self, batch_impl: Any, table: Any) -> None:
        """Hook run before a batch rebuild creates the new table."""

    def complete_reflected_table(self, table: Table) -> None:
        """Add to a table reflected for a batch rebuild what SQLAlchemy's
        reflection leaves out on this dialect, so the rebuild keeps it."""

    def _types_checkfirst(self) -> bool:
        """Whether a schema type (PostgreSQL's ENUM) is created only when absent:
        online the database is asked first; offline CREATE TYPE is written as is."""
        return not self.as_sql

    def create_table(self, table: Table, if_not_exists: bool | None = None) -> None:
        bind = self._ddl_bind()
        checkfirst = self._types_checkfirst()
        table.dispatch.before_create(
            table, bind, checkfirst=checkfirst, _ddl_runner=self
        )
        self._exec(CreateTable(table, if_not_exists=bool(if_not_exists)))
        table.dispatch.after_create(
            table, bind, checkfirst=checkfirst, _ddl_runner=self
        )
        for index in table.indexes:
            self._exec(CreateIndex(index, if_not_exists=bool(if_not_exists)))
        if self.dialect.supports_comments and not self.dialect.inline_comments:
            if table.comment:
                self.create_table_comment(table)
            for column in table.columns:
                if column.comment:
                    self.create_column_comment(column)

    def drop_table(self, table: Table, if_exists: bool | None = None) -> None:
        bind = self._ddl_bind()
        table.dispatch.before_drop(table, bind, checkfirst=False, _ddl_runner=self)
        self._exec(DropTable(table, if_exists=bool(if_exists)))
        table.dispatch.after_drop(table, bind, checkfirst=False, _ddl_runner=self)

    def rename_table(
        self, old_table_name: str, new_table_name: str, schema: str | None = None
    ) -> None:
        self._exec(base.RenameTable(old_table_name, new_table_name, schema=schema))

    def add_column(
        self,
        table_name: str,
        column: Column[Any],
        schema: str | None = None,
        if_not_exists: bool | None = None,
        inline_references: bool | None = None,
        inline_primary_key: bool | None = None,
        **kw: Any,
    ) -> None:
        """ADD COLUMN, then the constraints/indexes the Column object carries
        (a single-column foreign key inline with ``inline_references``)."""
        inline = single_column_fks(column) if inline_references else []
        self._exec(
            base.AddColumn(
                table_name,
                column,
                schema=schema,
                if_not_exists=if_not_exists,
                inline_fks=inline,
                inline_primary_key=inline_primary_key,
            )
        )
        self._add_column_extras(column, inline=inline)

    def _add_column_extras(self, column: Column[Any], inline: Any) -> None:
        table = column.table
        if table is None:
            return
        for const in list(table.constraints):
            if isinstance(const, PrimaryKeyConstraint) or const in inline:
                continue
            if const in column.constraints:
                continue
            self.add_constraint(const)
        for index in table.indexes:
            self.create_index(index)
        if (
            column.comment
            and self.dialect.supports_comments
            and not self.dialect.inline_comments
        ):
            self.create_column_comment(column)

    def drop_column(
        self,
        table_name: str,
        column: Column[Any],
        schema: str | None = None,
        if_exists: bool | None = None,
        **kw: Any,
    ) -> None:
        self._exec(
            base.DropColumn(table_name, column, schema=schema, if_exists=if_exists)
        )

    def alter_column(
        self,
        table_name: str,
        column_name: str,
        nullable: bool | None = None,
        server_default: Any = False,
        name: str | None = None,
        type_: Any = None,
        schema: str | None = None,
        autoincrement: bool | None = None,
        comment: Any = False,
        existing_comment: str | None = None,
        existing_type: Any = None,
        existing_server_default: Any = None,
        existing_nullable: bool | None = None,
        existing_autoincrement: bool | None = None,
        **kw: Any,
    ) -> None:
        """One standard ALTER per changed attribute; the rename goes last."""
        if autoincrement is not None or existing_autoincrement is not None:
            log.debug("autoincrement is not altered on %s", self.dialect.name)
        facts = {
            "schema": schema,
            "existing_type": existing_type,
            "existing_nullable": existing_nullable,
            "existing_server_default": existing_server_default,
            "existing_comment": existing_comment,
        }
        if nullable is not None:
            self._exec(base.ColumnNullable(table_name, column_name, nullable, **facts))
        if server_default is not False:
            self._exec(
                base.ColumnDefault(table_name, column_name, server_default, **facts)
            )
        if type_ is not None:
            self._exec(base.ColumnType(table_name, column_name, type_, **facts))
        if comment is not False:
            self._exec(base.ColumnComment(table_name, column_name, comment, **facts))
        if name is not None:
            self._exec(base.ColumnName(table_name, column_name, name, **facts))

    def add_constraint(self, const: Constraint) -> None:
        rule = getattr(const, "_create_rule", None)
        if rule is None or rule(self):
            self._exec(AddConstraint(const))

    def drop_constraint(self, const: Constraint, if_exists: bool | None = None) -> None:
        self._exec(DropConstraint(const, if_exists=bool(if_exists)))

    def create_index(self, index: Index, if_not_exists: bool | None = None) -> None:
        self._exec(CreateIndex(index, if_not_exists=bool(if_not_exists)))

    def drop_index(self, index: Index, if_exists: bool | None = None) -> None:
        self._exec(DropIndex(index, if_exists=bool(if_exists)))

    def create_table_comment(self, table: Table) -> None:
        self._exec(SetTableComment(table))

    def drop_table_comment(self, table: Table) -> None:
        self._exec(DropTableComment(table))

    def create_column_comment(self, column: Column[Any]) -> None:
        self._exec(SetColumnComment(column))

    def bulk_insert(
        self, table: Any, rows: list[dict[str, Any]], multiinsert: bool = True
    ) -> None:
        """INSERT rows; offline every row is a separate INSERT with literal values."""
        if not isinstance(rows, list):
            raise CommandError(f"bulk_insert into {table.name!r}: a list is expected")
        if rows and not all(isinstance(r, dict) for r in rows):
            raise CommandError(
                f"bulk_insert into {table.name!r}: a list of dictionaries is expected"
            )
        unknown = {k for r in rows for k in r if k not in table.c}
        if unknown:
            raise CommandError(
                f"bulk_insert into {table.name!r}: unknown column(s) "
                f"{', '.join(sorted(unknown))}"
            )
        if self.as_sql:
            for row in rows:
                values = {
                    key: (
                        value
                        if isinstance(value, BindParameter)
                        else _literal_for(value, table.c[key].type)
                    )
                    for key, value in row.items()
                }
                self._exec(table.insert().inline().values(**values))
            return
        if not rows:
            return
        if multiinsert:
            # executemany needs one key set per batch: group consecutive rows
            group: list[dict[str, Any]] = []
            for row in rows:
                if group and set(row) != set(group[0]):
                    self._exec(table.insert().inline(), multiparams=group)
                    group = []
                group.append(row)
            self._exec(table.insert().inline(), multiparams=group)
        else:
            for row in rows:
                self._exec(table.insert().inline().values(**row))


def _indent_with_spaces(match: re.Match[str]) -> str:
    """CREATE TABLE's column indent as four spaces; literals untouched."""
    return "\n    " if match.group(0) == "\n\t" else match.group(0)


def is_string_literal(literal: str) -> bool:
    """``literal`` is one plain ``'...'`` string (not a number, ARRAY[...])."""
    return STRING_LITERAL.match(literal) is not None


def _literal_for(value: Any, type_: Any) -> Any:
    """A literal for offline INSERTs; untyped ``sa.column()``s use the value's type."""
    if isinstance(type_, NullType):
        return literal(value)
    return literal(value, type_=type_)


def _load_builtin_impls() -> None:
    """Import the bundled dialect modules so they register themselves."""
    import importlib

    for name in ("sqlite", "postgresql", "mysql"):
        try:
            importlib.import_module(f"schemadiff.ddl.{name}")
        except ModuleNotFoundError as err:
            if err.name != f"schemadiff.ddl.{name}":
                raise


def single_column_fks(column: Column[Any]) -> list[Any]:
    """The column's table's foreign keys on this one column alone."""
    table = column.table
    if table is None:
        return []
    return [
        const
        for const in table.constraints
        if isinstance(const, ForeignKeyConstraint)
        and len(const.elements) == 1
        and const.elements[0].parent is column
    ]


_DDL_WORDS = ("CREATE", "ALTER", "DROP", "RENAME", "TRUNCATE", "COMMENT")


def _statement_text(construct: Any, dialect: Dialect) -> tuple[str, bool]:
    """One line of SQL for a statement just run, and whether it is DDL."""
    from sqlalchemy.sql.ddl import ExecutableDDLElement

    try:
        sql = str(construct.compile(dialect=dialect))
    except Exception:  # a construct only the driver understands
        sql = type(construct).__name__
    sql = " ".join(sql.split())
    is_ddl = isinstance(construct, ExecutableDDLElement) or sql.upper().startswith(
        _DDL_WORDS
    )
    return sql, is_ddl
