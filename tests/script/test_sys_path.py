"""``prepend_sys_path``: entries reach ``sys.path`` as absolute paths, so one
process can run commands in several project directories (as the test suite
does) and still import each project's own helper modules."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from schemadiff.config import Config
from schemadiff.script import ScriptDirectory
from tests.helpers import chdir, make_project, run_cli

REVISION = '''"""uses the helper

Revision ID: {rev}
Revises:
Create Date: 2024-01-01 00:00:00

"""
revision = "{rev}"
down_revision = None
branch_labels = None
depends_on = None

from {module} import VALUE


def upgrade():
    pass


def downgrade():
    pass
'''


@pytest.fixture
def saved_sys_path(monkeypatch):
    monkeypatch.setattr(sys, "path", list(sys.path))
    modules = set(sys.modules)
    yield
    for name in set(sys.modules) - modules:
        if name.startswith("sd_helper"):
            del sys.modules[name]


def test_relative_entries_become_absolute(tmp_path: Path, saved_sys_path) -> None:
    project = make_project(tmp_path)
    config = Config(str(project / "schemadiff.ini"))
    config.set_main_option(
        "prepend_sys_path", os.pathsep.join([".", "lib", "~/sd-nowhere"])
    )
    with chdir(project):
        ScriptDirectory.from_config(config)
    expected = [
        str(project),
        str(project / "lib"),
        os.path.expanduser("~/sd-nowhere"),
    ]
    assert sys.path[:3] == expected
    assert "." not in sys.path and "lib" not in sys.path

    # Reading the config again doesn't add the entries a second time.
    with chdir(project):
        ScriptDirectory.from_config(config)
    assert [p for p in sys.path if p in expected] == expected


def test_each_project_imports_its_own_helper(tmp_path: Path, saved_sys_path) -> None:
    """Two projects in one process, each with ``prepend_sys_path = .`` and a
    helper module its revision imports (the second one written only after the
    first project's commands ran)."""
    outputs = []
    for n in (1, 2):
        (tmp_path / f"p{n}").mkdir()
        project = make_project(tmp_path / f"p{n}", url=f"sqlite:///{tmp_path}/{n}.db")
        (project / f"sd_helper{n}.py").write_text(f"VALUE = {n}\n", "utf-8")
        rev = f"aaaa000{n}"
        (project / "migrations" / "versions" / f"{rev}_uses_helper.py").write_text(
            REVISION.format(rev=rev, module=f"sd_helper{n}"), "utf-8"
        )
        result = run_cli(["upgrade", "head"], cwd=project)
        assert result.exit_code == 0, result.output
        result = run_cli(["current"], cwd=project)
        outputs.append(result.output.strip().splitlines()[-1])
        assert sys.modules[f"sd_helper{n}"].VALUE == n
        assert str(project) in sys.path
    assert outputs == ["aaaa0001 (head)", "aaaa0002 (head)"]
    assert "." not in sys.path
