"""``MigrationContext``: one database (or offline SQL stream) being migrated.

It binds a dialect implementation to a connection or an output buffer, reads
and writes the version table, owns the transactions of a run and calls each
revision's ``upgrade()``/``downgrade()``.  It is usable on its own, outside any
migration environment::

    with engine.connect() as conn:
        MigrationContext.configure(conn).get_current_revision()
"""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.engine.url import make_url

from schemadiff.ddl.impl import DefaultImpl
from schemadiff.error_class import also_instance_of
from schemadiff.runtime.lock import HeldLock, acquire, offline_statements
from schemadiff.runtime.version_table import DEFAULT_VERSION_TABLE, VersionTable
from schemadiff.util import CommandError, to_tuple

if TYPE_CHECKING:
    from schemadiff.script import ScriptDirectory
    from schemadiff.script.steps import MigrationStep

log = logging.getLogger(__name__)


class MigrationError(CommandError):
    """A revision's ``upgrade()``/``downgrade()`` raised.

    The message names the revision and the original error in one line; the
    original exception is kept as ``__cause__`` (``--raiseerr`` shows both).
    What a run raises is also an instance of the original exception's class
    (``schemadiff.error_class``), so ``except sa.exc.OperationalError``
    written around Alembic's commands, where a revision's error propagates as
    it is, still catches it.
    """

    def __init__(self, message: str, step: MigrationStep | None = None) -> None:
        super().__init__(message)
        self.step = step


class MigrationInfo:
    """What ``on_version_apply`` callbacks receive about a completed step."""

    def __init__(self, step: MigrationStep, revision_map: Any = None) -> None:
        self.is_upgrade = step.is_upgrade
        self.is_stamp = step.is_stamp
        self.source_revision_ids = tuple(step.from_revisions)
        self.destination_revision_ids = tuple(step.to_revisions)
        if step.is_upgrade:
            self.up_revision_ids = self.destination_revision_ids
            self.down_revision_ids = self.source_revision_ids
        else:
            self.up_revision_ids = self.source_revision_ids
            self.down_revision_ids = self.destination_revision_ids
        self.revision_map = revision_map
        self.step = step

    @property
    def up_revision_id(self) -> str | None:
        return self.up_revision_ids[0] if len(self.up_revision_ids) == 1 else None

    @property
    def is_migration(self) -> bool:
        return not self.is_stamp

    @property
    def up_revisions(self) -> tuple[Any, ...]:
        return self._lookup(self.up_revision_ids)

    @property
    def up_revision(self) -> Any:
        found = self.up_revisions
        return found[0] if len(found) == 1 else None

    @property
    def down_revisions(self) -> tuple[Any, ...]:
        return self._lookup(self.down_revision_ids)

    @property
    def source_revisions(self) -> tuple[Any, ...]:
        return self._lookup(self.source_revision_ids)

    @property
    def destination_revisions(self) -> tuple[Any, ...]:
        return self._lookup(self.destination_revision_ids)

    def _lookup(self, ids: Sequence[str]) -> tuple[Any, ...]:
        if self.revision_map is None:
            return ()
        return tuple(self.revision_map.get_revision(rev) for rev in ids)

    def __repr__(self) -> str:
        return f"MigrationInfo({self.step})"


class MigrationContext:
    """The state of one migration run against one database or SQL stream."""

    def __init__(
        self,
        dialect: Dialect,
        connection: Connection | None,
        opts: dict[str, Any],
        environment_context: Any = None,
    ) -> None:
        self.environment_context = environment_context
        self.opts = opts
        self.dialect = dialect
        self.as_sql = bool(opts.get("as_sql", False))
        self.script: ScriptDirectory | None = opts.get("script")
        self.output_buffer = _encoded(
            opts.get("output_buffer") or sys.stdout, opts.get("output_encoding")
        )
        self._migrations_fn: Callable[..., Any] | None = opts.get("fn")
        self._start_from_rev = opts.get("starting_rev")
        self.purge = bool(opts.get("purge", False))
        self._dont_mutate = bool(opts.get("dont_mutate", False))
        self._transaction_per_migration = bool(
            opts.get("transaction_per_migration", False)
        )
        self.on_version_apply_callbacks: tuple[Callable[..., Any], ...] = to_tuple(
            opts.get("on_version_apply")
        )

        if self.as_sql:
            # Offline: the live connection, if any, only told us the dialect.
            self.connection: Connection | None = None
        else:
            self.connection = connection
        self._in_external_transaction = bool(
            self.connection is not None and self.connection.in_transaction()
        )
        #: The transaction this context began (online), or None.
        self._transaction: Any = None
        #: Offline: True between an emitted BEGIN and its COMMIT.
        self._offline_in_transaction = False
        # The migration lock (schemadiff.runtime.lock): asked for by the
        # upgrade/downgrade/stamp commands, turned off by migration_lock=False.
        self._lock_run = bool(opts.get("lock_run")) and opts.get(
            "migration_lock", True
        ) not in (False, None)
        self._lock_timeout: float | None = opts.get("lock_timeout")
        self._offline_lock = bool(opts.get("offline_lock"))
        self._held_lock: HeldLock | None = None
        #: Held until the transaction env.py began has committed or rolled back.
        self._release_after_transaction: HeldLock | None = None
        #: Offline: None, "locked", "after-commit" or "unlocked".
        self._offline_lock_state: str | None = None
        self._offline_unlock_sql = ""

        self.impl = DefaultImpl.get_by_dialect(dialect)(
            dialect,
            self.connection,
            self.as_sql,
            opts.get("transactional_ddl"),
            self.output_buffer,
            opts,
        )
        self._version_table = VersionTable(
            self,
            opts.get("version_table") or DEFAULT_VERSION_TABLE,
            opts.get("version_table_schema"),
            bool(opts.get("version_table_pk", True)),
        )
        #: The version Table construct (name kept for scripts that inspect it).
        self._version = self._version_table.table

        log.info("Context impl %s.", type(self.impl).__name__)
        if self.as_sql:
            log.info("Generating static SQL")
        log.info(
            "Will assume %s DDL.",
            "transactional" if self.impl.transactional_ddl else "non-transactional",
        )

    # ------------------------------------------------------------ construction

    @classmethod
    def configure(
        cls,
        connection: Connection | None = None,
        url: str | sa.URL | None = None,
        dialect_name: str | None = None,
        dialect: Dialect | None = None,
        environment_context: Any = None,
        dialect_opts: dict[str, Any] | None = None,
        opts: dict[str, Any] | None = None,
    ) -> MigrationContext:
        """Build a context from a Connection, a URL or a dialect name.

        Usable outside any environment, e.g. to read an engine's current revision.
        """
        opts = dict(opts or {})
        dialect_opts = dict(dialect_opts or {})
        if connection is not None:
            if isinstance(connection, Engine):
                raise CommandError(
                    "MigrationContext.configure() needs a Connection, not an Engine; "
                    "use engine.connect()"
                )
            if not isinstance(connection, Connection):
                raise CommandError(
                    "MigrationContext.configure() needs a SQLAlchemy Connection, "
                    f"not {type(connection).__name__}"
                )
            dialect = connection.dialect
        elif url is not None:
            dialect = _dialect_from_url(make_url(url), dialect_opts)
        elif dialect_name is not None:
            dialect = _dialect_from_url(make_url(f"{dialect_name}://"), dialect_opts)
        elif dialect is None:
            raise CommandError(
                "A connection, url or dialect_name is required to configure a "
                "migration context"
            )
        return cls(dialect, connection, opts, environment_context)

    # -------------------------------------------------------------- properties

    @property
    def bind(self) -> Any:
        """The Connection in use; offline, a mock connection writing SQL text."""
        if self.connection is not None:
            return self.connection
        if self.as_sql:
            return self._mock_connection()
        return None

    def _mock_connection(self) -> Any:
        def executor(construct: Any, *multiparams: Any, **params: Any) -> None:
            self.impl._exec(construct)

        from sqlalchemy.engine.mock import MockConnection

        return MockConnection(self.dialect, executor)

    @property
    def config(self) -> Any:
        env = self.environment_context
        return env.config if env is not None else None

    @property
    def version_table(self) -> str:
        """The version table's name, as Alembic's scripts expect (a string)."""
        return self._version_table.table.name

    @property
    def version_table_schema(self) -> str | None:
        """The version table's schema (None: the connection's default)."""
        return self._version_table.table.schema

    @property
    def version_store(self) -> VersionTable:
        """The object that reads and writes the version rows."""
        return self._version_table

    # ---------------------------------------------------------------- versions

    def get_current_heads(self) -> tuple[str, ...]:
        """The revisions the version table records (offline: the start argument)."""
        if self.as_sql:
            return self._offline_start_heads()
        if self.connection is None:
            raise CommandError("Can't read the version table without a connection")
        return self._version_table.read_heads()

    def get_current_revision(self) -> str | None:
        """The single current revision, None for an unversioned database."""
        heads = self.get_current_heads()
        if not heads:
            return None
        if len(heads) > 1:
            raise CommandError(
                f"Version table '{self._version_table.display_name}' has more than "
                f"one head present ({', '.join(heads)}); use get_current_heads()"
            )
        return heads[0]

    def _offline_start_heads(self) -> tuple[str, ...]:
        start = self._start_from_rev
        if start is None or start == "base":
            return ()
        symbols = [s for s in to_tuple(start) if s and s != "base"]
        if self.script is None:
            return tuple(symbols)
        found: list[str] = []
        for symbol in symbols:
            for revision in self.script.revision_map.get_revisions(symbol):
                if revision is not None and revision.revision not in found:
                    found.append(revision.revision)
        return tuple(found)

    def _ensure_version_table(self) -> None:
        if not self.as_sql:
            self._version_table.create(checkfirst=True)

    def stamp(self, script_directory: ScriptDirectory, revision: Any) -> None:
        """Write the version table for ``revision`` without running migrations."""
        with self._run_lock():
            heads = self.get_current_heads()
            if not self.as_sql and not heads:
                self._ensure_version_table()
            steps = script_directory._stamp_revs(revision, heads)
            self._apply_steps(steps, heads, {})

    # -------------------------------------------------------------- execution

    def execute(self, sql: Any, execution_options: dict[str, Any] | None = None) -> Any:
        """Execute a statement, or write it out in offline mode."""
        return self.impl._exec(sql, execution_options)

    def run_migrations(self, **kw: Any) -> None:
        """Run the steps the command's ``fn`` plans from the current heads.

        ``kw`` is passed to every ``upgrade()``/``downgrade()`` function.  When
        the command asked for it, the migration lock is held around the whole
        run, so the version table is read only once no other run migrates.
        """
        with self._run_lock():
            self._run_migrations(kw)

    def _run_migrations(self, kw: dict[str, Any]) -> None:
        start = getattr(self.impl, "start_migrations", None)
        if callable(start):
            start()
        if self.purge:
            if self.as_sql:
                raise CommandError("Can't use --purge with --sql mode")
            if not self._dont_mutate or self._version_table.exists():
                self._ensure_version_table()
                self._version_table.purge()
            heads: tuple[str, ...] = ()
        else:
            heads = self.get_current_heads()
        steps = []
        if self._migrations_fn is not None:
            # Planning first: a command that fails here (an unknown revision,
            # several heads) leaves the database without a new version table.
            steps = list(self._migrations_fn(heads, self) or ())
        if not self.as_sql and not heads:
            # dont_mutate: the table is made only when a step must write it.
            if steps or not self._dont_mutate:
                self._ensure_version_table()
        if steps:
            self._apply_steps(steps, heads, kw)

    # ---------------------------------------------------------- migration lock

    @contextmanager
    def _run_lock(self) -> Iterator[None]:
        """Hold the migration lock for a run (offline: write its statements)."""
        if self.as_sql:
            if self._offline_lock and self._offline_lock_state is None:
                self._emit_offline_lock()
            yield
            if self._offline_lock_state == "locked":
                if self._offline_in_transaction:
                    # After env.py's COMMIT, so a second script waits for it.
                    self._offline_lock_state = "after-commit"
                else:
                    self._emit_offline_unlock()
            return
        if not self._lock_run or self._held_lock is not None or self.connection is None:
            yield
            return
        table = self._version_table.table
        held = acquire(
            self.impl,
            table.name,
            table.schema,
            self._lock_timeout,
            self._tell_waiting,
            transaction_scoped=self._in_external_transaction,
        )
        if held is None:
            yield
            return
        self._held_lock = held
        failed = True
        try:
            yield
            failed = False
        finally:
            self._held_lock = None
            self._let_go(held, failed)

    def _tell_waiting(self, message: str) -> None:
        config = self.config
        if config is not None:
            config.print_stdout(message)
        else:
            log.info(message)

    def _let_go(self, held: HeldLock, failed: bool) -> None:
        """Free the lock once the run's work is committed (or rolled back).

        - the caller's own transaction: when it ends (PostgreSQL frees a
          transaction-level lock itself) or the connection goes back to the
          pool, since the caller commits after the run returns;
        - the transaction env.py began: when that block ends;
        - a transaction nobody here began is still open: at check-in too;
        - otherwise now.
        """
        connection = self.connection
        assert connection is not None
        transaction = self._transaction
        if held.transaction_scoped:
            return
        if self._in_external_transaction:
            held.release_at_checkin(connection)
        elif transaction is not None and transaction.is_active:
            self._release_after_transaction = held
        elif connection.in_transaction():
            held.release_at_checkin(connection)
        else:
            self._release_now(held, failed)

    def _release_now(self, held: HeldLock, failed: bool = False) -> None:
        connection = self.connection
        assert connection is not None
        outside = not connection.in_transaction()
        try:
            held.release()
            if outside and connection.in_transaction():
                connection.commit()  # the release's own (autobegun) transaction
        except Exception:
            if not failed:
                raise
            # Don't hide the run's error; closing the connection frees it.
            log.warning("Could not free the migration lock", exc_info=True)

    def _emit_offline_lock(self) -> None:
        table = self._version_table.table
        lock_sql, self._offline_unlock_sql = offline_statements(
            self.impl, table.name, table.schema
        )
        self.impl.static_output(lock_sql + self.impl.command_terminator)
        self._offline_lock_state = "locked"

    def _emit_offline_unlock(self) -> None:
        self.impl.static_output(self._offline_unlock_sql + self.impl.command_terminator)
        self._offline_lock_state = "unlocked"

    # -------------------------------------------------------------- steps

    def _apply_steps(
        self, steps: Any, heads: Sequence[str], kw: dict[str, Any]
    ) -> tuple[str, ...]:
        from schemadiff.runtime.progress import Progress

        current = tuple(heads)
        steps = list(steps)
        progress = Progress(len(steps), log)
        # A caller that runs many databases (schemadiff.fleet) is told of each
        # step and may ask the run to stop between two revisions.
        observer = self.opts.get("run_observer")
        for step in steps:
            if observer is not None and observer.should_stop():
                log.info("Stopping before %s: the run was interrupted", step)
                break
            with self.begin_transaction(_per_migration=True):
                if self.as_sql and not current:
                    # A script starting from nothing creates the table itself
                    # (IF NOT EXISTS: a database at base may well have it).
                    self._version_table.create()
                log.info("%sRunning %s", progress.start(), step)
                if self.as_sql:
                    self.impl.static_output(f"-- Running {step.short_log}")
                if step.migration_fn is not None and not step.is_stamp:
                    self._call_migration(step, kw, current)
                removed, added = step.head_changes(current)
                current = self._version_table.apply(current, removed, added)
                self._notify(step, current, kw)
            progress.finished(step)
            if observer is not None:
                observer.applied(step, current)
        # Ending at ``base`` leaves the (empty) version table in place, as
        # online: an offline script must leave the state the online run does.
        return current

    def _call_migration(
        self, step: MigrationStep, kw: dict[str, Any], heads: Sequence[str] = ()
    ) -> None:
        assert step.migration_fn is not None
        # Where DDL commits as it runs, a failure can't take back what ran.
        keeps_ddl = not self.as_sql and not self.impl.transactional_ddl
        if keeps_ddl:
            self.impl.start_statement_log()
        try:
            step.migration_fn(**kw)
        except MigrationError:
            raise
        except Exception as err:
            label = getattr(getattr(step, "revision", None), "revision", None)
            what = f"{step.verb} of revision {label}" if label else str(step)
            doc = step.doc
            message = f"{what}{f' ({doc})' if doc else ''} failed: {_cause(err)}"
            if keeps_ddl:
                message += _left_applied(self.impl.stop_statement_log(), heads)
            raise also_instance_of(MigrationError(message, step), err) from err
        finally:
            if keeps_ddl:
                self.impl.stop_statement_log()

    def _notify(
        self, step: MigrationStep, heads: Sequence[str], kw: dict[str, Any]
    ) -> None:
        if not self.on_version_apply_callbacks:
            return
        revision_map = self.script.revision_map if self.script is not None else None
        info = MigrationInfo(step, revision_map)
        for callback in self.on_version_apply_callbacks:
            callback(ctx=self, step=info, heads=set(heads), run_args=kw)

    # ------------------------------------------------------------ transactions

    def begin_transaction(
        self, _per_migration: bool = False
    ) -> AbstractContextManager[Any]:
        """A transaction scope that fits the backend, the mode and the caller.

        - the caller began a transaction on the connection: do nothing, it's theirs;
        - transactional DDL: one transaction for the run (env.py's call), or one
          per migration with ``transaction_per_migration``;
        - non-transactional DDL (MySQL/MariaDB): one per migration, so the
          version table always names the last migration that completed;
        - offline: ``BEGIN;``/``COMMIT;`` text at the same points.
        """
        if self._in_external_transaction:
            return nullcontext()
        if self.impl.transactional_ddl:
            wanted = _per_migration == self._transaction_per_migration
        else:
            wanted = _per_migration
        if not wanted:
            return nullcontext()
        if self.as_sql:
            return self._offline_transaction()
        if self._transaction is not None:
            return nullcontext()
        return self._online_transaction()

    @contextmanager
    def _offline_transaction(self) -> Iterator[None]:
        if self._offline_in_transaction:
            yield
            return
        if self._offline_lock and self._offline_lock_state is None:
            self._emit_offline_lock()  # the lock goes above the first BEGIN
        self.impl.emit_begin()
        self._offline_in_transaction = True
        try:
            yield
        except BaseException:
            # No COMMIT after a failure: the script stops inside its open
            # transaction, so feeding it to a database commits nothing.
            self._offline_in_transaction = False
            raise
        if self._offline_in_transaction:
            self._offline_in_transaction = False
            self.impl.emit_commit()
            if self._offline_lock_state == "after-commit":
                self._emit_offline_unlock()

    @contextmanager
    def _online_transaction(self) -> Iterator[Any]:
        connection = self.connection
        if connection is None:
            raise CommandError("begin_transaction() needs a connection")
        if connection.in_transaction():
            # SQLAlchemy began one implicitly (e.g. reading the version table).
            self._transaction = connection.get_transaction()
        else:
            self._transaction = connection.begin()
        self._start_driver_transaction()
        try:
            yield self._transaction
        except BaseException:
            try:
                self._end_transaction(commit=False)
            finally:
                self._release_deferred_lock(failed=True)
            raise
        else:
            committed = False
            try:
                self._end_transaction(commit=True)
                committed = True
            finally:
                self._release_deferred_lock(failed=not committed)

    def _release_deferred_lock(self, failed: bool = False) -> None:
        held, self._release_after_transaction = self._release_after_transaction, None
        if held is not None:
            self._release_now(held, failed)

    def _end_transaction(self, commit: bool) -> None:
        transaction, self._transaction = self._transaction, None
        if transaction is None or not transaction.is_active:
            return
        if commit:
            transaction.commit()
        else:
            transaction.rollback()

    def _start_driver_transaction(self) -> None:
        """Make the DB-API really open the transaction before any DDL runs.

        Some drivers (the stdlib sqlite3 module) defer their BEGIN until the
        first INSERT/UPDATE/DELETE, so DDL issued first would escape the
        rollback; the dialect implementation knows whether and how to open it.
        """
        if not self.impl.transactional_ddl or self.connection is None:
            return
        begin = getattr(self.impl, "_begin_driver_transaction", None)
        if callable(begin):
            begin()

    @contextmanager
    def autocommit_block(self) -> Iterator[None]:
        """Run statements outside any transaction (e.g. CREATE INDEX CONCURRENTLY).

        The transaction in progress is committed first and a new one begun
        afterwards; offline, the block is fenced by ``COMMIT;`` / ``BEGIN;``.
        """
        if self.as_sql:
            was_open = self._offline_in_transaction
            if was_open:
                self.impl.emit_commit()
                self._offline_in_transaction = False
            yield
            if was_open:
                self.impl.emit_begin()
                self._offline_in_transaction = True
            return

        connection = self.connection
        if connection is None:
            raise CommandError("autocommit_block() needs a connection")
        if self._in_external_transaction:
            raise CommandError(
                "autocommit_block() can't be used while the caller's own "
                "transaction is open on the connection"
            )
        had_transaction = self._transaction is not None
        if had_transaction:
            self._end_transaction(commit=True)
        elif connection.in_transaction():
            connection.commit()
        previous_level = connection.get_isolation_level()
        connection.execution_options(isolation_level="AUTOCOMMIT")
        try:
            yield
        finally:
            if connection.in_transaction():
                connection.commit()
            connection.execution_options(isolation_level=previous_level)
            if had_transaction:
                self._transaction = connection.begin()
                self._start_driver_transaction()


def _left_applied(statements: list[tuple[str, bool]], heads: Sequence[str]) -> str:
    """What a failed migration left behind on a backend whose DDL commits at
    once: the statements up to the last DDL one (the server committed them,
    and with them anything before), and the revision(s) the version table
    still names.  Empty when nothing stays (the rollback took it all back)."""
    last_ddl = max((i for i, (_sql, ddl) in enumerate(statements) if ddl), default=-1)
    kept = [sql for sql, _ddl in statements[: last_ddl + 1]]
    if not kept:
        return ""
    still = ", ".join(heads) if heads else "no revision (it is empty)"
    listed = " | ".join(_short(sql) for sql in kept)
    count = (
        "1 statement of it ran before the failure and stays"
        if len(kept) == 1
        else f"{len(kept)} statements of it ran before the failure and stay"
    )
    return (
        f"; {count} applied (the server commits DDL as it runs): {listed}; "
        f"the version table still names {still}, so undo them by hand or "
        "finish the revision before running it again"
    )


def _short(sql: str, limit: int = 120) -> str:
    return sql if len(sql) <= limit else sql[: limit - 3] + "..."


def _cause(err: BaseException) -> str:
    """The reason part of a failure line: ``ProgrammingError: ...`` for a
    database error (even when an operation wrapped it), the bare message of a
    user error, ``KeyError: ...`` for anything else."""
    detail = " ".join(str(err).split())
    kind: str | None = type(err).__name__
    if isinstance(err, CommandError):
        # an operation's error that is also the database's (error_class)
        kind = next(
            (
                cls.__name__
                for cls in type(err).__mro__
                if issubclass(cls, sa.exc.DBAPIError)
                and not issubclass(cls, CommandError)
            ),
            None,
        )
    if kind is None:
        return detail
    return f"{kind}: {detail}" if detail else kind


def _dialect_from_url(url: sa.URL, dialect_opts: dict[str, Any]) -> Dialect:
    """A dialect instance for ``url`` without connecting (offline mode)."""
    try:
        dialect_cls = url.get_dialect()
    except sa.exc.NoSuchModuleError as err:
        raise CommandError(
            f"Unknown database dialect in URL: {url.drivername}"
        ) from err
    return dialect_cls(**dialect_opts)


def _encoded(buffer: Any, encoding: str | None) -> Any:
    """The offline output stream, writing ``encoding`` (``output_encoding``).

    A text stream over bytes (``sys.stdout``, a file opened in text mode) is
    re-wrapped over its byte stream; a byte stream is wrapped directly; a pure
    text buffer (``io.StringIO``) holds characters, not bytes, and stays as is.
    """
    if not encoding:
        return buffer
    raw = getattr(buffer, "buffer", None)
    if raw is None and isinstance(buffer, io.TextIOBase):
        return buffer
    if raw is not None:
        buffer.flush()
    return _EncodedOutput(raw if raw is not None else buffer, encoding)


class _EncodedOutput(io.TextIOWrapper):
    """A text wrapper that never closes the stream it writes to."""

    def __init__(self, raw: Any, encoding: str) -> None:
        super().__init__(raw, encoding=encoding, write_through=True)

    def close(self) -> None:
        self.flush()

    def __del__(self) -> None:
        try:
            self.flush()
        except Exception:
            pass
