"""The base dialect implementation every backend-specific class extends.

An implementation is chosen by dialect name; subclasses register themselves by
declaring ``__dialect__``.  It executes constructs online or, in offline mode,
writes them as SQL text to the output buffer.
"""

from __future__ import annotations

from typing import Any, ClassVar, TextIO

from sqlalchemy import text
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql.elements import ClauseElement

_registry: dict[str, type[DefaultImpl]] = {}


class DefaultImpl:
    """Generic SQL for any SQLAlchemy dialect; backends override what differs."""

    __dialect__: ClassVar[str] = "default"
    #: Whether DDL runs inside a transaction that can be rolled back.
    transactional_ddl: ClassVar[bool] = False
    command_terminator: ClassVar[str] = ";"

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        names = cls.__dict__.get("__dialect__")
        if names:
            for name in (names,) if isinstance(names, str) else names:
                _registry[name] = cls

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
        if self.literal_binds and not self.as_sql:
            from schemadiff.util import CommandError

            raise CommandError("literal_binds=True only applies to offline (--sql) mode")

    @classmethod
    def get_by_dialect(cls, dialect: Dialect) -> type[DefaultImpl]:
        """The implementation class for ``dialect``, or the generic one."""
        _load_builtin_impls()
        return _registry.get(dialect.name, DefaultImpl)

    @property
    def bind(self) -> Connection | None:
        return self.connection

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
            # Offline SQL must be complete text: values are rendered inline.
            compiled = construct.compile(
                dialect=self.dialect, compile_kwargs={"literal_binds": True}
            )
            self.static_output(
                str(compiled).replace("\t", "    ").strip() + self.command_terminator
            )
            return None
        assert self.connection is not None
        conn = self.connection
        if execution_options:
            conn = conn.execution_options(**execution_options)
        if multiparams is not None:
            return conn.execute(construct, multiparams)
        return conn.execute(construct, params or {})

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


def _load_builtin_impls() -> None:
    """Import the bundled dialect modules so they register themselves."""
    import importlib

    for name in ("sqlite", "postgresql", "mysql"):
        try:
            importlib.import_module(f"schemadiff.ddl.{name}")
        except ModuleNotFoundError as err:
            if err.name != f"schemadiff.ddl.{name}":
                raise
