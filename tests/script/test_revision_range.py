"""RevisionMap's Alembic-compatible API: iterate_revisions' selection rules,
filter_for_lineage, identifier and graph error texts, private helper names."""

from __future__ import annotations

import pytest

from schemadiff.script.revision import (
    CycleDetected,
    LoopDetected,
    MultipleHeads,
    RangeNotAncestorError,
    ResolutionError,
    Revision,
    RevisionError,
    RevisionMap,
)
from schemadiff.util import user_error_message


def rmap(*specs: tuple) -> RevisionMap:
    def gen():
        for rid, down, *rest in specs:
            yield Revision(rid, down, **(rest[0] if rest else {}))

    return RevisionMap(gen)


def walk(m: RevisionMap, upper, lower, **kw) -> list[str]:
    return [r.revision for r in m.iterate_revisions(upper, lower, **kw)]


@pytest.fixture(scope="module")
def fork() -> RevisionMap:
    """a3 forks into b1/b2 lanes; merge joins e2b1 and e2b2; fe1b1 is a
    second head on the b1 lane."""
    return rmap(
        ("a1", ()),
        ("a2", "a1"),
        ("a3", "a2"),
        ("b1", "a3"),
        ("b2", "a3"),
        ("cb1", "b1"),
        ("cb2", "b2"),
        ("db1", "cb1"),
        ("db2", "cb2"),
        ("e1b1", "db1"),
        ("fe1b1", "e1b1"),
        ("e2b1", "db1"),
        ("e2b2", "db2"),
        ("merge", ("e2b1", "e2b2")),
    )


@pytest.fixture(scope="module")
def bases() -> RevisionMap:
    """Three bases; the 1 and 2 lines depend on a3 of the 3 line."""
    return rmap(
        ("base1", (), {"branch_labels": "b_1"}),
        ("a1a", "base1"),
        ("a1b", "base1"),
        ("b1a", "a1a"),
        ("b1b", "a1b", {"dependencies": "a3"}),
        ("base2", (), {"branch_labels": "b_2"}),
        ("a2", "base2"),
        ("b2", "a2"),
        ("c2", "b2", {"dependencies": "a3"}),
        ("d2", "c2"),
        ("base3", (), {"branch_labels": "b_3"}),
        ("a3", "base3"),
        ("b3", "a3"),
    )


def test_branches_are_walked_in_file_order_whatever_the_argument_order(fork):
    want = ["fe1b1", "e1b1", "merge", "e2b1", "db1", "cb1", "b1"]
    want += ["e2b2", "db2", "cb2", "b2", "a3"]
    assert walk(fork, ["merge", "fe1b1"], "a3", inclusive=True) == want
    assert walk(fork, ["fe1b1", "merge"], "a3", inclusive=True) == want


def test_implicit_base_fills_in_every_branch_a_merge_needs(fork):
    assert walk(fork, "merge", "db1", inclusive=True) == ["merge", "e2b1", "db1"]
    assert walk(fork, "merge", "db1", inclusive=True, implicit_base=True) == [
        "merge",
        "e2b1",
        "db1",
        "e2b2",
        "db2",
        "cb2",
        "b2",
    ]


def test_none_upper_is_base_not_heads(fork):
    with pytest.raises(RangeNotAncestorError) as err:
        walk(fork, None, "db1")
    assert str(err.value) == "Revision db1 is not an ancestor of revision base"
    assert walk(fork, (), None) == []


@pytest.mark.parametrize(
    "upper, lower, message",
    [
        (
            ["db1", "b2", "fe1b1"],
            (),
            "Requested revision fe1b1 overlaps with other requested revisions db1",
        ),
        (["cb2"], ["a3", "b2"], "Requested revision b2 overlaps"),
    ],
)
def test_an_end_naming_a_revision_and_its_ancestor_is_an_error(
    fork, upper, lower, message
):
    with pytest.raises(RevisionError, match=message):
        walk(fork, upper, lower)
    # The same revision twice is no overlap.
    assert walk(fork, ("cb2", "cb2"), "b2") == ["cb2"]


def test_implicit_base_upgrade_from_a_revision_takes_every_other_branch(bases):
    assert walk(bases, "heads", ["c2"]) == ["d2"]
    assert walk(bases, "heads", ["c2"], implicit_base=True) == [
        "b1a",
        "a1a",
        "b1b",
        "a1b",
        "base1",
        "d2",
        "b3",
    ]
    with pytest.raises(RangeNotAncestorError):
        walk(bases, "b3", "d2")


def test_label_at_base_lists_what_descends_from_the_labels_base(bases):
    # As seeds/branches.md's ``history -r networking@base:`` shows: the
    # branch's own revisions, not its dependencies on other branches.
    assert walk(bases, "heads", "b_2@base", inclusive=True) == [
        "d2",
        "c2",
        "b2",
        "a2",
        "base2",
    ]
    # An upgrade to the branch head still needs the dependency.
    assert walk(bases, "b_2@head", "base") == [
        "d2",
        "c2",
        "b2",
        "a2",
        "base2",
        "a3",
        "base3",
    ]


def test_downgrade_selection_inclusive_and_implicit_base():
    m = rmap(
        ("a1", ()),
        ("a2", "a1"),
        ("a3", "a2"),
        ("b1", ()),
        ("b2", "b1", {"dependencies": "a3"}),
        ("b3", "b2"),
        ("b4", "b3", {"dependencies": "a3"}),
        ("b5", "b4", {"dependencies": "b4"}),
    )
    kw = {"select_for_downgrade": True}
    assert walk(m, "heads", "a2", **kw) == ["b5", "b4", "b3", "b2", "a3"]
    assert walk(m, "heads", "a2", inclusive=True, **kw) == [
        "b5",
        "b4",
        "b3",
        "b2",
        "a3",
        "a2",
    ]
    assert walk(m, "heads", "a2", inclusive=True, implicit_base=True, **kw) == [
        "b5",
        "b4",
        "b3",
        "b2",
        "b1",
        "a3",
        "a2",
    ]
    b4 = m.get_revision("b4")
    assert b4._all_down_revisions == ("b3", "a3")
    assert b4._normalized_down_revisions == ("b3",)  # b2 already needs a3
    assert m.get_revision("b5")._normalized_down_revisions == ("b4",)


def test_filter_for_lineage_takes_any_identifier_and_keeps_revisions():
    m = rmap(
        ("a", ()),
        ("b", "a"),
        ("c1", "b", {"branch_labels": "c1branch"}),
        ("c2", "b"),
        ("d", ("c1", "c2")),
        ("x", ()),
    )
    c1, c2, d, x = (m.get_revision(r) for r in ("c1", "c2", "d", "x"))
    assert m.filter_for_lineage([c1, c2, d, x], "c1branch@head") == (c1, c2, d)
    assert m.filter_for_lineage(["x", "c2"], "heads") == ("x", "c2")
    assert m.filter_for_lineage(["x", "c2", "d"], "c1branch") == ("d",)
    assert m.filter_for_lineage(["x", "c2"], "base") == ("x", "c2")
    assert m._get_base_revisions("c2@base") == ("a",)
    assert m._get_base_revisions("base") == ("a", "x")


def test_identifiers_from_a_driver_that_returns_bytes():
    m = rmap(("a", ()), ("b", "a"))
    for bad in (b"12345", (b"12345",)):
        with pytest.raises(RevisionError) as err:
            m.get_revision(bad)
        assert str(err.value) == (
            f"revision identifier {bad!r} is not a string; ensure database "
            "driver settings are correct"
        )
    with pytest.raises(RevisionError, match="b'12345' is not a string"):
        m.get_revisions(b"12345")
    assert m.get_revision(("a",)).revision == "a"
    with pytest.raises(MultipleHeads):
        m.get_revision(("a", "b"))


def test_identifier_error_texts():
    m = rmap(("abcd1", ()), ("abcd2", "abcd1", {"branch_labels": "lab"}))
    with pytest.raises(ResolutionError, match=r"^No such branch: 'zz'$"):
        m.get_revision("zz@abcd1")
    with pytest.raises(ResolutionError, match=r"^No such revision or branch 'qq'; "):
        m.get_revision("qq")
    with pytest.raises(ResolutionError) as err:
        m.get_revision("abc")
    assert str(err.value) == "Multiple revisions start with 'abc': 'abcd1', 'abcd2'"


def test_multiple_heads_wording_for_api_and_command_line():
    m = rmap(("a", ()), ("c1", "a"), ("c2", "a"))
    with pytest.raises(MultipleHeads) as err:
        m.get_revision("head")
    assert (
        str(err.value) == "Multiple heads are present for given argument 'head'; c1, c2"
    )
    assert user_error_message(err.value) == (
        "Multiple head revisions are present for given argument 'head'; please "
        "specify a specific target revision, '<branchname>@head' to narrow to "
        "a specific head, or 'heads' for all heads (heads: c1, c2)"
    )


@pytest.mark.parametrize(
    "specs, error, message",
    [
        ([("a", "a")], LoopDetected, "Self-loop is detected in revisions (a)"),
        (
            [("a", ()), ("b", "a", {"dependencies": "b"})],
            LoopDetected,
            "Dependency self-loop is detected in revisions (b)",
        ),
        (
            [("a", "c"), ("b", "a"), ("c", "b"), ("d", "c")],
            CycleDetected,
            "Cycle is detected in revisions (a, b, c)",
        ),
        (
            [
                ("c", "b", {"branch_labels": "x"}),
                ("b", ()),
                ("e", (), {"branch_labels": "x"}),
            ],
            RevisionError,
            "Branch name 'x' in revision e already used by revision c",
        ),
    ],
)
def test_graph_error_texts(specs, error, message):
    with pytest.raises(error) as err:
        assert rmap(*specs).heads is None
    assert str(err.value) == message


def test_private_helpers_alembic_code_calls(fork):
    merge = fork.get_revision("merge")
    below = {r.revision for r in fork._get_ancestor_nodes([merge], check=True)}
    assert below == {"merge", "e2b1", "e2b2", "db1", "db2", "cb1", "cb2"} | {
        "b1",
        "b2",
        "a3",
        "a2",
        "a1",
    }
    above = {r.revision for r in fork._get_descendant_nodes(["e1b1"])}
    assert above == {"e1b1", "fe1b1"}
    r1, r2 = Revision("user_foo", None), Revision("user", "user_foo")
    m = RevisionMap(lambda: [r1, r2])
    assert m._topological_sort([r1, r2], [r2]) == ["user", "user_foo"]


def test_get_revisions_counts_down_from_the_heads_without_current_heads():
    m = rmap(
        ("a", (), {"branch_labels": "abranch"}),
        ("b", "a"),
        ("c", "b"),
        ("d", (), {"branch_labels": "dbranch"}),
        ("e", "d"),
    )
    assert [r.revision for r in m.get_revisions("-1")] == ["b", "d"]
    assert [r.revision for r in m.get_revisions("dbranch@-1")] == ["d"]
    # With the database's heads, relative means relative to them.
    assert [r.revision for r in m.get_revisions("-1", ("b",))] == ["a"]
    assert m.get_revisions("abranch@-3") == ()  # base
    with pytest.raises(RevisionError, match="didn't produce 4 migrations"):
        m.get_revisions("abranch@-4")
