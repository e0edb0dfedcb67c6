"""The README quick start on the sample project: one autogenerate, upgrade,
then ``check`` reports no drift; downgrade leaves an empty database."""

from __future__ import annotations

import shutil
from pathlib import Path

import sqlalchemy as sa

from tests.helpers import run_cli

SAMPLE = Path(__file__).resolve().parents[2] / "sample_models"


def test_sample_models_quick_start(backend, tmp_path: Path) -> None:
    project = tmp_path / "sample"
    shutil.copytree(
        SAMPLE, project, ignore=shutil.ignore_patterns("*.db", "__pycache__")
    )
    for old in (project / "migrations" / "versions").glob("*.py"):
        old.unlink()
    env = {"SCHEMADIFF_URL": backend.url}
    ini = str(project / "schemadiff.ini")

    def run(*args: str, code: int = 0) -> str:
        result = run_cli(["-c", ini, *args], cwd=tmp_path, env=env)
        assert result.exit_code == code, (args, result.output, result.exception)
        return result.output

    run("revision", "--autogenerate", "-m", "initial schema")
    [path] = list((project / "migrations" / "versions").glob("*.py"))
    text = path.read_text()
    assert 'sa.UniqueConstraint("email", name=op.f("uq_customer_email"))' in text
    run("upgrade", "head")
    assert "No new upgrade operations detected." in run("check")
    tables = set(sa.inspect(backend.engine).get_table_names())
    assert {"customer", "product", "order", "order_item"} <= tables
    run("downgrade", "base")
    remaining = set(sa.inspect(backend.engine).get_table_names())
    assert remaining <= {"schemadiff_version"}
