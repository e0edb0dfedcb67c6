"""The revision graph: ids, symbols, heads, bases, labels, dependencies, order.

This module is pure: it never reads files or talks to a database, so every
rule about which revisions run, and in what order, can be tested on plain
``Revision`` objects.  ``ScriptDirectory`` feeds it ``Script`` objects (a
subclass) read from the version directories.

Vocabulary:

- *down revisions* are the parents a revision names in ``down_revision``;
  a revision with several is a *merge point*, one with none a *base*.
- *dependencies* (``depends_on``) are extra parents that must be applied
  first but do not merge branches: the version table keeps a separate row.
- a *head* has no child through ``down_revision``; a *real head* has no
  child at all.  A head that is only depended upon is an *effective head*.
- ``ancestors``/``descendants`` include the revisions they start from.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from typing import Any

from schemadiff.script import revision_range
from schemadiff.util import CommandError

__all__ = [
    "Revision",
    "RevisionMap",
    "RevisionError",
    "ResolutionError",
    "MultipleHeads",
    "RangeNotAncestorError",
    "CycleDetected",
    "DependencyCycleDetected",
    "LoopDetected",
    "DependencyLoopDetected",
    "is_revision",
]

#: ``label@``, then an optional symbol or revision, then ``+N`` / ``-N``.
_RELATIVE = re.compile(r"^(?:(?P<label>[^@]+)@)?(?P<symbol>[^@]*?)(?P<delta>[+-]\d+)$")


#: Characters (or positions) a revision id can't have.
#: Characters identifier syntax gives a meaning (``label@rev``, ``rev+2``,
#: ``a:b`` ranges), refused in ids; a dash is fine inside an id (``abc-12-1``
#: still parses) but not at either end.
_ID_SYMBOLS = "@:+"
_BAD_ID = re.compile(r"\s|[@:+]|^-|-$")

#: The longest revision id: the width of the version table's ``version_num``
#: column, so that every id the graph accepts can also be recorded.
MAX_REV_ID_LENGTH = 32


class RevisionError(CommandError):
    """Something is wrong with the revision graph or a revision identifier."""


class MissingRevisionError(RevisionError, KeyError):
    """A ``down_revision`` or ``depends_on`` names a revision that isn't there.

    Also a ``KeyError``, which is what Alembic raises for it, so code written
    against Alembic that catches that keeps working.
    """

    def __str__(self) -> str:
        # KeyError would quote the message.
        return str(self.args[0]) if self.args else ""


class ResolutionError(RevisionError):
    """An identifier names no revision, or more than one."""

    def __init__(self, message: str, argument: str) -> None:
        super().__init__(message)
        self.argument = argument


class MultipleHeads(RevisionError):
    """One revision was needed but the identifier stands for several heads.

    ``str()`` is the graph's terse wording (Alembic's); :meth:`user_message`
    is what the command line prints, with the way out spelled out.
    """

    def __init__(self, heads: Sequence[str], argument: str | None) -> None:
        self.heads = tuple(heads)
        self.argument = argument
        super().__init__(
            f"Multiple heads are present for given argument '{argument}'; "
            + ", ".join(self.heads)
        )

    def user_message(self) -> str:
        arg = self.argument or "head"
        return (
            f"Multiple head revisions are present for given argument '{arg}'; "
            f"please specify a specific target revision, '<branchname>@{arg}' "
            f"to narrow to a specific head, or 'heads' for all heads "
            f"(heads: {', '.join(self.heads)})"
        )


class RangeNotAncestorError(RevisionError):
    """The lower end of a range is not below its upper end."""

    def __init__(self, lower: object, upper: object, message: str | None = None):
        self.lower = lower
        self.upper = upper
        super().__init__(
            message
            or f"Revision {_show(lower)} is not an ancestor of revision {_show(upper)}"
        )


class CycleDetected(RevisionError):
    """The down_revision links form a loop; ``revisions`` lists it in
    upgrade order, starting from the one read first."""

    kind = "Cycle"

    def __init__(self, revisions: Sequence[str]) -> None:
        self.revisions = tuple(revisions)
        super().__init__(
            f"{self.kind} is detected in revisions ({', '.join(self.revisions)})"
        )


class DependencyCycleDetected(CycleDetected):
    """The loop only closes through ``depends_on`` edges."""

    kind = "Dependency cycle"


class LoopDetected(CycleDetected):
    """A revision names itself as its own down_revision."""

    kind = "Self-loop"

    def __init__(self, revision: str | Sequence[str]) -> None:
        super().__init__([revision] if isinstance(revision, str) else revision)


class DependencyLoopDetected(DependencyCycleDetected, LoopDetected):
    """A revision names itself in its own ``depends_on``."""

    kind = "Dependency self-loop"


def is_revision(rev: Any) -> Revision:
    """``rev`` itself, checked to be a :class:`Revision` (Alembic's helper)."""
    if not isinstance(rev, Revision):
        raise TypeError(f"expected a Revision, got {type(rev).__name__}")
    return rev


def _show(value: object) -> str:
    if value is None or value == ():
        return "base"
    if isinstance(value, (tuple, list, set, frozenset)):
        return ", ".join(str(v) for v in value)
    return str(value)


def _as_tuple(value: object) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)  # type: ignore[arg-type]


def _header_tuple(revision: object, attribute: str, value: object) -> tuple[str, ...]:
    """``value`` as a tuple of strings, or an error naming the attribute.

    Revision files are user code: ``down_revision = 27`` must be reported as a
    bad header, not surface as a TypeError deep inside the graph.
    """
    if value is None or isinstance(value, str):
        return _as_tuple(value)
    if isinstance(value, (tuple, list, set, frozenset)) and all(
        isinstance(v, str) for v in value
    ):
        return tuple(sorted(value) if isinstance(value, (set, frozenset)) else value)
    raise RevisionError(
        f"Revision {revision}: {attribute} must be None, a string or a tuple of "
        f"strings, not {value!r}"
    )


def tuple_rev_as_scalar(rev: Sequence[str] | str | None) -> str | tuple | None:
    """``()`` → None, a 1-tuple → its element; what revision files write."""
    if not rev:
        return None
    if isinstance(rev, str):
        return rev
    if len(rev) == 1:
        return rev[0]
    return tuple(rev)


def format_as_comma(value: object) -> str:
    """``None`` → "", a string as is, a sequence joined with ", "."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return ", ".join(str(v) for v in value)  # type: ignore[union-attr]


class Revision:
    """One node of the graph, as declared by a revision file.

    Attributes derived from the whole graph (children, resolved dependencies,
    propagated branch labels) are filled in when a ``RevisionMap`` is built.
    """

    def __init__(
        self,
        revision: str,
        down_revision: str | Sequence[str] | None,
        dependencies: str | Sequence[str] | None = None,
        branch_labels: str | Sequence[str] | None = None,
    ) -> None:
        self.verify_rev_id(revision)
        down = _header_tuple(revision, "down_revision", down_revision)
        self.revision = revision
        self.down_revision: str | tuple[str, ...] | None = tuple_rev_as_scalar(down)
        self.down_revisions: tuple[str, ...] = down
        self._declared_dependencies = _header_tuple(
            revision, "depends_on", dependencies
        )
        self._declared_branch_labels = frozenset(
            _header_tuple(revision, "branch_labels", branch_labels)
        )
        self._reset()

    @staticmethod
    def verify_rev_id(revision: object) -> None:
        """Reject ids that identifier syntax could not refer to unambiguously."""
        if not isinstance(revision, str) or not revision:
            raise RevisionError(f"Revision id must be a non-empty string: {revision!r}")
        if len(revision) > MAX_REV_ID_LENGTH:
            raise RevisionError(
                f"Revision id {revision!r} is {len(revision)} characters long; the "
                f"version table holds at most {MAX_REV_ID_LENGTH}"
            )
        if _BAD_ID.search(revision) is None:
            return
        for char in _ID_SYMBOLS:
            if char in revision:
                raise RevisionError(f"Revision id {revision!r} contains {char!r}")
        if revision.startswith("-") or revision.endswith("-"):
            raise RevisionError(f"Revision id {revision!r} starts or ends with '-'")
        raise RevisionError(f"Revision id {revision!r} contains whitespace")

    def _reset(self) -> None:
        """Forget graph-derived state so the revision can join a new map."""
        # As written in the file (Alembic's ``dependencies``): one id or
        # label as a string, several as a tuple; the map fills in
        # ``_resolved_dependencies`` (full ids).
        self.dependencies: str | tuple[str, ...] | None = tuple_rev_as_scalar(
            self._declared_dependencies
        )
        self._resolved_dependencies: tuple[str, ...] = self._declared_dependencies
        self.all_down_revisions: tuple[str, ...] = self.down_revisions + tuple(
            d for d in self._declared_dependencies if d not in self.down_revisions
        )
        self.branch_labels: set[str] = set(self._declared_branch_labels)
        self._children: list[str] = []
        self._all_children: list[str] = []
        self._normalized: tuple[str, ...] | None = None
        self._graph: RevisionMap | None = None

    def _source(self) -> str:
        """Where the revision came from, for error messages (a path for files)."""
        return ""

    # -- graph position ----------------------------------------------------

    @property
    def nextrev(self) -> frozenset[str]:
        """Revisions naming this one in their ``down_revision``."""
        return frozenset(self._children)

    @property
    def _all_nextrev(self) -> frozenset[str]:
        return frozenset(self._all_children)

    @property
    def _normalized_down_revisions(self) -> tuple[str, ...]:
        """Parents and the dependencies no parent already implies (the
        edges the ordering walks); needs the revision to be in a map."""
        if self._graph is None:
            return self.all_down_revisions
        return self._graph._normalized_down_revisions(self)

    @property
    def _versioned_down_revisions(self) -> tuple[str, ...]:
        return self.down_revisions

    @property
    def _all_down_revisions(self) -> tuple[str, ...]:
        return self.all_down_revisions

    @property
    def is_head(self) -> bool:
        return not self._children

    @property
    def _is_real_head(self) -> bool:
        return not self._all_children

    @property
    def is_base(self) -> bool:
        return not self.down_revisions

    @property
    def _is_real_base(self) -> bool:
        return not self.all_down_revisions

    @property
    def is_branch_point(self) -> bool:
        return len(self._children) > 1

    @property
    def _is_real_branch_point(self) -> bool:
        return len(self._all_children) > 1

    @property
    def is_merge_point(self) -> bool:
        return len(self.down_revisions) > 1

    def __repr__(self) -> str:
        args = [repr(self.revision), repr(self.down_revision)]
        if self.dependencies:
            args.append(f"dependencies={self.dependencies!r}")
        if self._declared_branch_labels:
            args.append(f"branch_labels={sorted(self._declared_branch_labels)!r}")
        return f"{type(self).__name__}({', '.join(args)})"


class RevisionMap:
    """The graph of every revision, built lazily from ``generator``.

    ``generator`` is called once, on first use; it yields ``Revision`` objects
    in a stable order (version locations, then file names), and that order
    breaks every tie: heads, branches and history come out the same each run.
    """

    def __init__(self, generator: Callable[[], Iterable[Revision]]) -> None:
        self._generator = generator
        self._revisions: list[Revision] | None = None
        self._built = False

    # -- building ------------------------------------------------------------

    def _ensure(self) -> None:
        if not self._built:
            self._build()

    def _build(self) -> None:
        if self._revisions is None:
            self._revisions = list(self._generator())
        revs = self._revisions
        by_id: dict[str, Revision] = {}
        for rev in revs:
            other = by_id.get(rev.revision)
            if other is not None:
                raise RevisionError(
                    f"Revision id {rev.revision} is declared twice: "
                    f"{_where(other)} and {_where(rev)}"
                )
            rev._reset()
            rev._graph = self
            by_id[rev.revision] = rev

        labels: dict[str, Revision] = {}
        for rev in revs:
            for label in sorted(rev._declared_branch_labels):
                owner = by_id.get(label) or labels.get(label)
                if owner is not None:
                    raise RevisionError(
                        f"Branch name '{label}' in revision {rev.revision} "
                        f"already used by revision {owner.revision}"
                        + _sources(rev, owner)
                    )
                labels[label] = rev

        for rev in revs:
            for parent_id in rev.down_revisions:
                parent = by_id.get(parent_id)
                if parent is None:
                    raise MissingRevisionError(
                        f"Revision {parent_id} referenced as down_revision of "
                        f"{rev.revision}{_from(rev)} is not present"
                    )
                parent._children.append(rev.revision)
            resolved: list[str] = []
            for dep in rev._declared_dependencies:
                target = by_id.get(dep) or labels.get(dep)
                if target is None:
                    raise MissingRevisionError(
                        f"Revision or branch '{dep}' named in depends_on of "
                        f"{rev.revision}{_from(rev)} is not present"
                    )
                if target.revision not in resolved:
                    resolved.append(target.revision)
            rev._resolved_dependencies = tuple(resolved)
            rev.all_down_revisions = rev.down_revisions + tuple(
                d for d in resolved if d not in rev.down_revisions
            )
            for parent_id in rev.all_down_revisions:
                by_id[parent_id]._all_children.append(rev.revision)

        self._map = by_id
        self._labels = labels
        self._order = {rev.revision: i for i, rev in enumerate(revs)}
        self._check_cycles(revs)

        self._heads = tuple(r.revision for r in revs if r.is_head)
        self._real_heads = tuple(r.revision for r in revs if r._is_real_head)
        self._bases = tuple(r.revision for r in revs if r.is_base)
        self._sorted_ids: list[str] | None = None
        self._rank: dict[str, int] | None = None
        self._propagate_labels(revs, labels)
        self._built = True

    def _check_cycles(self, revs: list[Revision]) -> None:
        """Kahn's algorithm over down_revision edges, then over all edges."""
        for use_deps, error in (
            (False, CycleDetected),
            (True, DependencyCycleDetected),
        ):
            indegree = {
                r.revision: len(r.all_down_revisions if use_deps else r.down_revisions)
                for r in revs
            }
            ready = [rid for rid, n in indegree.items() if n == 0]
            seen = 0
            while ready:
                rid = ready.pop()
                seen += 1
                rev = self._map[rid]
                for child in rev._all_children if use_deps else rev._children:
                    indegree[child] -= 1
                    if indegree[child] == 0:
                        ready.append(child)
            if seen != len(revs):
                left = {rid for rid, n in indegree.items() if n > 0}
                cycle = self._find_cycle(left, use_deps)
                if len(cycle) == 1:
                    raise (DependencyLoopDetected if use_deps else LoopDetected)(cycle)
                raise error(cycle)

    def _find_cycle(self, left: set[str], use_deps: bool) -> list[str]:
        """A concrete loop among revisions Kahn's algorithm could not order."""
        start = min(left, key=self._order.__getitem__)
        path: list[str] = []
        position: dict[str, int] = {}
        node = start
        while node not in position:
            position[node] = len(path)
            path.append(node)
            rev = self._map[node]
            parents = rev.all_down_revisions if use_deps else rev.down_revisions
            node = next(p for p in parents if p in left)
        cycle = path[position[node] :]
        cycle.reverse()  # read in upgrade direction: parent -> child
        first = cycle.index(min(cycle, key=self._order.__getitem__))
        return cycle[first:] + cycle[:first]

    def _propagate_labels(self, revs: list[Revision], labels: dict[str, Revision]):
        """A label covers its revision, every descendant, and the ancestors
        back to (not including) the preceding branch point or merge point."""
        for rev in revs:
            names = rev._declared_branch_labels
            if not names:
                continue
            for rid in self._walk_edges([rev.revision], up=True, deps=False):
                self._map[rid].branch_labels.update(names)
            current = rev
            while len(current.down_revisions) == 1:
                parent = self._map[current.down_revisions[0]]
                if parent._is_real_branch_point or parent.is_merge_point:
                    break
                parent.branch_labels.update(names)
                current = parent

    def add_revision(self, revision: Revision, _replace: bool = False) -> None:
        """Add (or with ``_replace``, swap in) a revision and rebuild the graph."""
        self._ensure()
        assert self._revisions is not None
        if _replace:
            self._revisions = [
                r for r in self._revisions if r.revision != revision.revision
            ]
        self._revisions.append(revision)
        self._built = False
        self._build()

    # -- basic queries --------------------------------------------------------

    @property
    def heads(self) -> tuple[str, ...]:
        """Revisions without a down_revision child (effective heads included)."""
        self._ensure()
        return self._heads

    @property
    def bases(self) -> tuple[str, ...]:
        """Revisions without a down_revision (they may still have dependencies)."""
        self._ensure()
        return self._bases

    @property
    def _revision_map(self) -> dict[str, Revision]:
        self._ensure()
        return self._map

    def __contains__(self, rev_id: object) -> bool:
        self._ensure()
        return rev_id in self._map

    def __len__(self) -> int:
        self._ensure()
        return len(self._map)

    def __iter__(self) -> Iterator[Revision]:
        self._ensure()
        assert self._revisions is not None
        return iter(self._revisions)

    def _rev(self, rev_id: str) -> Revision:
        return self._map[rev_id]

    def get_revision(self, id_: str | Sequence[str] | None) -> Revision | None:
        """The one revision ``id_`` names; None for ``base``.  A tuple of
        identifiers must name a single revision too."""
        self._ensure()
        if isinstance(id_, (tuple, list)):
            if not all(isinstance(one, str) for one in id_):
                raise _not_a_string(id_)
            ids = tuple(r.revision for r in self.get_revisions(id_))
        else:
            ids = self.resolve(id_) if id_ is not None else ()
        if len(ids) > 1:
            raise MultipleHeads(ids, str(id_))
        return self._map[ids[0]] if ids else None

    def get_revisions(
        self, id_: str | Iterable[str] | None, current_heads: Sequence[str] = ()
    ) -> tuple[Revision, ...]:
        """Every revision named by an identifier or a collection of them.

        With no ``current_heads``, ``-N`` and ``label@-N`` count down from
        each head (of that branch), as in Alembic.
        """
        self._ensure()
        if id_ is None:
            return ()
        if isinstance(id_, str):
            if not current_heads:
                below = self._below_heads(id_)
                if below is not None:
                    return tuple(self._map[r] for r in below)
            return tuple(self._map[r] for r in self.resolve(id_, current_heads))
        if isinstance(id_, (bytes, bytearray)) or not isinstance(id_, Iterable):
            raise _not_a_string(id_)
        seen: dict[str, None] = {}
        for one in id_:
            if one is None:
                continue
            for r in self.resolve(one, current_heads):
                seen[r] = None
        return tuple(self._map[r] for r in seen)

    def _below_heads(self, text: str) -> tuple[str, ...] | None:
        """``-N`` / ``label@-N`` walked down from the heads; None for any
        other identifier."""
        m = _RELATIVE.match(text.strip())
        if not m or m.group("symbol") or int(m.group("delta")) >= 0:
            return None
        label, delta = m.group("label"), int(m.group("delta"))
        heads = [
            h
            for h in self._real_heads
            if not label or label in self._map[h].branch_labels
        ]
        found: dict[str, None] = {}
        for head in heads:
            end = self._walk(head, delta, None, True, text.strip())
            if end is not None:
                found[end] = None
        return tuple(found)

    def get_current_head(self, branch_label: str | None = None) -> str | None:
        """The single head (of ``branch_label``'s lineage, if given)."""
        self._ensure()
        heads: Sequence[str] = self._heads
        if branch_label:
            heads = self.filter_for_lineage(heads, branch_label)
        if len(heads) > 1:
            raise MultipleHeads(
                heads, f"{branch_label}@head" if branch_label else "head"
            )
        return heads[0] if heads else None

    # -- traversal ----------------------------------------------------------

    def _walk_edges(
        self, start: Iterable[str], up: bool, deps: bool
    ) -> dict[str, None]:
        """Every id reachable from ``start`` (inclusive), in discovery order."""
        found: dict[str, None] = {}
        stack = [s for s in start]
        rmap = self._map
        while stack:
            rid = stack.pop()
            if rid in found:
                continue
            found[rid] = None
            rev = rmap[rid]
            if up:
                nxt = rev._all_children if deps else rev._children
            else:
                nxt = rev.all_down_revisions if deps else rev.down_revisions
            for n in nxt:
                if n not in found:
                    stack.append(n)
        return found

    def ancestors(
        self, ids: Iterable[str], include_dependencies: bool = True
    ) -> set[str]:
        """``ids`` and everything below them (what must be applied first)."""
        self._ensure()
        return set(
            self._walk_edges(self._checked(ids), up=False, deps=include_dependencies)
        )

    def descendants(
        self, ids: Iterable[str], include_dependencies: bool = True
    ) -> set[str]:
        """``ids`` and everything above them (what must be removed first)."""
        self._ensure()
        return set(
            self._walk_edges(self._checked(ids), up=True, deps=include_dependencies)
        )

    def _checked(self, ids: Iterable[str]) -> list[str]:
        out = []
        for rid in ids:
            if rid is None:
                continue
            if rid not in self._map:
                raise ResolutionError(f"Can't find revision '{rid}'", rid)
            out.append(rid)
        return out

    def _lineage(
        self, ids: Iterable[str], include_dependencies: bool = False
    ) -> set[str]:
        ids = list(ids)
        return set(self._walk_edges(ids, up=False, deps=include_dependencies)) | set(
            self._walk_edges(ids, up=True, deps=include_dependencies)
        )

    def filter_for_lineage(
        self,
        targets: Iterable[str],
        check_against: str | None,
        include_dependencies: bool = False,
    ) -> tuple[str, ...]:
        """The ``targets`` (ids or revisions, returned as given) that are
        ancestors or descendants of what ``check_against`` names: any
        identifier (``heads``, ``label@head``, a partial id...), and for
        ``label@...`` the label's own revision as well."""
        self._ensure()
        targets = list(targets)
        anchors: list[str] = []
        if check_against:
            ids, branch = self._resolve(check_against, (), strict=True)
            anchors.extend(ids)
            if branch:
                anchors.append(self._label_or_revision(branch).revision)
        if not anchors:
            return tuple(targets)
        lineage = self._lineage(anchors, include_dependencies)
        return tuple(
            t
            for t in targets
            if (t.revision if isinstance(t, Revision) else t) in lineage
        )

    # -- identifiers --------------------------------------------------------

    def _label_or_revision(self, name: str) -> Revision:
        """What the left side of ``X@...`` names: a branch label or a revision."""
        rev = self._labels.get(name)
        if rev is not None:
            return rev
        try:
            return self._map[self._revision_id(name)]
        except ResolutionError as err:
            raise ResolutionError(f"No such branch: '{name}'", name) from err

    def _revision_id(self, ident: str, branch: str | None = None) -> str:
        """Resolve a full id, a branch label or a unique id prefix."""
        if ident in self._map:
            found = ident
        elif ident in self._labels:
            found = self._labels[ident].revision
        else:
            if self._sorted_ids is None:
                self._sorted_ids = sorted(self._map)
            ids = self._sorted_ids
            i = bisect.bisect_left(ids, ident)
            matches = []
            while i < len(ids) and ids[i].startswith(ident):
                matches.append(ids[i])
                i += 1
            if branch and len(matches) > 1:
                matches = list(self.filter_for_lineage(matches, branch))
            if not matches:
                hint = (
                    "; please ensure at least four characters are present for "
                    "partial revision identifier matches"
                    if len(ident) < 4
                    else ""
                )
                raise ResolutionError(
                    f"No such revision or branch '{ident}'{hint}", ident
                )
            if len(matches) > 1:
                raise ResolutionError(
                    f"Multiple revisions start with '{ident}': "
                    + ", ".join(f"'{m}'" for m in matches[:10])
                    + ("..." if len(matches) > 10 else ""),
                    ident,
                )
            found = matches[0]
        if branch:
            anchor = self._label_or_revision(branch)
            if found not in self._lineage([anchor.revision]):
                raise ResolutionError(
                    f"Revision {found} is not a member of branch '{branch}'", ident
                )
        return found

    def resolve(
        self, symbol: str | None, current_heads: Sequence[str] = ()
    ) -> tuple[str, ...]:
        """The revision ids an identifier stands for.

        Understands full and partial ids, branch labels, ``head``, ``heads``,
        ``base``, ``current`` (= ``current_heads``), ``label@head``,
        ``label@heads``, ``label@base``, ``REV@head``, ``label@REV`` and the
        relative forms ``+N``, ``-N``, ``REV+N``, ``REV-N``, ``head-N``,
        ``label@+N`` and ``label@head-N`` (relative to ``current_heads`` when
        no revision is named).  ``base`` and ``label@base`` resolve to ``()``.
        """
        return self._resolve(symbol, tuple(current_heads), strict=True)[0]

    def _resolve(
        self, symbol: str | None, current: tuple[str, ...], strict: bool
    ) -> tuple[tuple[str, ...], str | None]:
        """``(ids, branch)``; ``branch`` narrows a downgrade to one lineage."""
        self._ensure()
        if symbol is None:
            return (), None
        if not isinstance(symbol, str):
            raise _not_a_string(symbol)
        symbol = symbol.strip()
        if symbol in ("", "base"):
            return (), None
        if symbol in self._map:
            return (symbol,), None
        if symbol in self._labels:
            return (self._labels[symbol].revision,), None
        if symbol == "heads":
            return self._real_heads, None
        if symbol == "head":
            head = self.get_current_head()
            return ((head,) if head else ()), None
        if symbol == "current":
            return tuple(dict.fromkeys(self._checked(current))), None
        match = _RELATIVE.match(symbol)
        if match:
            label = match.group("label")
            return (
                self._relative(
                    label,
                    match.group("symbol"),
                    int(match.group("delta")),
                    current,
                    strict,
                ),
                label,
            )
        if "@" in symbol:
            label, _, rest = symbol.partition("@")
            if not label:
                raise ResolutionError(
                    f"Missing branch name before '@' in '{symbol}'", symbol
                )
            anchor = self._label_or_revision(label)
            if rest == "head":
                head = self.get_current_head(label)
                return ((head,) if head else ()), label
            if rest == "heads":
                return self.filter_for_lineage(self._heads, label), label
            if rest in ("base", ""):
                return (), label
            if rest == "current":
                return self.filter_for_lineage(self._checked(current), label), label
            del anchor
            return (self._revision_id(rest, branch=label),), label
        return (self._revision_id(symbol),), None

    def _label_bases(self, label: str) -> tuple[str, ...]:
        """The bases in the lineage of a branch label or revision."""
        return self.filter_for_lineage(self._bases, label)

    def _relative(
        self,
        label: str | None,
        symbol: str,
        delta: int,
        current: tuple[str, ...],
        strict: bool,
    ) -> tuple[str, ...]:
        text = f"{label + '@' if label else ''}{symbol}{delta:+d}"
        if symbol:
            if symbol == "base":
                start: str | None = None
            elif symbol == "current":
                heads = self._checked(current)
                if label:
                    heads = list(self.filter_for_lineage(heads, label))
                if len(heads) > 1:
                    raise MultipleHeads(heads, text)
                start = heads[0] if heads else None
            elif symbol == "head":
                start = self.get_current_head(label)
            elif symbol == "heads":
                heads = (
                    self.filter_for_lineage(self._heads, label)
                    if label
                    else self._real_heads
                )
                if len(heads) > 1:
                    raise MultipleHeads(heads, text)
                start = heads[0] if heads else None
            else:
                start = self._revision_id(symbol, branch=label)
        else:
            heads = self._checked(current)
            if label:
                heads = self._branch_position(heads, label)
            if delta < 0 and not heads:
                if strict:
                    raise RevisionError(
                        f"Relative revision {text} didn't produce {-delta} migrations "
                        "(nothing is applied)"
                    )
                return ()
            if len(heads) > 1:
                if delta < 0 and not label:
                    # Step back along the first head in graph order only.
                    heads = list(self.head_order(heads)[:1])
                else:
                    raise RevisionError(
                        f"Relative revision {text} is ambiguous: current heads are "
                        f"{', '.join(heads)}; use <branchname>@{delta:+d} or "
                        f"<revision>{delta:+d}"
                    )
            start = heads[0] if heads else None
        end = self._walk(start, delta, label, strict, text)
        return (end,) if end else ()

    def _branch_position(self, heads: Sequence[str], label: str) -> list[str]:
        """Where branch ``label`` stands given the database's ``heads``.

        Usually a head of its own; when the branch is applied only because
        another revision depends on it, its topmost applied revision.
        """
        own = list(self.filter_for_lineage(heads, label))
        if own or not heads:
            return own
        members = set(self.filter_for_lineage(self.ancestors(heads), label))
        below: set[str] = set()
        for rid in members:
            below |= self.ancestors([rid]) - {rid}
        return [rid for rid in self.head_order(list(members)) if rid not in below]

    def _walk(
        self,
        start: str | None,
        steps: int,
        label: str | None,
        strict: bool,
        text: str,
    ) -> str | None:
        """Move ``steps`` revisions up (+) or down (-) from ``start`` (None: base)."""
        current = start
        for taken in range(abs(steps)):
            if steps > 0:
                if current is None:
                    cands: Sequence[str | None] = self._bases
                else:
                    cands = self._map[current]._children
                if label:
                    cands = self.filter_for_lineage(cands, label)  # type: ignore[arg-type]
            else:
                if current is None:
                    cands = ()
                else:
                    cands = self._map[current].down_revisions or (None,)
                    if label and len(cands) > 1:
                        cands = self.filter_for_lineage(cands, label)  # type: ignore[arg-type]
            if not cands:
                if strict:
                    raise RevisionError(
                        f"Relative revision {text} didn't produce {abs(steps)} "
                        f"migrations (stopped after {taken} at "
                        f"{current or 'base'})"
                    )
                break
            if len(cands) > 1:
                way = "branches into" if steps > 0 else "merges"
                where = f"revision {current}" if current else "base"
                raise RevisionError(
                    f"Relative revision {text} is ambiguous: {where} {way} "
                    f"{', '.join(c for c in cands if c)}; use <branchname>@{steps:+d}"
                )
            current = cands[0]
        return current

    def head_order(self, heads: Sequence[str]) -> tuple[str, ...]:
        """``heads`` in graph order: the order ``upgrade heads`` applies them
        (the reverse of ``history``).

        The database returns version rows in no particular order (it differs
        between backends); ``current`` lists several heads in this order and a
        bare ``-N`` downgrade steps back the first of them, so both behave the
        same everywhere.  Unknown ids keep their place at the end.
        """
        unique = tuple(dict.fromkeys(heads))
        if len(unique) < 2:
            return unique
        self._ensure()
        if self._rank is None:
            order = self._removal_order(set(self._map), self._real_heads)
            self._rank = {rid: i for i, rid in enumerate(reversed(order))}
        rank = self._rank
        return tuple(sorted(unique, key=lambda rid: rank.get(rid, len(rank))))

    def _step_down(
        self, current: Sequence[str], steps: int, text: str
    ) -> list[Revision]:
        """A bare ``-N`` downgrade: remove N revisions, one at a time, each time
        the first current head in :meth:`head_order`.

        From a merge point that un-merges (its parents become heads again);
        from several heads it closes one branch per step, as the sessions in
        seeds/branches.md show, until one lineage is left to walk down.
        """
        heads = list(current)
        removed: list[Revision] = []
        for taken in range(steps):
            if not heads:
                where = (
                    "nothing is applied"
                    if not taken
                    else f"stopped after {taken} at base"
                )
                raise RevisionError(
                    f"Relative revision {text} didn't produce {steps} "
                    f"migrations ({where})"
                )
            first = self._map[self.head_order(heads)[0]]
            rest = [h for h in heads if h != first.revision]
            still_needed = self.ancestors(rest) if rest else set()
            heads = rest + [
                p
                for p in self._normalized_down_revisions(first)
                if p not in still_needed
            ]
            removed.append(first)
        return removed

    # -- plans ----------------------------------------------------------------

    def upgrade_plan(self, current_heads: Sequence[str], target: str) -> list[Revision]:
        """Revisions to apply, in order, to go from ``current_heads`` to ``target``.

        Everything the target needs (down revisions and dependencies) that is
        not already below the current heads; each appears after its parents.
        """
        self._ensure()
        current = tuple(dict.fromkeys(self._checked(current_heads)))
        if isinstance(target, str) and _RELATIVE.match(target.strip()):
            m = _RELATIVE.match(target.strip())
            assert m is not None
            if not m.group("symbol") and int(m.group("delta")) < 0:
                raise RevisionError(
                    f"Relative revision {target} points below the current "
                    "revision; use downgrade"
                )
        targets = self.resolve(target, current)
        needed = self.ancestors(targets) - self.ancestors(current)
        order = self._removal_order(needed, targets)
        order.reverse()
        return [self._map[r] for r in order]

    def downgrade_plan(
        self, current_heads: Sequence[str], target: str
    ) -> list[Revision]:
        """Revisions to remove, in order, to go from ``current_heads`` down to
        ``target``: whatever sits above the target, and nothing it needs."""
        self._ensure()
        current = tuple(dict.fromkeys(self._checked(current_heads)))
        text = target.strip() if isinstance(target, str) else target
        m = _RELATIVE.match(text) if isinstance(text, str) else None
        if m and not m.group("symbol") and int(m.group("delta")) > 0:
            raise RevisionError(
                f"Relative revision {target} points above the current revision; "
                "use upgrade"
            )
        if m and not m.group("symbol") and not m.group("label"):
            delta = int(m.group("delta"))
            if delta < 0:
                return self._step_down(current, -delta, text)
        targets, branch = self._resolve(target, current, strict=True)
        active = self.ancestors(current)
        if not targets:
            roots: Sequence[str] = self._bases
        else:
            roots = [c for t in targets for c in self._map[t]._children]
        if branch and len(roots) > 1:
            anchor = self._label_or_revision(branch).revision
            allowed = self._walk_edges([anchor], up=False, deps=False)
            roots = [r for r in roots if r in allowed]
            if not roots:
                raise RevisionError(
                    f"Not a valid downgrade target from current heads: {target}"
                )
        remove = self.descendants(roots) & active if roots else set()
        if targets and not remove and any(t not in active for t in targets):
            raise RangeNotAncestorError(
                target,
                current,
                f"Destination {target} is not a valid downgrade target from "
                f"current head(s) {_show(current)}",
            )
        return [self._map[r] for r in self._removal_order(remove, current)]

    def iterate_revisions(
        self,
        upper: str | Sequence[str] | None,
        lower: str | Sequence[str] | None,
        implicit_base: bool = False,
        inclusive: bool = False,
        assert_relative_length: bool = True,
        select_for_downgrade: bool = False,
    ) -> Iterator[Revision]:
        """Revisions between ``lower`` and ``upper``, upper first.

        Which ones: see :mod:`schemadiff.script.revision_range` (``None``
        or ``()`` is base at either end; relative ends count from the other
        end).  Order: children before parents, one branch at a time, branches
        taken in file order.
        """
        self._ensure()
        pick = (
            revision_range.downgrade_selection
            if select_for_downgrade
            else revision_range.upgrade_selection
        )
        todo, heads = pick(
            self,
            upper,
            lower,
            inclusive=inclusive,
            implicit_base=implicit_base,
            strict=assert_relative_length,
        )
        for rid in self._removal_order(todo, heads):
            yield self._map[rid]

    # -- Alembic's private helpers, which its own tests and some projects use

    def _get_ancestor_nodes(
        self,
        targets: Iterable[Revision | str],
        map_: Any = None,
        check: bool = False,
        include_dependencies: bool = True,
    ) -> Iterator[Revision]:
        """``targets`` and everything below them, as revisions."""
        self._ensure()
        step = revision_range.down_step(self, include_dependencies)
        for rid in revision_range.related(self, _ids(targets), step, check):
            yield self._map[rid]

    def _get_descendant_nodes(
        self,
        targets: Iterable[Revision | str],
        map_: Any = None,
        check: bool = False,
        omit_immediate_dependencies: bool = False,
        include_dependencies: bool = True,
    ) -> Iterator[Revision]:
        """``targets`` and everything above them, as revisions."""
        self._ensure()
        ids = _ids(targets)
        if omit_immediate_dependencies:
            own = set(ids)

            def step(rev: Revision) -> Sequence[str]:
                return rev._children if rev.revision in own else rev._all_children

        else:
            step = revision_range.up_step(include_dependencies)
        for rid in revision_range.related(self, ids, step, check):
            yield self._map[rid]

    def _topological_sort(
        self, revisions: Iterable[Revision | str], heads: Iterable[Revision | str]
    ) -> list[str]:
        """Ids of ``revisions``, children first, walking down from ``heads``."""
        self._ensure()
        return self._removal_order(set(_ids(revisions)), _ids(heads))

    def _get_base_revisions(self, identifier: str) -> tuple[str, ...]:
        """The bases in the lineage of what ``identifier`` names."""
        return self.filter_for_lineage(self.bases, identifier)

    def _normalized_down_revisions(self, rev: Revision) -> tuple[str, ...]:
        """Parents minus dependencies already implied by another parent."""
        if rev._normalized is None:
            if not rev._resolved_dependencies:
                rev._normalized = rev.down_revisions
            else:
                keep = list(rev.down_revisions)
                for dep in rev.all_down_revisions[len(rev.down_revisions) :]:
                    others = [p for p in rev.all_down_revisions if p != dep]
                    below: set[str] = set()
                    for p in others:
                        below.update(
                            self._walk_edges(
                                self._map[p].all_down_revisions, False, True
                            )
                        )
                    if dep not in below:
                        keep.append(dep)
                rev._normalized = tuple(keep)
        return rev._normalized

    def _removal_order(self, todo: Collection[str], starts: Sequence[str]) -> list[str]:
        """Order ``todo`` children-first, following one branch as far as it
        goes before switching to another.

        Walks down "lanes" starting at ``starts`` (in order).  A revision is
        emitted only once nothing in ``todo`` above it is still pending;
        otherwise the walk switches to the lane that needs it.  Reversed, the
        result is an upgrade order.  Linear in the size of ``todo`` plus the
        pending region scanned at each branch point.
        """
        todo = set(todo)
        if not todo:
            return []
        rmap = self._map
        pending = {
            rid: sum(1 for c in rmap[rid]._all_children if c in todo) for rid in todo
        }
        emitted: set[str] = set()
        out: list[str] = []
        # Lanes open in file order, whatever order the caller named them in
        # (Alembic's order too: history and upgrades list branches the same).
        lanes = sorted(
            (s for s in dict.fromkeys(starts) if s in todo),
            key=self._order.__getitem__,
        )
        in_lanes = set(lanes)
        idx = 0
        while len(out) < len(todo):
            if not lanes:
                fresh = next(
                    r.revision
                    for r in self._revisions or ()
                    if r.revision in todo
                    and r.revision not in emitted
                    and pending[r.revision] == 0
                )
                lanes.append(fresh)
                in_lanes.add(fresh)
                idx = 0
            cand = lanes[idx]
            if pending[cand] > 0:
                idx = self._lane_needing(
                    cand, lanes, idx, todo, emitted, pending, in_lanes
                )
                continue
            out.append(cand)
            emitted.add(cand)
            rev = rmap[cand]
            for p in rev.all_down_revisions:
                if p in todo:
                    pending[p] -= 1
            in_lanes.discard(cand)
            adds = [
                p
                for p in self._normalized_down_revisions(rev)
                if p in todo and p not in in_lanes and p not in emitted
            ]
            if not adds:
                del lanes[idx]
                idx = max(idx - 1, 0)
            else:
                lanes[idx] = adds[0]
                lanes.extend(adds[1:])
                in_lanes.update(adds)
        return out

    def _lane_needing(
        self,
        cand: str,
        lanes: list[str],
        idx: int,
        todo: set[str],
        emitted: set[str],
        pending: dict[str, int],
        in_lanes: set[str],
    ) -> int:
        """Index of the first lane whose tip still needs ``cand``."""
        above = self._walk_pending_above(cand, todo, emitted)
        for j, tip in enumerate(lanes):
            if j != idx and tip in above:
                return j
        # Nothing walking down will reach it: open a lane at a pending top.
        top = next(
            r
            for r in sorted(above, key=self._order.__getitem__)
            if pending[r] == 0 and r != cand
        )
        lanes.append(top)
        in_lanes.add(top)
        return len(lanes) - 1

    def _walk_pending_above(
        self, cand: str, todo: set[str], emitted: set[str]
    ) -> set[str]:
        found: set[str] = set()
        stack = [c for c in self._map[cand]._all_children]
        while stack:
            rid = stack.pop()
            if rid in found or rid not in todo or rid in emitted:
                continue
            found.add(rid)
            stack.extend(self._map[rid]._all_children)
        return found


def _ids(revs: Iterable[Revision | str]) -> list[str]:
    return [r.revision if isinstance(r, Revision) else r for r in revs]


def _not_a_string(value: object) -> RevisionError:
    # Typically a driver returning bytes for the version table's column.
    return RevisionError(
        f"revision identifier {value!r} is not a string; ensure database "
        "driver settings are correct"
    )


def _where(rev: Revision) -> str:
    return rev._source() or f"revision {rev.revision}"


def _sources(*revs: Revision) -> str:
    """`` (file, file)`` naming where revisions come from, if known."""
    found = [r._source() for r in revs if r._source()]
    return f" ({', '.join(found)})" if found else ""


def _from(rev: Revision) -> str:
    source = rev._source()
    return f" ({source})" if source else ""
