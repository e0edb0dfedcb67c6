"""``check`` and ``revision --autogenerate`` on a database upgraded past a
``depends_on``: the revision depended upon is an "(effective head)" of the
scripts but never gets a version row, and the database is still up to date."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from tests.autogenerate._autogen_project import autogen_project, cli, versions

MODELS = """
import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table("account", metadata, sa.Column("id", sa.Integer, primary_key=True))
"""


def _project_with_dependency(tmp_path: Path, url: str) -> Path:
    """a -> c on the main line, b on a branch of its own, c depends on b."""
    project = autogen_project(tmp_path, url, MODELS, hooks=False)
    cli(project, "revision", "--autogenerate", "-m", "a", "--rev-id", "aaa")
    cli(
        project,
        "revision",
        "-m",
        "b",
        "--head",
        "base",
        "--branch-label",
        "other",
        "--rev-id",
        "bbb",
    )
    cli(
        project,
        "revision",
        "-m",
        "c",
        "--head",
        "aaa",
        "--depends-on",
        "bbb",
        "--rev-id",
        "ccc",
    )
    heads = cli(project, "heads").output
    assert "bbb (other) (effective head)" in heads and "ccc (head)" in heads
    return project


def _version_rows(url: str) -> list[str]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT version_num FROM schemadiff_version"))
            return sorted(row[0] for row in rows)
    finally:
        engine.dispose()


def test_effective_head_does_not_block_check_or_autogenerate(
    backend, tmp_path: Path
) -> None:
    project = _project_with_dependency(tmp_path, backend.url)
    cli(project, "upgrade", "heads")
    # the dependency has no row of its own: the database is at c only
    assert _version_rows(backend.url) == ["ccc"]

    result = cli(project, "check", expect=0)
    assert "No new upgrade operations detected." in result.output

    result = cli(project, "revision", "--autogenerate", "--head", "ccc", "-m", "d")
    assert "Target database is not up to date" not in result.output
    written = [p.name for p in versions(project)]
    assert len(written) == 4
    new = next(name for name in written if not name.startswith(("aaa", "bbb", "ccc")))
    text = (project / "migrations" / "versions" / new).read_text("utf-8")
    assert "Revises: ccc\n" in text


def test_missing_dependency_branch_is_still_refused(backend, tmp_path: Path) -> None:
    project = _project_with_dependency(tmp_path, backend.url)
    cli(project, "upgrade", "aaa")
    assert _version_rows(backend.url) == ["aaa"]

    result = cli(project, "check", expect=2)
    assert "FAILED: Target database is not up to date: it is at aaa" in result.output
    result = cli(
        project, "revision", "--autogenerate", "--head", "ccc", "-m", "d", expect=1
    )
    assert "FAILED: Target database is not up to date" in result.output
    assert len(versions(project)) == 3

    # b alone (its own branch) still leaves c missing
    cli(project, "upgrade", "other@head")
    assert _version_rows(backend.url) == ["aaa", "bbb"]
    cli(project, "check", expect=2)
