"""The runtime commands: ``upgrade``, ``downgrade``, ``stamp``, ``current``,
``ensure_version``.  ``schemadiff.command`` exposes them under those names.

Each builds an :class:`EnvironmentContext` whose ``fn`` plans the steps from
the heads the database reports, then imports the user's env.py to run them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from schemadiff.runtime.environment import EnvironmentContext
from schemadiff.util import CommandError, obfuscate_url_pw, to_tuple

if TYPE_CHECKING:
    from schemadiff.config import Config
    from schemadiff.runtime.migration import MigrationContext


def _script(config: Config) -> Any:
    from schemadiff.script import ScriptDirectory

    return ScriptDirectory.from_config(config)


def _split_range(revision: str, sql: bool) -> tuple[str | None, str]:
    """``START:END`` -> (START, END); ranges only make sense offline."""
    if ":" not in revision:
        return None, revision
    if not sql:
        raise CommandError(
            f"Range revision {revision!r} not allowed; START:END ranges are "
            "for --sql (offline) mode only"
        )
    start, _, end = revision.partition(":")
    return (start or None), (end or "head")


def run_env_with(config: Config, script: Any, fn: Any, **kw: Any) -> None:
    """Import env.py under an EnvironmentContext whose ``fn`` gets the
    database's current heads (and the MigrationContext) and returns the steps
    to run; ``kw`` goes to the EnvironmentContext."""
    with EnvironmentContext(config, script, fn=fn, **kw):
        script.run_env()


def _run_steps(
    config: Config,
    script: Any,
    planner: Callable[[tuple[str, ...]], list[Any]],
    sql: bool,
    starting_rev: str | None,
    destination_rev: Any,
    tag: str | None,
    **kw: Any,
) -> None:
    """Run the steps ``planner(current_heads)`` returns (upgrade, downgrade or
    stamp), online or as SQL."""

    def plan(heads: tuple[str, ...], context: MigrationContext) -> list[Any]:
        return planner(heads)

    run_env_with(
        config,
        script,
        plan,
        as_sql=sql,
        starting_rev=starting_rev,
        destination_rev=destination_rev,
        tag=tag,
        **kw,
    )


def upgrade(
    config: Config, revision: str, sql: bool = False, tag: str | None = None
) -> None:
    """Upgrade the database to ``revision`` (``head``, ``heads``, ``+N``, ...)."""
    script = _script(config)
    starting_rev, destination = _split_range(revision, sql)
    plan = partial(script._upgrade_revs, destination)
    _run_steps(config, script, plan, sql, starting_rev, destination, tag)


def downgrade(
    config: Config, revision: str, sql: bool = False, tag: str | None = None
) -> None:
    """Downgrade the database to ``revision`` (``-1``, ``base``, an id, ...).

    A bare ``-N`` removes N revisions one at a time, each time the first head
    ``current`` lists: at a merge point that un-merges (one version row per
    parent again); with several heads it closes one branch per step.
    ``label@-N`` steps down that branch only.
    """
    script = _script(config)
    if ":" in revision:
        starting_rev, destination = _split_range(revision, sql)
        if starting_rev is None:
            raise CommandError("downgrade --sql needs a START in START:END")
    elif sql:
        raise CommandError(
            "downgrade with --sql requires <fromrev>:<torev>, e.g. head:base"
        )
    else:
        starting_rev, destination = None, revision
    plan = partial(script._downgrade_revs, destination)
    # dont_mutate: a database without a version table has nothing to downgrade,
    # and must not gain one.
    _run_steps(
        config, script, plan, sql, starting_rev, destination, tag, dont_mutate=True
    )


def stamp(
    config: Config,
    revision: str | Sequence[str],
    sql: bool = False,
    tag: str | None = None,
    purge: bool = False,
) -> None:
    """Record ``revision`` (one or several) in the version table, running nothing.

    ``purge`` empties the table first, which also works when it names
    revisions that no longer exist.
    """
    script = _script(config)
    destinations: list[str] = []
    starting_rev: str | None = None
    for item in to_tuple(revision):
        start, dest = _split_range(item, sql)
        if start is not None:
            if starting_rev is not None and start != starting_rev:
                raise CommandError(
                    "stamp --sql supports only one starting revision at a time"
                )
            starting_rev = start
        destinations.append(dest)
    if purge and sql:
        raise CommandError("Can't use --purge with --sql mode")
    targets = tuple(destinations)

    plan = partial(script._stamp_revs, targets)
    destination = targets[0] if len(targets) == 1 else targets
    # dont_mutate: the version table is created only when a row is to be written.
    _run_steps(
        config,
        script,
        plan,
        sql,
        starting_rev,
        destination,
        tag,
        purge=purge,
        dont_mutate=True,
    )


def current(config: Config, verbose: bool = False) -> None:
    """Print the revision(s) the database is at, one line per version row.

    Several heads are listed in graph order (the reverse of ``history``), the
    order a bare ``downgrade -1`` takes them in.
    """
    script = _script(config)

    def show(heads: tuple[str, ...], context: MigrationContext) -> list[Any]:
        if verbose:
            config.print_stdout(
                "Current revision(s) for %s:", _describe_target(context)
            )
        for head in script.revision_map.head_order(heads):
            config.print_stdout(script.get_revision(head).cmd_format(verbose))
        return []

    run_env_with(config, script, show, dont_mutate=True)


def ensure_version(config: Config, sql: bool = False) -> None:
    """Create the version table if it's missing (``--sql``: print its DDL)."""
    script = _script(config)

    def create(heads: tuple[str, ...], context: MigrationContext) -> list[Any]:
        context.version_table.create(checkfirst=True)
        return []

    run_env_with(config, script, create, as_sql=sql, dont_mutate=True)


def _describe_target(context: MigrationContext) -> str:
    connection = context.connection
    if connection is not None:
        return obfuscate_url_pw(connection.engine.url)
    return context.dialect.name
