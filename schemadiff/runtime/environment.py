"""``EnvironmentContext``: what env.py sees as ``schemadiff.context``.

A command creates one, installs it as the ``context`` proxy, and imports the
user's env.py, which calls :meth:`EnvironmentContext.configure` (building a
:class:`MigrationContext`) and :meth:`EnvironmentContext.run_migrations`.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, TextIO

from schemadiff import context as _context_module
from schemadiff.runtime.migration import MigrationContext
from schemadiff.runtime.version_table import DEFAULT_VERSION_TABLE
from schemadiff.util import CommandError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from schemadiff.config import Config
    from schemadiff.script import ScriptDirectory

log = logging.getLogger(__name__)

_NOT_GIVEN: Any = object()

#: ``configure(**kw)`` names that dialect implementations read (Alembic documents
#: ``mssql_batch_separator`` and ``oracle_batch_separator``): any ``<dialect>_``
#: option passes through untouched.
DIALECT_OPTION_PREFIXES = (
    "mssql_",
    "oracle_",
    "postgresql_",
    "mysql_",
    "mariadb_",
    "sqlite_",
)

#: Further ``configure()`` options that plugins read; register names here.
EXTRA_CONFIGURE_OPTIONS: set[str] = set()


class EnvironmentContext:
    """The migration environment of one command run (``schemadiff.context``).

    ``kw`` carries what the command decided: ``fn`` (called with the current
    heads and the MigrationContext, returns the steps to run), ``as_sql``,
    ``starting_rev``, ``destination_rev``, ``tag``, ``purge``, ``dont_mutate``.
    """

    _migration_context: MigrationContext | None = None

    def __init__(self, config: Config, script: ScriptDirectory, **kw: Any) -> None:
        self.config = config
        self.script = script
        self.context_opts = kw
        self._previous: list[Any] = []

    # ------------------------------------------------------------ proxy install

    def __enter__(self) -> EnvironmentContext:
        self._previous.append(_context_module._proxy.target)
        _context_module._install(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        previous = self._previous.pop() if self._previous else None
        if previous is None:
            _context_module._remove()
        else:
            _context_module._install(previous)

    # ---------------------------------------------------- arguments from the CLI

    def is_offline_mode(self) -> bool:
        """True under ``--sql``: no database, SQL text is written instead."""
        return bool(self.context_opts.get("as_sql", False))

    def is_transactional_ddl(self) -> bool:
        return bool(self.get_context().impl.transactional_ddl)

    def requires_connection(self) -> bool:
        return not self.is_offline_mode()

    def get_head_revision(self) -> str | None:
        """The single head revision id (error if there are several)."""
        return self.script.as_revision_number("head")

    def get_head_revisions(self) -> Any:
        """All head revision ids."""
        return self.script.as_revision_number("heads")

    def get_starting_revision_argument(self) -> Any:
        """The START of a ``START:END`` argument (offline mode), resolved."""
        if self._migration_context is not None:
            return self.script.as_revision_number(
                self._migration_context._start_from_rev
            )
        if "starting_rev" in self.context_opts:
            return self.script.as_revision_number(self.context_opts["starting_rev"])
        raise CommandError("No starting revision argument is available.")

    def get_revision_argument(self) -> Any:
        """The destination revision given to the command, resolved to ids."""
        return self.script.as_revision_number(self.context_opts.get("destination_rev"))

    def get_tag_argument(self) -> str | None:
        """The ``--tag`` value, for env.py scripts that want one."""
        return self.context_opts.get("tag")

    def get_fleet_target(self) -> Any:
        """The target ``schemadiff fleet`` runs this env.py for, or None.

        A :class:`schemadiff.fleet.Target` (``name``, ``url``, ``schema``).
        env.py rarely needs it: the fleet already points ``sqlalchemy.url``
        (and, for a schema target, ``version_table_schema``) at the target.
        """
        attributes = getattr(self.config, "attributes", None) or {}
        return attributes.get("fleet_target")

    def get_x_argument(self, as_dictionary: bool = False) -> Any:
        """The ``-x`` values: a list, or a dict of ``KEY=VALUE`` pairs.

        A bare ``-x flag`` maps to ``""`` in the dictionary form.
        """
        cmd_opts = getattr(self.config, "cmd_opts", None)
        values = list(getattr(cmd_opts, "x", None) or [])
        if not as_dictionary:
            return values
        result: dict[str, str] = {}
        for item in values:
            key, _, value = item.partition("=")
            result[key.strip()] = value.strip()
        return result

    # -------------------------------------------------------------- configure

    def configure(
        self,
        connection: Connection | None = None,
        url: Any = None,
        dialect_name: str | None = None,
        dialect_opts: dict[str, Any] | None = None,
        transactional_ddl: bool | None = None,
        transaction_per_migration: bool = False,
        output_buffer: TextIO | None = None,
        starting_rev: str | None = None,
        tag: str | None = None,
        template_args: dict[str, Any] | None = None,
        render_as_batch: bool = False,
        target_metadata: Any = None,
        include_name: Callable[..., bool] | None = None,
        include_object: Callable[..., bool] | None = None,
        include_schemas: bool = False,
        process_revision_directives: Callable[..., Any] | None = None,
        compare_type: Any = True,
        compare_server_default: Any = False,
        render_item: Callable[..., Any] | None = None,
        literal_binds: bool = False,
        upgrade_token: str = "upgrades",
        downgrade_token: str = "downgrades",
        alembic_module_prefix: str = "op.",
        sqlalchemy_module_prefix: str = "sa.",
        user_module_prefix: str | None = None,
        on_version_apply: Any = None,
        version_table: str = _NOT_GIVEN,
        version_table_schema: str | None = _NOT_GIVEN,
        version_table_pk: bool = True,
        output_encoding: str | None = None,
        autogenerate_plugins: Any = None,
        rename_hints: Any = None,
        migration_lock: bool = True,
        **kw: Any,
    ) -> None:
        """Set up the MigrationContext the rest of env.py works with.

        Online, pass ``connection``; offline, ``url`` or ``dialect_name``.  May be
        called several times (multi-database envs); the latest call wins.
        ``version_table``/``version_table_schema`` default to the config file's
        options of the same names, then to ``schemadiff_version``/None.
        ``migration_lock=False`` runs ``upgrade``/``downgrade``/``stamp``
        without the migration lock (see docs/runtime.md).
        """
        _check_option_names(kw)
        opts = dict(self.context_opts)
        if version_table is _NOT_GIVEN:
            version_table = (
                self._config_option("version_table") or DEFAULT_VERSION_TABLE
            )
        if version_table_schema is _NOT_GIVEN:
            version_table_schema = self._config_option("version_table_schema") or None
        if output_buffer is None:
            output_buffer = getattr(self.config, "output_buffer", None)
        opts.update(
            transactional_ddl=transactional_ddl,
            transaction_per_migration=transaction_per_migration,
            template_args=dict(template_args or {}),
            render_as_batch=render_as_batch,
            target_metadata=target_metadata,
            include_name=include_name,
            include_object=include_object,
            include_schemas=include_schemas,
            process_revision_directives=process_revision_directives,
            compare_type=compare_type,
            compare_server_default=compare_server_default,
            render_item=render_item,
            literal_binds=literal_binds,
            upgrade_token=upgrade_token,
            downgrade_token=downgrade_token,
            alembic_module_prefix=alembic_module_prefix,
            sqlalchemy_module_prefix=sqlalchemy_module_prefix,
            user_module_prefix=user_module_prefix,
            on_version_apply=on_version_apply,
            version_table=version_table,
            version_table_schema=version_table_schema,
            version_table_pk=version_table_pk,
            migration_lock=migration_lock,
            script=self.script,
        )
        if output_buffer is not None:
            opts["output_buffer"] = output_buffer
        if output_encoding is not None:
            opts["output_encoding"] = output_encoding
        if autogenerate_plugins is not None:
            opts["autogenerate_plugins"] = _check_plugins(autogenerate_plugins)
        if rename_hints is not None:
            # autogenerate's rename pass (schemadiff.autogenerate.renames)
            opts["rename_hints"] = rename_hints
        if starting_rev is not None:
            opts["starting_rev"] = starting_rev
        if tag is not None:
            opts["tag"] = tag
        if "template_args" in self.context_opts:
            opts["template_args"].update(self.context_opts["template_args"] or {})
        opts.update(kw)

        if not self.is_offline_mode() and connection is None:
            raise CommandError(
                "env.py called context.configure() without a connection in online "
                "mode; pass connection=... (or run with --sql for offline mode)"
            )
        self._migration_context = MigrationContext.configure(
            connection=connection,
            url=url,
            dialect_name=dialect_name,
            dialect_opts=dialect_opts,
            environment_context=self,
            opts=opts,
        )

    def _config_option(self, name: str) -> Any:
        getter = getattr(self.config, "get_schemadiff_option", None)
        if getter is not None:
            return getter(name)
        return self.config.get_main_option(name)

    # -------------------------------------------------------------- running

    def get_context(self) -> MigrationContext:
        """The MigrationContext made by ``configure()``."""
        if self._migration_context is None:
            raise CommandError(
                "No migration context is configured yet; env.py must call "
                "context.configure() first"
            )
        return self._migration_context

    def get_bind(self) -> Any:
        """The Connection in use (a SQL-writing mock offline)."""
        return self.get_context().bind

    def get_impl(self) -> Any:
        return self.get_context().impl

    def run_migrations(self, **kw: Any) -> None:
        """Run the command's steps; ``kw`` goes to every upgrade()/downgrade()."""
        from schemadiff import op as op_module

        migration_context = self.get_context()
        op_module._install(_OperationsOnFirstUse(migration_context))
        try:
            migration_context.run_migrations(**kw)
        finally:
            op_module._remove()

    def execute(self, sql: Any, execution_options: dict[str, Any] | None = None) -> Any:
        """Execute SQL (or write it, offline) on the configured context."""
        return self.get_context().execute(sql, execution_options=execution_options)

    def static_output(self, text: str) -> None:
        """Write text straight into the offline SQL stream (e.g. a comment)."""
        self.get_context().impl.static_output(text)

    def begin_transaction(self) -> AbstractContextManager[Any]:
        """The transaction scope env.py wraps ``run_migrations()`` in."""
        return self.get_context().begin_transaction()


class _OperationsOnFirstUse:
    """``schemadiff.op`` during a run: the run's one ``Operations``, made when
    a script first uses ``op``.  A run with nothing to apply (``current``,
    ``stamp``, an upgrade already at its target) then never imports the
    directive classes (``schemadiff.operations``: ~6 ms from bytecode, ~17 ms
    from source)."""

    def __init__(self, migration_context: MigrationContext) -> None:
        self._migration_context = migration_context
        self._operations: Any = None

    def __getattr__(self, name: str) -> Any:
        operations = self.__dict__["_operations"]
        if operations is None:
            from schemadiff.operations import Operations

            operations = self._operations = Operations(self._migration_context)
        return getattr(operations, name)


def _check_option_names(kw: dict[str, Any]) -> None:
    """Refuse options nothing reads: a typo must not be ignored silently."""
    unknown = [
        name
        for name in kw
        if name not in EXTRA_CONFIGURE_OPTIONS
        and not name.startswith(DIALECT_OPTION_PREFIXES)
    ]
    if not unknown:
        return
    known = [
        p
        for p in inspect.signature(EnvironmentContext.configure).parameters
        if p not in ("self", "kw")
    ]
    import difflib

    name = unknown[0]
    close = difflib.get_close_matches(name, known, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    raise CommandError(f"context.configure() got an unknown option '{name}'{hint}")


_DEFAULT_PLUGINS = ("alembic.autogenerate.*", "schemadiff.autogenerate.*")


def _check_plugins(names: Any) -> list[str]:
    """Alembic 1.18's ``autogenerate_plugins``: schemadiff always runs its own
    comparators, so only the default set can be asked for."""
    names = [names] if isinstance(names, str) else list(names)
    others = [n for n in names if n not in _DEFAULT_PLUGINS]
    if others:
        raise CommandError(
            f"autogenerate_plugins: '{others[0]}' is not available; schemadiff "
            "runs all its comparators (register your own with "
            "schemadiff.autogenerate.comparators.dispatch_for)"
        )
    return names
