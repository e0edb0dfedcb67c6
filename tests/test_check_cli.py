"""``schemadiff check`` through the CLI: exit codes 0 (clean), 1 (drift),
2 (errors), and the JSON report."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa

from tests.autogenerate._autogen_project import autogen_project, cli, write_models
from tests.helpers import run_cli_subprocess

MODELS = """
import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table(
    "account", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(50), nullable=False),
)
"""

DRIFTED = """
import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table(
    "account", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(80), nullable=False),
    sa.Column("email", sa.String(200), nullable=True),
)
sa.Table("audit", metadata, sa.Column("id", sa.Integer, primary_key=True))
"""


def test_clean_drift_and_json_on_every_backend(backend, tmp_path: Path) -> None:
    project = autogen_project(tmp_path, backend.url, MODELS, hooks=False)
    cli(project, "revision", "--autogenerate", "-m", "init")
    cli(project, "upgrade", "head")

    result = cli(project, "check", expect=0)
    assert "No new upgrade operations detected." in result.output
    result = cli(project, "check", "--format", "json", expect=0)
    clean = json.loads(result.stdout)
    assert clean["status"] == "clean" and clean["count"] == 0

    write_models(project, DRIFTED)
    result = cli(project, "check", expect=1)
    assert "Detected 3 differences between the database and the models:" in (
        result.output
    )
    assert "  - [add_table] table audit added" in result.output
    assert "  - [add_column] column account.email added" in result.output
    assert "  - [modify_type] type of account.name changed: VARCHAR(50) -> " in (
        result.output
    )

    result = cli(project, "check", "--format", "json", expect=1)
    report = json.loads(result.stdout)
    assert report["format"] == "schemadiff-check"
    assert report["version"] == 2
    assert report["status"] == "drift"
    assert report["count"] == 3
    simplified = sorted(
        (d["kind"], d["schema"], d["table"], d["column"]) for d in report["differences"]
    )
    assert simplified == [
        ("add_column", None, "account", "email"),
        ("add_table", None, "audit", None),
        ("modify_type", None, "account", "name"),
    ]
    add_column = next(d for d in report["differences"] if d["kind"] == "add_column")
    assert add_column["before"] is None
    assert add_column["after"]["nullable"] is True
    assert add_column["after"]["type"].upper().startswith("VARCHAR(200)")
    modify = next(d for d in report["differences"] if d["kind"] == "modify_type")
    assert modify["before"].upper().startswith("VARCHAR(50)")
    assert modify["after"].upper().startswith("VARCHAR(80)")
    # check never writes a file nor touches the schema
    assert len(list((project / "migrations" / "versions").glob("*.py"))) == 1
    assert sa.inspect(backend.engine).get_table_names().count("audit") == 0


def test_check_does_not_create_the_version_table(tmp_path: Path) -> None:
    empty = "import sqlalchemy as sa\nmetadata = sa.MetaData()\n"
    project = autogen_project(
        tmp_path, f"sqlite:///{tmp_path}/db.sqlite", empty, hooks=False
    )
    result = cli(project, "check", expect=0)
    assert "No new upgrade operations detected." in result.output
    engine = sa.create_engine(f"sqlite:///{tmp_path}/db.sqlite")
    assert sa.inspect(engine).get_table_names() == []
    engine.dispose()


def test_errors_exit_2(tmp_path: Path) -> None:
    project = autogen_project(
        tmp_path, f"sqlite:///{tmp_path}/missing/dir/db.sqlite", MODELS, hooks=False
    )
    result = cli(project, "check", expect=2)
    assert "FAILED: OperationalError" in result.output

    # env.py that blows up
    env = project / "migrations" / "env.py"
    env.write_text("raise RuntimeError('broken env')\n")
    result = cli(project, "check", expect=2)
    assert (
        "FAILED: env.py failed: RuntimeError: broken env "
        "(run with --raiseerr for the traceback)" in result.output
    )

    # no config at all
    result = cli(tmp_path, "check", expect=2)
    assert result.output.startswith("FAILED:")

    # an outdated database is an error, not drift
    (tmp_path / "other").mkdir()
    other = autogen_project(
        tmp_path / "other", f"sqlite:///{tmp_path}/other.sqlite", MODELS, hooks=False
    )
    cli(other, "revision", "--autogenerate", "-m", "init")
    result = cli(other, "check", "--format", "json", expect=2)
    assert "FAILED: Target database is not up to date" in result.output


def test_exit_codes_from_a_real_process(tmp_path: Path) -> None:
    project = autogen_project(
        tmp_path, f"sqlite:///{tmp_path}/db.sqlite", MODELS, hooks=False
    )
    assert run_cli_subprocess(["check"], cwd=project).returncode == 1
    cli(project, "revision", "--autogenerate", "-m", "init")
    cli(project, "upgrade", "head")
    done = run_cli_subprocess(["check", "--format", "json"], cwd=project)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["status"] == "clean"
