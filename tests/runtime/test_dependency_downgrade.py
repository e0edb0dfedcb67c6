"""Downgrades across ``depends_on``: version rows stay minimal and branch-relative
targets find a branch that is applied only as another revision's dependency.

Regressions found by running Alembic's own suite against schemadiff.
"""

from __future__ import annotations

import pytest

from tests.runtime._util import Project, running_lines


def _table(name: str) -> tuple[str, str]:
    return (
        f'op.create_table("{name}", sa.Column("id", sa.Integer, primary_key=True))',
        f'op.drop_table("{name}")',
    )


@pytest.fixture
def chain(tmp_path, backend):
    """aaaa <- bbbb <- cccc, and dddd (down_revision aaaa, depends_on cccc)."""
    proj = Project(tmp_path, backend)
    proj.revision("aaaa", "a", *_table("ta"))
    proj.revision("bbbb", "b", *_table("tb"), "--head", "aaaa")
    proj.revision("cccc", "c", *_table("tc"), "--head", "bbbb")
    proj.revision(
        "dddd", "d", *_table("td"), "--head", "aaaa", "--splice", "--depends-on", "cccc"
    )
    return proj


def test_downgrade_below_a_dependency_leaves_one_row(chain):
    chain.cli("upgrade", "dddd")
    assert chain.rows() == ["dddd"]

    out = chain.cli("downgrade", "bbbb").output
    assert [line.split(",")[0] for line in running_lines(out)] == [
        "Running downgrade dddd -> aaaa",
        "Running downgrade cccc -> bbbb",
    ]
    # aaaa is below bbbb: it must not get a row of its own.
    assert chain.rows() == ["bbbb"]
    assert {"ta", "tb"} <= chain.tables() and not {"tc", "td"} & chain.tables()

    out = chain.cli("downgrade", "-1").output
    assert running_lines(out) == ["Running downgrade bbbb -> aaaa, b"]
    assert chain.rows() == ["aaaa"]
    assert "ta" in chain.tables() and "tb" not in chain.tables()


def test_offline_downgrade_below_a_dependency(chain):
    sql = chain.cli("downgrade", "dddd:bbbb", "--sql").output
    statements = [
        line
        for line in sql.splitlines()
        if "schemadiff_version" in line
        and line.startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    # dddd's row becomes cccc's, then cccc's becomes bbbb's; aaaa never appears.
    assert statements == [
        "UPDATE schemadiff_version SET version_num='cccc' "
        "WHERE schemadiff_version.version_num = 'dddd';",
        "UPDATE schemadiff_version SET version_num='bbbb' "
        "WHERE schemadiff_version.version_num = 'cccc';",
    ]


def test_branch_relative_downgrade_through_a_dependency(tmp_path, backend):
    """``x@-1`` when branch x is applied only because main's head depends on it."""
    proj = Project(tmp_path, backend)
    proj.revision("x1", "x1", *_table("x1"), "--head", "base", "--branch-label", "x")
    proj.revision("x2", "x2", *_table("x2"), "--head", "x1")
    proj.revision("m1", "m1", *_table("m1"), "--head", "base", "--branch-label", "main")
    proj.revision("m2", "m2", *_table("m2"), "--head", "m1", "--depends-on", "x2")
    proj.cli("upgrade", "main@head")
    assert proj.rows() == ["m2"]

    out = proj.cli("downgrade", "x@-1").output
    assert [line.split(",")[0] for line in running_lines(out)] == [
        "Running downgrade m2 -> m1",
        "Running downgrade x2 -> x1",
    ]
    assert proj.rows() == ["m1", "x1"]
    assert proj.tables() >= {"x1", "m1"} and not {"x2", "m2"} & proj.tables()
