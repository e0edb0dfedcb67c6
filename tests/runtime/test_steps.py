"""Step planning and version-row effects on the seeds' branch examples (no DB)."""

from __future__ import annotations

import pytest

from schemadiff.runtime.version_table import row_changes
from schemadiff.script.revision import Revision, RevisionMap
from schemadiff.script.steps import RevisionStep, StampStep, stamp_steps
from schemadiff.util import CommandError


class FakeScript:
    """Just enough of ScriptDirectory for the planning functions."""

    def __init__(self, revisions):
        self.revision_map = RevisionMap(lambda: revisions)


def _seed_graph():
    return [
        Revision("1975ea83b712", None),
        Revision("ae1027a6acf", "1975ea83b712"),
        Revision("27c6a30d7c24", "1975ea83b712", branch_labels=("shoppingcart",)),
        Revision("55af2cb1c267", "ae1027a6acf"),
        Revision("3cac04ae8714", None, branch_labels=("networking",)),
        Revision("109ec7d132bf", "3cac04ae8714"),
        Revision("29f859a13ea", "109ec7d132bf"),
        Revision("2a95102259be", "29f859a13ea", dependencies="55af2cb1c267"),
    ]


def _simulate(script, steps, heads=()):
    """Apply steps' head changes; return (final heads, SQL-ish actions)."""
    heads = list(heads)
    actions = []
    for step in steps:
        removed, added = step.head_changes(tuple(heads))
        for action, old, new in row_changes(removed, added):
            actions.append((str(step.short_log), action, old, new))
            if action == "insert":
                heads.append(new)
            elif action == "delete":
                heads.remove(old)
            else:
                heads[heads.index(old)] = new
    return heads, actions


def _upgrade(script, target, heads=()):
    from schemadiff.script.steps import upgrade_steps

    return upgrade_steps(script, target, heads)


def _downgrade(script, target, heads):
    from schemadiff.script.steps import downgrade_steps

    return downgrade_steps(script, target, heads)


def test_merge_sql_matches_seed():
    script = FakeScript(
        [
            Revision("1975ea83b712", None),
            Revision("27c6a30d7c24", "1975ea83b712"),
            Revision("ae1027a6acf", "1975ea83b712"),
            Revision("53fffde5ad5", ("ae1027a6acf", "27c6a30d7c24")),
        ]
    )
    heads, actions = _simulate(script, _upgrade(script, "head"))
    assert heads == ["53fffde5ad5"]
    by_rev = {}
    for log, action, old, new in actions:
        by_rev.setdefault(log.split(" -> ")[1], []).append((action, old, new))
    assert by_rev["1975ea83b712"] == [("insert", None, "1975ea83b712")]
    assert by_rev["53fffde5ad5"] == [
        ("delete", "ae1027a6acf", None),
        ("update", "27c6a30d7c24", "53fffde5ad5"),
    ]
    branch_rows = by_rev["27c6a30d7c24"] + by_rev["ae1027a6acf"]
    assert sorted(a for a, _, _ in branch_rows) == ["insert", "update"]
    merge = [
        s for s in _upgrade(script, "head") if s.revision.revision == "53fffde5ad5"
    ]
    assert merge[0].short_log == "upgrade ae1027a6acf, 27c6a30d7c24 -> 53fffde5ad5"

    # Downgrading the merge point unmerges: the seed's SQL in reverse.
    steps = _downgrade(script, "ae1027a6acf", ("53fffde5ad5",))
    heads, actions = _simulate(script, steps, ["53fffde5ad5"])
    assert sorted(heads) == ["27c6a30d7c24", "ae1027a6acf"]
    assert [a[1:] for a in actions] == [
        ("update", "53fffde5ad5", "27c6a30d7c24"),
        ("insert", None, "ae1027a6acf"),
    ]


def test_closing_branches_deletes_rows():
    script = FakeScript(_seed_graph()[:3])
    heads = ["ae1027a6acf", "27c6a30d7c24"]
    steps = _downgrade(script, "ae1027a6acf@-1", heads)
    heads, actions = _simulate(script, steps, heads)
    assert heads == ["27c6a30d7c24"]
    assert actions == [
        ("downgrade ae1027a6acf -> 1975ea83b712", "delete", "ae1027a6acf", None)
    ]
    heads, actions = _simulate(script, _downgrade(script, "-1", heads), heads)
    assert heads == ["1975ea83b712"]
    assert actions[0][1:] == ("update", "27c6a30d7c24", "1975ea83b712")
    heads, actions = _simulate(script, _downgrade(script, "base", heads), heads)
    assert heads == []
    assert actions[0][0] == "downgrade 1975ea83b712 -> "


def test_dependency_is_not_a_version_row():
    """Seeds: upgrading 2a95102259be (depends on 55af2cb1c267) leaves no 55af row."""
    script = FakeScript(_seed_graph())
    heads = ["29f859a13ea", "55af2cb1c267", "27c6a30d7c24"]
    steps = _upgrade(script, "heads", heads)
    assert [s.revision.revision for s in steps] == ["2a95102259be"]
    assert str(steps[0].short_log) == (
        "upgrade 29f859a13ea, 55af2cb1c267 -> 2a95102259be"
    )
    heads, actions = _simulate(script, steps, heads)
    assert sorted(heads) == ["27c6a30d7c24", "2a95102259be"]
    assert [a[1:] for a in actions] == [
        ("delete", "29f859a13ea", None),
        ("update", "55af2cb1c267", "2a95102259be"),
    ]

    # Downgrading it brings both parents back as rows.
    steps = _downgrade(script, "networking@-1", heads)
    heads, _ = _simulate(script, steps, heads)
    assert sorted(heads) == ["27c6a30d7c24", "29f859a13ea", "55af2cb1c267"]


def test_dependency_pulled_in_from_scratch():
    script = FakeScript(_seed_graph())
    steps = _upgrade(script, "networking@head")
    order = [s.revision.revision for s in steps]
    assert order.index("55af2cb1c267") < order.index("2a95102259be")
    assert "27c6a30d7c24" not in order
    heads, _ = _simulate(script, steps)
    assert sorted(heads) == ["2a95102259be"]


def test_stamp_planning():
    script = FakeScript(_seed_graph())
    # From nothing: a new row per target.
    steps = stamp_steps(script, ("ae1027a6acf", "networking@head"), ())
    heads, _ = _simulate(script, steps)
    assert sorted(heads) == ["2a95102259be", "ae1027a6acf"]
    # Upwards on one branch replaces that branch's row only.
    steps = stamp_steps(script, "55af2cb1c267", heads)
    heads2, actions = _simulate(script, steps, heads)
    assert sorted(heads2) == ["2a95102259be", "55af2cb1c267"]
    assert [a[1:] for a in actions] == [("update", "ae1027a6acf", "55af2cb1c267")]
    # Downwards, a target already recorded, and base.
    heads3, _ = _simulate(
        script, stamp_steps(script, "1975ea83b712", ["ae1027a6acf"]), ["ae1027a6acf"]
    )
    assert heads3 == ["1975ea83b712"]
    assert stamp_steps(script, "1975ea83b712", ["1975ea83b712"]) == []
    heads4, _ = _simulate(script, stamp_steps(script, "base", heads), heads)
    assert heads4 == []
    steps = stamp_steps(script, "networking@base", heads)
    assert _simulate(script, steps, heads)[0] == ["ae1027a6acf"]
    assert isinstance(stamp_steps(script, "heads", ())[0], StampStep)


def test_stamp_rejects_unknown_rows():
    script = FakeScript(_seed_graph())
    with pytest.raises(CommandError, match="deadbeef"):
        stamp_steps(script, "head", ("deadbeef",))


def test_downgrade_of_unrecorded_revision_is_refused():
    script = FakeScript(_seed_graph())
    step = RevisionStep(
        script.revision_map, script.revision_map.get_revision("ae1027a6acf"), False
    )
    with pytest.raises(CommandError, match="not list it as a current head"):
        step.head_changes(("1975ea83b712",))


class CountingRevision(Revision):
    """A revision that counts how often its message is asked for."""

    doc_reads = 0

    @property
    def doc(self):
        type(self).doc_reads += 1
        return "add a table"


def test_step_text_is_worked_out_once():
    """A step's log line and offline comment are printed several times per
    run (``Running``, ``Finished``, ``-- Running``): the message and the
    ``A -> B`` text are worked out once per step."""
    revisions = [CountingRevision("a1", None), CountingRevision("b2", "a1")]
    rmap = RevisionMap(lambda: revisions)
    step = RevisionStep(rmap, rmap.get_revision("b2"), True)
    texts = {str(step) for _ in range(5)} | {step.short_log for _ in range(5)}
    assert texts == {"upgrade a1 -> b2, add a table", "upgrade a1 -> b2"}
    assert CountingRevision.doc_reads == 1
