"""The revision graph on hand-made graphs: identifiers, plans, errors."""

from __future__ import annotations

import pytest

from schemadiff.script.revision import (
    CycleDetected,
    DependencyCycleDetected,
    LoopDetected,
    MissingRevisionError,
    MultipleHeads,
    RangeNotAncestorError,
    ResolutionError,
    Revision,
    RevisionError,
    RevisionMap,
)
from schemadiff.util import CommandError, user_error_message


def rmap(*specs: tuple) -> RevisionMap:
    def gen():
        for spec in specs:
            rid, down, *rest = spec
            kw = rest[0] if rest else {}
            yield Revision(rid, down, **kw)

    return RevisionMap(gen)


def ids(revs) -> list[str]:
    return [r.revision for r in revs]


@pytest.fixture
def seed_map() -> RevisionMap:
    """The graph of seeds/branches.md at its fullest."""
    return rmap(
        ("3cac04ae8714", None, {"branch_labels": "networking"}),
        ("109ec7d132bf", "3cac04ae8714"),
        ("29f859a13ea", "109ec7d132bf"),
        ("2a95102259be", "29f859a13ea", {"dependencies": "55af2cb1c267"}),
        ("1975ea83b712", None),
        ("27c6a30d7c24", "1975ea83b712", {"branch_labels": ("shoppingcart",)}),
        ("d747a8a8879", "27c6a30d7c24"),
        ("ae1027a6acf", "1975ea83b712"),
        ("55af2cb1c267", "ae1027a6acf"),
    )


def test_graph_positions(seed_map: RevisionMap) -> None:
    assert seed_map.heads == ("2a95102259be", "d747a8a8879", "55af2cb1c267")
    assert seed_map.resolve("heads") == ("2a95102259be", "d747a8a8879")
    assert seed_map.bases == ("3cac04ae8714", "1975ea83b712")
    rev = seed_map.get_revision("1975ea83b712")
    assert rev.is_branch_point and rev.is_base and not rev.is_head
    assert rev.nextrev == {"27c6a30d7c24", "ae1027a6acf"}
    dep = seed_map.get_revision("2a95102259be")
    assert dep.dependencies == "55af2cb1c267"  # as written
    assert dep._resolved_dependencies == ("55af2cb1c267",)
    assert dep.all_down_revisions == ("29f859a13ea", "55af2cb1c267")
    assert not dep.is_merge_point
    effective = seed_map.get_revision("55af2cb1c267")
    assert effective.is_head and not effective._is_real_head


def test_labels_propagate(seed_map: RevisionMap) -> None:
    labels = {r.revision: r.branch_labels for r in seed_map}
    assert labels["d747a8a8879"] == {"shoppingcart"}
    assert labels["1975ea83b712"] == set()  # branch point stops the spread
    assert labels["2a95102259be"] == {"networking"}
    assert labels["55af2cb1c267"] == set()  # dependencies don't carry labels


def test_labels_spread_down_to_the_branch_point() -> None:
    m = rmap(
        ("a1", None),
        ("b1", "a1"),
        ("b2", "b1"),
        ("b3", "b2", {"branch_labels": "feature"}),
        ("c1", "a1"),
    )
    assert {r.revision for r in m if "feature" in r.branch_labels} == {"b1", "b2", "b3"}


@pytest.mark.parametrize(
    "symbol, current, expected",
    [
        ("1975ea83b712", (), ("1975ea83b712",)),
        ("1975", (), ("1975ea83b712",)),
        ("ae1", (), ("ae1027a6acf",)),
        ("shoppingcart", (), ("27c6a30d7c24",)),
        ("shoppingcart@head", (), ("d747a8a8879",)),
        ("shoppingcart@heads", (), ("d747a8a8879",)),
        ("networking@head", (), ("2a95102259be",)),
        ("ae10@head", (), ("55af2cb1c267",)),
        ("networking@base", (), ()),
        ("base", (), ()),
        ("heads", (), ("2a95102259be", "d747a8a8879")),
        ("current", ("ae1027a6acf",), ("ae1027a6acf",)),
        ("+1", ("ae1027a6acf",), ("55af2cb1c267",)),
        ("-1", ("ae1027a6acf",), ("1975ea83b712",)),
        ("-2", ("ae1027a6acf",), ()),
        ("ae10+1", (), ("55af2cb1c267",)),
        ("d747a8a8879-2", (), ("1975ea83b712",)),
        ("shoppingcart@head-1", (), ("27c6a30d7c24",)),
        ("shoppingcart@+1", ("1975ea83b712",), ("27c6a30d7c24",)),
        ("shoppingcart@+2", ("1975ea83b712",), ("d747a8a8879",)),
        ("shoppingcart@+1", ("27c6a30d7c24", "2a95102259be"), ("d747a8a8879",)),
        ("networking@+2", (), ("109ec7d132bf",)),
        ("shoppingcart@d747", (), ("d747a8a8879",)),
        ("networking@-1", ("29f859a13ea",), ("109ec7d132bf",)),
    ],
)
def test_identifiers(seed_map: RevisionMap, symbol, current, expected) -> None:
    assert seed_map.resolve(symbol, current) == expected


def test_head_with_several_heads_names_them(seed_map: RevisionMap) -> None:
    with pytest.raises(MultipleHeads) as err:
        seed_map.resolve("head")
    # The API's terse wording (Alembic's) ...
    assert str(err.value) == (
        "Multiple heads are present for given argument 'head'; "
        "2a95102259be, d747a8a8879, 55af2cb1c267"
    )
    # ... and the command line's, which says how to pick one.
    message = user_error_message(err.value)
    assert message is not None and message.startswith(
        "Multiple head revisions are present for given argument 'head'; please "
        "specify a specific target revision, '<branchname>@head' to narrow to a "
        "specific head, or 'heads' for all heads"
    )
    assert "2a95102259be, d747a8a8879, 55af2cb1c267" in message
    assert isinstance(err.value, CommandError)


@pytest.mark.parametrize(
    "symbol, current, message",
    [
        ("zzzz", (), "No such revision or branch 'zzzz'"),
        (
            "zz",
            (),
            "No such revision or branch 'zz'; please ensure at least four "
            "characters are present for partial revision identifier matches",
        ),
        (
            "2",
            (),
            "Multiple revisions start with '2': '27c6a30d7c24', '29f859a13ea', "
            "'2a95102259be'",
        ),
        ("nope@head", (), "No such branch: 'nope'"),
        (
            "shoppingcart@ae10",
            (),
            "Revision ae1027a6acf is not a member of branch " "'shoppingcart'",
        ),
        (
            "1975ea83b712+1",
            (),
            "Relative revision 1975ea83b712+1 is ambiguous: "
            "revision 1975ea83b712 branches into 27c6a30d7c24, ae1027a6acf",
        ),
        ("d747+1", (), "Relative revision d747+1 didn't produce 1 migrations"),
        ("-1", (), "Relative revision -1 didn't produce 1 migrations"),
        (
            "+1",
            ("d747a8a8879", "2a95102259be"),
            "Relative revision +1 is ambiguous: "
            "current heads are d747a8a8879, 2a95102259be",
        ),
        ("@head", (), "Missing branch name before '@'"),
    ],
)
def test_identifier_errors(seed_map: RevisionMap, symbol, current, message) -> None:
    with pytest.raises(RevisionError) as err:
        seed_map.resolve(symbol, current)
    assert str(err.value).startswith(message)
    assert "\n" not in str(err.value)


def test_upgrade_plans(seed_map: RevisionMap) -> None:
    assert ids(seed_map.upgrade_plan((), "heads")) == [
        "1975ea83b712",
        "ae1027a6acf",
        "55af2cb1c267",
        "27c6a30d7c24",
        "d747a8a8879",
        "3cac04ae8714",
        "109ec7d132bf",
        "29f859a13ea",
        "2a95102259be",
    ]
    # Only what the target needs: siblings are left alone.
    assert ids(seed_map.upgrade_plan((), "27c6a")) == ["1975ea83b712", "27c6a30d7c24"]
    assert ids(seed_map.upgrade_plan(("27c6a30d7c24",), "ae102")) == ["ae1027a6acf"]
    # A dependency is pulled in before its dependent.
    assert ids(seed_map.upgrade_plan(("29f859a13ea",), "networking@head")) == [
        "1975ea83b712",
        "ae1027a6acf",
        "55af2cb1c267",
        "2a95102259be",
    ]
    assert seed_map.upgrade_plan(("d747a8a8879",), "shoppingcart@head") == []
    with pytest.raises(RevisionError, match="use downgrade"):
        seed_map.upgrade_plan(("d747a8a8879",), "-1")


def test_downgrade_plans(seed_map: RevisionMap) -> None:
    heads = ("ae1027a6acf", "27c6a30d7c24")
    assert ids(seed_map.downgrade_plan(heads, "-1")) == ["ae1027a6acf"]
    assert ids(seed_map.downgrade_plan(("27c6a30d7c24",), "-1")) == ["27c6a30d7c24"]
    assert ids(seed_map.downgrade_plan(("1975ea83b712",), "-1")) == ["1975ea83b712"]
    # Several branches close in file order, whatever order the rows come in.
    for rows in (heads, heads[::-1]):
        assert ids(seed_map.downgrade_plan(rows, "base")) == [
            "27c6a30d7c24",
            "ae1027a6acf",
            "1975ea83b712",
        ]
        assert ids(seed_map.downgrade_plan(rows, "1975ea83b712")) == [
            "27c6a30d7c24",
            "ae1027a6acf",
        ]
    # Downgrading the networking branch leaves the dependency in place.
    everything = ("2a95102259be", "d747a8a8879")
    assert ids(seed_map.downgrade_plan(everything, "networking@base")) == [
        "2a95102259be",
        "29f859a13ea",
        "109ec7d132bf",
        "3cac04ae8714",
    ]
    # Removing a dependency removes its dependents first.
    assert ids(seed_map.downgrade_plan(everything, "ae1027a6acf")) == [
        "2a95102259be",
        "55af2cb1c267",
    ]
    with pytest.raises(RangeNotAncestorError, match="not a valid downgrade target"):
        seed_map.downgrade_plan(("ae1027a6acf",), "d747a8a8879")
    with pytest.raises(RevisionError, match="use upgrade"):
        seed_map.downgrade_plan(("ae1027a6acf",), "+1")


def test_history_ranges(seed_map: RevisionMap) -> None:
    def hist(upper, lower):
        return ids(seed_map.iterate_revisions(upper, lower, inclusive=True))

    assert hist("heads", "shoppingcart") == ["d747a8a8879", "27c6a30d7c24"]
    assert hist("heads", "networking@base") == [
        "2a95102259be",
        "29f859a13ea",
        "109ec7d132bf",
        "3cac04ae8714",
    ]
    assert hist("networking@head", "base") == [
        "2a95102259be",
        "29f859a13ea",
        "109ec7d132bf",
        "3cac04ae8714",
        "55af2cb1c267",
        "ae1027a6acf",
        "1975ea83b712",
    ]
    assert hist("ae1027", "1975ea") == ["ae1027a6acf", "1975ea83b712"]
    with pytest.raises(RangeNotAncestorError, match="is not an ancestor"):
        hist("27c6a30d7c24", "ae1027a6acf")
    # Relative ends count from the other end and stop at base.
    assert ids(
        seed_map.iterate_revisions(
            ("d747a8a8879",), "-5", inclusive=True, assert_relative_length=False
        )
    ) == ["d747a8a8879", "27c6a30d7c24", "1975ea83b712"]
    assert ids(seed_map.iterate_revisions("+1", "27c6a30d7c24", inclusive=True)) == [
        "d747a8a8879",
        "27c6a30d7c24",
    ]


def test_bare_minus_n_ignores_row_order(seed_map: RevisionMap) -> None:
    """The database returns version rows in any order; ``-1`` doesn't care."""
    heads = ("ae1027a6acf", "27c6a30d7c24")
    assert seed_map.head_order(heads[::-1]) == heads
    assert seed_map.head_order(heads) == heads
    assert ids(seed_map.downgrade_plan(heads[::-1], "-1")) == ["ae1027a6acf"]
    assert seed_map.resolve("-1", heads[::-1]) == ("1975ea83b712",)
    assert ids(seed_map.downgrade_plan(heads[::-1], "-3")) == [
        "ae1027a6acf",
        "27c6a30d7c24",
        "1975ea83b712",
    ]
    # Reversed history order.
    history = ids(seed_map.iterate_revisions("heads", "base"))
    every = seed_map.head_order(sorted(history))
    assert list(every) == history[::-1]


def test_minus_one_from_a_merge_point_unmerges() -> None:
    m = rmap(
        ("a", None),
        ("b1", "a"),
        ("c1", "a"),
        ("m", ("b1", "c1")),
        ("n", "m", {"dependencies": "x"}),
        ("x", None),
    )
    assert ids(m.downgrade_plan(("m",), "-1")) == ["m"]
    assert ids(m.downgrade_plan(("n",), "-1")) == ["n"]
    # n goes, its parents m and x become heads; then m is un-merged.
    assert ids(m.downgrade_plan(("n",), "-2")) == ["n", m.head_order(("m", "x"))[0]]
    with pytest.raises(RevisionError, match=r"-9 didn't produce 9 .*stopped after 6"):
        m.downgrade_plan(("n",), "-9")
    with pytest.raises(RevisionError, match="merges b1, c1; use <branchname>@-1"):
        m.downgrade_plan(("m",), "m-1")


def test_merge_order_follows_first_parent() -> None:
    m = rmap(
        ("1975ea83b712", None),
        ("27c6a30d7c24", "1975ea83b712"),
        ("53fffde5ad5", ("ae1027a6acf", "27c6a30d7c24")),
        ("ae1027a6acf", "1975ea83b712"),
    )
    assert ids(m.upgrade_plan((), "head")) == [
        "1975ea83b712",
        "27c6a30d7c24",
        "ae1027a6acf",
        "53fffde5ad5",
    ]
    assert m.get_revision("53fffde5ad5").is_merge_point
    assert ids(m.upgrade_plan(("ae1027a6acf",), "head")) == [
        "27c6a30d7c24",
        "53fffde5ad5",
    ]
    with pytest.raises(RevisionError, match="merges ae1027a6acf, 27c6a30d7c24"):
        m.resolve("53fffde5ad5-1")


@pytest.mark.parametrize(
    "specs, error, message",
    [
        (
            [("a1", "c1"), ("b1", "a1"), ("c1", "b1")],
            CycleDetected,
            "Cycle is detected in revisions (a1, b1, c1)",
        ),
        (
            [("a1", None, {"dependencies": "b1"}), ("b1", "a1")],
            DependencyCycleDetected,
            "Dependency cycle is detected in revisions (a1, b1)",
        ),
        ([("a1", "a1")], LoopDetected, "Self-loop is detected in revisions (a1)"),
        (
            [("a1", None), ("a1", None)],
            RevisionError,
            "Revision id a1 is declared twice: revision a1 and revision a1",
        ),
        (
            [("a1", "zz9")],
            MissingRevisionError,
            "Revision zz9 referenced as down_revision of a1 is not present",
        ),
        (
            [("a1", None, {"dependencies": "zz9"})],
            MissingRevisionError,
            "Revision or branch 'zz9' named in depends_on of a1 is not present",
        ),
        (
            [
                ("a1", None, {"branch_labels": "x"}),
                ("b1", None, {"branch_labels": "x"}),
            ],
            RevisionError,
            "Branch name 'x' in revision b1 already used by revision a1",
        ),
        (
            [("a1", None, {"branch_labels": "b1"}), ("b1", None)],
            RevisionError,
            "Branch name 'b1' in revision a1 already used by revision b1",
        ),
    ],
)
def test_graph_errors(specs, error, message) -> None:
    with pytest.raises(error) as err:
        _ = rmap(*specs).heads
    assert str(err.value) == message
    assert isinstance(err.value, RevisionError)
    # Alembic raises KeyError for a missing revision; code catching it still works
    assert isinstance(err.value, KeyError) == (error is MissingRevisionError)


@pytest.mark.parametrize("bad", ["a b", "x@y", "-abc", "abc-", "", None, 12])
def test_revision_id_syntax(bad) -> None:
    with pytest.raises(RevisionError):
        Revision(bad, None)


def test_ids_with_inner_dashes_and_digits() -> None:
    m = rmap(("abc-12", None), ("def-3", "abc-12"))
    assert m.resolve("abc-12") == ("abc-12",)
    assert m.resolve("def-3-1") == ("abc-12",)
    assert m.resolve("abc-12+1") == ("def-3",)


def test_add_revision_rebuilds() -> None:
    m = rmap(("a1", None))
    assert m.heads == ("a1",)
    m.add_revision(Revision("b1", "a1"))
    assert m.heads == ("b1",)
    assert m.get_revision("a1").nextrev == {"b1"}
    m.add_revision(Revision("b1", None), _replace=True)
    assert set(m.heads) == {"a1", "b1"}


def test_empty_map() -> None:
    m = rmap()
    assert m.heads == () and m.bases == ()
    assert m.resolve("head") == ()
    assert m.get_revision("head") is None
    assert m.upgrade_plan((), "heads") == []
    with pytest.raises(ResolutionError):
        m.resolve("abcd")


def test_generator_runs_once() -> None:
    calls = []

    def gen():
        calls.append(1)
        return [Revision("a1", None)]

    m = RevisionMap(gen)
    assert not calls  # lazy
    m.heads, m.bases, m.resolve("a1")
    assert calls == [1]
