"""Helpers for runtime end-to-end tests: a project on a backend, the CLI, rows."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from tests.helpers import make_project, run_cli

#: Revision ids of seeds/branches.md, used by the end-to-end tests.
ACCOUNT = "1975ea83b712"
COLUMN = "ae1027a6acf"
CART = "27c6a30d7c24"
MERGE = "53fffde5ad5"


def table_ops(name: str) -> tuple[str, str]:
    """Upgrade/downgrade bodies that create/drop a one-column table."""
    up = f"""op.create_table("{name}", sa.Column("id", sa.Integer, primary_key=True))"""
    return up, f'op.drop_table("{name}")'


class Project:
    """An ``init``-ed project whose ini points at one test database."""

    def __init__(self, tmp_path: Path, backend) -> None:
        self.backend = backend
        self.path = make_project(tmp_path, url=backend.url)
        self.versions = self.path / "migrations" / "versions"

    def cli(self, *args: str, ok: bool = True):
        result = run_cli(list(args), cwd=self.path)
        if ok:
            assert result.exit_code == 0, result.output
        return result

    def output_lines(self, *args: str) -> list[str]:
        """Command output without the INFO log lines."""
        out = self.cli(*args).output
        return [
            line
            for line in out.splitlines()
            if line.strip() and not line.startswith(("INFO ", "DEBUG ", "WARNI"))
        ]

    def revision(
        self,
        rev: str,
        message: str,
        upgrade: str,
        downgrade: str,
        *extra: str,
    ) -> Path:
        """``schemadiff revision`` then fill in the function bodies."""
        self.cli("revision", "-m", message, "--rev-id", rev, *extra)
        (path,) = self.versions.glob(f"{rev}_*.py")
        set_bodies(path, upgrade, downgrade)
        return path

    def rows(self, table: str = "schemadiff_version") -> list[str] | None:
        return version_rows(self.backend.engine, table)

    def tables(self) -> set[str]:
        return set(sa.inspect(self.backend.engine).get_table_names())


def set_bodies(path: Path, upgrade: str, downgrade: str) -> None:
    text = path.read_text("utf-8")
    for doc, body in (
        ('"""Upgrade schema."""', upgrade),
        ('"""Downgrade schema."""', downgrade),
    ):
        old = f"    {doc}\n    pass\n"
        assert old in text, text
        code = "\n".join("    " + line for line in body.strip().splitlines())
        text = text.replace(old, f"    {doc}\n{code}\n", 1)
    path.write_text(text, "utf-8")


def version_rows(engine: sa.Engine, table: str = "schemadiff_version"):
    """Sorted version_num values, or None when the table doesn't exist."""
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table(table):
            return None
        result = conn.execute(sa.text(f"SELECT version_num FROM {table}"))
        return sorted(row[0] for row in result)


def running_lines(output: str) -> list[str]:
    """The ``Running upgrade/downgrade ...`` log messages, in order."""
    marker = "[schemadiff.runtime.migration] "
    return [
        line.split(marker, 1)[1]
        for line in output.splitlines()
        if marker in line and "] Running " in line
    ]
