"""env.py-facing features: multidb, arguments, callbacks, masking, autocommit."""

from __future__ import annotations

import io
import json
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from schemadiff import command
from schemadiff.config import Config
from schemadiff.runtime.migration import MigrationContext
from tests.helpers import make_project, run_cli, set_url
from tests.runtime._util import Project, running_lines, version_rows


def _fill(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_multidb_two_sqlite_files(tmp_path):
    project = make_project(tmp_path, template="multidb")
    result = run_cli(["revision", "-m", "tables", "--rev-id", "m1"], cwd=project)
    assert result.exit_code == 0, result.output
    (path,) = (project / "migrations" / "versions").glob("m1_*.py")
    for name in ("engine1", "engine2"):
        table = f"only_in_{name}"
        _fill(
            path,
            f"def upgrade_{name}() -> None:\n    pass",
            f"def upgrade_{name}() -> None:\n"
            f'    op.create_table("{table}", sa.Column("id", sa.Integer))',
        )
        _fill(
            path,
            f"def downgrade_{name}() -> None:\n    pass",
            f'def downgrade_{name}() -> None:\n    op.drop_table("{table}")',
        )
    result = run_cli(["upgrade", "head"], cwd=project)
    assert result.exit_code == 0, result.output
    for name, other in (("engine1", "engine2"), ("engine2", "engine1")):
        engine = sa.create_engine(f"sqlite:///{project / (name + '.db')}")
        tables = set(sa.inspect(engine).get_table_names())
        assert f"only_in_{name}" in tables and f"only_in_{other}" not in tables
        assert version_rows(engine) == ["m1"]
        engine.dispose()

    result = run_cli(["upgrade", "base:head", "--sql"], cwd=project)
    assert result.exit_code == 0, result.output
    sql1 = (project / "engine1.sql").read_text("utf-8")
    assert "CREATE TABLE only_in_engine1" in sql1
    assert "only_in_engine2" not in sql1

    result = run_cli(["downgrade", "base"], cwd=project)
    assert result.exit_code == 0, result.output
    engine = sa.create_engine(f"sqlite:///{project / 'engine2.db'}")
    assert "only_in_engine2" not in sa.inspect(engine).get_table_names()
    assert version_rows(engine) == []
    engine.dispose()


ARGS_ENV = """
import json
from schemadiff import context

config = context.config
record = {
    "offline": context.is_offline_mode(),
    "tag": context.get_tag_argument(),
    "x": context.get_x_argument(as_dictionary=True),
    "destination": context.get_revision_argument(),
    "head": context.get_head_revision(),
}
if context.is_offline_mode():
    record["start"] = context.get_starting_revision_argument()
    context.configure(url=config.get_main_option("sqlalchemy.url"))
    context.static_output("-- tagged " + str(context.get_tag_argument()))
    with context.begin_transaction():
        context.run_migrations(greeting="hello offline")
else:
    from sqlalchemy import engine_from_config, pool

    engine = engine_from_config(
        config.get_section(config.config_ini_section), poolclass=pool.NullPool
    )
    applied = []

    def on_apply(ctx, step, heads, run_args):
        applied.append(
            [step.up_revision_id, list(step.down_revision_ids), sorted(heads),
             run_args, step.is_upgrade, step.is_stamp]
        )

    with engine.connect() as connection:
        context.configure(connection=connection, on_version_apply=on_apply)
        record["transactional"] = context.is_transactional_ddl()
        with context.begin_transaction():
            context.run_migrations(greeting="hello")
    record["applied"] = applied
with open(config.get_main_option("record_file"), "w") as fh:
    json.dump(record, fh)
"""

KW_REVISION = """
def upgrade(greeting=None):
    op.execute(sa.text("CREATE TABLE greet (word VARCHAR(40))"))
    op.execute(sa.text("INSERT INTO greet (word) VALUES ('%s')" % greeting))


def downgrade(greeting=None):
    op.execute(sa.text("DROP TABLE greet"))
"""


def test_env_arguments_kw_and_on_version_apply(tmp_path, backend):
    project = Project(tmp_path, backend)
    record_file = tmp_path / "record.json"
    (project.path / "migrations" / "env.py").write_text(ARGS_ENV, "utf-8")
    ini = project.path / "schemadiff.ini"
    _fill(ini, "[schemadiff]\n", f"[schemadiff]\nrecord_file = {record_file}\n")
    project.cli("revision", "-m", "first", "--rev-id", "k1")
    (first,) = project.versions.glob("k1_*.py")
    _fill(first, "def upgrade() -> None:", "def upgrade(**kw) -> None:")
    _fill(first, "def downgrade() -> None:", "def downgrade(**kw) -> None:")
    project.cli("revision", "-m", "second", "--rev-id", "k2")
    (path,) = project.versions.glob("k2_*.py")
    text = path.read_text("utf-8")
    text = text[: text.index("def upgrade()")] + KW_REVISION.lstrip()
    path.write_text(text, "utf-8")

    project.cli("-x", "data=true", "-x", "who=me", "upgrade", "head", "--tag", "t1")
    record = json.loads(record_file.read_text())
    assert record["offline"] is False
    assert record["tag"] == "t1"
    assert record["x"] == {"data": "true", "who": "me"}
    assert record["destination"] == "k2"
    assert record["head"] == "k2"
    assert record["transactional"] is (backend.name != "mariadb")
    assert record["applied"] == [
        ["k1", [], ["k1"], {"greeting": "hello"}, True, False],
        ["k2", ["k1"], ["k2"], {"greeting": "hello"}, True, False],
    ]
    with backend.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT word FROM greet")).scalar() == "hello"

    project.cli("stamp", "k1")
    record = json.loads(record_file.read_text())
    assert record["applied"] == [
        ["k2", ["k1"], ["k1"], {"greeting": "hello"}, False, True]
    ]

    out = project.cli("upgrade", "k1:head", "--sql", "--tag", "t2").output
    record = json.loads(record_file.read_text())
    assert record["start"] == "k1" and record["offline"] is True
    assert "-- tagged t2" in out
    assert "INSERT INTO greet (word) VALUES ('hello offline');" in out
    assert "-- Running upgrade k1 -> k2" in out


def test_current_verbose_masks_password(tmp_path, postgresql_backend):
    url = make_url(postgresql_backend.url).set(password="s3cretpw")
    project = Project(tmp_path, postgresql_backend)
    set_url(project.path / "schemadiff.ini", url.render_as_string(hide_password=False))
    project.cli("revision", "-m", "one", "--rev-id", "p1")
    project.cli("upgrade", "head")
    out = project.cli("current", "-v").output
    assert "s3cretpw" not in out
    assert "Current revision(s) for postgresql+psycopg://root:***@" in out


def test_autocommit_block_runs_concurrent_index(postgresql_backend):
    engine = postgresql_backend.engine
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn)
        with ctx.begin_transaction():
            ctx.execute("CREATE TABLE ac (id INTEGER)")
            with ctx.autocommit_block():
                ctx.execute("CREATE INDEX CONCURRENTLY ix_ac_id ON ac (id)")
            ctx.execute("INSERT INTO ac (id) VALUES (1)")
    assert [ix["name"] for ix in sa.inspect(engine).get_indexes("ac")] == ["ix_ac_id"]
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM ac")).scalar() == 1

    buf = io.StringIO()
    ctx = MigrationContext.configure(
        dialect_name="postgresql", opts={"as_sql": True, "output_buffer": buf}
    )
    with ctx.begin_transaction():
        ctx.execute("SELECT 1")
        with ctx.autocommit_block():
            ctx.execute("SELECT 2")
    assert buf.getvalue().split() == [
        "BEGIN;",
        "SELECT",
        "1;",
        "COMMIT;",
        "SELECT",
        "2;",
        "BEGIN;",
        "COMMIT;",
    ]


def test_history_indicate_current_and_programmatic_current(tmp_path, backend):
    project = Project(tmp_path, backend)
    project.cli("revision", "-m", "one", "--rev-id", "h1")
    project.cli("revision", "-m", "two", "--rev-id", "h2")
    project.cli("upgrade", "h1")
    lines = project.output_lines("history", "-i")
    assert "<base> -> h1 (current), one" in lines
    assert "h1 -> h2 (head), two" in lines
    buf = io.StringIO()
    cfg = Config(str(project.path / "schemadiff.ini"), stdout=buf)
    command.current(cfg)
    assert buf.getvalue().strip() == "h1"
    assert running_lines(project.cli("upgrade", "head").output) == [
        "Running upgrade h1 -> h2, two"
    ]


def test_migration_context_stamp_outside_env(tmp_path, backend):
    """Cookbook "Building an Up to Date Database from Scratch": create, then stamp."""
    from schemadiff.script import ScriptDirectory

    project = Project(tmp_path, backend)
    project.cli("revision", "-m", "one", "--rev-id", "s1")
    project.cli("revision", "-m", "two", "--rev-id", "s2")
    script = ScriptDirectory.from_config(Config(str(project.path / "schemadiff.ini")))
    with backend.engine.connect() as conn:
        ctx = MigrationContext.configure(conn)
        with ctx.begin_transaction():
            ctx.stamp(script, "head")
    assert project.rows() == ["s2"]
    with backend.engine.connect() as conn:
        ctx = MigrationContext.configure(conn)
        assert ctx.get_current_revision() == "s2"
        with ctx.begin_transaction():
            ctx.stamp(script, "s1")
    assert project.rows() == ["s1"]
