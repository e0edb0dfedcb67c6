"""Commands that only look at the database never write to it: on a fresh
database they leave no version table behind (checked by reflection)."""

from __future__ import annotations

import sqlalchemy as sa

from tests.runtime._util import Project

REV = "1975ea83b712"


def _tables(project: Project) -> list[str]:
    return sorted(sa.inspect(project.backend.engine).get_table_names())


def test_reading_commands_leave_a_fresh_database_alone(tmp_path, backend):
    project = Project(tmp_path, backend)
    project.revision(REV, "create account table", "pass", "pass")

    assert project.output_lines("current") == ["(no revision applied)"]
    assert project.output_lines("current", "-v")[0].startswith(
        "Current revision(s) for "
    )
    assert project.output_lines("history", "-i") == [
        f"<base> -> {REV} (head), create account table"
    ]
    assert project.output_lines("history", "--indicate-current", "-r", ":head") == [
        f"<base> -> {REV} (head), create account table"
    ]
    assert project.output_lines("history", "-r", "current:") == [
        f"<base> -> {REV} (head), create account table"
    ]
    assert project.output_lines("show", "current") == []
    assert _tables(project) == []
    assert project.rows() is None

    # Once migrated, the same commands report the recorded revision.
    project.cli("upgrade", "head")
    assert project.rows() == [REV]
    assert project.output_lines("history", "-i") == [
        f"<base> -> {REV} (head) (current), create account table"
    ]
    assert project.output_lines("current") == [f"{REV} (head)"]
