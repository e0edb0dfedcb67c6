"""MigrationContext on its own: version table, transactions, offline output."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from schemadiff.migration import MigrationContext as ReexportedContext
from schemadiff.runtime.migration import MigrationContext, MigrationError
from schemadiff.runtime.version_table import row_changes
from schemadiff.script.steps import MigrationStep, StampStep
from schemadiff.util import CommandError


class FakeStep(MigrationStep):
    """A revision-like step whose migration is a plain callable."""

    def __init__(self, rev, parents, fn, is_upgrade=True, doc=None):
        self.rev = rev
        self.parents = tuple(parents)
        self.migration_fn = fn
        self.is_upgrade = is_upgrade
        self._doc = doc

    @property
    def doc(self):
        return self._doc

    @property
    def from_revisions(self):
        return self.parents if self.is_upgrade else (self.rev,)

    @property
    def to_revisions(self):
        return (self.rev,) if self.is_upgrade else self.parents

    def head_changes(self, heads):
        if self.is_upgrade:
            return [p for p in self.parents if p in heads], [self.rev]
        return [self.rev], list(self.parents)


def _rows(engine, table="schemadiff_version"):
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table(table):
            return None
        return sorted(
            r[0] for r in conn.execute(sa.text(f"SELECT version_num FROM {table}"))
        )


def _tables(engine):
    return set(sa.inspect(engine).get_table_names())


def test_reexported_under_migration_module():
    assert ReexportedContext is MigrationContext


@pytest.mark.parametrize(
    "removed, added, expected",
    [
        ([], ["a"], [("insert", None, "a")]),
        (["a"], ["b"], [("update", "a", "b")]),
        (["a", "b"], ["c"], [("delete", "a", None), ("update", "b", "c")]),
        (["a"], [], [("delete", "a", None)]),
        (["c"], ["a", "b"], [("update", "c", "b"), ("insert", None, "a")]),
    ],
)
def test_row_changes(removed, added, expected):
    assert row_changes(removed, added) == expected


def test_current_revision_of_an_engine(backend):
    with backend.engine.connect() as conn:
        ctx = MigrationContext.configure(conn)
        assert ctx.get_current_revision() is None
        assert ctx.get_current_heads() == ()
        ctx.version_store.create()
        ctx.version_store.insert("abc123")
        conn.commit()
    with backend.engine.connect() as conn:
        ctx = MigrationContext.configure(conn)
        assert ctx.get_current_revision() == "abc123"
        ctx.version_store.insert("def456")
        assert set(ctx.get_current_heads()) == {"abc123", "def456"}
        with pytest.raises(CommandError, match="more than one head"):
            ctx.get_current_revision()


def test_custom_version_table_and_no_pk(backend):
    with backend.engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"version_table": "alembic_version", "version_table_pk": False}
        )
        ctx.version_store.create()
        conn.commit()
    insp = sa.inspect(backend.engine)
    assert "alembic_version" in insp.get_table_names()
    assert insp.get_pk_constraint("alembic_version")["constrained_columns"] == []


def test_version_table_in_other_schema(server_backend):
    other = server_backend.make_schema()
    with server_backend.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"version_table_schema": other})
        ctx.version_store.create()
        ctx.version_store.insert("r1")
        conn.commit()
        assert ctx.get_current_heads() == ("r1",)
    assert "schemadiff_version" in sa.inspect(server_backend.engine).get_table_names(
        schema=other
    )
    assert "schemadiff_version" not in _tables(server_backend.engine)


def _run(conn, steps, **opts):
    ctx = MigrationContext.configure(conn, opts={"fn": lambda heads, c: steps, **opts})
    with ctx.begin_transaction():
        ctx.run_migrations()
    return ctx


def test_branch_open_merge_and_close(backend):
    log = []
    steps = [
        FakeStep("a", [], lambda: log.append("a")),
        FakeStep("b", ["a"], lambda: log.append("b")),
        FakeStep("c", ["a"], lambda: log.append("c")),
        FakeStep("d", ["b", "c"], lambda: log.append("d")),
    ]
    with backend.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"fn": lambda heads, c: steps[:3]})
        with ctx.begin_transaction():
            ctx.run_migrations()
    assert log == ["a", "b", "c"]
    assert _rows(backend.engine) == ["b", "c"]
    with backend.engine.connect() as conn:
        _run(conn, steps[3:])
    assert _rows(backend.engine) == ["d"]
    with backend.engine.connect() as conn:
        _run(conn, [StampStep(("d",), (), False)])
    assert _rows(backend.engine) == []


def test_failure_rolls_back_or_keeps_last_completed(backend):
    """A failing step: transactional backends keep nothing, MariaDB keeps done work."""

    def make_table(name):
        def fn():
            ctx.execute(f"CREATE TABLE {name} (id INTEGER PRIMARY KEY)")

        return fn

    def insert_then_fail():
        ctx.execute("INSERT INTO t1 (id) VALUES (1)")
        raise RuntimeError("boom")

    steps = [
        FakeStep("r1", [], make_table("t1"), doc="one"),
        FakeStep("r2", ["r1"], make_table("t2"), doc="two"),
        FakeStep("r3", ["r2"], insert_then_fail, doc="three"),
    ]
    with backend.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"fn": lambda heads, c: steps})
        with pytest.raises(MigrationError) as info:
            with ctx.begin_transaction():
                ctx.run_migrations()
    assert "r3" in str(info.value) and "RuntimeError: boom" in str(info.value)
    assert isinstance(info.value.__cause__, RuntimeError)
    with backend.engine.connect() as conn:
        rows = (
            conn.execute(sa.text("SELECT count(*) FROM t1")).scalar()
            if ("t1" in _tables(backend.engine))
            else None
        )
    if backend.name == "mariadb":
        assert _rows(backend.engine) == ["r2"]
        assert {"t1", "t2"} <= _tables(backend.engine)
        assert rows == 0
    else:
        assert _rows(backend.engine) in (None, [])
        assert not {"t1", "t2"} & _tables(backend.engine)


def test_transaction_per_migration_keeps_completed_steps(backend):
    def make_table(name):
        def fn():
            ctx.execute(f"CREATE TABLE {name} (id INTEGER PRIMARY KEY)")

        return fn

    def fail():
        raise ValueError("nope")

    steps = [
        FakeStep("r1", [], make_table("t1")),
        FakeStep("r2", ["r1"], fail),
    ]
    with backend.engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn,
            opts={"fn": lambda heads, c: steps, "transaction_per_migration": True},
        )
        with pytest.raises(MigrationError, match="r2"):
            with ctx.begin_transaction():
                ctx.run_migrations()
    assert _rows(backend.engine) == ["r1"]
    assert "t1" in _tables(backend.engine)


def test_external_transaction_is_left_to_the_caller(backend):
    steps = [FakeStep("r1", [], lambda: None)]
    with backend.engine.connect() as conn:
        conn.begin()
        _run(conn, steps)
        assert conn.in_transaction()
        conn.rollback()
    assert _rows(backend.engine) in (None, [])
    with backend.engine.begin() as conn:
        _run(conn, steps)
    assert _rows(backend.engine) == ["r1"]


def test_autocommit_block(backend):
    with backend.engine.connect() as conn:
        ctx = MigrationContext.configure(conn)
        with ctx.begin_transaction():
            ctx.execute("CREATE TABLE t1 (id INTEGER PRIMARY KEY)")
            with ctx.autocommit_block():
                assert conn.get_isolation_level() == "AUTOCOMMIT" or (
                    conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT"
                )
                ctx.execute("CREATE TABLE t2 (id INTEGER PRIMARY KEY)")
            ctx.execute("CREATE TABLE t3 (id INTEGER PRIMARY KEY)")
            assert conn.in_transaction()
    assert {"t1", "t2", "t3"} <= _tables(backend.engine)


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql", "mysql"])
def test_offline_output(dialect):
    buf = io.StringIO()
    ran = []

    steps = [
        FakeStep(
            "a1", [], lambda: ran.append(1) or ctx.execute("CREATE TABLE t (x INT)")
        ),
        FakeStep("b2", ["a1"], lambda: None, doc="second"),
    ]
    ctx = MigrationContext.configure(
        dialect_name=dialect,
        opts={"as_sql": True, "output_buffer": buf, "fn": lambda heads, c: steps},
    )
    with ctx.begin_transaction():
        ctx.run_migrations()
    out = buf.getvalue()
    assert ran == [1]
    assert "CREATE TABLE IF NOT EXISTS schemadiff_version" in out
    assert "-- Running upgrade  -> a1" in out
    assert "-- Running upgrade a1 -> b2" in out
    assert "INSERT INTO schemadiff_version (version_num) VALUES ('a1');" in out
    assert "SET version_num='b2' WHERE schemadiff_version.version_num = 'a1';" in out
    assert "CREATE TABLE t (x INT);" in out
    if dialect == "mysql":
        assert out.count("BEGIN;") == 2 and out.count("COMMIT;") == 2
    else:
        assert out.count("BEGIN;") == 1 and out.count("COMMIT;") == 1
        assert out.index("BEGIN;") < out.index(
            "CREATE TABLE IF NOT EXISTS schemadiff_version"
        )
        assert out.rstrip().endswith("COMMIT;")


def _offline_downgrade_a1(destination: str) -> str:
    buf = io.StringIO()
    steps = [FakeStep("a1", [], lambda: None, is_upgrade=False)]
    ctx = MigrationContext.configure(
        dialect_name="postgresql",
        opts={
            "as_sql": True,
            "output_buffer": buf,
            "fn": lambda heads, c: steps,
            "starting_rev": "a1",
            "destination_rev": destination,
        },
    )
    with ctx.begin_transaction():
        ctx.run_migrations()
    return buf.getvalue()


def test_offline_downgrade_to_nothing_keeps_the_empty_table():
    """As online: the version table outlives ``base``."""
    out = _offline_downgrade_a1("base")
    assert (
        "DELETE FROM schemadiff_version WHERE schemadiff_version.version_num = 'a1';"
        in out
    )
    assert "DROP TABLE" not in out
    assert "CREATE TABLE" not in out


def test_offline_downgrade_to_label_base_keeps_table():
    # Other branches may have rows the script's start doesn't show.
    out = _offline_downgrade_a1("lbl@base")
    assert "DELETE FROM schemadiff_version" in out
    assert "DROP TABLE" not in out


def test_configure_needs_a_target():
    with pytest.raises(CommandError, match="connection, url or dialect_name"):
        MigrationContext.configure()
    with pytest.raises(CommandError, match="Unknown database dialect"):
        MigrationContext.configure(url="nosuchdb://")
