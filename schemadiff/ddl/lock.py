"""How each backend names, takes, frees and reports the migration lock.

``schemadiff.runtime.lock`` owns the protocol (when the lock is taken, the
waiting message, the timeout, releasing after the run's transaction); a class
here only speaks its database's dialect.  A dialect implementation hands one
out from ``DefaultImpl.migration_lock()``; the generic implementation hands
out none, and the run goes unlocked.

The lock is keyed on the database, the version table's schema and its name,
so two environments sharing a server (or a database, with their own version
tables) never wait for each other.  On the servers the key is worked out by
SQL (``current_database()``/``current_schema()``, ``DATABASE()``), so the
statements written into an offline script name the same lock as an online run.
"""

from __future__ import annotations

import logging
import os
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect

log = logging.getLogger(__name__)

#: Offline MariaDB scripts wait this long (a year: "forever", as GET_LOCK
#: takes no infinite timeout).
OFFLINE_MARIADB_WAIT = 31536000


def sql_literal(dialect: Dialect, value: str) -> str:
    """``value`` as a string literal, quoted the way ``dialect`` wants."""
    compiled = sa.literal(value, sa.String()).compile(
        dialect=dialect, compile_kwargs={"literal_binds": True}
    )
    return str(compiled)


class MigrationLock:
    """One backend's lock for one version table.

    Online, ``connection`` is the migration's own connection: session-level
    locks survive its commits, so one-transaction-per-migration and
    ``autocommit_block()`` keep the lock.  Offline, ``connection`` is None and
    only :meth:`offline_statements` is used.
    """

    #: Whether :meth:`try_acquire` can tie the lock to the transaction in
    #: progress (the database frees it at COMMIT/ROLLBACK).
    transaction_scope: ClassVar[bool] = False

    def __init__(
        self,
        dialect: Dialect,
        connection: Connection | None,
        table: str,
        schema: str | None,
    ) -> None:
        self.dialect = dialect
        self.connection = connection
        self.table = table
        self.schema = schema
        #: What is locked, e.g. ``test.public.schemadiff_version``.
        self.target = f"{schema}.{table}" if schema else table
        #: How it is locked, e.g. ``PostgreSQL advisory lock 42``.
        self.mechanism = type(self).__name__

    def try_acquire(self, transaction_scoped: bool = False) -> bool:
        """Take the lock if it is free; never wait."""
        raise NotImplementedError

    def release(self) -> None:
        """Free the lock through the SQLAlchemy connection."""
        raise NotImplementedError

    def release_dbapi(self, dbapi_connection: Any) -> None:
        """Free the lock on the raw DB-API connection (on its way back to the
        pool, after the caller's own transaction ended)."""
        raise NotImplementedError

    def holder(self) -> str | None:
        """Who holds the lock (``pid 4242``, ``connection 17``), if the backend
        tells."""
        return None

    def offline_statements(self) -> tuple[str, str] | None:
        """The lock and unlock statements for an offline script, or None."""
        return None

    # ------------------------------------------------------------ helpers

    def _scalar(self, sql: str) -> Any:
        assert self.connection is not None
        return self.connection.exec_driver_sql(sql).scalar()

    def _run_dbapi(self, dbapi_connection: Any, sql: str) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(sql)
            cursor.fetchall()
        finally:
            cursor.close()
        dbapi_connection.rollback()


class PostgresqlLock(MigrationLock):
    """A session-level advisory lock on a 64-bit hash of database, schema and
    table (``pg_advisory_lock``); inside a caller's transaction, the
    transaction-level form, which COMMIT/ROLLBACK free."""

    transaction_scope = True

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        if self.connection is not None:
            row = self.connection.exec_driver_sql(
                f"SELECT current_database(), {self._schema_sql()}, {self._key_sql()}"
            ).one()
            database, schema, self.key = row[0], row[1], int(row[2])
            self.target = f"{database}.{schema}.{self.table}"
            self.mechanism = f"PostgreSQL advisory lock {self.key}"

    def _schema_sql(self) -> str:
        if self.schema:
            return sql_literal(self.dialect, self.schema)
        return "current_schema()"

    def _key_sql(self) -> str:
        """A stable signed 64-bit key: the first 16 hex digits of an md5."""
        name = (
            f"current_database() || '.' || {self._schema_sql()} || '.' || "
            f"{sql_literal(self.dialect, self.table)}"
        )
        return f"('x' || substr(md5({name}), 1, 16))::bit(64)::bigint"

    def try_acquire(self, transaction_scoped: bool = False) -> bool:
        kind = "_xact" if transaction_scoped else ""
        function = f"pg_try_advisory{kind}_lock"
        return bool(self._scalar(f"SELECT {function}({self.key})"))

    def release(self) -> None:
        self._scalar(f"SELECT pg_advisory_unlock({self.key})")

    def release_dbapi(self, dbapi_connection: Any) -> None:
        self._run_dbapi(dbapi_connection, f"SELECT pg_advisory_unlock({self.key})")

    def holder(self) -> str | None:
        # A bigint key shows in pg_locks as classid (high half), objid (low
        # half) and objsubid 1.
        high, low = (self.key >> 32) & 0xFFFFFFFF, self.key & 0xFFFFFFFF
        assert self.connection is not None
        row = self.connection.exec_driver_sql(
            "SELECT l.pid, a.usename, a.application_name, a.client_addr "
            "FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted "
            f"AND l.classid::bigint = {high} AND l.objid::bigint = {low} "
            "AND l.objsubid = 1 LIMIT 1"
        ).first()
        if row is None:
            return None
        details = [str(part) for part in row[1:] if part]
        return f"pid {row[0]}" + (f" ({', '.join(details)})" if details else "")

    def offline_statements(self) -> tuple[str, str]:
        key = self._key_sql()
        return f"SELECT pg_advisory_lock({key})", f"SELECT pg_advisory_unlock({key})"


class MySQLLock(MigrationLock):
    """A named lock (``GET_LOCK``): ``schemadiff.<database>.<table>``, or
    ``schemadiff.<sha1>`` when that is longer than the 64 characters a lock
    name may have.  Named locks ignore transactions: DDL's implicit commits
    don't free them."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        if self.connection is not None:
            row = self.connection.exec_driver_sql(
                f"SELECT {self._name_sql()}, {self._database_sql()}"
            ).one()
            self.name, database = str(row[0]), row[1]
            self.target = f"{database}.{self.table}"
            self.mechanism = f"MariaDB/MySQL lock {self.name!r}"

    def _database_sql(self) -> str:
        if self.schema:
            return sql_literal(self.dialect, self.schema)
        return "COALESCE(DATABASE(), '')"

    def _name_sql(self) -> str:
        table = sql_literal(self.dialect, self.table)
        full = f"CONCAT('schemadiff.', {self._database_sql()}, '.', {table})"
        hashed = f"CONCAT('schemadiff.', SHA1({full}))"
        return f"IF(CHAR_LENGTH({full}) <= 64, {full}, {hashed})"

    def _name(self) -> str:
        return sql_literal(self.dialect, self.name)

    def try_acquire(self, transaction_scoped: bool = False) -> bool:
        return self._scalar(f"SELECT GET_LOCK({self._name()}, 0)") == 1

    def release(self) -> None:
        self._scalar(f"SELECT RELEASE_LOCK({self._name()})")

    def release_dbapi(self, dbapi_connection: Any) -> None:
        self._run_dbapi(dbapi_connection, f"SELECT RELEASE_LOCK({self._name()})")

    def holder(self) -> str | None:
        holder = self._scalar(f"SELECT IS_USED_LOCK({self._name()})")
        return None if holder is None else f"connection {holder}"

    def offline_statements(self) -> tuple[str, str]:
        name = self._name_sql()
        return (
            f"SELECT GET_LOCK({name}, {OFFLINE_MARIADB_WAIT})",
            f"SELECT RELEASE_LOCK({name})",
        )


class SQLiteFileLock(MigrationLock):
    """An exclusive ``flock`` on a file beside the database
    (``app.db.schemadiff_version.lock``), holding the holder's pid.

    SQLite's own write lock ends with each transaction, which would let a
    second process in between migrations under ``transaction_per_migration``;
    a separate file also keeps SQLite's POSIX locks on the database file safe
    (closing any descriptor of a file drops them all).  The run's connection
    never waits on it while holding a read lock, so it can't deadlock with
    the writer.

    Like a server session, one DB-API connection may take it again (several
    commands sharing a caller's connection and transaction); another
    connection, in this process or another, waits.
    """

    #: path -> [descriptor, owning DB-API connection, times taken]
    _held: ClassVar[dict[str, list[Any]]] = {}

    def __init__(self, *args: Any, path: str) -> None:
        super().__init__(*args)
        self.path = path
        self.mechanism = f"lock file {path}"
        database = os.path.basename(path[: -len(f".{self.target}.lock")])
        self.target = f"{database}.{self.target}"
        assert self.connection is not None
        self._owner = self.connection.connection.dbapi_connection

    @classmethod
    def for_connection(
        cls, dialect: Dialect, connection: Connection, table: str, schema: str | None
    ) -> SQLiteFileLock | None:
        """The lock for a file database; None for ``:memory:`` (one connection
        can't race) or where ``fcntl`` is missing."""
        try:
            import fcntl  # noqa: F401
        except ImportError:  # pragma: no cover - not on POSIX
            log.debug("No fcntl on this platform: SQLite runs unlocked")
            return None
        database = connection.engine.url.database
        if not database or database == ":memory:" or database.startswith("file:"):
            log.debug("SQLite database %r has no plain file to lock", database)
            return None
        name = f"{schema}.{table}" if schema else table
        path = f"{os.path.abspath(database)}.{name}.lock"
        return cls(dialect, connection, table, schema, path=path)

    def try_acquire(self, transaction_scoped: bool = False) -> bool:
        import fcntl

        held = self._held.get(self.path)
        if held is not None:
            if held[1] is not self._owner:
                return False
            held[2] += 1
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._held[self.path] = [fd, self._owner, 1]
        return True

    def release(self) -> None:
        held = self._held.get(self.path)
        if held is None or held[1] is not self._owner:
            return
        held[2] -= 1
        if held[2] == 0:
            del self._held[self.path]
            os.ftruncate(held[0], 0)
            os.close(held[0])  # closing frees the flock

    def release_dbapi(self, dbapi_connection: Any) -> None:
        self.release()

    def holder(self) -> str | None:
        try:
            with open(self.path, encoding="ascii") as handle:
                pid = handle.read().strip()
        except OSError:
            return None
        return f"pid {pid}" if pid.isdigit() else None
