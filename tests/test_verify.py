"""``check --verify`` and ``revision --autogenerate --verify`` on a scratch
database of each backend: a correct revision passes; a broken downgrade and
a revision that leaves drift fail naming the step; the scratch database is
gone afterwards in every case, an interrupted run included."""

from __future__ import annotations

import json
import os
from pathlib import Path

import sqlalchemy as sa

from schemadiff.ddl.scratch import PREFIX
from tests.conftest import _admin
from tests.helpers import make_project, run_cli, write_revision

MODELS = """
import sqlalchemy as sa

metadata = sa.MetaData()
account = sa.Table(
    "account",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(50), nullable=False),
{extra})
"""

ENV_MODELS = """import importlib.util as _ilu
import os as _os

_spec = _ilu.spec_from_file_location(
    "verify_models", _os.path.join(_os.path.dirname(__file__), "models.py")
)
_models = _ilu.module_from_spec(_spec)
_spec.loader.exec_module(_models)
target_metadata = _models.metadata
"""

CREATE_ACCOUNT = """
op.create_table(
    "account",
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(50), nullable=False),
)
"""


def verify_project(backend, tmp_path: Path, extra: str = "") -> Path:
    proj = make_project(tmp_path, url=backend.url)
    migrations = proj / "migrations"
    (migrations / "models.py").write_text(MODELS.format(extra=extra))
    env = migrations / "env.py"
    env.write_text(env.read_text().replace("target_metadata = None\n", ENV_MODELS))
    write_revision(
        migrations / "versions",
        "r1",
        None,
        upgrade=CREATE_ACCOUNT,
        downgrade='op.drop_table("account")',
    )
    return proj


def scratch_names(backend, tmp_path: Path) -> set[str]:
    """This process's scratch databases that exist now, seen from outside
    schemadiff (other test runs on the same server make their own)."""
    mine = f"{PREFIX}{os.getpid()}_"
    if backend.name == "sqlite":
        return {
            os.path.join(root, name)
            for root, dirs, files in os.walk(tmp_path)
            for name in dirs + files
            if name.startswith(mine)
        }
    with _admin(backend.name).connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT schema_name FROM information_schema.schemata "
                "WHERE schema_name LIKE :p"
            ),
            {"p": mine.replace("_", "\\_") + "%"},
        )
        return {row[0] for row in rows}


def check_verify(proj: Path, code: int) -> dict:
    result = run_cli(["check", "--verify", "--format", "json"], cwd=proj)
    assert result.exit_code == code, result.output
    return json.loads(result.stdout)


def steps(report: dict) -> dict[str, tuple[bool, list[str]]]:
    return {s["step"]: (s["ok"], s["detail"]) for s in report["steps"]}


def assert_gone(report: dict, backend, tmp_path: Path) -> None:
    assert report["scratch_removed"] is True
    assert report["scratch"] not in scratch_names(backend, tmp_path)
    if backend.name == "sqlite":
        assert not os.path.exists(report["scratch"])


def test_correct_revision_passes(backend, tmp_path: Path) -> None:
    proj = verify_project(backend, tmp_path)
    report = check_verify(proj, 0)
    assert report["ok"] is True
    assert report["dialect"] == backend.engine.dialect.name
    assert report["revisions"] == ["r1"] and report["before"] == []
    assert steps(report) == {
        "upgrade base -> r1": (True, []),
        "models match the database after upgrade": (True, []),
        "downgrade r1 -> base": (True, []),
        "downgrade brings back the schema at base": (True, []),
    }
    assert_gone(report, backend, tmp_path)
    # the live database was only read
    assert sa.inspect(backend.engine).get_table_names() == []


def test_broken_downgrade_fails(backend, tmp_path: Path) -> None:
    proj = verify_project(
        backend, tmp_path, extra='    sa.Column("age", sa.Integer),\n'
    )
    write_revision(
        proj / "migrations" / "versions",
        "r2",
        "r1",
        upgrade='op.add_column("account", sa.Column("age", sa.Integer))',
        downgrade="pass",
    )
    run = run_cli(["upgrade", "r1"], cwd=proj)
    assert run.exit_code == 0, run.output
    report = check_verify(proj, 1)
    assert report["revisions"] == ["r2"] and report["before"] == ["r1"]
    ok, detail = steps(report)["downgrade brings back the schema at r1"]
    assert not ok
    assert any("age" in line for line in detail), detail
    assert steps(report)["models match the database after upgrade"] == (True, [])
    assert_gone(report, backend, tmp_path)

    text = run_cli(["check", "--verify"], cwd=proj)
    assert text.exit_code == 1
    assert "  downgrade brings back the schema at r1: FAILED" in text.stdout
    assert "Verify FAILED." in text.stdout


def test_revision_that_leaves_drift_fails(backend, tmp_path: Path) -> None:
    proj = verify_project(
        backend, tmp_path, extra='    sa.Column("email", sa.String(80)),\n'
    )
    report = check_verify(proj, 1)
    ok, detail = steps(report)["models match the database after upgrade"]
    assert not ok
    assert any("email" in line for line in detail), detail
    assert_gone(report, backend, tmp_path)


def test_autogenerate_verify_and_failing_upgrade(backend, tmp_path: Path) -> None:
    proj = verify_project(
        backend, tmp_path, extra='    sa.Column("email", sa.String(80)),\n'
    )
    assert run_cli(["upgrade", "head"], cwd=proj).exit_code == 0
    before = scratch_names(backend, tmp_path)
    result = run_cli(
        ["revision", "--autogenerate", "-m", "email", "--rev-id", "r2", "--verify"],
        cwd=proj,
    )
    assert result.exit_code == 0, result.output
    assert "Verifying r2 on a scratch" in result.stdout
    assert "  models match the database after upgrade: ok" in result.stdout
    assert "Verify passed." in result.stdout
    assert scratch_names(backend, tmp_path) == before

    # a revision whose upgrade fails is a failed step, and the scratch goes
    write_revision(
        proj / "migrations" / "versions",
        "r3",
        "r2",
        upgrade='op.drop_column("account", "no_such_column")',
    )
    report = check_verify(proj, 1)
    assert report["revisions"] == ["r2", "r3"]
    ok, detail = steps(report)["upgrade r1 -> r2, r3"]
    assert not ok and "no_such_column" in " ".join(detail)
    assert_gone(report, backend, tmp_path)
    assert scratch_names(backend, tmp_path) == before


def test_interrupted_run_removes_the_scratch(backend, tmp_path: Path) -> None:
    proj = verify_project(backend, tmp_path)
    write_revision(
        proj / "migrations" / "versions",
        "r2",
        "r1",
        upgrade="raise KeyboardInterrupt",
    )
    before = scratch_names(backend, tmp_path)
    result = run_cli(["check", "--verify"], cwd=proj)
    assert result.exit_code == 1  # click reports "Aborted!"
    assert "Aborted!" in result.output
    assert scratch_names(backend, tmp_path) == before


def test_verify_url_and_usage(backend, tmp_path: Path) -> None:
    proj = verify_project(backend, tmp_path)
    result = run_cli(["revision", "-m", "x", "--verify"], cwd=proj)
    assert result.exit_code == 1
    assert "FAILED: --verify goes with --autogenerate" in result.output
    ini = proj / "schemadiff.ini"
    text = ini.read_text()
    start = text.index("sqlalchemy.url = ")
    end = text.index("\n", start)
    ini.write_text(
        text[:start] + "sqlalchemy.url = sqlite:////nonexistent/x.db" + text[end:]
    )
    result = run_cli(["check", "--verify"], cwd=proj)
    assert result.exit_code == 2
    assert "pass --verify-url" in result.output
    result = run_cli(
        ["check", "--verify", "--format", "json", "--verify-url", backend.url],
        cwd=proj,
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["ok"] and report["dialect"] == backend.engine.dialect.name
    assert_gone(report, backend, tmp_path)
