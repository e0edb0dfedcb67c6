"""What the command line does to its own process (and only to its own):
the garbage collector's pacing during a command run as ``schemadiff``."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

from schemadiff.cli import GEN0_THRESHOLD
from tests.helpers import make_project, run_cli, run_cli_subprocess

REVISION = '''"""record the collector's state"""
import gc
import json
import os

revision = "aaaa0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    with open(os.environ["SD_GC_STATE"], "w") as fh:
        json.dump({"threshold": gc.get_threshold(), "enabled": gc.isenabled()}, fh)


def downgrade():
    pass
'''


def _project(tmp_path: Path) -> Path:
    project = make_project(tmp_path, url=f"sqlite:///{tmp_path}/gc.db")
    versions = project / "migrations" / "versions"
    (versions / "aaaa0001_record_gc.py").write_text(REVISION, "utf-8")
    return project


def test_own_process_collects_less_often_but_still_collects(tmp_path: Path) -> None:
    project = _project(tmp_path)
    state = tmp_path / "state.json"
    result = run_cli_subprocess(
        ["upgrade", "head"], cwd=project, env={"SD_GC_STATE": str(state)}
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(state.read_text())
    assert seen["enabled"] is True
    assert seen["threshold"][0] == GEN0_THRESHOLD
    assert seen["threshold"][1:] == list(gc.get_threshold()[1:])


def test_embedded_cli_leaves_the_collector_alone(tmp_path: Path, monkeypatch) -> None:
    project = _project(tmp_path)
    state = tmp_path / "state.json"
    monkeypatch.setenv("SD_GC_STATE", str(state))
    before = gc.get_threshold()
    frozen = gc.get_freeze_count()
    result = run_cli(["upgrade", "head"], cwd=project)
    assert result.exit_code == 0, result.output
    assert json.loads(state.read_text())["threshold"] == list(before)
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen


# ------------------------------------------------------------ what is imported

IMPORTED = """
import sys
from schemadiff.cli import main

sys.argv = ["schemadiff", *sys.argv[1:]]
try:
    main()
except SystemExit as exit:
    assert not exit.code, exit.code
loaded = {name for name in sys.modules if name.split(".")[0] in (
    "schemadiff", "mako", "black", "alembic")}
print("\\n".join(sorted(loaded)), file=sys.stderr)
"""


def _modules_after(project: Path, *args: str) -> set[str]:
    """The schemadiff (and mako, black, alembic) modules a fresh interpreter
    has imported after running ``schemadiff ARGS``."""
    result = subprocess.run(
        [sys.executable, "-c", IMPORTED, *args],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return {line for line in result.stderr.splitlines() if " " not in line}


#: modules a run of revisions never needs
UNNEEDED_FOR_RUNS = ("schemadiff.autogenerate", "schemadiff.lint", "mako", "black")

CREATE_TABLE = '''"""create t"""
import sqlalchemy as sa
from schemadiff import op

revision = "aaaa0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("t", sa.Column("id", sa.Integer, primary_key=True))


def downgrade():
    op.drop_table("t")
'''


def _unneeded(modules: set[str]) -> list[str]:
    return sorted(
        name
        for name in modules
        if any(name == p or name.startswith(p + ".") for p in UNNEEDED_FOR_RUNS)
    )


def _create_table_project(tmp_path: Path) -> Path:
    project = make_project(tmp_path, url=f"sqlite:///{tmp_path}/t.db")
    versions = project / "migrations" / "versions"
    (versions / "aaaa0001_create_t.py").write_text(CREATE_TABLE, "utf-8")
    return project


def test_offline_upgrade_imports_only_what_it_runs(tmp_path: Path) -> None:
    project = _create_table_project(tmp_path)
    modules = _modules_after(project, "upgrade", "head", "--sql")
    assert "schemadiff.operations" in modules  # the revision uses op
    assert _unneeded(modules) == []


def test_current_imports_no_directive_classes(tmp_path: Path) -> None:
    project = _create_table_project(tmp_path)
    assert _modules_after(project, "upgrade", "head")
    modules = _modules_after(project, "current")
    assert "schemadiff.runtime.environment" in modules
    assert "schemadiff.operations" not in modules
    assert _unneeded(modules) == []
