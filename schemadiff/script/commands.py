"""The commands that work on version files: ``revision`` (without
autogenerate), ``merge``, ``heads``, ``branches``, ``history``, ``show`` and
``edit``.  ``schemadiff.command`` exposes them under those names.

Only ``history -i``, ``history -r current:...``, ``show current``,
``edit current`` and ``revision_environment = true`` need the database; they
run env.py through :class:`~schemadiff.runtime.environment.EnvironmentContext`.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from schemadiff.script.base import Script, ScriptDirectory
from schemadiff.util import CommandError, asbool
from schemadiff.util import rev_id as new_rev_id

if TYPE_CHECKING:
    from schemadiff.config import Config


def _script(config: Config) -> ScriptDirectory:
    return ScriptDirectory.from_config(config)


def _with_current_heads(
    config: Config,
    script: ScriptDirectory,
    use: Callable[[tuple[str, ...]], None],
) -> None:
    """Run env.py just to learn the database's current heads, then ``use`` them.

    Read-only: a database without a version table is left without one.
    """
    from schemadiff.runtime.commands import run_env_with

    def fn(rev: Any, context: Any) -> list[Any]:
        use(tuple(rev or ()))
        return []

    run_env_with(config, script, fn, dont_mutate=True)


def _revision_environment(config: Config) -> bool:
    return asbool(config.get_schemadiff_option("revision_environment"))


# ------------------------------------------------------------------ writing


def revision(
    config: Config,
    message: str | None = None,
    sql: bool = False,
    head: str = "head",
    splice: bool = False,
    branch_label: str | Sequence[str] | None = None,
    version_path: str | None = None,
    rev_id: str | None = None,
    depends_on: str | Sequence[str] | None = None,
    process_revision_directives: Callable[..., Any] | None = None,
) -> Script | list[Script] | None:
    """Write an empty revision file on top of ``head``.

    With ``revision_environment = true`` env.py runs first, and the
    ``process_revision_directives`` hooks (env.py's and the argument) may
    rewrite or drop the script, as with autogenerate.
    """
    script = _script(config)
    if not _revision_environment(config):
        if sql:
            raise CommandError(
                "Using --sql with the revision command makes sense only when "
                "revision_environment = true is configured"
            )
        return script.generate_revision(
            rev_id or new_rev_id(),
            message,
            head=head,
            splice=splice,
            branch_labels=branch_label,
            version_path=version_path,
            depends_on=depends_on,
            config=config,
        )
    from schemadiff.autogenerate.revision import RevisionContext
    from schemadiff.runtime.commands import run_env_with

    revision_context = RevisionContext(
        config,
        script,
        {
            "message": message,
            "head": head,
            "splice": splice,
            "branch_label": branch_label,
            "version_path": version_path,
            "rev_id": rev_id,
            "depends_on": depends_on,
        },
        process_revision_directives=process_revision_directives,
    )
    run_env_with(
        config,
        script,
        revision_context.run_no_autogenerate,
        as_sql=sql,
        revision_context=revision_context,
        dont_mutate=True,
    )
    scripts = revision_context.generate_scripts()
    if not scripts:
        return None
    return scripts[0] if len(scripts) == 1 else scripts


def merge(
    config: Config,
    revisions: str | Sequence[str],
    message: str | None = None,
    branch_label: str | Sequence[str] | None = None,
    rev_id: str | None = None,
) -> Script:
    """Write a revision whose down_revision joins ``revisions`` (or ``heads``).

    Only heads are joined, as users of other tools expect: merging a revision
    that already has descendants would leave a stray branch behind.  At least
    two heads are needed: a "merge" of one would be a pointless empty revision.
    """
    script = _script(config)
    if isinstance(revisions, str):
        revisions = [revisions]
    targets = list({t.revision: t for t in script.get_revisions(list(revisions))})
    if not targets:
        raise CommandError(f"Nothing to merge: {' '.join(revisions)} names nothing")
    if len(targets) == 1:
        raise CommandError(f"only one head; nothing to merge ({targets[0]})")
    rmap = script.revision_map
    for rev in targets:
        overlap = [t for t in targets if t != rev and t in rmap.ancestors([rev])]
        if overlap:
            raise CommandError(
                f"Can't merge {rev} with its own ancestor {', '.join(overlap)}"
            )
    not_heads = [rev for rev in targets if not rmap.get_revision(rev).is_head]
    if not_heads:
        raise CommandError(
            f"Can't merge {', '.join(not_heads)}: not a head revision; merge "
            "heads only (see 'schemadiff heads')"
        )
    if _revision_environment(config):
        _with_current_heads(config, script, lambda heads: None)
    return script.generate_revision(
        rev_id or new_rev_id(),
        message,
        head=targets,
        splice=True,
        branch_labels=branch_label,
        config=config,
    )


# ---------------------------------------------------------------- inspecting


def heads(
    config: Config, verbose: bool = False, resolve_dependencies: bool = False
) -> None:
    """Print the heads; dependency-only heads show as ``(effective head)``."""
    script = _script(config)
    rmap = script.revision_map
    ids = rmap.resolve("heads") if resolve_dependencies else rmap.heads
    for rev in script.get_revisions(ids):
        config.print_stdout(
            rev.cmd_format(verbose, include_branches=True, tree_indicators=False)
        )


def branches(config: Config, verbose: bool = False) -> None:
    """Print every branch point with the revisions it branches into."""
    script = _script(config)
    for sc in script.walk_revisions():
        if not sc.is_branch_point:
            continue
        pad = " " * len(sc.revision)
        children = "\n".join(
            f"{pad} -> "
            + script.revision_map._revision_map[child].cmd_format(  # type: ignore[attr-defined]
                False, include_branches=True, include_doc=verbose
            )
            for child in sc._children
        )
        config.print_stdout(
            "%s\n%s\n", sc.cmd_format(verbose, include_branches=True), children
        )


def history(
    config: Config,
    rev_range: str | None = None,
    verbose: bool = False,
    indicate_current: bool = False,
) -> None:
    """Print revisions newest first, optionally limited to ``start:end``."""
    script = _script(config)
    base: str | None
    head: str | None
    if rev_range is not None:
        if ":" not in rev_range:
            raise CommandError(
                "History range requires [start]:[end], [start]:, or :[end] "
                f"(got {rev_range!r})"
            )
        base, _, head = rev_range.strip().partition(":")
    else:
        base = head = None

    def display(
        lower: str | Sequence[str] | None,
        upper: str | Sequence[str] | None,
        currents: Sequence[str] = (),
    ) -> None:
        revs = list(script.walk_revisions(base=lower or "base", head=upper or "heads"))
        for sc in revs:
            sc._db_current_indicator = sc.revision in currents
            config.print_stdout(
                sc.cmd_format(
                    verbose=verbose,
                    include_branches=True,
                    include_doc=True,
                    include_parents=True,
                )
            )

    needs_db = (
        indicate_current
        or base == "current"
        or head == "current"
        or _revision_environment(config)
    )
    if not needs_db:
        display(base, head)
        return

    def with_heads(currents: tuple[str, ...]) -> None:
        if head == "current":
            display(base, currents, currents if indicate_current else ())
        elif base == "current":
            display(currents, head, currents if indicate_current else ())
        else:
            display(base, head, currents if indicate_current else ())

    _with_current_heads(config, script, with_heads)


def _named_revisions(
    config: Config, script: ScriptDirectory, rev: str
) -> tuple[Script, ...]:
    if rev != "current":
        return script.get_revisions(rev)
    found: list[tuple[Script, ...]] = []
    _with_current_heads(
        config, script, lambda heads: found.append(script.get_revisions(heads))
    )
    return found[0] if found else ()


def show(config: Config, rev: str) -> None:
    """Print the verbose block of the revision(s) ``rev`` names."""
    script = _script(config)
    for sc in _named_revisions(config, script, rev):
        config.print_stdout(sc.log_entry)


def edit(config: Config, rev: str) -> None:
    """Open the revision file(s) ``rev`` names in ``$EDITOR``."""
    script = _script(config)
    revs = _named_revisions(config, script, rev)
    if not revs:
        raise CommandError(f"No revision files indicated by symbol '{rev}'")
    for sc in revs:
        open_in_editor(sc.path)


def open_in_editor(path: str, environ: dict[str, str] | None = None) -> None:
    """Run ``$VISUAL``/``$EDITOR`` (or a common editor on PATH) on ``path``."""
    env = os.environ if environ is None else environ
    for var in ("VISUAL", "EDITOR"):
        value = env.get(var)
        if value:
            argv = shlex.split(value)
            break
    else:
        for candidate in ("sensible-editor", "editor", "nano", "vim", "vi"):
            found = shutil.which(candidate)
            if found:
                argv = [found]
                break
        else:
            raise CommandError("No editor found: set the EDITOR environment variable")
    try:
        result = subprocess.run([*argv, path], check=False)
    except OSError as err:
        raise CommandError(f"Could not run editor {argv[0]!r}: {err}") from err
    if result.returncode != 0:
        raise CommandError(f"Editor {argv[0]!r} exited with status {result.returncode}")
