"""Edges of version-table handling, end to end through the CLI on each backend:
runs that must not write leave no table, offline scripts that fail or stop at
a branch's base, multi-target stamps, the longest revision id, and failure
lines that show the database error class, not internal wrapper types."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from schemadiff.script.revision import MAX_REV_ID_LENGTH
from tests.conftest import make_backend
from tests.operations._util import run_with_client
from tests.runtime._util import ACCOUNT, COLUMN, Project, table_ops, version_rows
from tests.script.test_script_directory import set_option

NET1, NET2 = "0a1b2c3d4e5f", "6a7b8c9d0e1f"


@pytest.fixture
def project(tmp_path, backend):
    proj = Project(tmp_path, backend)
    proj.revision(ACCOUNT, "create account table", *table_ops("account"))
    proj.revision(COLUMN, "create other table", *table_ops("other"))
    return proj


def _sql(output: str) -> str:
    return "\n".join(
        line for line in output.splitlines() if not line.startswith("INFO")
    )


def test_read_only_runs_leave_no_version_table(project):
    assert "schemadiff_version" not in project.tables()
    for args in (
        ["downgrade", "base"],
        ["stamp", "base"],
        ["stamp", "--purge", "base"],
        ["current"],
        ["history", "-i"],
    ):
        project.cli(*args)
        assert "schemadiff_version" not in project.tables(), args

    # revision_environment = true runs env.py for a plain revision: no table.
    set_option(project.path, "revision_environment = true")
    project.cli("revision", "-m", "third", "--rev-id", "c3")
    assert "schemadiff_version" not in project.tables()

    # A stamp that writes a row makes the table it needs.
    project.cli("stamp", ACCOUNT)
    assert project.rows() == [ACCOUNT]
    assert "account" not in project.tables()


def test_multi_target_stamp_computes_the_final_state_once(project):
    project.cli("upgrade", COLUMN)
    assert project.rows() == [COLUMN]
    project.cli("stamp", "base", COLUMN)
    assert project.rows() == [COLUMN]
    project.cli("stamp", COLUMN, "base")
    assert project.rows() == [COLUMN]
    project.cli("stamp", "base", ACCOUNT)
    assert project.rows() == [ACCOUNT]
    project.cli("stamp", ACCOUNT, COLUMN)  # COLUMN implies ACCOUNT
    assert project.rows() == [COLUMN]
    project.cli("stamp", "base")
    assert project.rows() == []


def test_offline_label_base_keeps_the_version_table(project):
    """Other branches' rows live in the same table: only plain ``base`` drops it."""
    project.revision(NET1, "net one", *table_ops("net1"), "--head", "base")
    project.revision(NET2, "net two", *table_ops("net2"), "--head", NET1)
    # Label the branch in its base revision file.
    (net1,) = project.versions.glob(f"{NET1}_*.py")
    net1.write_text(
        net1.read_text("utf-8").replace(
            "branch_labels: Union[str, Sequence[str], None] = None",
            "branch_labels: Union[str, Sequence[str], None] = ('net',)",
        ),
        "utf-8",
    )

    sql = _sql(project.cli("downgrade", f"{NET2}:net@base", "--sql").output)
    assert "DROP TABLE net2;" in sql and "DROP TABLE net1;" in sql
    assert f"WHERE schemadiff_version.version_num = '{NET1}';" in sql
    assert "DROP TABLE schemadiff_version" not in sql

    sql = _sql(project.cli("stamp", f"{NET2}:net@base", "--sql").output)
    assert f"WHERE schemadiff_version.version_num = '{NET2}';" in sql
    assert "DROP TABLE schemadiff_version" not in sql

    sql = _sql(project.cli("downgrade", f"{NET2}:base", "--sql").output)
    # as online, base keeps the (empty) table: see the test below
    assert "DROP TABLE schemadiff_version" not in sql
    assert project.rows() is None  # offline never touched the database


def _snapshot(engine) -> tuple[set[str], list[str] | None]:
    return set(sa.inspect(engine).get_table_names()), version_rows(engine)


def test_offline_scripts_leave_the_state_online_runs_leave(project, tmp_path):
    """Each offline script, fed to the backend's client, leaves a second
    database as the online command leaves the first: down to ``base`` keeps
    the empty version table (no DROP), and the way up again from there
    finds it already present."""
    backend = project.backend
    workdir = tmp_path / "offline"
    workdir.mkdir()
    twin = make_backend(backend.name, workdir)
    try:
        steps = [
            (["upgrade", "head"], ["upgrade", "base:head", "--sql"]),
            (["downgrade", "base"], ["downgrade", f"{COLUMN}:base", "--sql"]),
            (["upgrade", ACCOUNT], ["upgrade", f"base:{ACCOUNT}", "--sql"]),
            (["stamp", "base"], ["stamp", f"{ACCOUNT}:base", "--sql"]),
            (["stamp", ACCOUNT], ["stamp", f"base:{ACCOUNT}", "--sql"]),
            (["downgrade", "base"], ["downgrade", f"{ACCOUNT}:base", "--sql"]),
        ]
        for online_args, offline_args in steps:
            project.cli(*online_args)
            script = project.cli(*offline_args).stdout
            run_with_client(twin, script, workdir)
            assert _snapshot(twin.engine) == _snapshot(backend.engine), offline_args
        assert _snapshot(backend.engine) == ({"schemadiff_version"}, [])
    finally:
        twin.dispose()


def test_failed_offline_run_does_not_commit(project, backend):
    project.revision("c3", "boom", 'raise RuntimeError("stop here")', "pass")
    result = project.cli("upgrade", "base:head", "--sql", ok=False)
    assert result.exit_code == 1
    assert "FAILED: upgrade of revision c3 (boom) failed: RuntimeError: stop here" in (
        result.output
    )
    sql = _sql(result.output.split("FAILED")[0])
    assert "CREATE TABLE other" in sql
    if backend.name == "mariadb":
        # One transaction per migration: the two that completed are committed.
        assert sql.count("BEGIN;") == 3 and sql.count("COMMIT;") == 2
    else:
        assert sql.count("BEGIN;") == 1 and "COMMIT;" not in sql
    assert not sql.rstrip().endswith("COMMIT;")


def test_longest_revision_id_is_recorded(tmp_path, backend):
    project = Project(tmp_path, backend)
    rev = "f" * MAX_REV_ID_LENGTH
    project.revision(rev, "long id", *table_ops("t"))
    project.cli("upgrade", "head")
    assert project.rows() == [rev]
    assert "t" in project.tables()


def _failed_line(output: str) -> str:
    (line,) = [x for x in output.splitlines() if x.startswith("FAILED")]
    return line


def test_failure_lines_name_the_database_error_class(tmp_path, backend):
    project = Project(tmp_path, backend)
    project.revision(
        "a1", "break", 'op.execute("INSERT INTO nosuchtable VALUES (1)")', "pass"
    )
    line = _failed_line(project.cli("upgrade", "head", ok=False).output)
    kind = "OperationalError" if backend.name == "sqlite" else "ProgrammingError"
    assert re.match(
        rf"FAILED: upgrade of revision a1 \(break\) failed: {kind}: execute failed: "
        r".*nosuchtable",
        line,
    ), line
    assert "OperationError" not in line and "CommandError" not in line


def test_failure_lines_show_user_errors_without_a_type(tmp_path, backend):
    project = Project(tmp_path, backend)
    project.revision(
        "a1",
        "stop",
        'from schemadiff.util import CommandError\nraise CommandError("not today")',
        "pass",
    )
    line = _failed_line(project.cli("upgrade", "head", ok=False).output)
    assert line == "FAILED: upgrade of revision a1 (stop) failed: not today"
