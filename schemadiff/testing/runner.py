"""``MigrationRunner``: drive a project's migrations on one engine from tests.

Every step runs the project's own env.py, with the runner's connection handed
over in ``config.attributes["connection"]`` (as ``--verify`` does), so the
tests exercise exactly what ``schemadiff upgrade`` would run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from schemadiff.config import Config
from schemadiff.script import Script, ScriptDirectory
from schemadiff.util import DEFAULT_VERSION_TABLE


class MigrationRunner:
    def __init__(self, config: Config, engine: sa.Engine) -> None:
        self.config = config
        self.engine = engine
        self.script = ScriptDirectory.from_config(config)

    # -- what the graph says ------------------------------------------------

    @property
    def heads(self) -> list[str]:
        """The head revisions of the project."""
        return list(self.script.revision_map.heads)

    def history(self) -> list[Script]:
        """Every revision, in an order they can be applied in (oldest first)."""
        return list(self.script.revision_map.upgrade_plan((), "heads"))  # type: ignore[arg-type]

    @property
    def current(self) -> list[str]:
        """The revisions the database is at (its version table)."""
        from schemadiff.runtime.migration import MigrationContext

        with self.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts=self._version_opts())
            return list(context.get_current_heads())

    def _version_opts(self) -> dict[str, Any]:
        opts: dict[str, Any] = {}
        table = self.config.get_schemadiff_option("version_table")
        if table:
            opts["version_table"] = table
        return opts

    @property
    def version_table(self) -> str:
        return (
            self.config.get_schemadiff_option("version_table") or DEFAULT_VERSION_TABLE
        )

    # -- moving the database -------------------------------------------------

    def _with_connection(self, fn: Any, *args: Any) -> None:
        from schemadiff.verify import config_for_connection

        with self.engine.connect() as connection:
            fn(config_for_connection(self.config, connection, self.engine.url), *args)
            connection.commit()

    def migrate_up_to(self, revision: str) -> None:
        """Upgrade to ``revision`` (an id, ``head``, ``heads``, ``+1``...)."""
        from schemadiff import command

        self._with_connection(command.upgrade, revision)

    def migrate_down_to(self, revision: str) -> None:
        """Downgrade to ``revision`` (an id, ``base``, ``-1``...)."""
        from schemadiff import command

        self._with_connection(command.downgrade, revision)

    def migrate_down_one(self, revision: str) -> None:
        """Revert exactly ``revision``, which must be a current head: other
        branches stay applied (``downgrade`` to its parent would take them
        along when they share it)."""
        from schemadiff import command
        from schemadiff.script.steps import RevisionStep

        if self.script.get_revision(revision) is None:
            raise AssertionError(f"no revision {revision!r}")

        def plan(config: Config) -> None:
            script = ScriptDirectory.from_config(config)

            def planner(heads: Sequence[str]) -> list[Any]:
                if revision not in heads:
                    raise AssertionError(
                        f"can't revert {revision} alone: the database is at "
                        f"{', '.join(heads) or 'base'}"
                    )
                rev = script.revision_map.get_revision(revision)
                return [RevisionStep(script.revision_map, rev, False)]

            command._run_steps(
                config, script, planner, False, None, revision, None, dont_mutate=True
            )

        self._with_connection(plan)

    def insert_into(
        self, table: str, rows: Mapping[str, Any] | Iterable[Mapping[str, Any]]
    ) -> None:
        """Insert ``rows`` into ``table`` as the database is now (reflected):
        data-migration tests go up to a revision, insert, and go up again."""
        data = [dict(rows)] if isinstance(rows, Mapping) else [dict(r) for r in rows]
        with self.engine.begin() as connection:
            target = sa.Table(table, sa.MetaData(), autoload_with=connection)
            connection.execute(target.insert(), data)

    def select(self, table: str) -> list[dict[str, Any]]:
        """Every row of ``table``, as dicts (ordered by the first column)."""
        with self.engine.connect() as connection:
            target = sa.Table(table, sa.MetaData(), autoload_with=connection)
            query = sa.select(target).order_by(*list(target.columns)[:1])
            return [dict(row._mapping) for row in connection.execute(query)]

    # -- what the database looks like ---------------------------------------

    def snapshot(self) -> sa.MetaData:
        """The schema as it is now (reflected, without the version table)."""
        from schemadiff.verify import snapshot_schema

        with self.engine.connect() as connection:
            return snapshot_schema(connection, self.version_table)

    def schema_differences(self, before: sa.MetaData) -> list[str]:
        """How the schema now differs from ``before`` (empty: the same)."""
        from schemadiff.verify import schema_differences

        with self.engine.connect() as connection:
            return schema_differences(connection, before)

    def model_differences(self) -> list[str]:
        """What ``schemadiff check`` would report against this database."""
        from schemadiff.verify import config_for_connection, model_differences

        with self.engine.connect() as connection:
            config = config_for_connection(self.config, connection, self.engine.url)
            return model_differences(config, self.script)
