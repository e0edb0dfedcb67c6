"""``downgrade -N`` from a merge point and from several heads, on each backend.

A bare ``-1`` removes the first head ``current`` lists (graph order, the same on
every backend whatever order the database returns rows in): from a merge point
it un-merges, leaving one version row per parent; from several heads it closes
one branch (seeds/branches.md, "downgrade one step at a time")."""

from __future__ import annotations

import pytest

from tests.runtime._util import Project, running_lines

ACCOUNT = "1975ea83b712"
COLUMN = "ae1027a6acf"
CART = "27c6a30d7c24"
MERGE = "53fffde5ad5"


def _table(name: str) -> tuple[str, str]:
    up = f"""op.create_table("{name}", sa.Column("id", sa.Integer, primary_key=True))"""
    return up, f'op.drop_table("{name}")'


@pytest.fixture
def diamond(tmp_path, backend):
    """account -> (column | cart) -> merge, upgraded to the merge point."""
    proj = Project(tmp_path, backend)
    proj.revision(ACCOUNT, "create account table", *_table("account"))
    proj.revision(COLUMN, "add a column", *_table("account_extra"))
    proj.revision(
        CART,
        "add shopping cart table",
        *_table("shopping_cart"),
        "--head",
        ACCOUNT,
        "--splice",
    )
    proj.cli("merge", "-m", "merge ae1 and 27c", COLUMN, CART, "--rev-id", MERGE)
    proj.cli("upgrade", "head")
    assert proj.rows() == [MERGE]
    return proj


def test_minus_one_unmerges_then_closes_branches(diamond):
    proj = diamond
    out = proj.cli("downgrade", "-1").output
    assert running_lines(out) == [
        f"Running downgrade {MERGE} -> {COLUMN}, {CART}, merge ae1 and 27c"
    ]
    assert proj.rows() == sorted([COLUMN, CART])
    assert {"account_extra", "shopping_cart"} <= proj.tables()

    # Graph order, identical on every backend; -1 takes the first line.
    assert proj.output_lines("current") == [CART, COLUMN]
    out = proj.cli("downgrade", "-1").output
    assert running_lines(out) == [
        f"Running downgrade {CART} -> {ACCOUNT}, add shopping cart table"
    ]
    assert proj.rows() == [COLUMN]
    assert "shopping_cart" not in proj.tables()
    assert "account_extra" in proj.tables()

    out = proj.cli("downgrade", "-1").output
    assert running_lines(out) == [
        f"Running downgrade {COLUMN} -> {ACCOUNT}, add a column"
    ]
    assert proj.rows() == [ACCOUNT]
    out = proj.cli("downgrade", "-1").output
    assert running_lines(out) == [
        f"Running downgrade {ACCOUNT} -> , create account table"
    ]
    assert proj.rows() == []
    assert "account" not in proj.tables()

    failed = proj.cli("downgrade", "-1", ok=False)
    assert failed.exit_code == 1
    assert failed.output.splitlines()[-1] == (
        "FAILED: Relative revision -1 didn't produce 1 migrations "
        "(nothing is applied)"
    )


def test_minus_n_counts_each_removed_revision(diamond):
    proj = diamond
    out = proj.cli("downgrade", "-2").output
    assert running_lines(out) == [
        f"Running downgrade {MERGE} -> {COLUMN}, {CART}, merge ae1 and 27c",
        f"Running downgrade {CART} -> {ACCOUNT}, add shopping cart table",
    ]
    assert proj.rows() == [COLUMN]

    failed = proj.cli("downgrade", "-3", ok=False)
    assert failed.output.splitlines()[-1] == (
        "FAILED: Relative revision -3 didn't produce 3 migrations "
        "(stopped after 2 at base)"
    )
    assert proj.rows() == [COLUMN]

    # The lineage forms still pick one branch explicitly.
    proj.cli("upgrade", "heads")
    assert proj.rows() == [MERGE]
    proj.cli("downgrade", "-1")
    out = proj.cli("downgrade", f"{COLUMN}@-1").output
    assert running_lines(out) == [
        f"Running downgrade {COLUMN} -> {ACCOUNT}, add a column"
    ]
    assert proj.rows() == [CART]


def test_unmerge_offline_sql(diamond):
    out = diamond.cli("downgrade", "--sql", f"{MERGE}:-1").output
    lines = [line for line in out.splitlines() if "schemadiff_version" in line]
    assert lines == [
        f"UPDATE schemadiff_version SET version_num='{CART}' "
        f"WHERE schemadiff_version.version_num = '{MERGE}';",
        f"INSERT INTO schemadiff_version (version_num) VALUES ('{COLUMN}');",
    ]
