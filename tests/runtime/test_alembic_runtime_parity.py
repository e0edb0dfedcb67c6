"""Runtime attributes and options that real Alembic projects rely on.

Each case is a regression found running public Alembic histories (or
Alembic's own suite) through schemadiff.
"""

from __future__ import annotations

import importlib.util
import io
import py_compile
import subprocess
import sys
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from schemadiff.config import Config
from schemadiff.runtime.environment import EnvironmentContext
from schemadiff.util import CommandError
from tests.helpers import make_project, run_cli, write_revision
from tests.runtime._util import Project


def _env() -> EnvironmentContext:
    return EnvironmentContext(Config(cmd_opts=SimpleNamespace()), None, as_sql=True)


def test_revision_reads_version_table_name_and_schema(tmp_path, backend):
    """``op.get_context().version_table(_schema)`` are plain values that a
    revision can format into SQL (a real history does exactly this)."""
    proj = Project(tmp_path, backend)
    proj.revision(
        "aaaa",
        "note the version table",
        """
ctx = op.get_context()
op.create_table(
    "note", sa.Column("name", sa.String(60)), sa.Column("schema", sa.String(60))
)
op.execute(
    sa.text("INSERT INTO note (name, schema) VALUES (:n, :s)").bindparams(
        n=ctx.version_table, s=str(ctx.version_table_schema)
    )
)
op.execute(f"DELETE FROM {ctx.version_table} WHERE 1 = 0")
""",
        'op.drop_table("note")',
    )
    proj.cli("upgrade", "head")
    with backend.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT name, schema FROM note")).all()
    assert rows == [("schemadiff_version", "None")]
    assert proj.rows() == ["aaaa"]


def test_unknown_configure_option_is_an_error():
    env = _env()
    with pytest.raises(CommandError) as err:
        env.configure(dialect_name="sqlite", compare_typ=True)
    assert str(err.value) == (
        "context.configure() got an unknown option 'compare_typ' "
        "(did you mean 'compare_type'?)"
    )
    with pytest.raises(CommandError, match="unknown option 'frobnicate'$"):
        env.configure(dialect_name="sqlite", frobnicate=1)


def test_dialect_options_pass_through():
    env = _env()
    env.configure(
        dialect_name="sqlite",
        output_buffer=io.StringIO(),
        mssql_batch_separator="GO",
        oracle_batch_separator="/",
    )
    assert env.get_context().opts["mssql_batch_separator"] == "GO"


def test_autogenerate_plugins_default_only():
    env = _env()
    env.configure(
        dialect_name="sqlite",
        output_buffer=io.StringIO(),
        autogenerate_plugins=["alembic.autogenerate.*"],
    )
    with pytest.raises(CommandError, match="'alembic.ext.cool' is not available"):
        env.configure(dialect_name="sqlite", autogenerate_plugins=["alembic.ext.cool"])


def test_output_encoding_applies_to_offline_bytes():
    raw = io.BytesIO()
    env = _env()
    env.configure(dialect_name="sqlite", output_buffer=raw, output_encoding="latin-1")
    env.static_output("-- café")
    env.get_context().output_buffer.flush()
    assert raw.getvalue() == "-- café\n\n".encode("latin-1")


def test_output_encoding_through_the_cli(tmp_path):
    """``--sql`` output reaches stdout's bytes in the encoding env.py asks for."""
    path = make_project(tmp_path, url="sqlite:///x.db")
    write_revision(
        path / "migrations" / "versions",
        "aaaa",
        None,
        upgrade="op.execute(\"SELECT 'naïve'\")",
    )
    env_py = path / "migrations" / "env.py"
    text = env_py.read_text("utf-8")
    # offline's call comes first (the online one is in _run_with)
    assert text.index("context.configure(\n") < text.index("def _run_with"), text
    env_py.write_text(
        text.replace(
            "context.configure(\n",
            "context.configure(\n        output_encoding='latin-1',\n",
            1,
        ),
        "utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "schemadiff", "upgrade", "head", "--sql"],
        cwd=path,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "SELECT 'naïve'".encode("latin-1") in done.stdout
    assert "naïve".encode() not in done.stdout


def test_sourceless_env_in_pycache(tmp_path):
    """A deployment that ships only ``__pycache__/env.cpython-XY.pyc``."""
    path = make_project(tmp_path, url=f"sqlite:///{tmp_path / 'x.db'}")
    migrations = path / "migrations"
    env_py = migrations / "env.py"
    py_compile.compile(str(env_py), cfile=importlib.util.cache_from_source(str(env_py)))
    env_py.unlink()
    assert "No env.py found" in run_cli(["current"], cwd=path).output
    ini = path / "schemadiff.ini"
    ini.write_text(
        ini.read_text("utf-8").replace(
            "[schemadiff]\n", "[schemadiff]\nsourceless = true\n", 1
        ),
        "utf-8",
    )
    result = run_cli(["current"], cwd=path)
    assert result.exit_code == 0, result.output
    assert "No env.py found" not in result.output
