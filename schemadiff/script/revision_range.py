"""Which revisions ``RevisionMap.iterate_revisions`` visits between two ends.

Kept apart from the graph itself because the rules are Alembic's documented
API contract for ``iterate_revisions`` (and ``walk_revisions``/``history``
built on it), not schemadiff's own migration planning: ``upgrade_plan`` and
``downgrade_plan`` decide what actually runs.

- Upgrade direction: everything ``upper`` needs (down revisions and
  dependencies) that ``lower`` does not already have, kept to descendants of
  ``lower`` unless ``implicit_base``; ``inclusive`` keeps ``lower`` itself; a
  ``label@rev`` lower keeps only the targets on that branch.  A
  ``label@base`` lower keeps descendants of the label's bases, as the
  documentation's ``history -r label@base:`` sessions show (Alembic 1.20
  adds the targets' dependencies from other branches instead; see
  docs/compatibility.md).
- Downgrade direction (``select_for_downgrade``): what must be removed from
  the revisions ``upper`` names to reach ``lower``; ``implicit_base`` also
  winds unrelated branches back to base; ``inclusive`` removes ``lower`` too.

Each function returns ``(ids, heads)``: the selected revision ids and the
revisions the ordering starts from.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from schemadiff.script.revision import Revision, RevisionMap

Ends = tuple[tuple[str, ...], "str | None"]

#: A relative identifier with no revision named (``-2``, ``label@+1``).
_BARE_RELATIVE = re.compile(r"^(?:[^@]+@)?[+-]\d+$")


def _bare_relative(value: object) -> bool:
    return isinstance(value, str) and bool(_BARE_RELATIVE.match(value.strip()))


def resolve_end(
    rmap: RevisionMap, value: object, other: tuple[str, ...], strict: bool
) -> Ends:
    """``(ids, branch)`` for one end; a collection resolves element-wise."""
    from schemadiff.script.revision import _not_a_string

    if value is None:
        return (), None
    if isinstance(value, str):
        return rmap._resolve(value, other, strict)
    if isinstance(value, (bytes, bytearray)) or not isinstance(value, Iterable):
        raise _not_a_string(value)
    found: dict[str, None] = {}
    for one in value:
        if not isinstance(one, str):
            raise _not_a_string(value)
        found.update(dict.fromkeys(rmap._resolve(one, other, strict)[0]))
    return tuple(found), None


def related(
    rmap: RevisionMap,
    starts: Sequence[str],
    step: Callable[[Revision], Iterable[str]],
    check: bool = False,
) -> dict[str, None]:
    """``starts`` and everything ``step`` reaches from them, in walk order.

    With ``check``, a start that reaches another start is an error: asking
    for a revision together with one of its own ancestors (or descendants)
    is ambiguous.
    """
    from schemadiff.script.revision import RevisionError

    graph = rmap._revision_map
    wanted = set(starts)
    seen: dict[str, None] = {}
    for start in starts:
        touched: set[str] = set()
        todo = [start]
        while todo:
            rid = todo.pop()
            touched.add(rid)
            if rid in seen:
                continue
            seen[rid] = None
            todo.extend(step(graph[rid]))
        overlaps = (touched & wanted) - {start}
        if check and overlaps:
            raise RevisionError(
                f"Requested revision {start} overlaps with other requested "
                f"revisions {', '.join(sorted(overlaps))}"
            )
    return seen


def down_step(rmap: RevisionMap, deps: bool) -> Callable[[Revision], Iterable[str]]:
    if deps:
        return rmap._normalized_down_revisions
    return lambda rev: rev.down_revisions


def up_step(deps: bool) -> Callable[[Revision], Iterable[str]]:
    if deps:
        return lambda rev: rev._all_children
    return lambda rev: rev._children


def _branch_filter(
    rmap: RevisionMap, lower: object, targets: tuple[str, ...]
) -> tuple[str, ...]:
    """Targets on the branch a ``label@...`` lower end names."""
    if not isinstance(lower, str) or "@" not in lower:
        return targets
    branch = lower.partition("@")[0].strip()
    graph = rmap._revision_map
    if branch not in rmap._labels:
        labels = rmap._label_or_revision(branch).branch_labels
        if len(labels) != 1:
            # No single label to go by: keep the revision's lineage.
            return rmap.filter_for_lineage(targets, branch)
        branch = next(iter(labels))
    return tuple(t for t in targets if branch in graph[t].branch_labels)


def upgrade_selection(
    rmap: RevisionMap,
    upper: object,
    lower: object,
    inclusive: bool,
    implicit_base: bool,
    strict: bool,
) -> tuple[set[str], tuple[str, ...]]:
    """What ``upper`` needs beyond ``lower`` (see the module docstring)."""
    from schemadiff.script.revision import RangeNotAncestorError

    if _bare_relative(upper) and not _bare_relative(lower):
        current, branch = resolve_end(rmap, lower, (), strict)
        targets, _ = resolve_end(rmap, upper, current, strict)
    else:
        targets, _ = resolve_end(rmap, upper, (), strict)
        current, branch = resolve_end(rmap, lower, targets, strict)
    # ``label@base``: every target, down to the label's bases, as
    # seeds/branches.md shows ``history -r shoppingcart@base:`` (a sibling
    # branch from the same base is listed, dependencies elsewhere are not).
    floor = rmap._label_bases(branch) if branch and not current else ()
    if not floor:
        targets = _branch_filter(rmap, lower, targets)

    down = down_step(rmap, deps=True)
    required = set(related(rmap, targets, down, check=True))
    if not implicit_base and any(c not in required for c in current):
        raise RangeNotAncestorError(lower, upper)
    needs = required - set(related(rmap, current, down, check=True))
    if inclusive:
        needs.update(current)
    if current and not implicit_base:
        needs &= set(related(rmap, current, up_step(deps=False), check=True))
    if floor and not implicit_base:
        needs &= set(related(rmap, floor, up_step(deps=False)))
    return needs, targets


def downgrade_selection(
    rmap: RevisionMap,
    upper: object,
    lower: object,
    inclusive: bool,
    implicit_base: bool,
    strict: bool,
) -> tuple[set[str], tuple[str, ...]]:
    """What to remove from ``upper`` to get down to ``lower``."""
    from schemadiff.script.revision import RangeNotAncestorError, RevisionError

    heads, _ = resolve_end(rmap, upper, (), strict)
    if _bare_relative(lower) and "@" not in str(lower):
        # -N closes one branch per step, as ``downgrade -N`` does.
        plan = rmap.downgrade_plan(heads, str(lower))
        return {r.revision for r in plan}, heads
    if isinstance(lower, str):
        targets, branch = rmap._resolve(lower, heads, strict)
    else:
        targets, branch = resolve_end(rmap, lower, heads, strict)
    graph = rmap._revision_map
    roots: Sequence[str]
    if not targets:
        roots = rmap.bases
    elif inclusive:
        roots = targets
    else:
        roots = [c for t in targets for c in graph[t]._children]
    if branch and len(roots) > 1:
        anchor = rmap._label_or_revision(branch).revision
        allowed = related(rmap, [anchor], down_step(rmap, deps=False))
        roots = [r for r in roots if r in allowed]
        if not roots:
            raise RevisionError(
                f"Not a valid downgrade target from current heads: {lower}"
            )
    down = down_step(rmap, deps=True)
    active = set(related(rmap, heads, down))
    remove = set(related(rmap, roots, up_step(deps=True))) & active
    if implicit_base:
        remove |= active - set(related(rmap, roots, down))
    if targets and not remove and any(t not in heads for t in targets):
        raise RangeNotAncestorError(
            lower,
            upper,
            f"Destination {lower} is not a valid downgrade target from "
            f"revision(s) {', '.join(heads) or 'base'}",
        )
    return remove, heads
