"""The command line end to end on each backend: upgrade, downgrade, branches,
merges, stamp, current, with the version table checked after every step."""

from __future__ import annotations

import pytest

from tests.runtime._util import (
    ACCOUNT,
    CART,
    COLUMN,
    MERGE,
    Project,
    running_lines,
    table_ops,
)


@pytest.fixture
def project(tmp_path, backend):
    proj = Project(tmp_path, backend)
    proj.revision(ACCOUNT, "create account table", *table_ops("account"))
    proj.revision(
        COLUMN,
        "add a column",
        'op.add_column("account", sa.Column("last_transaction_date", sa.DateTime))',
        'op.drop_column("account", "last_transaction_date")',
    )
    return proj


def _columns(project: Project, table: str) -> set[str]:
    import sqlalchemy as sa

    return {c["name"] for c in sa.inspect(project.backend.engine).get_columns(table)}


def test_linear_upgrade_downgrade(project):
    assert project.rows() is None
    out = project.cli("upgrade", "head").output
    assert running_lines(out) == [
        f"Running upgrade  -> {ACCOUNT}, create account table",
        f"Running upgrade {ACCOUNT} -> {COLUMN}, add a column",
    ]
    assert project.rows() == [COLUMN]
    assert "last_transaction_date" in _columns(project, "account")

    assert project.output_lines("current") == [f"{COLUMN} (head)"]
    verbose = project.output_lines("current", "-v")
    assert verbose[0].startswith("Current revision(s) for ")
    assert f"Rev: {COLUMN} (head)" in verbose

    # Nothing to do: no statements, rows unchanged.
    assert running_lines(project.cli("upgrade", "head").output) == []
    assert project.rows() == [COLUMN]

    out = project.cli("downgrade", "-1").output
    assert running_lines(out) == [
        f"Running downgrade {COLUMN} -> {ACCOUNT}, add a column"
    ]
    assert project.rows() == [ACCOUNT]
    assert "last_transaction_date" not in _columns(project, "account")
    assert project.output_lines("current") == [f"{ACCOUNT}"]

    out = project.cli("downgrade", "base").output
    assert running_lines(out) == [
        f"Running downgrade {ACCOUNT} -> , create account table"
    ]
    assert project.rows() == []
    assert "account" not in project.tables()
    assert project.output_lines("current") == ["(no revision applied)"]

    # Relative and partial identifiers.
    project.cli("upgrade", "+1")
    assert project.rows() == [ACCOUNT]
    project.cli("upgrade", "ae10")
    assert project.rows() == [COLUMN]
    project.cli("downgrade", f"{ACCOUNT[:6]}")
    assert project.rows() == [ACCOUNT]


def test_branches_merge_and_stamp(project):
    project.cli("upgrade", "head")
    project.revision(
        CART,
        "add shopping cart table",
        *table_ops("shopping_cart"),
        "--head",
        ACCOUNT,
        "--splice",
    )
    assert set(project.output_lines("heads")) == {f"{COLUMN} (head)", f"{CART} (head)"}

    out = project.cli("upgrade", "heads").output
    assert running_lines(out) == [
        f"Running upgrade {ACCOUNT} -> {CART}, add shopping cart table"
    ]
    assert project.rows() == sorted([COLUMN, CART])
    assert sorted(project.output_lines("current")) == sorted(
        [f"{COLUMN} (head)", f"{CART} (head)"]
    )

    # Closing one branch deletes its row; the next step updates the last one.
    out = project.cli("downgrade", f"{COLUMN}@-1").output
    assert running_lines(out) == [
        f"Running downgrade {COLUMN} -> {ACCOUNT}, add a column"
    ]
    assert project.rows() == [CART]
    assert "shopping_cart" in project.tables()
    project.cli("downgrade", "-1")
    assert project.rows() == [ACCOUNT]
    assert "shopping_cart" not in project.tables()

    # Upgrading one branch explicitly applies only what it needs.
    project.cli("upgrade", CART[:5])
    assert project.rows() == [CART]
    out = project.cli("upgrade", "heads").output
    assert running_lines(out) == [
        f"Running upgrade {ACCOUNT} -> {COLUMN}, add a column"
    ]
    assert project.rows() == sorted([COLUMN, CART])

    project.cli("merge", "heads", "-m", "merge ae1 and 27c", "--rev-id", MERGE)
    out = project.cli("upgrade", "head").output
    assert running_lines(out) in (
        [f"Running upgrade {COLUMN}, {CART} -> {MERGE}, merge ae1 and 27c"],
        [f"Running upgrade {CART}, {COLUMN} -> {MERGE}, merge ae1 and 27c"],
    )
    assert project.rows() == [MERGE]
    assert project.output_lines("current") == [f"{MERGE} (head) (mergepoint)"] or (
        project.output_lines("current")[0].startswith(f"{MERGE} (head)")
    )

    # Downgrading the merge point splits the row in two again.
    out = project.cli("downgrade", COLUMN).output
    assert running_lines(out) in (
        [f"Running downgrade {MERGE} -> {COLUMN}, {CART}, merge ae1 and 27c"],
        [f"Running downgrade {MERGE} -> {CART}, {COLUMN}, merge ae1 and 27c"],
    )
    assert project.rows() == sorted([COLUMN, CART])
    project.cli("upgrade", "head")
    assert project.rows() == [MERGE]

    # stamp: downwards, to several revisions, then --purge over junk rows.
    project.cli("stamp", ACCOUNT)
    assert project.rows() == [ACCOUNT]
    assert "shopping_cart" in project.tables()  # stamp runs no migrations
    project.cli("stamp", COLUMN, CART)
    assert project.rows() == sorted([COLUMN, CART])
    project.cli("stamp", "head")
    assert project.rows() == [MERGE]
    project.cli("stamp", "base")
    assert project.rows() == []

    with project.backend.engine.begin() as conn:
        import sqlalchemy as sa

        conn.execute(sa.text("INSERT INTO schemadiff_version VALUES ('deadbeef0000')"))
    result = project.cli("current", ok=False)
    assert result.exit_code == 1
    assert "deadbeef0000" in result.output
    project.cli("stamp", "--purge", "heads")
    assert project.rows() == [MERGE]


def test_offline_sql(project, backend):
    project.revision(CART, "add cart", *table_ops("shopping_cart"))
    out = project.cli("upgrade", "base:head", "--sql").output
    assert project.rows() is None  # nothing touched the database
    lines = [line for line in out.splitlines() if not line.startswith("INFO")]
    sql = "\n".join(lines)
    assert "CREATE TABLE IF NOT EXISTS schemadiff_version" in sql
    assert f"-- Running upgrade  -> {ACCOUNT}" in sql
    assert f"-- Running upgrade {ACCOUNT} -> {COLUMN}" in sql
    assert f"-- Running upgrade {COLUMN} -> {CART}" in sql
    assert f"INSERT INTO schemadiff_version (version_num) VALUES ('{ACCOUNT}');" in sql
    assert (
        f"UPDATE schemadiff_version SET version_num='{CART}' "
        f"WHERE schemadiff_version.version_num = '{COLUMN}';"
    ) in sql
    assert "CREATE TABLE account" in sql and "CREATE TABLE shopping_cart" in sql
    assert sql.index(f"-- Running upgrade  -> {ACCOUNT}") < sql.index(
        "CREATE TABLE account"
    )
    if backend.name == "mariadb":
        assert sql.count("BEGIN;") == 3 and sql.count("COMMIT;") == 3
        assert "ALTER TABLE account ADD COLUMN last_transaction_date DATETIME" in sql
    else:
        assert sql.count("BEGIN;") == 1 and sql.strip().endswith("COMMIT;")
        assert sql.strip().startswith("BEGIN;")

    out = project.cli("downgrade", f"head:{ACCOUNT}", "--sql").output
    sql = "\n".join(line for line in out.splitlines() if not line.startswith("INFO"))
    assert f"-- Running downgrade {CART} -> {COLUMN}" in sql
    assert f"-- Running downgrade {COLUMN} -> {ACCOUNT}" in sql
    assert "DROP TABLE shopping_cart;" in sql
    assert "CREATE TABLE IF NOT EXISTS schemadiff_version" not in sql
    assert "DROP TABLE schemadiff_version" not in sql
    assert (
        f"UPDATE schemadiff_version SET version_num='{ACCOUNT}' "
        f"WHERE schemadiff_version.version_num = '{COLUMN}';"
    ) in sql

    out = project.cli("downgrade", f"{COLUMN}:base", "--sql").output
    assert "DROP TABLE account;" in out
    assert (
        f"DELETE FROM schemadiff_version WHERE schemadiff_version.version_num = "
        f"'{ACCOUNT}';"
    ) in out
    # as online, the empty version table stays
    assert "DROP TABLE schemadiff_version" not in out

    out = project.cli("stamp", "head", "--sql").output
    assert "CREATE TABLE IF NOT EXISTS schemadiff_version" in out
    assert f"INSERT INTO schemadiff_version (version_num) VALUES ('{CART}');" in out
    assert "CREATE TABLE account" not in out
    out = project.cli("stamp", f"{ACCOUNT}:head", "--sql").output
    assert (
        f"UPDATE schemadiff_version SET version_num='{CART}' "
        f"WHERE schemadiff_version.version_num = '{ACCOUNT}';"
    ) in out

    out = project.cli("ensure_version", "--sql").output
    assert "CREATE TABLE IF NOT EXISTS schemadiff_version" in out
    assert project.rows() is None

    result = project.cli("downgrade", "base", "--sql", ok=False)
    assert result.exit_code == 1 and "FAILED:" in result.output
    result = project.cli("upgrade", "base:head", ok=False)
    assert result.exit_code == 1 and "Range revision" in result.output


def test_ensure_version_online(project):
    project.cli("ensure_version")
    assert project.rows() == []
    project.cli("current")
    assert project.rows() == []


def test_errors_are_one_line(project):
    result = project.cli("upgrade", "nosuchrev", ok=False)
    assert result.exit_code == 1
    failed = [line for line in result.output.splitlines() if "FAILED" in line]
    assert len(failed) == 1 and "nosuchrev" in failed[0]
    assert "Traceback" not in result.output
    assert project.rows() in (None, [])


# ``downgrade -N`` from a merge point and from several heads.  A bare ``-1``
# removes the first head ``current`` lists (graph order, the same on every
# backend whatever order the database returns rows in): from a merge point it
# un-merges, leaving one version row per parent; from several heads it closes
# one branch (seeds/branches.md, "downgrade one step at a time").


@pytest.fixture
def diamond(project):
    """account -> (column | cart) -> merge, upgraded to the merge point."""
    proj = project
    proj.revision(
        CART,
        "add shopping cart table",
        *table_ops("shopping_cart"),
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
    assert "shopping_cart" in proj.tables()
    assert "last_transaction_date" in _columns(proj, "account")

    # Graph order, identical on every backend; -1 takes the first line.
    assert proj.output_lines("current") == [CART, COLUMN]
    out = proj.cli("downgrade", "-1").output
    assert running_lines(out) == [
        f"Running downgrade {CART} -> {ACCOUNT}, add shopping cart table"
    ]
    assert proj.rows() == [COLUMN]
    assert "shopping_cart" not in proj.tables()
    assert "last_transaction_date" in _columns(proj, "account")

    out = proj.cli("downgrade", "-1").output
    assert running_lines(out) == [
        f"Running downgrade {COLUMN} -> {ACCOUNT}, add a column"
    ]
    assert proj.rows() == [ACCOUNT]
    assert "last_transaction_date" not in _columns(proj, "account")
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
