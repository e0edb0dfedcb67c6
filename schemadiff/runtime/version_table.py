"""The version table: one row per revision the database currently stands at.

The table holds the *heads* of the applied part of the revision graph, never
every applied revision.  Each migration step turns into the smallest set of row
changes that moves the old heads to the new ones:

- a branch opens (a base, or a revision whose parents are not heads): INSERT;
- a branch moves along: UPDATE old -> new;
- branches merge: DELETE all but one merged parent, UPDATE the last one;
- a downgrade closes a branch: DELETE; it unmerges one: UPDATE + INSERT.

Statements go through the dialect implementation, so offline mode renders them
as literal SQL text exactly like the online statements.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from schemadiff.script.revision import MAX_REV_ID_LENGTH
from schemadiff.util import DEFAULT_VERSION_TABLE, CommandError

if TYPE_CHECKING:
    from schemadiff.runtime.migration import MigrationContext

log = logging.getLogger(__name__)

#: stand-in revision ids of the offline statement templates
_OLD = "sdoldrevisionstandin"
_NEW = "sdnewrevisionstandin"

#: Length of the ``version_num`` column: the longest id the graph accepts.
VERSION_NUM_LENGTH = MAX_REV_ID_LENGTH


def make_version_table(
    name: str = DEFAULT_VERSION_TABLE,
    schema: str | None = None,
    primary_key: bool = True,
) -> sa.Table:
    """The Table construct for the version table (its own MetaData)."""
    columns: list[Any] = [
        sa.Column("version_num", sa.String(VERSION_NUM_LENGTH), nullable=False)
    ]
    if primary_key:
        columns.append(sa.PrimaryKeyConstraint("version_num", name=f"{name}_pkc"))
    return sa.Table(name, sa.MetaData(), *columns, schema=schema)


def row_changes(
    removed: Sequence[str], added: Sequence[str]
) -> list[tuple[str, str | None, str | None]]:
    """Translate "these heads go, these come" into INSERT/UPDATE/DELETE actions.

    Returns ``(action, old, new)`` tuples in the order they must run.  Rows are
    reused by UPDATE where possible so that a plain linear upgrade is a single
    UPDATE, a merge is DELETE(s) followed by one UPDATE, as users expect to see
    in offline SQL, and an unmerge is that in reverse.
    """
    removed = list(removed)
    added = list(added)
    actions: list[tuple[str, str | None, str | None]] = []
    if len(removed) >= len(added):
        surplus = len(removed) - len(added)
        actions.extend(("delete", rev, None) for rev in removed[:surplus])
        actions.extend(
            ("update", old, new) for old, new in zip(removed[surplus:], added)
        )
    else:
        # The mirror image of a merge: UPDATE the row, then INSERT the others.
        surplus = len(added) - len(removed)
        actions.extend(
            ("update", old, new) for old, new in zip(removed, added[surplus:])
        )
        actions.extend(("insert", None, rev) for rev in added[:surplus])
    return actions


class VersionTable:
    """Reads and writes the version table of one MigrationContext."""

    def __init__(
        self,
        context: MigrationContext,
        name: str = DEFAULT_VERSION_TABLE,
        schema: str | None = None,
        primary_key: bool = True,
    ) -> None:
        self.context = context
        self.table = make_version_table(name, schema, primary_key)

    @property
    def display_name(self) -> str:
        table = self.table
        return f"{table.schema}.{table.name}" if table.schema else table.name

    # ---------------------------------------------------------------- reading

    def exists(self) -> bool:
        """True when the table is present (online only)."""
        connection = self.context.connection
        assert connection is not None, "exists() needs a connection"
        return sa.inspect(connection).has_table(
            self.table.name, schema=self.table.schema
        )

    def read_heads(self) -> tuple[str, ...]:
        """The revisions recorded in the table, in row order; () if it's absent."""
        connection = self.context.connection
        assert connection is not None, "read_heads() needs a connection"
        if not self.exists():
            return ()
        rows = connection.execute(sa.select(self.table.c.version_num)).fetchall()
        return tuple(row[0] for row in rows)

    # ---------------------------------------------------------------- writing

    def create(self, checkfirst: bool = True) -> None:
        """CREATE TABLE (online: only if missing; offline: written as
        ``CREATE TABLE IF NOT EXISTS``, since a database at ``base`` keeps its
        empty table)."""
        if self.context.as_sql:
            self.context.impl._exec(
                sa.schema.CreateTable(self.table, if_not_exists=True)
            )
            return
        if checkfirst and self.exists():
            return
        log.info("Creating version table %s", self.display_name)
        self.context.impl._exec(sa.schema.CreateTable(self.table))

    def purge(self) -> None:
        """Delete every row (``stamp --purge``)."""
        self.context.impl._exec(self.table.delete())

    def insert(self, revision: str) -> None:
        self._write(
            "insert",
            lambda _, new: self.table.insert().values(version_num=new),
            None,
            revision,
        )

    def delete(self, revision: str) -> None:
        result = self._write(
            "delete",
            lambda old, _: self.table.delete().where(self.table.c.version_num == old),
            revision,
            None,
        )
        self._check_one_row(result, "deleting", revision)

    def update(self, old: str, new: str) -> None:
        result = self._write(
            "update",
            lambda old_, new_: self.table.update()
            .where(self.table.c.version_num == old_)
            .values(version_num=new_),
            old,
            new,
        )
        self._check_one_row(result, "updating", old)

    def _write(
        self,
        kind: str,
        build: Callable[[Any, Any], Any],
        old: str | None,
        new: str | None,
    ) -> Any:
        """Run (online) or write (offline) one row change.

        Offline, each kind of statement is compiled once with stand-in ids
        and then only has the ids' literals swapped in: an upgrade of
        thousands of revisions would otherwise compile thousands of
        identical UPDATEs.  The text is exactly what compiling each one
        renders.
        """
        impl = self.context.impl
        if not self.context.as_sql:
            # The ids go in as quoted literals, as Alembic writes them: the
            # statement logged (echo, event listeners) names the revisions.
            # literal_execute renders them from the parameters when the
            # statement runs, so each kind of statement is built, keyed for
            # SQLAlchemy's compiled cache and compiled once per run, not once
            # per revision.
            statements: dict[str, Any] = self.__dict__.setdefault("_statements", {})
            statement = statements.get(kind)
            if statement is None:
                statement = statements[kind] = build(
                    sa.bindparam("old_id", type_=sa.String, literal_execute=True),
                    sa.bindparam("new_id", type_=sa.String, literal_execute=True),
                )
            params = {}
            if old is not None:
                params["old_id"] = old
            if new is not None:
                params["new_id"] = new
            return impl._exec(statement, params=params)
        literal = self.__dict__.get("_literal")
        if literal is None:
            literal = self.__dict__["_literal"] = (
                sa.String().dialect_impl(impl.dialect).literal_processor(impl.dialect)
            )
        templates: dict[str, str] = self.__dict__.setdefault("_templates", {})
        template = templates.get(kind)
        if template is None:
            statement = build(sa.literal(_OLD, sa.String), sa.literal(_NEW, sa.String))
            compiled = statement.compile(
                dialect=impl.dialect, compile_kwargs={"literal_binds": True}
            )
            template = templates[kind] = str(compiled).replace("\t", "    ").strip()
        text = template
        if old is not None:
            text = text.replace(literal(_OLD), literal(old))
        if new is not None:
            text = text.replace(literal(_NEW), literal(new))
        impl.static_output(text + impl.command_terminator)
        return None

    def _check_one_row(self, result: Any, verb: str, revision: str) -> None:
        """Refuse to go on when the table disagrees with what we believed."""
        if result is None or self.context.as_sql:
            return
        if not self.context.dialect.supports_sane_rowcount:
            return
        if result.rowcount != 1:
            raise CommandError(
                f"Online migration expected to match one row when {verb}"
                f" {revision!r} in {self.display_name!r}; {result.rowcount} found"
                " (the version table was changed while migrating)"
            )

    def apply(
        self, heads: Iterable[str], removed: Sequence[str], added: Sequence[str]
    ) -> tuple[str, ...]:
        """Write the row changes for one step; return the new heads."""
        current = list(heads)
        for action, old, new in row_changes(removed, added):
            if action == "insert":
                assert new is not None
                log.debug("version table: insert %s", new)
                self.insert(new)
                current.append(new)
            elif action == "delete":
                assert old is not None
                log.debug("version table: delete %s", old)
                self.delete(old)
                current.remove(old)
            else:
                assert old is not None and new is not None
                log.debug("version table: update %s -> %s", old, new)
                self.update(old, new)
                current[current.index(old)] = new
        return tuple(current)
