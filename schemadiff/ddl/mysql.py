"""MySQL and MariaDB: non-transactional DDL, and column changes that restate the
whole column (``MODIFY``/``CHANGE``).

Because ``MODIFY`` replaces the full definition, any attribute not given is
taken from the ``existing_*`` hints or, online, from the live column, so that
changing a type doesn't silently drop NOT NULL, the default or the comment.
"""

from __future__ import annotations

import logging
import re
import warnings
from typing import Any, NoReturn

from sqlalchemy import exc as sa_exc
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import schema as sa_schema
from sqlalchemy import text
from sqlalchemy import types as sqltypes
from sqlalchemy.engine import URL
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import DDLCompiler

from schemadiff.ddl import base
from schemadiff.ddl.impl import DefaultImpl, is_string_literal
from schemadiff.ddl.lock import MigrationLock, MySQLLock
from schemadiff.util import CommandError

log = logging.getLogger(__name__)


class MySQLChangeColumn(base.AlterColumn):
    """``MODIFY COLUMN c <spec>`` or, when renaming, ``CHANGE COLUMN c n <spec>``."""

    def __init__(
        self,
        table_name: str,
        column_name: str,
        *,
        newname: str | None,
        type_: Any,
        nullable: bool,
        default: Any,
        autoincrement: bool,
        comment: str | None,
        schema: str | None = None,
    ) -> None:
        super().__init__(table_name, column_name, schema=schema)
        self.newname = newname
        self.type_ = sqltypes.to_instance(type_)
        self.nullable = nullable
        self.default = default
        self.autoincrement = autoincrement
        self.comment = comment


@compiles(MySQLChangeColumn, "mysql", "mariadb")
def _mysql_change_column(
    element: MySQLChangeColumn, compiler: DDLCompiler, **kw: Any
) -> str:
    name = base.format_column_name(compiler, element.column_name)
    if element.newname and element.newname != element.column_name:
        verb = (
            f"CHANGE COLUMN {name} {base.format_column_name(compiler, element.newname)}"
        )
    else:
        verb = f"MODIFY {name}"
    spec = base.format_type(compiler, element.type_)
    spec += " NULL" if element.nullable else " NOT NULL"
    if element.default is not None and element.default is not False:
        spec += f" DEFAULT {base.format_server_default(compiler, element.default)}"
    if element.autoincrement:
        spec += " AUTO_INCREMENT"
    if element.comment:
        spec += " COMMENT " + compiler.sql_compiler.render_literal_value(
            element.comment, sqltypes.STRINGTYPE
        )
    alter = base.alter_table(compiler, element.table_name, element.schema)
    return f"{alter} {verb} {spec}"


class MySQLDropConstraint(base.AlterTable):
    """``ALTER TABLE t DROP <kind> [IF EXISTS] name``.

    SQLAlchemy's DropConstraint ignores ``if_exists`` on MySQL; MariaDB has
    ``DROP FOREIGN KEY IF EXISTS``, ``DROP INDEX IF EXISTS`` (unique keys) and
    ``DROP CONSTRAINT IF EXISTS`` (checks).
    """

    def __init__(self, const: sa_schema.Constraint, if_exists: bool) -> None:
        table = const.table
        super().__init__(table.name, schema=table.schema)
        self.constraint = const
        self.if_exists = if_exists


@compiles(MySQLDropConstraint, "mysql", "mariadb")
def _mysql_drop_constraint(
    element: MySQLDropConstraint, compiler: DDLCompiler, **kw: Any
) -> str:
    const = element.constraint
    if isinstance(const, sa_schema.ForeignKeyConstraint):
        kind = "FOREIGN KEY"
    elif isinstance(const, sa_schema.UniqueConstraint):
        kind = "INDEX"
    elif (
        isinstance(const, sa_schema.CheckConstraint) and not compiler.dialect.is_mariadb
    ):
        kind = "CHECK"
    else:
        kind = "CONSTRAINT"
    guard = " IF EXISTS" if element.if_exists else ""
    name = compiler.preparer.format_constraint(const)
    alter = base.alter_table(compiler, element.table_name, element.schema)
    return f"{alter} DROP {kind}{guard} {name}"


#: characters the ``mysql``/``mariadb`` client or a text editor can change,
#: and the backslash escape the server reads them back from
_MYSQL_ESCAPES = {
    "\x00": "\\0",
    "\b": "\\b",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\x1a": "\\Z",
}
_MYSQL_ESCAPED = re.compile("[" + "".join(_MYSQL_ESCAPES) + "]")


class MySQLImpl(DefaultImpl):
    __dialect__ = ("mysql", "mariadb")
    transactional_ddl = False
    # MariaDB's ALTER SEQUENCE knows no "NO CYCLE"
    sequence_no_cycle = "NOCYCLE"

    @classmethod
    def fleet_target_url(cls, url: URL, schema: str | None) -> tuple[URL, str | None]:
        """A schema is a database here: the target connects to it, and the
        version table lives there without a qualifier."""
        if schema is None:
            return url, None
        return url.set(database=schema), None

    def _refuse(self, message: str) -> NoReturn:
        """Refuse a statement that can't be written safely.  Offline, a revision
        may catch the error and go on, so the script says what is missing
        (a comment where the statement would be) and so does the log."""
        if self.as_sql:
            self.static_output(f"-- FAILED: {message}")
            log.error("%s", message)
        raise CommandError(message)

    def escape_script_literal(self, literal: str) -> str:
        """CR, LF, TAB, NUL, BS and ^Z as backslash escapes: the client drops
        a CR before a LF.  Under ``NO_BACKSLASH_ESCAPES`` (a dialect that
        learnt so on connecting) the literal stays as rendered."""
        if not self.dialect._backslash_escapes or not is_string_literal(literal):
            return literal
        return _MYSQL_ESCAPED.sub(lambda m: _MYSQL_ESCAPES[m.group(0)], literal)

    def _require_sequences(self, op_name: str) -> None:
        # MariaDB has sequences (10.3+), MySQL none; offline the server is
        # unknown until the dialect has connected, so the statement is
        # written and the server it runs on decides
        if not self.as_sql:
            super()._require_sequences(op_name)

    def migration_lock(self, table: str, schema: str | None) -> MigrationLock:
        return MySQLLock(self.dialect, self.connection, table, schema)

    def _live_column(
        self, table_name: str, column_name: str, schema: str | None
    ) -> dict[str, Any] | None:
        if self.connection is None:
            return None
        insp = sa_inspect(self.connection)
        for col in insp.get_columns(table_name, schema=schema):
            if col["name"].lower() == column_name.lower():
                return col
        raise CommandError(
            f"alter_column: table {table_name!r} has no column {column_name!r}"
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
        existing_server_default: Any = False,
        existing_nullable: bool | None = None,
        existing_autoincrement: bool | None = None,
        **kw: Any,
    ) -> None:
        full_spec = (
            (name is not None and name != column_name)
            or nullable is not None
            or type_ is not None
            or autoincrement is not None
            or comment is not False
        )
        if not full_spec:
            if server_default is not False:
                self._exec(
                    base.ColumnDefault(
                        table_name, column_name, server_default, schema=schema
                    )
                )
            return
        if (
            existing_type is None
            or existing_nullable is None
            or existing_server_default is False
            or (existing_comment is None and comment is False)
            or existing_autoincrement is None
        ):
            live = self._live_column(table_name, column_name, schema)
            if live is not None:
                if existing_type is None:
                    existing_type = live["type"]
                if existing_nullable is None:
                    existing_nullable = live["nullable"]
                if existing_server_default is False:
                    default = live.get("default")
                    existing_server_default = None if default is None else text(default)
                if existing_comment is None:
                    existing_comment = live.get("comment")
                if existing_autoincrement is None:
                    existing_autoincrement = live.get("autoincrement") is True
        final_type = type_ if type_ is not None else existing_type
        if final_type is None:
            self._refuse(
                f"alter_column {table_name}.{column_name}: MySQL/MariaDB restate the "
                "whole column, so existing_type= is required (offline the column "
                "can't be inspected)"
            )
        final_nullable = nullable if nullable is not None else existing_nullable
        if final_nullable is None:
            # Guessing NULL would silently drop a NOT NULL the column has.
            self._refuse(
                f"alter_column {table_name}.{column_name}: MySQL/MariaDB restate the "
                "whole column, so existing_nullable= (or nullable=) is required "
                "(offline the column can't be inspected)"
            )
        self._exec(
            MySQLChangeColumn(
                table_name,
                column_name,
                newname=name,
                type_=final_type,
                nullable=final_nullable,
                default=(
                    server_default
                    if server_default is not False
                    else existing_server_default
                ),
                autoincrement=bool(
                    autoincrement
                    if autoincrement is not None
                    else existing_autoincrement
                ),
                comment=comment if comment is not False else existing_comment,
                schema=schema,
            )
        )

    def add_constraint(self, const: sa_schema.Constraint) -> None:
        """``PRIMARY`` is what every primary key is called here, not a name
        ``ADD CONSTRAINT`` accepts (it is what reflection and a dropped key's
        reverse carry)."""
        if (
            isinstance(const, sa_schema.PrimaryKeyConstraint)
            and isinstance(const.name, str)
            and const.name.upper() == "PRIMARY"
        ):
            const.name = None
        super().add_constraint(const)

    def drop_constraint(
        self, const: sa_schema.Constraint, if_exists: bool | None = None
    ) -> None:
        if type(const) is sa_schema.Constraint:
            const = self._typed_constraint(const, if_exists=bool(if_exists))
            if const is None:
                return
        implicit = None
        if isinstance(const, sa_schema.ForeignKeyConstraint):
            implicit = self._implicit_fk_index(const)
        if isinstance(const, sa_schema.PrimaryKeyConstraint):
            self._drop_primary_key(const, bool(if_exists))
        elif isinstance(const, sa_schema.UniqueConstraint) and (
            not if_exists or self.dialect.is_mariadb
        ):
            # a UNIQUE constraint is an index that may serve a foreign key
            index = sa_schema.Index(const.name, _table=const.table)
            if self.as_sql:
                self._drop_index_script(index, bool(if_exists))
                return
            self._index_keys_first(index)
            self._exec(MySQLDropConstraint(const, if_exists=bool(if_exists)))
        elif if_exists and not self.dialect.is_mariadb:
            self._drop_if_present(const)
        else:
            self._exec(MySQLDropConstraint(const, if_exists=bool(if_exists)))
        if implicit is not None:
            self._exec(sa_schema.DropIndex(implicit))

    def _drop_primary_key(
        self, const: sa_schema.PrimaryKeyConstraint, if_exists: bool
    ) -> None:
        """``DROP PRIMARY KEY`` has no IF EXISTS form: look first, online only."""
        table = const.table
        if if_exists:
            if self.connection is None:
                raise CommandError(
                    f"drop_constraint on table {table.name!r}: MySQL/MariaDB can't "
                    "write DROP PRIMARY KEY IF EXISTS; offline, leave if_exists out"
                )
            pk = sa_inspect(self.connection).get_pk_constraint(
                table.name, schema=table.schema
            )
            if not pk.get("constrained_columns"):
                return
        self._exec(sa_schema.DropConstraint(const))

    def _drop_if_present(self, const: sa_schema.Constraint) -> None:
        """MySQL (unlike MariaDB) has no IF EXISTS here: look first, online only."""
        table = const.table
        if self.connection is None:
            raise CommandError(
                f"drop_constraint {const.name!r} on table {table.name!r}: MySQL "
                "has no IF EXISTS for constraints (MariaDB does); offline, leave "
                "if_exists out"
            )
        insp = sa_inspect(self.connection)
        if isinstance(const, sa_schema.ForeignKeyConstraint):
            found = insp.get_foreign_keys(table.name, schema=table.schema)
        elif isinstance(const, sa_schema.UniqueConstraint):
            found = insp.get_unique_constraints(table.name, schema=table.schema)
        else:
            found = insp.get_check_constraints(table.name, schema=table.schema)
        if any(c.get("name") == const.name for c in found):
            self._exec(MySQLDropConstraint(const, if_exists=False))

    def _implicit_fk_index(
        self, fk: sa_schema.ForeignKeyConstraint
    ) -> sa_schema.Index | None:
        """The index InnoDB made for ``fk`` (named after it, led by its
        columns), if no other foreign key of the table still needs it.

        InnoDB keeps that index when the key is dropped; left behind, the next
        comparison would offer to drop an index nobody asked for.
        """
        table = fk.table
        if self.as_sql or self.connection is None or table is None or not fk.name:
            return None
        insp = sa_inspect(self.connection)
        keys = insp.get_foreign_keys(table.name, schema=table.schema)
        mine = [k for k in keys if k["name"] == fk.name]
        if not mine:
            return None
        columns = mine[0]["constrained_columns"]
        indexes = insp.get_indexes(table.name, schema=table.schema)
        found = [
            i
            for i in indexes
            if i["name"] == fk.name
            and not i["unique"]
            and i["column_names"][: len(columns)] == columns
        ]
        if not found:
            return None
        index = found[0]
        pk = insp.get_pk_constraint(table.name, schema=table.schema)
        others = [i["column_names"] for i in indexes if i is not index]
        others.append(pk.get("constrained_columns") or [])
        for key in keys:
            if key["name"] == fk.name:
                continue
            needs = key["constrained_columns"]
            served = index["column_names"][: len(needs)] == needs
            if served and not any(cols[: len(needs)] == needs for cols in others):
                return None  # the last index this other key can use
        return sa_schema.Index(fk.name, _table=table)

    def _typed_constraint(
        self, const: sa_schema.Constraint, if_exists: bool = False
    ) -> sa_schema.Constraint | None:
        """MySQL's DROP syntax depends on the constraint kind; look it up.

        None when the constraint is absent and ``if_exists`` allows that.
        """
        table = const.table
        where = f"drop_constraint {const.name!r} on table {table.name!r}"
        if self.connection is None:
            raise CommandError(
                f"{where}: MySQL/MariaDB need type_= ('foreignkey', 'unique', "
                "'primary' or 'check') offline"
            )
        insp = sa_inspect(self.connection)
        kinds = (
            ("foreignkey", insp.get_foreign_keys),
            ("unique", insp.get_unique_constraints),
            ("check", insp.get_check_constraints),
        )
        found = None
        for kind, getter in kinds:
            if any(
                c.get("name") == const.name
                for c in getter(table.name, schema=table.schema)
            ):
                found = kind
                break
        if found is None and str(const.name).upper() == "PRIMARY":
            found = "primary"
        if found is None:
            if if_exists:
                return None
            raise CommandError(f"{where}: no such constraint")
        makers = {
            "foreignkey": lambda: sa_schema.ForeignKeyConstraint(
                [], [], name=const.name
            ),
            "unique": lambda: sa_schema.UniqueConstraint(name=const.name),
            "check": lambda: sa_schema.CheckConstraint("", name=const.name),
            "primary": lambda: sa_schema.PrimaryKeyConstraint(name=const.name),
        }
        typed = makers[found]()
        table.constraints.discard(const)
        table.append_constraint(typed)
        return typed

    def drop_index(self, index: sa_schema.Index, if_exists: bool | None = None) -> None:
        """DROP INDEX, after indexing the foreign keys only this index served.

        InnoDB drops the index it made for a foreign key as soon as another
        index can serve the key, and then refuses to drop that other index
        (error 1553): the downgrade of "create an index led by a key's
        columns" could not run.  The key's own index is created again first,
        named after the key, as InnoDB had it.  Offline the table can't be
        inspected, so the script asks the server (see ``_drop_index_script``).
        """
        table = index.table
        if table is None or table.name == "no_table":
            raise CommandError(
                f"drop_index {index.name!r}: MySQL/MariaDB need table_name="
            )
        if self.as_sql:
            self._drop_index_script(index, bool(if_exists))
            return
        self._index_keys_first(index)
        super().drop_index(index, if_exists=if_exists)

    def _index_keys_first(self, index: sa_schema.Index) -> None:
        for needed in self._indexes_keys_need(index):
            log.info(
                "dropping %s: indexing foreign key %s first (InnoDB needs it)",
                index.name,
                needed.name,
            )
            self._exec(sa_schema.CreateIndex(needed))

    def _indexes_keys_need(self, index: sa_schema.Index) -> list[sa_schema.Index]:
        """Indexes for the table's foreign keys that ``index`` alone serves."""
        table = index.table
        assert table is not None and self.connection is not None
        insp = sa_inspect(self.connection)
        with warnings.catch_warnings():
            # only names are read: a column type SQLAlchemy doesn't know
            # (GEOMETRY under a SPATIAL index) is no matter here
            warnings.simplefilter("ignore", category=sa_exc.SAWarning)
            indexes = insp.get_indexes(table.name, schema=table.schema)
        dropped = [i for i in indexes if i["name"] == index.name]
        if not dropped:
            return []
        pk = insp.get_pk_constraint(table.name, schema=table.schema)
        serving = [i["column_names"] for i in indexes if i is not dropped[0]]
        serving.append(pk.get("constrained_columns") or [])
        taken = {i["name"] for i in indexes}
        needed: list[sa_schema.Index] = []
        keys = insp.get_foreign_keys(table.name, schema=table.schema)
        # longest first: one new index serves every key it leads with
        for key in sorted(keys, key=lambda k: -len(k["constrained_columns"])):
            columns = key["constrained_columns"]
            if not _leads(dropped[0]["column_names"], columns):
                continue
            if any(_leads(cols, columns) for cols in serving):
                continue
            name = _free_name(key["name"] or columns[0], taken)
            taken.add(name)
            serving.append(columns)
            needed.append(_index_on(name, table, columns))
        return needed

    def _drop_index_script(self, index: sa_schema.Index, if_exists: bool) -> None:
        """Offline DROP INDEX that works out on the server which foreign keys
        only this index serves, indexes them (named after the key) and drops
        the index, in one ALTER TABLE run through PREPARE/EXECUTE."""
        table = index.table
        assert table is not None
        preparer = self.script_dialect.identifier_preparer
        schema = "DATABASE()" if table.schema is None else self._string(table.schema)
        name = self._string(str(index.name))
        where = f"TABLE_SCHEMA = {schema} AND TABLE_NAME = {self._string(table.name)}"
        target = preparer.quote(table.name)
        if table.schema:
            target = f"{preparer.quote_schema(table.schema)}.{target}"
        guard = "IF EXISTS " if if_exists else ""
        drop = self._string(f"DROP INDEX {guard}{preparer.quote(str(index.name))}")
        alter = self._string(f"ALTER TABLE {target} ")
        lines = [
            f"-- dropping index {index.name} of {table.name}: first index the "
            "foreign keys only it serves (else InnoDB error 1553)",
            "SET @schemadiff_ddl = (",
            f"  SELECT CONCAT({alter}, COALESCE(GROUP_CONCAT(",
            "    'ADD INDEX `', REPLACE(k.name, '`', '``'), '` (', k.cols_sql, '), '",
            f"    SEPARATOR ''), ''), {drop})",
            "  FROM (",
            "    SELECT k.name, k.cols_sql FROM (",
            "      SELECT CONSTRAINT_NAME AS name,",
            "        GROUP_CONCAT(COLUMN_NAME ORDER BY ORDINAL_POSITION) AS cols,",
            "        GROUP_CONCAT('`', REPLACE(COLUMN_NAME, '`', '``'), '`'",
            "          ORDER BY ORDINAL_POSITION SEPARATOR ', ') AS cols_sql",
            "      FROM information_schema.KEY_COLUMN_USAGE",
            f"      WHERE {where} AND REFERENCED_TABLE_NAME IS NOT NULL",
            "      GROUP BY CONSTRAINT_NAME",
            "    ) AS k JOIN (",
            "      SELECT INDEX_NAME AS name,",
            "        GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) AS cols",
            f"      FROM information_schema.STATISTICS WHERE {where}",
            "      GROUP BY INDEX_NAME",
            "    ) AS i ON LEFT(CONCAT(i.cols, ','), CHAR_LENGTH(k.cols) + 1)",
            "      = CONCAT(k.cols, ',')",
            "    GROUP BY k.name, k.cols_sql",
            f"    HAVING SUM(i.name = {name}) > 0 AND SUM(i.name <> {name}) = 0",
            "  ) AS k",
            ")" + self.command_terminator,
        ]
        self.static_output("\n".join(lines))
        for statement in (
            "PREPARE schemadiff_ddl FROM @schemadiff_ddl",
            "EXECUTE schemadiff_ddl",
            "DEALLOCATE PREPARE schemadiff_ddl",
        ):
            self.static_output(statement + self.command_terminator)

    def _string(self, value: str) -> str:
        """``value`` as a string literal of this dialect."""
        if self.dialect._backslash_escapes:
            value = value.replace("\\", "\\\\")
        return "'" + value.replace("'", "''") + "'"


def _leads(index_columns: list[str], key_columns: list[str]) -> bool:
    """An index on ``index_columns`` can serve a key on ``key_columns``."""
    return index_columns[: len(key_columns)] == key_columns


def _free_name(name: str, taken: set[str]) -> str:
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name}_{n}"
    return candidate


def _index_on(name: str, table: sa_schema.Table, columns: list[str]) -> sa_schema.Index:
    """An Index on ``columns`` of a stub of ``table`` (which may list none)."""
    stub = sa_schema.Table(
        table.name,
        sa_schema.MetaData(),
        *[sa_schema.Column(c, sqltypes.NullType()) for c in columns],
        schema=table.schema,
    )
    return sa_schema.Index(name, *[stub.c[c] for c in columns])


@compiles(base.RenameTable, "mysql", "mariadb")
def _mysql_rename_table(
    element: base.RenameTable, compiler: DDLCompiler, **kw: Any
) -> str:
    # an unqualified new name would move the table into the current database
    return (
        f"{base.alter_table(compiler, element.table_name, element.schema)} RENAME TO "
        f"{base.format_table_name(compiler, element.new_table_name, element.schema)}"
    )
