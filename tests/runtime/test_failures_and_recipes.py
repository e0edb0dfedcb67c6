"""A migration failing halfway, and the cookbook recipes that use the runtime."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from schemadiff import command
from schemadiff.config import Config
from schemadiff.runtime.migration import MigrationError
from tests.runtime._util import Project, running_lines, set_bodies

R1, R2, R3 = "aaa111", "bbb222", "ccc333"

FAILING_R3 = """
if not sa.inspect(op.get_bind()).has_table("t3"):
    op.create_table("t3", sa.Column("id", sa.Integer, primary_key=True))
op.execute("INSERT INTO t1 (id) VALUES (1)")
raise RuntimeError("halfway there")
"""


def _count(engine, table):
    with engine.connect() as conn:
        return conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()


def test_failure_halfway_then_resume(tmp_path, backend):
    project = Project(tmp_path, backend)
    for rev, name in ((R1, "t1"), (R2, "t2")):
        project.revision(
            rev,
            f"make {name}",
            f'op.create_table("{name}", sa.Column("id", sa.Integer, primary_key=True))',
            f'op.drop_table("{name}")',
        )
    r3 = project.revision(R3, "fill t1", FAILING_R3, 'op.execute("DELETE FROM t1")')

    result = project.cli("upgrade", "head", ok=False)
    assert result.exit_code == 1
    failed = [line for line in result.output.splitlines() if line.startswith("FAILED")]
    line = f"FAILED: upgrade of revision {R3} (fill t1) failed: RuntimeError: "
    line += "halfway there"
    if backend.name == "mariadb":
        # the server committed the CREATE TABLE: the line says what stays
        line += (
            "; 1 statement of it ran before the failure and stays applied (the "
            "server commits DDL as it runs): CREATE TABLE t3 ( id INTEGER NOT NULL "
            f"AUTO_INCREMENT, PRIMARY KEY (id) ); the version table still names {R2}"
            ", so undo them by hand or finish the revision before running it again"
        )
    assert failed == [line]
    assert "Traceback" not in result.output

    if backend.name == "mariadb":
        # DDL commits implicitly: what completed is recorded, the failed
        # revision's own transaction (its INSERT) is rolled back.
        assert project.rows() == [R2]
        assert {"t1", "t2", "t3"} <= project.tables()
        assert _count(backend.engine, "t1") == 0
    else:
        # One transaction for the run: nothing happened at all.
        assert project.rows() in (None, [])
        assert not {"t1", "t2", "t3"} & project.tables()

    # Fix the revision; the next upgrade picks up where the database is.
    set_bodies_text = r3.read_text("utf-8").replace(
        '    raise RuntimeError("halfway there")\n', ""
    )
    r3.write_text(set_bodies_text, "utf-8")
    out = project.cli("upgrade", "head").output
    expected = [f"Running upgrade {R2} -> {R3}, fill t1"]
    if backend.name != "mariadb":
        expected = [
            f"Running upgrade  -> {R1}, make t1",
            f"Running upgrade {R1} -> {R2}, make t2",
        ] + expected
    assert running_lines(out) == expected
    assert project.rows() == [R3]
    assert _count(backend.engine, "t1") == 1
    assert {"t1", "t2", "t3"} <= project.tables()


def test_failure_with_transaction_per_migration(tmp_path, backend):
    project = Project(tmp_path, backend)
    env = project.path / "migrations" / "env.py"
    text = env.read_text("utf-8")
    env.write_text(
        text.replace(
            "        connection=connection,\n",
            "        connection=connection,\n        transaction_per_migration=True,\n",
            1,
        ),
        "utf-8",
    )
    assert "transaction_per_migration=True" in env.read_text("utf-8")
    project.revision(
        R1,
        "make t1",
        'op.create_table("t1", sa.Column("id", sa.Integer, primary_key=True))',
        'op.drop_table("t1")',
    )
    project.revision(
        R2,
        "break",
        'op.create_table("t2", sa.Column("id", sa.Integer, primary_key=True))\n'
        'op.execute("INSERT INTO nosuchtable VALUES (1)")',
        'op.drop_table("t2")',
    )
    result = project.cli("upgrade", "head", ok=False)
    assert result.exit_code == 1
    assert f"upgrade of revision {R2} (break) failed" in result.output
    assert project.rows() == [R1]
    assert "t1" in project.tables()
    if backend.name != "mariadb":
        assert "t2" not in project.tables()


def test_raiseerr_shows_traceback(tmp_path):
    from tests.conftest import make_backend

    backend = make_backend("sqlite", tmp_path)
    project = Project(tmp_path, backend)
    project.revision(R1, "boom", 'raise KeyError("x")', "pass")
    result = project.cli("--raiseerr", "upgrade", "head", ok=False)
    assert result.exit_code == 1
    assert isinstance(result.exception, MigrationError)
    assert isinstance(result.exception.__cause__, KeyError)
    cfg = Config(str(project.path / "schemadiff.ini"))
    with pytest.raises(MigrationError, match=f"upgrade of revision {R1}"):
        command.upgrade(cfg, "head")
    assert project.rows() in (None, [])


def test_failed_revision_raises_the_original_class_too(tmp_path, backend):
    """Alembic lets a revision's error propagate as it is; programs catching
    SQLAlchemy's classes around command.upgrade() must still catch it."""
    project = Project(tmp_path, backend)
    path = project.revision(R1, "nested begin", "op.get_bind().begin()", "pass")
    cfg = Config(str(project.path / "schemadiff.ini"))
    with pytest.raises(sa.exc.InvalidRequestError, match="already") as info:
        command.upgrade(cfg, "head")
    assert isinstance(info.value, MigrationError)
    assert str(info.value).startswith(f"upgrade of revision {R1} (nested begin)")
    assert isinstance(info.value.__cause__, sa.exc.InvalidRequestError)
    assert project.rows() in (None, [])

    text = path.read_text("utf-8").replace(
        "op.get_bind().begin()", 'op.execute("INSERT INTO nosuchtable VALUES (1)")'
    )
    path.write_text(text, "utf-8")
    with pytest.raises(sa.exc.DBAPIError) as info:
        command.upgrade(cfg, "head")
    error = info.value
    assert isinstance(error, MigrationError)
    # the original's attributes come along, its message stays one line
    assert error.orig is error.__cause__.orig
    assert "nosuchtable" in error.statement
    assert "\n" not in str(error)
    assert project.rows() in (None, [])


CONDITIONAL_REVISION = '''"""rev one

Revision ID: 3ba2b522d10d
Revises: None
"""

# revision identifiers, used by schemadiff.
revision = "3ba2b522d10d"
down_revision = None

from schemadiff import op
import sqlalchemy as sa
from sqlalchemy import String, Column
from sqlalchemy.sql import table, column

from schemadiff import context


def upgrade():
    schema_upgrades()
    if context.get_x_argument(as_dictionary=True).get("data", None):
        data_upgrades()


def downgrade():
    if context.get_x_argument(as_dictionary=True).get("data", None):
        data_downgrades()
    schema_downgrades()


def schema_upgrades():
    """schema upgrade migrations go here."""
    op.create_table("my_table", Column("data", String(50)))


def schema_downgrades():
    """schema downgrade migrations go here."""
    op.drop_table("my_table")


def data_upgrades():
    """Add any optional data upgrade migrations here!"""

    my_table = table("my_table", column("data", String))

    op.bulk_insert(
        my_table,
        [
            {"data": "data 1"},
            {"data": "data 2"},
            {"data": "data 3"},
        ],
    )


def data_downgrades():
    """Add any optional data downgrade migrations here!"""

    op.execute("delete from my_table")
'''


def test_conditional_migration_elements(tmp_path, backend):
    """Cookbook: "Conditional Migration Elements" with ``-x data=true``."""
    project = Project(tmp_path, backend)
    (project.versions / "3ba2b522d10d_rev_one.py").write_text(
        CONDITIONAL_REVISION, "utf-8"
    )
    project.cli("upgrade", "head")
    assert _count(backend.engine, "my_table") == 0
    project.cli("downgrade", "base")
    assert "my_table" not in project.tables()

    project.cli("-x", "data=true", "upgrade", "head")
    assert project.rows() == ["3ba2b522d10d"]
    with backend.engine.connect() as conn:
        data = conn.execute(sa.text("SELECT data FROM my_table ORDER BY data"))
        assert [row[0] for row in data] == ["data 1", "data 2", "data 3"]

    out = project.cli("-x", "data=true", "upgrade", "base:head", "--sql").output
    assert "INSERT INTO my_table (data) VALUES ('data 1')" in out
    out = project.cli("upgrade", "base:head", "--sql").output
    assert "INSERT INTO my_table" not in out

    project.cli("-x", "data=true", "downgrade", "base")
    assert "my_table" not in project.tables()
    assert project.rows() == []


def _write_revision(project: Project, rev: str, down: str | None, table: str) -> None:
    project.cli("revision", "-m", f"make {table}", "--rev-id", rev)
    (path,) = project.versions.glob(f"{rev}_*.py")
    set_bodies(
        path,
        f'op.create_table("{table}", sa.Column("id", sa.Integer, primary_key=True))',
        f'op.drop_table("{table}")',
    )


def test_sharing_a_connection(tmp_path, backend):
    """Cookbook: "Sharing a Connection" through ``Config.attributes``."""
    project = Project(tmp_path, backend)
    _write_revision(project, R1, None, "t1")
    _write_revision(project, R2, R1, "t2")

    cfg = Config(str(project.path / "schemadiff.ini"))
    with backend.engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, R1)
        command.upgrade(cfg, "head")
        command.current(cfg)
        # Still inside the caller's transaction: the caller commits.
        assert connection.in_transaction()
    assert project.rows() == [R2]
    assert {"t1", "t2"} <= project.tables()

    # One transaction across commands: the caller's rollback undoes both.
    class Abort(Exception):
        pass

    with pytest.raises(Abort):
        with backend.engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.downgrade(cfg, R1)
            command.stamp(cfg, "base")
            raise Abort()
    if backend.name == "mariadb":
        # MariaDB commits DDL implicitly, so the caller's rollback can't bring
        # the dropped table back (only the DML since then is undone).
        assert "t2" not in project.tables()
        cfg.attributes.pop("connection")
        command.stamp(cfg, R1, purge=True)
    else:
        assert project.rows() == [R2]
        assert "t2" in project.tables()

    # A connection the caller did not begin: schemadiff commits its own work.
    with backend.engine.connect() as connection:
        cfg.attributes["connection"] = connection
        command.stamp(cfg, R1)
    assert project.rows() == [R1]
