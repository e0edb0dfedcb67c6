"""``MigrationContext``: one database (or offline SQL stream) being migrated.

It binds a dialect implementation to a connection or an output buffer; the
runtime builds on it to read and write the version table and run revisions.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.engine.url import make_url

from schemadiff.ddl.impl import DefaultImpl
from schemadiff.util import CommandError

log = logging.getLogger(__name__)


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
        self.connection = connection
        self.output_buffer = opts.get("output_buffer") or sys.stdout
        self.impl = DefaultImpl.get_by_dialect(dialect)(
            dialect,
            connection,
            self.as_sql,
            opts.get("transactional_ddl"),
            self.output_buffer,
            opts,
        )

    @classmethod
    def configure(
        cls,
        connection: Connection | None = None,
        url: str | None = None,
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
        dialect_opts = dialect_opts or {}
        if connection is not None:
            if isinstance(connection, Engine):
                raise CommandError(
                    "MigrationContext.configure() needs a Connection, not an Engine; "
                    "use engine.connect()"
                )
            dialect = connection.dialect
        elif url is not None:
            dialect = make_url(url).get_dialect(**dialect_opts)()
        elif dialect_name is not None:
            dialect = make_url(f"{dialect_name}://").get_dialect(**dialect_opts)()
        elif dialect is None:
            raise CommandError("A connection, url or dialect_name is required")
        return cls(dialect, connection, opts, environment_context)

    @property
    def bind(self) -> Connection | None:
        """The Connection in use (None offline)."""
        return self.connection

    def execute(self, sql: Any, execution_options: dict[str, Any] | None = None) -> Any:
        """Execute a statement, or write it out in offline mode."""
        return self.impl._exec(sql, execution_options)
