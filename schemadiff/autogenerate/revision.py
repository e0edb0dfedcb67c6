"""Collect the directives of one ``revision`` run (``--autogenerate``,
``check``, or a plain revision through env.py): :class:`RevisionContext` is
the ``fn`` env.py's ``run_migrations()`` calls; it compares, applies
``process_revision_directives`` and finally renders and writes what remains.

Running env.py itself is the command layer's job (``schemadiff.command``);
this module only talks to the script directory and MigrationContext it is
handed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from schemadiff.autogenerate.render import RenderContext, render_migration_script
from schemadiff.operations import ops

log = logging.getLogger(__name__)


class RevisionContext:
    """Collects the MigrationScript(s) of one ``revision`` run.

    env.py calls ``context.run_migrations()`` (once per database in the
    multidb template); each call runs :meth:`run_autogenerate` (or
    :meth:`run_no_autogenerate`), which fills the script's op lists and
    applies the ``process_revision_directives`` hooks.  Afterwards
    :meth:`generate_scripts` renders and writes whatever directives remain.
    """

    def __init__(
        self,
        config: Any,
        script_directory: Any,
        command_args: dict[str, Any],
        process_revision_directives: Callable[..., Any] | None = None,
        warn_unrunnable: bool = True,
    ) -> None:
        from schemadiff.util import rev_id as new_rev_id

        #: Warn about rendered ALTERs the database can't run (``check`` writes
        #: no file, so it passes False).
        self.warn_unrunnable = warn_unrunnable

        self.config = config
        self.script_directory = script_directory
        self.command_args = command_args
        self.process_revision_directives = process_revision_directives
        self.template_args: dict[str, Any] = {}
        self.detected_changes = False
        self._last_autogen_context: Any = None
        self._needs_render = False
        #: what the rename pass decided, per compared database
        self.rename_outcomes: list[Any] = []
        self.generated_revisions: list[Any] = [
            ops.MigrationScript(
                rev_id=command_args.get("rev_id") or new_rev_id(),
                message=command_args.get("message"),
                upgrade_ops=ops.UpgradeOps([]),
                downgrade_ops=ops.DowngradeOps([]),
                head=command_args.get("head", "head"),
                splice=command_args.get("splice", False),
                branch_label=command_args.get("branch_label"),
                version_path=command_args.get("version_path"),
                depends_on=command_args.get("depends_on"),
            )
        ]

    def _check_up_to_date(self, heads: Any) -> None:
        """Refuse a database that lacks any revision of the scripts.

        The version table holds heads only, and a revision that is merely
        depended upon (an "effective head") never gets a row of its own, so
        the rows are compared by what they imply: everything they stand on.
        """
        from schemadiff.util import CommandError

        scripts = self.script_directory
        current = set(heads or ())
        wanted = set(scripts.get_heads())
        applied = {s.revision for s in scripts.get_all_current(tuple(current))}
        needed = {s.revision for s in scripts.get_all_current(tuple(wanted))}
        if not needed <= applied:
            raise CommandError(
                "Target database is not up to date: it is at "
                f"{', '.join(sorted(current)) or 'base'}, the scripts' heads are "
                f"{', '.join(sorted(wanted)) or 'base'}; run 'schemadiff upgrade "
                "heads' first"
            )

    def _prepare_script(self, migration_context: Any) -> Any:
        opts = migration_context.opts
        upgrade_token = opts.get("upgrade_token", "upgrades")
        downgrade_token = opts.get("downgrade_token", "downgrades")
        if not self.generated_revisions:
            return None
        script = self.generated_revisions[-1]
        if not self._needs_render:
            script.upgrade_ops_list[-1].upgrade_token = upgrade_token
            script.downgrade_ops_list[-1].downgrade_token = downgrade_token
            self._needs_render = True
        else:
            # another configure()/run_migrations() pass (multidb template)
            script.upgrade_ops = script.upgrade_ops_list + [
                ops.UpgradeOps([], upgrade_token=upgrade_token)
            ]
            script.downgrade_ops = script.downgrade_ops_list + [
                ops.DowngradeOps([], downgrade_token=downgrade_token)
            ]
        self.template_args.update(opts.get("template_args") or {})
        return script

    def _run(self, heads: Any, migration_context: Any, autogenerate: bool) -> None:
        from schemadiff.autogenerate.api import AutogenContext, produce_revision_ops

        if autogenerate:
            self._check_up_to_date(heads)
        script = self._prepare_script(migration_context)
        autogen_context = AutogenContext(migration_context, autogenerate=autogenerate)
        self._last_autogen_context = autogen_context
        if script is not None and autogenerate:
            upgrade_ops = script.upgrade_ops_list[-1]
            autogen_context.rename_hints = list(self.command_args.get("rename") or ())
            autogen_context.rename_confirm = self.command_args.get("rename_confirm")
            produce_revision_ops(autogen_context, upgrade_ops)
            self.rename_outcomes.append(autogen_context.rename_outcome)
            upgrade_ops.reverse_into(script.downgrade_ops_list[-1])
            _prune_drops_before_drop_table(upgrade_ops)
            _prune_drops_before_drop_table(script.downgrade_ops_list[-1])
            if not upgrade_ops.is_empty():
                self.detected_changes = True
            if self.warn_unrunnable and not migration_context.opts.get(
                "render_as_batch"
            ):
                _warn_unrunnable(
                    migration_context,
                    [upgrade_ops, script.downgrade_ops_list[-1]],
                )
        for hook in (
            self.process_revision_directives,
            migration_context.opts.get("process_revision_directives"),
        ):
            if hook is not None:
                hook(migration_context, heads, self.generated_revisions)

    def run_autogenerate(self, rev: Any, migration_context: Any) -> list[Any]:
        """The ``fn`` of ``revision --autogenerate``: compare, then hooks."""
        self._run(rev, migration_context, autogenerate=True)
        return []

    def run_no_autogenerate(self, rev: Any, migration_context: Any) -> list[Any]:
        """The ``fn`` of a plain ``revision`` run through env.py: hooks only."""
        self._run(rev, migration_context, autogenerate=False)
        return []

    def _context_for_render(self) -> Any:
        ctx = self._last_autogen_context
        if ctx is None:
            ctx = RenderContext(opts={})
        ctx.imports = set()
        return ctx

    def generate_scripts(self) -> list[Any]:
        """Render and write every remaining MigrationScript; the Script
        objects written, in order."""
        written = []
        for script in self.generated_revisions:
            template_args = dict(self.template_args)
            template_args.setdefault("config", self.config)
            ctx = self._context_for_render()
            if script.imports:
                ctx.imports.update(script.imports)
            template_args.update(render_migration_script(ctx, script))
            written.append(
                self.script_directory.generate_revision(
                    script.rev_id,
                    script.message,
                    head=script.head,
                    splice=script.splice,
                    branch_labels=script.branch_label,
                    version_path=script.version_path,
                    depends_on=script.depends_on,
                    **template_args,
                )
            )
        return written


def _prune_drops_before_drop_table(container: Any) -> None:
    """Leave out index/constraint drops on a table the same script then
    drops: DROP TABLE removes them anyway, and MySQL/MariaDB refuse to drop
    an index a foreign key still needs.  A foreign key to a table dropped
    before its own (a cycle of tables) stays: that table can't go first while
    the key points at it."""
    drop_at = {
        (op.schema, op.table_name): i
        for i, op in enumerate(container.ops)
        if isinstance(op, ops.DropTableOp)
    }
    kept: list[Any] = []
    for i, op in enumerate(container.ops):
        key = (getattr(op, "schema", None), getattr(op, "table_name", None))
        if isinstance(op, ops.ModifyTableOps) and drop_at.get(key, -1) > i:
            op.ops[:] = [
                sub for sub in op.ops if not _redundant_drop(sub, drop_at, key)
            ]
            if not op.ops:
                continue
        kept.append(op)
    container.ops[:] = kept


def _redundant_drop(op: Any, drop_at: dict[Any, int], table: Any) -> bool:
    if isinstance(op, ops.DropIndexOp):
        return True
    if not isinstance(op, ops.DropConstraintOp):
        return False
    target = getattr(op, "_reverse", None)
    if op.constraint_type == "foreignkey" and target is not None:
        referent = (
            target.kw.get("referent_schema"),
            getattr(target, "referent_table", None),
        )
        if drop_at.get(referent, len(drop_at) + 10**6) < drop_at[table]:
            return False
    return True


def _warn_unrunnable(migration_context: Any, containers: Iterable[Any]) -> None:
    """Warn, once per table, about plain ALTERs the database would refuse.

    The dialect implementation knows what it can't ALTER (SQLite: column
    types, nullability, defaults, constraints); the fix is batch rendering.
    """
    impl = migration_context.impl
    for container in containers:
        for table_ops in container.ops:
            if not isinstance(table_ops, ops.ModifyTableOps):
                continue
            kinds = sorted(
                {kind for op in table_ops.leaf_ops() for kind in _diff_kinds(op)}
            )
            refused = [kind for kind in kinds if impl.needs_batch_for(kind)]
            if refused:
                log.warning(
                    "%s can't run %s on table %r as a plain ALTER; the %s will "
                    "fail. Pass render_as_batch=True to context.configure() in "
                    "env.py, or rewrite it with op.batch_alter_table().",
                    migration_context.dialect.name,
                    ", ".join(refused),
                    table_ops.table_name,
                    "upgrade" if isinstance(container, ops.UpgradeOps) else "downgrade",
                )


def _diff_kinds(op: Any) -> list[str]:
    """The diff kinds of one directive (a plugin's may have none)."""
    try:
        diff = op.to_diff_tuple()
    except (NotImplementedError, AttributeError):
        return []
    items = diff if isinstance(diff, list) else [diff]
    return [item[0] for item in items if item and isinstance(item[0], str)]
