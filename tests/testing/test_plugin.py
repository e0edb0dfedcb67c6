"""The pytest plugin, run by ``pytester`` on projects made for the purpose:
the README's sample passes every built-in test on each backend; two heads, a
broken downgrade, a model/database mismatch and a non-repeatable upgrade each
fail the right test, naming the revision."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import make_project, run_cli, write_revision

pytest_plugins = ["pytester"]

SAMPLE = Path(__file__).resolve().parents[2] / "sample_models"
BUILTIN = (
    "test_single_head",
    "test_upgrade",
    "test_model_definitions_match_ddl",
    "test_up_down_consistency",
    "test_stairway",
)

MODELS = """
import sqlalchemy as sa

metadata = sa.MetaData()
account = sa.Table(
    "account",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(50), nullable=False, unique=True),
{extra})
"""

ENV_MODELS = """import importlib.util as _ilu
import os as _os

_spec = _ilu.spec_from_file_location(
    "plugin_models", _os.path.join(_os.path.dirname(__file__), "models.py")
)
_models = _ilu.module_from_spec(_spec)
_spec.loader.exec_module(_models)
target_metadata = _models.metadata
"""


def outcomes(result: pytest.RunResult) -> dict[str, str]:
    """test name -> passed/failed, from the -rA short summary."""
    found: dict[str, str] = {}
    for line in result.outlines:
        for word in ("PASSED", "FAILED", "ERROR"):
            if line.startswith(word + " ") and "::" in line:
                name = line.split("::")[-1].split(" ")[0]
                found[name] = word.lower()
    return found


def small_project(root: Path, extra: str = "") -> Path:
    proj = make_project(root)
    migrations = proj / "migrations"
    (migrations / "models.py").write_text(MODELS.format(extra=extra))
    env = migrations / "env.py"
    env.write_text(env.read_text().replace("target_metadata = None\n", ENV_MODELS))
    write_revision(
        migrations / "versions",
        "r1",
        None,
        upgrade='op.create_table("account", sa.Column("id", sa.Integer, '
        'primary_key=True), sa.Column("name", sa.String(50), nullable=False, '
        "unique=True))",
        downgrade='op.drop_table("account")',
    )
    return proj


def run_builtin(pytester: pytest.Pytester, proj: Path, *args: str) -> pytest.RunResult:
    return pytester.runpytest(
        "--schemadiff-tests",
        f"--schemadiff-config={proj / 'schemadiff.ini'}",
        "-rA",
        "-p",
        "no:cacheprovider",
        *args,
    )


def test_sample_project_passes_every_builtin_test(
    pytester: pytest.Pytester, backend, tmp_path: Path
) -> None:
    project = tmp_path / "sample"
    shutil.copytree(
        SAMPLE, project, ignore=shutil.ignore_patterns("*.db", "__pycache__")
    )
    for old in (project / "migrations" / "versions").glob("*.py"):
        old.unlink()
    env = {"SCHEMADIFF_URL": backend.url}
    ini = str(project / "schemadiff.ini")
    made = run_cli(["-c", ini, "revision", "--autogenerate", "-m", "shop"], env=env)
    assert made.exit_code == 0, made.output
    result = run_builtin(pytester, project, f"--schemadiff-url={backend.url}")
    assert outcomes(result) == dict.fromkeys(BUILTIN, "passed"), result.outlines
    assert result.ret == 0


def test_inert_without_the_option(pytester: pytest.Pytester, tmp_path: Path) -> None:
    proj = small_project(tmp_path)
    pytester.makepyfile(test_data="""
        def test_data_migration(schemadiff_runner):
            schemadiff_runner.migrate_up_to("r1")
            schemadiff_runner.insert_into("account", [{"id": 1, "name": "a"}])
            assert schemadiff_runner.current == ["r1"]
            assert schemadiff_runner.heads == ["r1"]
            assert schemadiff_runner.select("account") == [{"id": 1, "name": "a"}]
            schemadiff_runner.migrate_down_to("base")
            assert schemadiff_runner.current == []
        """)
    result = pytester.runpytest(f"--schemadiff-config={proj / 'schemadiff.ini'}", "-rA")
    assert outcomes(result) == {"test_data_migration": "passed"}, result.outlines


def test_two_heads_fail_single_head(pytester: pytest.Pytester, tmp_path: Path) -> None:
    proj = small_project(tmp_path)
    write_revision(proj / "migrations" / "versions", "r2a", "r1")
    write_revision(proj / "migrations" / "versions", "r2b", "r1")
    result = run_builtin(pytester, proj)
    found = outcomes(result)
    assert found["test_single_head"] == "failed"
    assert found["test_stairway"] == "passed"
    result.stdout.fnmatch_lines(
        ["*expected a single head revision, found 2: r2a, r2b*"]
    )


def test_broken_downgrade_fails_up_down_consistency(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    proj = small_project(tmp_path, extra='    sa.Column("age", sa.Integer),\n')
    write_revision(
        proj / "migrations" / "versions",
        "r2",
        "r1",
        upgrade='op.add_column("account", sa.Column("age", sa.Integer))',
        downgrade="pass",
    )
    result = run_builtin(pytester, proj)
    found = outcomes(result)
    assert found["test_up_down_consistency"] == "failed"
    assert found["test_model_definitions_match_ddl"] == "passed"
    result.stdout.fnmatch_lines(
        [
            "*downgrade of revision r2 does not bring back the schema from "
            "before its upgrade:*",
            "*remove_column account age*",
        ]
    )


def test_model_mismatch_fails_model_definitions(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    proj = small_project(tmp_path, extra='    sa.Column("email", sa.String(80)),\n')
    result = run_builtin(pytester, proj)
    found = outcomes(result)
    assert found["test_model_definitions_match_ddl"] == "failed"
    assert {k: v for k, v in found.items() if v == "failed"} == {
        "test_model_definitions_match_ddl": "failed"
    }
    result.stdout.fnmatch_lines(
        ["*the models differ from the database upgraded to r1*", "*email*"]
    )


def test_non_repeatable_upgrade_fails_stairway(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    proj = small_project(tmp_path)
    write_revision(
        proj / "migrations" / "versions",
        "r2",
        "r1",
        upgrade="op.execute(\"INSERT INTO account (id, name) VALUES (1, 'seed')\")",
        downgrade="pass",
    )
    result = run_builtin(pytester, proj)
    found = outcomes(result)
    assert {k: v for k, v in found.items() if v == "failed"} == {
        "test_stairway": "failed"
    }
    result.stdout.fnmatch_lines(
        ["*repeated upgrade (after its downgrade) of revision r2 failed*"]
    )
