"""``revision --autogenerate`` only reads the database: a fresh one is left
without a version table (or anything else)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from tests.autogenerate._autogen_project import autogen_project, cli, versions

MODELS = """
import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table("account", metadata, sa.Column("id", sa.Integer, primary_key=True))
"""


def test_autogenerate_on_a_fresh_database_creates_nothing(
    backend, tmp_path: Path
) -> None:
    project = autogen_project(tmp_path, backend.url, MODELS, hooks=False)
    result = cli(project, "revision", "--autogenerate", "-m", "first")
    assert "Creating version table" not in result.output
    (written,) = versions(project)
    assert "op.create_table(" in written.read_text("utf-8")
    assert sa.inspect(backend.engine).get_table_names() == []

    # the revision then applies normally and creates the table on its own
    cli(project, "upgrade", "head")
    assert sorted(sa.inspect(backend.engine).get_table_names()) == [
        "account",
        "schemadiff_version",
    ]
