"""Helpers for tests that drive the real CLI in a temporary project."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from click.testing import CliRunner, Result

from schemadiff.cli import main


@contextlib.contextmanager
def chdir(path: str | os.PathLike[str] | None) -> Iterator[None]:
    if path is None:
        yield
        return
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def run_cli(
    args: Sequence[str],
    cwd: str | os.PathLike[str] | None = None,
    env: dict[str, str] | None = None,
    input: str | None = None,
) -> Result:
    """Run ``schemadiff ARGS`` in-process; ``.output`` holds stdout and stderr."""
    runner = CliRunner()
    with chdir(cwd):
        return runner.invoke(main, list(args), env=env, input=input)


def run_cli_subprocess(
    args: Sequence[str],
    cwd: str | os.PathLike[str] | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m schemadiff ARGS`` in a child process."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "schemadiff", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        check=False,
    )


def make_project(
    tmp_path: Path,
    template: str = "generic",
    url: str | None = None,
    directory: str = "migrations",
) -> Path:
    """``schemadiff init`` a project under tmp_path and point it at ``url``."""
    project = tmp_path / "proj"
    project.mkdir(exist_ok=True)
    result = run_cli(["init", "--template", template, directory], cwd=project)
    assert result.exit_code == 0, result.output
    if url is not None:
        set_url(project / "schemadiff.ini", url)
    return project


def set_url(ini: Path, url: str) -> None:
    """Replace ``sqlalchemy.url`` in an ini file (escaping ``%`` for configparser)."""
    text = ini.read_text("utf-8")
    escaped = url.replace("%", "%%")
    text, count = re.subn(
        r"^sqlalchemy\.url\s*=.*$",
        lambda _m: f"sqlalchemy.url = {escaped}",
        text,
        count=1,
        flags=re.M,
    )
    assert count == 1, f"no sqlalchemy.url line in {ini}"
    ini.write_text(text, "utf-8")


def write_revision(
    versions: Path,
    rev: str,
    down: str | tuple[str, ...] | None,
    upgrade: str = "pass",
    downgrade: str = "pass",
    message: str = "",
    branch_labels: object = None,
    depends_on: object = None,
) -> Path:
    """Write a hand-made revision file (for tests that need exact ids)."""
    path = versions / f"{rev}_.py"
    body = f'''"""{message or rev}

Revision ID: {rev}
Revises: {down}
"""
import sqlalchemy as sa
from schemadiff import op

revision = {rev!r}
down_revision = {down!r}
branch_labels = {branch_labels!r}
depends_on = {depends_on!r}


def upgrade():
{_indent(upgrade)}


def downgrade():
{_indent(downgrade)}
'''
    path.write_text(body, "utf-8")
    return path


def _indent(code: str) -> str:
    return "\n".join("    " + line for line in code.strip().splitlines()) or "    pass"
