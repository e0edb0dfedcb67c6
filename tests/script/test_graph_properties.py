"""Property-based tests of the revision graph on random DAGs.

Each generated graph has branches, merges, several bases, labels and
dependencies.  Plans and traversals are checked against brute-force
definitions written here independently of ``RevisionMap``.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemadiff.script.revision import Revision, RevisionMap

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@st.composite
def graphs(draw: st.DrawFn, max_size: int = 22) -> list[tuple]:
    """(id, downs, deps, label) tuples; parents always come earlier, so no cycles."""
    n = draw(st.integers(1, max_size))
    nodes = []
    for i in range(n):
        downs: list[int] = []
        deps: list[int] = []
        if i:
            k = draw(st.sampled_from([0, 1, 1, 1, 1, 2, 2, 3]))
            k = min(k, i)
            downs = sorted(draw(st.sets(st.integers(0, i - 1), min_size=k, max_size=k)))
            if draw(st.integers(0, 4)) == 0:
                dep = draw(st.integers(0, i - 1))
                if dep not in downs:
                    deps = [dep]
        label = f"lab{i}" if draw(st.integers(0, 7)) == 0 else None
        nodes.append(
            (
                f"r{i:02d}",
                tuple(f"r{d:02d}" for d in downs),
                tuple(f"r{d:02d}" for d in deps),
                label,
            )
        )
    return draw(st.permutations(nodes))


def build(nodes: list[tuple]) -> RevisionMap:
    return RevisionMap(
        lambda: [
            Revision(rid, downs or None, dependencies=deps or None, branch_labels=label)
            for rid, downs, deps, label in nodes
        ]
    )


def parents_of(nodes: list[tuple]) -> dict[str, set[str]]:
    return {rid: set(downs) | set(deps) for rid, downs, deps, _ in nodes}


def closure(start: set[str], parents: dict[str, set[str]]) -> set[str]:
    """Brute-force ancestors (inclusive) by fixed point."""
    result = set(start)
    changed = True
    while changed:
        changed = False
        for rid in list(result):
            for p in parents[rid]:
                if p not in result:
                    result.add(p)
                    changed = True
    return result


def maximal(state: set[str], parents: dict[str, set[str]]) -> set[str]:
    """Revisions in ``state`` that nothing else in ``state`` sits on."""
    below = set()
    for rid in state:
        below |= parents[rid]
    return state - below


def assert_topological(plan: list[str], start: set[str], parents: dict[str, set[str]]):
    applied = set(start)
    for rid in plan:
        assert rid not in applied, f"{rid} applied twice"
        missing = parents[rid] - applied
        assert not missing, f"{rid} applied before {missing}"
        applied.add(rid)


@SETTINGS
@given(graphs())
def test_heads_and_bases_match_brute_force(nodes: list[tuple]) -> None:
    rmap = build(nodes)
    downs = {rid: set(d) for rid, d, _, _ in nodes}
    all_parents = parents_of(nodes)
    ids = {rid for rid, *_ in nodes}
    versioned_children = {p for s in downs.values() for p in s}
    any_children = {p for s in all_parents.values() for p in s}
    assert set(rmap.heads) == ids - versioned_children
    assert set(rmap.resolve("heads")) == ids - any_children
    assert set(rmap.bases) == {rid for rid in ids if not downs[rid]}
    assert len(rmap.heads) == len(set(rmap.heads))
    for rid in ids:
        assert rmap.ancestors([rid]) == closure({rid}, all_parents)
        children = {c for c in ids if rid in all_parents[c]}
        assert rmap.descendants([rid]) == {rid} | {
            d for c in children for d in rmap.descendants([c])
        }


@SETTINGS
@given(graphs(), st.data())
def test_upgrade_plan_is_topological_and_minimal(nodes: list[tuple], data) -> None:
    rmap = build(nodes)
    parents = parents_of(nodes)
    ids = sorted(parents)
    seed = data.draw(st.sets(st.sampled_from(ids), max_size=3))
    state = closure(seed, parents)
    current = tuple(sorted(maximal(state, parents)))
    target = data.draw(st.sampled_from(ids + ["heads"]))
    targets = set(rmap.resolve(target))
    plan = [r.revision for r in rmap.upgrade_plan(current, target)]
    assert_topological(plan, state, parents)
    assert set(plan) == closure(targets, parents) - state
    assert len(plan) == len(set(plan))


@SETTINGS
@given(graphs(), st.data())
def test_upgrade_then_downgrade_returns_to_start(nodes: list[tuple], data) -> None:
    rmap = build(nodes)
    parents = parents_of(nodes)
    ids = sorted(parents)
    children: dict[str, set[str]] = {rid: set() for rid in ids}
    for rid, ps in parents.items():
        for p in ps:
            children[p].add(rid)

    start_rev = data.draw(st.sampled_from(ids + [None]))
    start = closure({start_rev}, parents) if start_rev else set()
    heads0 = tuple(sorted(maximal(start, parents)))
    # A target whose needs lie entirely above the start revision (reached
    # through its down_revision children; mere dependents are other branches).
    if start_rev:
        above = rmap.descendants(rmap.get_revision(start_rev)._children)
    else:
        above = set(ids)
    candidates = [t for t in ids if closure({t}, parents) <= start | above]
    target = data.draw(st.sampled_from(candidates))

    up = [r.revision for r in rmap.upgrade_plan(heads0, target)]
    assert_topological(up, start, parents)
    state = start | set(up)
    heads1 = tuple(sorted(maximal(state, parents)))

    down = [r.revision for r in rmap.downgrade_plan(heads1, start_rev or "base")]
    assert len(down) == len(set(down))
    removed: set[str] = set()
    for rid in down:
        assert rid in state
        # Nothing still applied may sit on a revision being removed.
        assert not (children[rid] & (state - removed - {rid})), rid
        removed.add(rid)
    assert state - removed == start
    assert tuple(sorted(maximal(state - removed, parents))) == heads0


@SETTINGS
@given(graphs(), st.data())
def test_downgrade_keeps_what_target_needs(nodes: list[tuple], data) -> None:
    rmap = build(nodes)
    parents = parents_of(nodes)
    ids = sorted(parents)
    seed = data.draw(st.sets(st.sampled_from(ids), min_size=1, max_size=3))
    state = closure(seed, parents)
    current = tuple(sorted(maximal(state, parents)))
    target = data.draw(st.sampled_from(sorted(state)))
    plan = [r.revision for r in rmap.downgrade_plan(current, target)]
    remaining = state - set(plan)
    assert len(plan) == len(set(plan))
    assert closure({target}, parents) <= remaining
    # The result is again a valid state: closed under "needs".
    assert closure(remaining, parents) == remaining
    # Exactly what sits above the target (versioned children and beyond) goes.
    rev = rmap.get_revision(target)
    above = rmap.descendants(rev._children) if rev._children else set()
    assert set(plan) == above & state


@SETTINGS
@given(graphs())
def test_full_history_lists_everything_once_newest_first(nodes: list[tuple]) -> None:
    rmap = build(nodes)
    parents = parents_of(nodes)
    order = [
        r.revision for r in rmap.iterate_revisions("heads", "base", inclusive=True)
    ]
    assert sorted(order) == sorted(parents)
    assert_topological(list(reversed(order)), set(), parents)


@SETTINGS
@given(graphs(), st.data())
def test_labels_cover_descendants(nodes: list[tuple], data) -> None:
    rmap = build(nodes)
    labelled = [(rid, label) for rid, _, _, label in nodes if label]
    for rid, label in labelled:
        assert rmap.resolve(label) == (rid,)
        for d in rmap.descendants([rid], include_dependencies=False):
            assert label in rmap.get_revision(d).branch_labels
    # label@heads is the heads in the label's lineage.
    if labelled:
        rid, label = data.draw(st.sampled_from(labelled))
        lineage = rmap.ancestors([rid], include_dependencies=False) | rmap.descendants(
            [rid], include_dependencies=False
        )
        assert set(rmap.resolve(f"{label}@heads")) == set(rmap.heads) & lineage


@SETTINGS
@given(graphs(), st.data())
def test_relative_steps_walk_linear_stretches(nodes: list[tuple], data) -> None:
    rmap = build(nodes)
    ids = sorted(parents_of(nodes))
    rid = data.draw(st.sampled_from(ids))
    rev = rmap.get_revision(rid)
    if len(rev.down_revisions) == 1:
        assert rmap.resolve(f"{rid}-1") == rev.down_revisions
    if len(rev._children) == 1:
        assert rmap.resolve(f"{rid}+1") == tuple(rev._children)
    if not rev.down_revisions:
        assert rmap.resolve(f"{rid}-1") == ()


@SETTINGS
@given(graphs(), st.data())
def test_history_range_matches_brute_force(nodes: list[tuple], data) -> None:
    rmap = build(nodes)
    parents = parents_of(nodes)
    downs = {rid: set(d) for rid, d, _, _ in nodes}
    ids = sorted(parents)
    upper = data.draw(st.sampled_from(ids))
    below_upper = closure({upper}, parents)
    lower = data.draw(st.sampled_from(sorted(below_upper)))
    got = [r.revision for r in rmap.iterate_revisions(upper, lower, inclusive=True)]
    above_lower = {rid for rid in ids if lower in closure({rid}, downs)}
    assert sorted(got) == sorted(below_upper & above_lower)
    assert_topological(
        list(reversed(got)), closure(set(got), parents) - set(got), parents
    )
