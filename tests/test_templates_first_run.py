"""A freshly initialised environment of every template works on SQLite as a
new user drives it: the only edit is the documented ``target_metadata`` line.

autogenerate -> upgrade -> a column change -> autogenerate -> upgrade ->
check, run from another directory with ``-c`` (``%(here)s``-relative
``prepend_sys_path``), with the URL from the environment, server defaults
compared, SQLite ALTERs rendered as batch operations, and no file written
when nothing changed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.helpers import make_project, run_cli

TEMPLATES = ("generic", "pyproject", "async", "multidb")

MODELS_V1 = """
import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table(
    "item",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(20), nullable=True),
)
other = sa.MetaData()
sa.Table("note", other, sa.Column("id", sa.Integer, primary_key=True))
"""

# A type, nullability and server default change: SQLite needs a table rebuild.
MODELS_V2 = MODELS_V1.replace(
    "sa.String(20), nullable=True",
    'sa.String(40), nullable=False, server_default="unnamed"',
)

SET_METADATA = {
    "multidb": "from firstrun_app.models import metadata, other\n"
    'target_metadata = {"engine1": metadata, "engine2": other}\n',
}


def _forget_models() -> None:
    """The CLI runs in-process: let env.py import the edited models afresh."""
    for name in [n for n in sys.modules if n.split(".")[0] == "firstrun_app"]:
        del sys.modules[name]


def _columns(url: str, table: str) -> dict[str, dict]:
    engine = sa.create_engine(url)
    try:
        return {c["name"]: c for c in sa.inspect(engine).get_columns(table)}
    finally:
        engine.dispose()


@pytest.mark.parametrize("template", TEMPLATES)
def test_fresh_template_autogenerate_cycle_on_sqlite(
    tmp_path: Path, template: str
) -> None:
    project = make_project(tmp_path, template=template)
    env_py = project / "migrations" / "env.py"
    text = env_py.read_text("utf-8")
    assert "Set target_metadata HERE" in text
    if template == "multidb":
        old = "target_metadata = {}\n"
        new = SET_METADATA["multidb"]
    else:
        old = "target_metadata = None\n"
        new = "from firstrun_app.models import metadata as target_metadata\n"
    assert text.count(old) == 1
    env_py.write_text(text.replace(old, new), "utf-8")
    package = project / "firstrun_app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    models = package / "models.py"
    models.write_text(MODELS_V1, "utf-8")

    # The database comes from the environment, not the config file.
    db1, db2 = tmp_path / "from_env1.db", tmp_path / "from_env2.db"
    if template == "multidb":
        env = {
            "SCHEMADIFF_URL_ENGINE1": f"sqlite:///{db1}",
            "SCHEMADIFF_URL_ENGINE2": f"sqlite:///{db2}",
        }
    else:
        driver = "sqlite+aiosqlite" if template == "async" else "sqlite"
        env = {"SCHEMADIFF_URL": f"{driver}:///{db1}"}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    ini = str(project / "schemadiff.ini")

    def cli(*args: str) -> str:
        _forget_models()
        result = run_cli(["-c", ini, *args], cwd=elsewhere, env=env)
        assert result.exit_code == 0, (args, result.output, result.exception)
        return result.output

    versions = project / "migrations" / "versions"
    out = cli("revision", "--autogenerate", "-m", "first")
    assert "  - [add_table] table item added" in out
    cli("upgrade", "head")
    assert set(_columns(f"sqlite:///{db1}", "item")) == {"id", "name"}
    if template == "multidb":
        assert set(_columns(f"sqlite:///{db2}", "note")) == {"id"}

    models.write_text(MODELS_V2, "utf-8")
    out = cli("revision", "--autogenerate", "-m", "second")
    assert "[modify_type] type of item.name changed: VARCHAR(20) -> VARCHAR(40)" in out
    assert "[modify_nullable]" in out
    assert "[modify_default]" in out
    (second,) = [p for p in versions.glob("*_second.py")]
    assert "batch_alter_table" in second.read_text("utf-8")
    cli("upgrade", "head")
    name = _columns(f"sqlite:///{db1}", "item")["name"]
    assert name["nullable"] is False
    assert str(name["type"]) == "VARCHAR(40)"
    assert "unnamed" in str(name["default"])

    assert "No new upgrade operations detected." in cli("check")
    before = sorted(p.name for p in versions.glob("*.py"))
    out = cli("revision", "--autogenerate", "-m", "nothing")
    assert "no revision file written" in out
    assert sorted(p.name for p in versions.glob("*.py")) == before
    # nothing went to the config file's own database
    assert not list(project.glob("*.db"))
