"""``schemadiff adopt``: an Alembic project keeps running, its databases unstamped.

The fixture ``tests/fixtures/alembic_project`` is a multi-branch Alembic project
(branch point, two merges, a second base with ``depends_on``, branch labels, an
env.py and revisions using ``import alembic`` / ``alembic.op`` /
``alembic.__version__``); ``tests/fixtures/alembic_state.py`` builds the
database Alembic leaves after ``upgrade 2b3c4d5e6f70`` + ``upgrade 5e6f708192a3``.
"""

from __future__ import annotations

import ast
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from schemadiff.adopt import (
    rewrite_ini,
    rewrite_pyproject,
    rewrite_python,
    rewrite_template,
)
from schemadiff.util import CommandError
from tests.conftest import Backend
from tests.fixtures.alembic_state import ALEMBIC_ROWS, create_alembic_state
from tests.helpers import run_cli, set_url

FIXTURE = Path(__file__).parent / "fixtures" / "alembic_project"
VERSIONS = FIXTURE / "migrations" / "versions"


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """The fixture's env.py runs fileConfig() in-process: undo it afterwards, so
    later tests see the logging set-up they started with."""
    manager = logging.root.manager
    root = logging.getLogger()
    saved_root = (root.handlers[:], root.level)
    saved = {
        name: (lg.disabled, lg.level, lg.handlers[:], lg.propagate)
        for name, lg in manager.loggerDict.items()
        if isinstance(lg, logging.Logger)
    }
    yield
    root.handlers[:], level = saved_root
    root.setLevel(level)
    for name, lg in manager.loggerDict.items():
        if not isinstance(lg, logging.Logger):
            continue
        if name in saved:
            lg.disabled, lg.level, handlers, lg.propagate = saved[name]
            lg.handlers[:] = handlers
        else:
            lg.disabled = False
            lg.handlers[:] = []
            lg.setLevel(logging.NOTSET)


def _alembic_imports(source: str) -> list[str]:
    """Modules named ``alembic``/``alembic.*`` that a Python source imports."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "alembic"]
        elif (
            isinstance(node, ast.ImportFrom)
            and (node.module or "").split(".")[0] == "alembic"
        ):
            found.append(node.module or "")
    return found


def _changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    old, new = before.splitlines(), after.splitlines()
    assert len(old) == len(new)
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]


# ------------------------------------------------------------ pure rewriting


@pytest.mark.parametrize("path", sorted(VERSIONS.glob("*.py")), ids=lambda p: p.name)
def test_every_fixture_revision_loses_its_alembic_imports(path: Path) -> None:
    before = path.read_text("utf-8")
    result = rewrite_python(before, label=path.name)
    assert _alembic_imports(before), "the fixture should import alembic"
    assert _alembic_imports(result.text) == []
    assert result.warnings == []
    # Everything else (op./sa. calls, strings, comments) is byte-for-byte the same.
    for old, new in _changed_lines(before, result.text):
        assert "alembic" in old and new == old.replace("alembic", "schemadiff").replace(
            "schemadiff.__version__", "schemadiff.ALEMBIC_COMPAT_VERSION"
        )
    compile(result.text, path.name, "exec")


def test_import_forms_and_version_branching() -> None:
    source = (
        "import os, alembic\n"
        "import alembic.command as cmd\n"
        "import alembic as al\n"
        "from alembic import (\n"
        "    op as alembic_op,\n"
        "    __version__ as ALV,\n"
        ")\n"
        "from alembic import __version__\n"
        "from alembic.runtime.migration import MigrationContext\n"
        "from alembic.util.exc import CommandError\n"
        "from alembic.environment import EnvironmentContext\n"
        "# import alembic stays a comment\n"
        "if alembic.__version__ >= '1.7' and al.__version__:\n"
        "    alembic.op.add_column('t', sa.Column('alembic', sa.Integer))\n"
        "    alembic.context.get_x_argument()\n"
        "f(alembic=1, x='alembic.op')\n"
    )
    result = rewrite_python(source, label="r.py")
    assert result.text == (
        "import os, schemadiff\n"
        "import schemadiff.command as cmd\n"
        "import schemadiff as al\n"
        "from schemadiff import (\n"
        "    op as alembic_op,\n"
        "    ALEMBIC_COMPAT_VERSION as ALV,\n"
        ")\n"
        "from schemadiff import ALEMBIC_COMPAT_VERSION as __version__\n"
        "from schemadiff.runtime.migration import MigrationContext\n"
        "from schemadiff.util import CommandError\n"
        "from schemadiff.runtime.environment import EnvironmentContext\n"
        "# import alembic stays a comment\n"
        "if schemadiff.ALEMBIC_COMPAT_VERSION >= '1.7' and "
        "al.ALEMBIC_COMPAT_VERSION:\n"
        "    schemadiff.op.add_column('t', sa.Column('alembic', sa.Integer))\n"
        "    schemadiff.context.get_x_argument()\n"
        "f(alembic=1, x='alembic.op')\n"
    )
    assert result.warnings == []
    assert "r.py:13: alembic.__version__ -> schemadiff.ALEMBIC_COMPAT_VERSION" in (
        result.changes[-4]
    )


def test_rewritten_imports_resolve_in_schemadiff() -> None:
    """What adopt writes really imports, ALEMBIC_COMPAT_VERSION included."""
    import schemadiff

    namespace: dict[str, object] = {}
    exec(
        rewrite_python(
            "import alembic\n"
            "from alembic import op, context, __version__\n"
            "from alembic.operations import Operations, MigrateOperation, ops\n"
            "from alembic.autogenerate import compare_metadata, render_python_code\n"
            "from alembic.script import ScriptDirectory\n"
            "from alembic.migration import MigrationContext\n"
            "from alembic.config import Config\n"
            "from alembic import command\n"
            "version = alembic.__version__\n"
            "op_module = alembic.op\n"
        ).text,
        namespace,
    )
    assert namespace["version"] == schemadiff.ALEMBIC_COMPAT_VERSION == "1.20.1"
    assert namespace["__version__"] == "1.20.1"
    assert namespace["op_module"] is namespace["op"]


def test_missing_names_are_reported_not_hidden() -> None:
    result = rewrite_python(
        "from alembic.ddl.mssql import MSSQLImpl\nfrom alembic import nothing_here\n"
        "from alembic.ddl.base import no_such_helper\n",
        label="env.py",
    )
    assert result.text.startswith("from schemadiff.ddl.mssql import MSSQLImpl\n")
    assert result.warnings == [
        "env.py:1: schemadiff has no module schemadiff.ddl.mssql (for "
        "alembic.ddl.mssql); fix this import by hand",
        "env.py:1: schemadiff has no schemadiff.ddl.mssql.MSSQLImpl (for "
        "alembic.ddl.mssql.MSSQLImpl); fix by hand",
        "env.py:2: schemadiff has no schemadiff.nothing_here (for "
        "alembic.nothing_here); fix by hand",
        "env.py:3: schemadiff has no schemadiff.ddl.base.no_such_helper (for "
        "alembic.ddl.base.no_such_helper); fix by hand",
    ]


def test_unreadable_python_is_a_command_error() -> None:
    with pytest.raises(CommandError, match="Can't read bad.py as Python"):
        rewrite_python("x = '''never closed\n", label="bad.py")


def test_template_import_lines_only() -> None:
    text = (FIXTURE / "migrations" / "script.py.mako").read_text("utf-8")
    result = rewrite_template(text, label="script.py.mako")
    assert result.text == text.replace(
        "from alembic import op", "from schemadiff import op"
    )
    assert result.changes == ["script.py.mako:10: from alembic -> from schemadiff"]


def test_ini_section_version_table_and_logger() -> None:
    text = (FIXTURE / "alembic.ini").read_text("utf-8")
    result = rewrite_ini(text)
    lines = result.text.splitlines()
    assert "[alembic]" not in lines and "[schemadiff]" in lines
    assert "version_table = alembic_version" in lines
    # added inside the main section, before the next one
    assert lines.index("version_table = alembic_version") < lines.index(
        "[post_write_hooks]"
    )
    assert "qualname = schemadiff" in lines and "qualname = alembic" not in lines
    assert result.changes == [
        "alembic.ini:4: [alembic] -> [schemadiff]",
        "alembic.ini:36: [logger_alembic] qualname alembic -> schemadiff",
        "alembic.ini: [schemadiff] version_table = alembic_version added",
    ]
    # an explicit version_table is the user's choice: kept
    kept = rewrite_ini("[alembic]\nversion_table = my_versions\n")
    assert kept.text == "[schemadiff]\nversion_table = my_versions\n"
    with pytest.raises(CommandError, match=r"No \[alembic\] section"):
        rewrite_ini("[other]\nx = 1\n")


def test_pyproject_tables_renamed() -> None:
    text = (
        '[project]\nname = "app"\n\n'
        '[tool.alembic]\nscript_location = "%(here)s/alembic"\n\n'
        '[[tool.alembic.post_write_hooks]]\nname = "black"\ntype = "console_scripts"\n'
        "\n[tool.alembicish]\nx = 1\n"
    )
    result = rewrite_pyproject(text, add_version_table=True)
    import tomllib

    data = tomllib.loads(result.text)["tool"]
    assert data["schemadiff"]["script_location"] == "%(here)s/alembic"
    assert data["schemadiff"]["version_table"] == "alembic_version"
    assert data["schemadiff"]["post_write_hooks"] == [
        {"name": "black", "type": "console_scripts"}
    ]
    assert "alembic" not in data and data["alembicish"] == {"x": 1}


# ------------------------------------------------------------------ the CLI


def _copy_fixture(tmp_path: Path, url: str | None = None) -> Path:
    project = tmp_path / "inventory"
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns("__pycache__"))
    if url is not None:
        set_url(project / "alembic.ini", url)
    return project


def _snapshot(project: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(project)): p.read_bytes()
        for p in sorted(project.rglob("*"))
        if p.is_file()
    }


def test_dry_run_prints_the_diff_and_writes_nothing(tmp_path: Path) -> None:
    project = _copy_fixture(tmp_path)
    before = _snapshot(project)
    result = run_cli(["adopt", "--dry-run", str(project)])
    assert result.exit_code == 0, result.output
    assert _snapshot(project) == before
    assert "-[alembic]\n+[schemadiff]" in result.output
    assert "+version_table = alembic_version" in result.output
    assert (
        '-    major = int(alembic.__version__.split(".")[0])\n'
        '+    major = int(schemadiff.ALEMBIC_COMPAT_VERSION.split(".")[0])'
    ) in result.output
    assert result.output.rstrip().endswith(
        "Would change 11 file(s); 0 other file(s) had no alembic imports."
    )


def test_adopt_refuses_twice_and_non_projects(tmp_path: Path) -> None:
    project = _copy_fixture(tmp_path)
    assert run_cli(["adopt", str(project)]).exit_code == 0
    again = run_cli(["adopt", str(project)])
    assert again.exit_code == 1
    assert again.output.startswith("FAILED: ") and "already exists" in again.output
    empty = tmp_path / "empty"
    empty.mkdir()
    none = run_cli(["adopt", str(empty)])
    assert none.exit_code == 1
    assert "no alembic.ini and no [tool.alembic] table" in none.output


def test_unreadable_revision_changes_nothing(tmp_path: Path) -> None:
    project = _copy_fixture(tmp_path)
    (project / "migrations" / "versions" / "zz_broken.py").write_text(
        "from alembic import op\nx = '''\n", "utf-8"
    )
    before = _snapshot(project)
    result = run_cli(["adopt", str(project)])
    assert result.exit_code == 1
    assert "FAILED: Can't read migrations/versions/zz_broken.py as Python" in (
        result.output
    )
    assert _snapshot(project) == before


def test_pyproject_only_project(tmp_path: Path) -> None:
    """``[tool.alembic]`` without alembic.ini: version_table goes into the toml."""
    project = _copy_fixture(tmp_path)
    (project / "alembic.ini").unlink()
    (project / "pyproject.toml").write_text(
        '[tool.alembic]\nscript_location = "%(here)s/migrations"\n'
        'prepend_sys_path = ["."]\n',
        "utf-8",
    )
    result = run_cli(["adopt", str(project)])
    assert result.exit_code == 0, result.output
    assert not (project / "schemadiff.ini").exists()
    text = (project / "pyproject.toml").read_text("utf-8")
    assert "[tool.schemadiff]\n# Added by" in text
    assert 'version_table = "alembic_version"' in text
    history = run_cli(["-c", str(project / "schemadiff.ini"), "heads"])
    assert history.exit_code == 0, history.output
    assert history.output.strip() == "8192a3b4c5d6 (catalog, reports) (head)"


# ------------------------------------------- a database Alembic had migrated


def _out(output: str) -> list[str]:
    """Command output without env.py's logging lines (the ini logs at INFO)."""
    return [line for line in output.splitlines() if not line.startswith("INFO ")]


def _rows(engine: sa.Engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(
            r[0]
            for r in conn.execute(sa.text("SELECT version_num FROM alembic_version"))
        )


def test_adopted_project_runs_on_alembics_database(
    backend: Backend, tmp_path: Path
) -> None:
    project = _copy_fixture(tmp_path, backend.url)
    create_alembic_state(backend.engine)
    adopted = run_cli(["adopt", str(project)])
    assert adopted.exit_code == 0, adopted.output

    current = run_cli(["current"], cwd=project)
    assert current.exit_code == 0, current.output
    assert sorted(_out(current.output)) == sorted(ALEMBIC_ROWS)

    history = run_cli(["history", "-i"], cwd=project)
    assert history.exit_code == 0, history.output
    lines = _out(history.output)
    assert lines[0] == (
        "708192a3b4c5 -> 8192a3b4c5d6 (catalog, reports) (head), add product price"
    )
    assert len(lines) == 8
    assert [line for line in lines if "(current)" in line] == [
        "<base> (3c4d5e6f7081) -> 5e6f708192a3 (reports) (current), create report",
        "1a2b3c4d5e6f -> 2b3c4d5e6f70 (current), add account email",
    ]

    upgraded = run_cli(["upgrade", "head"], cwd=project)
    assert upgraded.exit_code == 0, upgraded.output
    assert _rows(backend.engine) == ["8192a3b4c5d6"]
    inspector = sa.inspect(backend.engine)
    # the revision branching on alembic.__version__ took its modern path
    assert {ix["name"] for ix in inspector.get_indexes("account")} == {
        "ix_account_email"
    }
    assert "price_cents" in {c["name"] for c in inspector.get_columns("product")}
    assert not inspector.has_table("schemadiff_version")

    check = run_cli(["check"], cwd=project)
    assert check.exit_code == 0, check.output
    assert "No new upgrade operations detected." in check.output


def test_alembic_compat_reads_an_unconverted_project(
    backend: Backend, tmp_path: Path
) -> None:
    """``--alembic-compat``: read-only commands on the project as Alembic left it."""
    import importlib.util
    import sys

    project = _copy_fixture(tmp_path, backend.url)
    create_alembic_state(backend.engine)
    before = _snapshot(project)
    current = run_cli(["--alembic-compat", "current"], cwd=project)
    if importlib.util.find_spec("alembic") is not None:
        # never shadow a real Alembic: the project's deployments would run that
        assert current.exit_code == 1
        assert "would shadow the Alembic installed here" in current.output
        return
    assert current.exit_code == 0, current.output
    assert sorted(_out(current.output)) == sorted(ALEMBIC_ROWS)
    heads = run_cli(["--alembic-compat", "heads"], cwd=project)
    assert heads.output.strip() == "8192a3b4c5d6 (catalog, reports) (head)"
    refused = run_cli(["--alembic-compat", "upgrade", "head"], cwd=project)
    assert refused.exit_code == 1
    assert refused.output.startswith("FAILED: --alembic-compat runs only read-only")
    assert _snapshot(project) == before
    assert _rows(backend.engine) == sorted(ALEMBIC_ROWS)
    assert not any(n == "alembic" or n.startswith("alembic.") for n in sys.modules)
