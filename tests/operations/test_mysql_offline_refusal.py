"""Offline MySQL/MariaDB ``alter_column`` without the column's nullability is
refused; a revision that catches the error must not lose the statement
silently: the script and the log say what is missing."""

from __future__ import annotations

from tests.helpers import make_project, run_cli, write_revision


def test_refused_alter_column_is_visible_in_the_script(tmp_path):
    project = make_project(tmp_path, url="mysql+pymysql://root@127.0.0.1/test")
    write_revision(
        project / "migrations" / "versions",
        "aaaa",
        None,
        upgrade="""
try:
    op.alter_column("t", "c", type_=sa.String(20))
except Exception:
    pass
op.execute("SELECT 1")
""",
    )
    result = run_cli(["upgrade", "head", "--sql"], cwd=project)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    comment = (
        "-- FAILED: alter_column t.c: MySQL/MariaDB restate the whole column, so "
        "existing_nullable= (or nullable=) is required (offline the column can't "
        "be inspected)"
    )
    assert comment in lines
    assert lines.index(comment) < lines.index("SELECT 1;")
    assert any(
        line.startswith("ERROR [schemadiff.ddl.mysql] alter_column t.c")
        for line in lines
    ), result.output
