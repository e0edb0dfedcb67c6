"""What the command line does to its own process (and only to its own):
the garbage collector's pacing during a command run as ``schemadiff``."""

from __future__ import annotations

import gc
import json
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
