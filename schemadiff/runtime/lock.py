"""The migration lock: one ``upgrade``/``downgrade``/``stamp`` at a time per
database and version table.

Two deploys that run ``upgrade head`` at once must not both apply the same
revision (on MariaDB a data step would run twice; on PostgreSQL the loser
fails on a half-made table).  The run therefore takes a lock *before* it
reads the version table and reads the table only once it holds the lock, so
the second of two concurrent runs finds the work done and applies nothing.

The protocol lives here; each backend's statements live in
``schemadiff.ddl.lock`` (a dialect implementation hands its lock out from
``DefaultImpl.migration_lock()``; none means the run goes unlocked, with a
debug log line).

The API for programs (e.g. a tool that migrates many databases) is small::

    from schemadiff.runtime.lock import migration_lock

    with engine.connect() as conn:
        with migration_lock(conn, "schemadiff_version", None, timeout=30):
            ...  # read the version table, migrate, and commit in here

:func:`acquire` is the lower-level step the runtime uses to release at the
right moment itself (after the run's transaction has committed).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection

from schemadiff.ddl.impl import DefaultImpl
from schemadiff.ddl.lock import MigrationLock
from schemadiff.util import DEFAULT_VERSION_TABLE, CommandError

log = logging.getLogger(__name__)

#: Key in a pooled DB-API connection's ``info`` for locks to free at check-in.
_PENDING = "schemadiff_pending_locks"
#: Polling: the first retry comes quickly, later ones at most this far apart.
_FIRST_DELAY = 0.02
_MAX_DELAY = 0.25


class LockTimeout(CommandError):
    """``--lock-timeout`` ran out while another run held the lock."""


class HeldLock:
    """A lock this process holds; :meth:`release` frees it (once)."""

    def __init__(
        self, lock: MigrationLock, waited: bool, transaction_scoped: bool
    ) -> None:
        self.lock = lock
        #: True when another run held it first and this one waited.
        self.waited = waited
        #: True when the database frees it at the end of the transaction.
        self.transaction_scoped = transaction_scoped
        self._released = transaction_scoped

    @property
    def description(self) -> str:
        return describe(self.lock)

    def release(self) -> None:
        """Free the lock now (a transaction-scoped lock frees itself)."""
        if self._released:
            return
        self._released = True
        self.lock.release()
        log.debug("Released the migration lock on %s", self.lock.target)

    def release_at_checkin(self, connection: Connection) -> None:
        """Free the lock when ``connection`` goes back to its pool (or closes).

        For a caller's connection whose transaction is still open: the lock
        must outlive the caller's COMMIT, which comes after the run returns.
        """
        if self._released:
            return
        self._released = True
        pool = connection.engine.pool
        if not event.contains(pool, "checkin", _release_pending):
            event.listen(pool, "checkin", _release_pending)
        connection.connection.info.setdefault(_PENDING, []).append(self.lock)
        log.debug(
            "The migration lock on %s is freed when the connection is returned",
            self.lock.target,
        )


def _release_pending(dbapi_connection: Any, connection_record: Any) -> None:
    """Pool check-in: free the locks a run left to the end of the caller's
    transaction (a closed connection has freed them on the server already)."""
    for lock in connection_record.info.pop(_PENDING, []):
        try:
            lock.release_dbapi(dbapi_connection)
        except Exception as err:  # the connection may be gone: so is its lock
            log.debug("Freeing the migration lock at check-in: %s", err)


def describe(lock: MigrationLock) -> str:
    """``test.public.schemadiff_version (PostgreSQL advisory lock 42)``."""
    return f"{lock.target} ({lock.mechanism})"


def lock_for(
    impl: DefaultImpl, version_table: str, version_table_schema: str | None
) -> MigrationLock | None:
    """The dialect's lock for this version table, or None (logged)."""
    lock = impl.migration_lock(version_table, version_table_schema)
    if lock is None:
        log.debug(
            "No migration lock for dialect %s; running without one",
            impl.dialect.name,
        )
    return lock


def acquire(
    impl: DefaultImpl,
    version_table: str = DEFAULT_VERSION_TABLE,
    version_table_schema: str | None = None,
    timeout: float | None = None,
    on_wait: Callable[[str], None] | None = None,
    transaction_scoped: bool = False,
) -> HeldLock | None:
    """Take the lock of ``impl``'s connection, waiting up to ``timeout``
    seconds (None: for ever); None when the dialect has no lock.

    ``on_wait`` is told once, with one line, which lock it waits for and who
    holds it (without ``on_wait``, the line is logged).  Raises
    :class:`LockTimeout` when the time runs out.
    """
    lock = lock_for(impl, version_table, version_table_schema)
    if lock is None:
        return None
    scoped = transaction_scoped and lock.transaction_scope
    if timeout is not None and timeout < 0:
        raise CommandError(f"The lock timeout must be 0 or more, not {timeout:g}")
    deadline = None if timeout is None else time.monotonic() + timeout
    delay = _FIRST_DELAY
    waited = False
    while not lock.try_acquire(scoped):
        if not waited:
            waited = True
            message = f"Waiting for the migration lock on {describe(lock)}"
            holder = lock.holder()
            if holder:
                message += f", held by {holder}"
            if on_wait is not None:
                on_wait(message)
            else:
                log.info(message)
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                holder = lock.holder()
                raise LockTimeout(
                    f"Timed out after {timeout:g}s waiting for the migration lock on "
                    f"{describe(lock)}"
                    + (f", held by {holder}" if holder else "")
                    + "; another run is migrating this database (raise "
                    "--lock-timeout to wait longer)"
                )
            time.sleep(min(delay, remaining))
        else:
            time.sleep(delay)
        delay = min(delay * 1.5, _MAX_DELAY)
    log.info(
        "Acquired the migration lock on %s%s",
        describe(lock),
        " (after waiting)" if waited else "",
    )
    return HeldLock(lock, waited, scoped)


@contextmanager
def migration_lock(
    connection: Connection,
    version_table: str = DEFAULT_VERSION_TABLE,
    version_table_schema: str | None = None,
    timeout: float | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[HeldLock | None]:
    """Hold the migration lock of ``connection``'s database for the block.

    Yields the :class:`HeldLock` (None for a dialect without a lock).  The
    lock is freed when the block ends, failed or not, so commit the block's
    work inside it.  Session-level: commits inside the block keep it.
    """
    impl = DefaultImpl.get_by_dialect(connection.dialect)(
        connection.dialect, connection, False, None, None, {}
    )
    held = acquire(impl, version_table, version_table_schema, timeout, on_wait)
    try:
        yield held
    finally:
        if held is not None:
            held.release()


def offline_statements(
    impl: DefaultImpl, version_table: str, version_table_schema: str | None
) -> tuple[str, str]:
    """The lock and unlock statements ``--sql --lock`` writes, or a
    CommandError for a dialect that has none."""
    lock = impl.migration_lock(version_table, version_table_schema)
    statements = lock.offline_statements() if lock is not None else None
    if statements is None:
        raise CommandError(
            f"--lock: there is no migration lock statement for "
            f"{impl.dialect.name} offline scripts; leave out --lock"
        )
    return statements
