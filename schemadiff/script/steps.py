"""Migration steps: what ``upgrade``/``downgrade``/``stamp`` will do, in order.

The revision graph (``RevisionMap.upgrade_plan`` / ``downgrade_plan``) decides
*which* revisions run and in what order; this module wraps each one in a step
object that knows the function to call, the log line to print and how the set
of current heads changes when the step completes.  The runtime turns that
change of heads into version-table rows (``runtime/version_table.py``).

``ScriptDirectory._upgrade_revs`` / ``_downgrade_revs`` / ``_stamp_revs``
delegate to the functions at the bottom of this module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from schemadiff.util import CommandError, to_tuple

if TYPE_CHECKING:
    from schemadiff.script import ScriptDirectory
    from schemadiff.script.revision import Revision, RevisionMap


def _ancestors(revision_map: RevisionMap, ids: Iterable[str]) -> set[str]:
    """Every revision reachable downwards from ``ids``, including ``ids``."""
    ids = [rev for rev in ids if rev]
    if not ids:
        return set()
    return set(revision_map.ancestors(ids, include_dependencies=True)) | set(ids)


def parent_revisions(revision_map: RevisionMap, revision: Revision) -> tuple[str, ...]:
    """Down revisions plus those dependencies not already implied by them.

    A dependency that is an ancestor of another parent says nothing new about
    which rows the version table needs, and is left out of log lines too.
    """
    return revision_map._normalized_down_revisions(revision)


class MigrationStep:
    """One unit of work in a run: a revision's upgrade/downgrade, or a stamp."""

    is_upgrade: bool = True
    is_stamp: bool = False
    #: The callable to run (None for stamps).
    migration_fn: Callable[..., Any] | None = None

    @property
    def is_downgrade(self) -> bool:
        return not self.is_upgrade

    @property
    def from_revisions(self) -> tuple[str, ...]:
        raise NotImplementedError

    @property
    def to_revisions(self) -> tuple[str, ...]:
        raise NotImplementedError

    @property
    def doc(self) -> str | None:
        return None

    @property
    def verb(self) -> str:
        return "upgrade" if self.is_upgrade else "downgrade"

    @property
    def short_log(self) -> str:
        """``upgrade A -> B`` (the offline ``-- Running ...`` comment)."""
        sources = ", ".join(self.from_revisions)
        targets = ", ".join(self.to_revisions)
        return f"{self.verb} {sources} -> {targets}"

    def __str__(self) -> str:
        if self.doc:
            return f"{self.short_log}, {self.doc}"
        return self.short_log

    def head_changes(self, heads: Sequence[str]) -> tuple[list[str], list[str]]:
        """Which current heads this step removes and which it adds."""
        raise NotImplementedError


class RevisionStep(MigrationStep):
    """Apply or revert one revision script."""

    def __init__(
        self, revision_map: RevisionMap, revision: Revision, is_upgrade: bool
    ) -> None:
        self.revision_map = revision_map
        self.revision = revision
        self.is_upgrade = is_upgrade
        self._parents: tuple[str, ...] | None = None
        module = getattr(revision, "module", None)
        name = "upgrade" if is_upgrade else "downgrade"
        fn = getattr(module, name, None) if module is not None else None
        if module is not None and not callable(fn):
            raise CommandError(
                f"Revision {revision.revision} "
                f"({getattr(revision, 'path', '?')}) has no {name}() function"
            )
        self.migration_fn = fn
        self._short_log: str | None = None
        self._doc: tuple[str | None] | None = None

    @property
    def short_log(self) -> str:
        # Logged and written several times per step: worked out once.
        if self._short_log is None:
            self._short_log = MigrationStep.short_log.fget(self)  # type: ignore[attr-defined]
        return self._short_log

    @property
    def parents(self) -> tuple[str, ...]:
        if self._parents is None:
            self._parents = parent_revisions(self.revision_map, self.revision)
        return self._parents

    @property
    def from_revisions(self) -> tuple[str, ...]:
        return self.parents if self.is_upgrade else (self.revision.revision,)

    @property
    def to_revisions(self) -> tuple[str, ...]:
        return (self.revision.revision,) if self.is_upgrade else self.parents

    @property
    def doc(self) -> str | None:
        if self._doc is None:
            self._doc = (getattr(self.revision, "doc", None),)
        return self._doc[0]

    def head_changes(self, heads: Sequence[str]) -> tuple[list[str], list[str]]:
        rev = self.revision.revision
        if self.is_upgrade:
            # Every parent is applied; the ones that were heads stop being heads.
            candidates = (
                self.revision.down_revisions + self.revision._resolved_dependencies
            )
            removed = [p for p in dict.fromkeys(candidates) if p in heads]
            return removed, [rev]
        if rev not in heads:
            raise CommandError(
                f"Can't downgrade {rev}: the version table does not list it as a "
                f"current head (it lists {', '.join(heads) or 'nothing'})"
            )
        others = [h for h in heads if h != rev]
        still_needed = _ancestors(self.revision_map, others)
        candidates = [p for p in self.parents if p not in still_needed]
        # A parent below another parent (a down revision under a dependency)
        # is applied because of it and needs no row of its own.
        implied: set[str] = set()
        for parent in candidates:
            implied |= _ancestors(self.revision_map, [parent]) - {parent}
        return [rev], [p for p in candidates if p not in implied]


class StampStep(MigrationStep):
    """Rewrite version rows without running any migration."""

    is_stamp = True

    def __init__(
        self,
        from_revisions: Sequence[str],
        to_revisions: Sequence[str],
        is_upgrade: bool,
        docs: str | None = None,
    ) -> None:
        self._from = tuple(from_revisions)
        self._to = tuple(to_revisions)
        self.is_upgrade = is_upgrade
        self._doc = docs

    @property
    def from_revisions(self) -> tuple[str, ...]:
        return self._from

    @property
    def to_revisions(self) -> tuple[str, ...]:
        return self._to

    @property
    def doc(self) -> str | None:
        return self._doc

    @property
    def verb(self) -> str:
        return "stamp_revision"

    def head_changes(self, heads: Sequence[str]) -> tuple[list[str], list[str]]:
        removed = [h for h in self._from if h in heads]
        added = [t for t in self._to if t not in heads]
        return removed, added


# ------------------------------------------------------------------ planning


def _revision_steps(
    script: ScriptDirectory,
    destination: str,
    current_heads: Iterable[str],
    is_upgrade: bool,
) -> list[RevisionStep]:
    revision_map = script.revision_map
    make_plan = revision_map.upgrade_plan if is_upgrade else revision_map.downgrade_plan
    plan = make_plan(tuple(current_heads), destination)
    return [RevisionStep(revision_map, rev, is_upgrade) for rev in plan]


def upgrade_steps(
    script: ScriptDirectory, destination: str, current_heads: Iterable[str]
) -> list[RevisionStep]:
    """Steps that bring a database at ``current_heads`` up to ``destination``."""
    return _revision_steps(script, destination, current_heads, True)


def downgrade_steps(
    script: ScriptDirectory, destination: str, current_heads: Iterable[str]
) -> list[RevisionStep]:
    """Steps that take a database at ``current_heads`` down to ``destination``."""
    return _revision_steps(script, destination, current_heads, False)


def stamp_steps(
    script: ScriptDirectory,
    revision: str | Sequence[str] | None,
    current_heads: Iterable[str],
) -> list[StampStep]:
    """Steps that rewrite the version table to ``revision`` (one or several).

    The final state is computed once from all the targets, then turned into
    steps: ``base`` clears every recorded head and ``label@base`` that
    lineage's heads; each other target is recorded, replacing the heads it
    implies (its ancestors) or undoes (above it on its own lineage; a branch
    that merely depends on it keeps its row).  So ``stamp base ae10`` leaves
    exactly ``ae10`` whatever was recorded before, and a target already
    recorded is left alone.
    """
    revision_map = script.revision_map
    heads = tuple(current_heads)
    targets = [t for t in to_tuple(revision) if t] or ["base"]

    # Validate what the table says before reasoning about it.
    for head in heads:
        revision_map.get_revision(head)

    cleared: list[str] = []
    dests: list[str] = []
    for target in targets:
        resolved = revision_map.resolve(target, heads)
        if resolved:
            dests.extend(d for d in resolved if d not in dests)
            continue
        doomed: Iterable[str] = heads
        if "@" in target:
            label = target.partition("@")[0]
            doomed = revision_map.filter_for_lineage(heads, label)
        cleared.extend(h for h in doomed if h not in cleared)

    def replaced_by(dest: str) -> tuple[set[str], set[str]]:
        """(heads it implies, heads it undoes) — as sets of revision ids."""
        dest_rev = revision_map.get_revision(dest)
        below = _ancestors(revision_map, dest_rev.all_down_revisions)
        above = revision_map.descendants([dest], include_dependencies=False)
        return below, above

    # A target below another one on its own lineage is implied by it; targets
    # related only through depends_on each keep their row, as asked.
    implied: set[str] = set()
    for dest in dests:
        implied |= revision_map.ancestors([dest], include_dependencies=False) - {dest}
    dests = [d for d in dests if d not in implied]

    final = [h for h in heads if h not in cleared]
    relations = {dest: replaced_by(dest) for dest in dests}
    for dest, (below, above) in relations.items():
        final = [h for h in final if h in dests or (h not in below | above)]
        if dest not in final:
            final.append(dest)

    removed = [h for h in heads if h not in final]
    steps: list[StampStep] = []
    for dest in final:
        if dest in heads:
            continue
        below, above = relations[dest]
        lower_heads = [h for h in removed if h in below]
        upper_heads = [h for h in removed if h in above]
        removed = [h for h in removed if h not in lower_heads + upper_heads]
        doc = getattr(revision_map.get_revision(dest), "doc", None)
        steps.append(
            StampStep(lower_heads + upper_heads, (dest,), not upper_heads, doc)
        )
    if removed:
        # Heads cleared by ``base``/``label@base`` that no target replaces.
        steps.insert(0, StampStep(removed, (), False))
    return steps
