"""batch_alter_table: SQLite "move and copy", plain ALTERs elsewhere, same script."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from schemadiff.util import CommandError
from tests.conftest import make_backend
from tests.operations._util import offline, online, rows, statements


def _setup(op) -> None:
    op.create_table(
        "parent",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(20)),
    )
    child = op.create_table(
        "child",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "parent_id",
            sa.Integer,
            sa.ForeignKey("parent.id", name="fk_child_parent", ondelete="CASCADE"),
        ),
        sa.Column("name", sa.String(20)),
        sa.Column("old", sa.Integer),
        sa.Column("amount", sa.Integer, server_default="0"),
        sa.Column("code", sa.String(10)),
    )
    op.create_table(
        "toy",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("child_id", sa.Integer, sa.ForeignKey("child.id", name="fk_toy")),
    )
    op.execute("INSERT INTO parent (id, name) VALUES (1, 'p1'), (2, 'p2')")
    op.bulk_insert(
        child,
        [
            {"id": 3, "parent_id": 2, "name": "c", "old": 9, "amount": 30, "code": "x"},
            {"id": 1, "parent_id": 1, "name": "a", "old": 9, "amount": 10, "code": "y"},
            {"id": 2, "parent_id": 1, "name": "b", "old": 9, "amount": 20, "code": "z"},
        ],
    )
    op.execute("INSERT INTO toy (id, child_id) VALUES (1, 3)")


def _migrate(op) -> None:
    """The script under test: written once, run unchanged on every backend."""
    with op.batch_alter_table("child") as batch_op:
        batch_op.drop_column("old")
        batch_op.alter_column("amount", type_=sa.BigInteger, existing_type=sa.Integer)
        batch_op.alter_column("name", nullable=False, existing_type=sa.String(20))
        batch_op.alter_column(
            "code", new_column_name="sku", existing_type=sa.String(10)
        )
        batch_op.create_unique_constraint("uq_child_sku", ["sku"])
        batch_op.create_check_constraint("ck_child_amount", "amount >= 0")
        batch_op.create_index("ix_child_name", ["name"])
    with op.batch_alter_table("child") as batch_op:
        batch_op.drop_constraint("uq_child_sku", type_="unique")
        batch_op.add_column(sa.Column("extra", sa.String(5), server_default="e"))
        batch_op.create_unique_constraint("uq_child_name_sku", ["name", "sku"])


def test_same_batch_script_on_every_backend(backend) -> None:
    engine = backend.engine
    with online(engine) as op:
        _setup(op)
    with online(engine) as op:
        _migrate(op)

    insp = sa.inspect(engine)
    cols = {c["name"]: c for c in insp.get_columns("child")}
    assert list(cols) == ["id", "parent_id", "name", "amount", "sku", "extra"]
    assert isinstance(cols["amount"]["type"], sa.BigInteger)
    assert cols["name"]["nullable"] is False
    assert "0" in cols["amount"]["default"]
    # rows and their values survive
    assert rows(
        engine, "SELECT id, parent_id, name, amount, sku, extra FROM child ORDER BY id"
    ) == [
        (1, 1, "a", 10, "y", "e"),
        (2, 1, "b", 20, "z", "e"),
        (3, 2, "c", 30, "x", "e"),
    ]
    (fk,) = insp.get_foreign_keys("child")
    assert fk["name"] == "fk_child_parent" and fk["referred_table"] == "parent"
    assert fk["options"].get("ondelete") == "CASCADE"
    (toy_fk,) = insp.get_foreign_keys("toy")
    assert toy_fk["referred_table"] == "child" and toy_fk["referred_columns"] == ["id"]
    uniques = {
        u["name"]: u["column_names"] for u in insp.get_unique_constraints("child")
    }
    assert uniques == {"uq_child_name_sku": ["name", "sku"]}
    assert "ck_child_amount" in {c["name"] for c in insp.get_check_constraints("child")}
    assert "ix_child_name" in {i["name"] for i in insp.get_indexes("child")}
    assert set(insp.get_table_names()) == {"parent", "child", "toy"}
    if backend.name == "sqlite":
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        # the CHECK really is enforced after the rebuild
        with pytest.raises(sa.exc.IntegrityError):
            with engine.begin() as conn:
                conn.exec_driver_sql(
                    "INSERT INTO child (id, name, amount, sku) VALUES (9, 'n', -1, 'q')"
                )


def test_sqlite_native_alters_skip_the_rebuild(tmp_path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    statements_seen: list[str] = []
    sa.event.listen(
        engine, "before_cursor_execute", lambda *a: statements_seen.append(a[2])
    )
    with online(engine) as op:
        op.create_table("t", sa.Column("id", sa.Integer, primary_key=True))
        statements_seen.clear()
        with op.batch_alter_table("t") as batch_op:
            batch_op.add_column(sa.Column("a", sa.Integer, server_default="1"))
            batch_op.create_index("ix_t_a", ["a"])
        assert [s.split()[0] for s in statements_seen if s != "BEGIN"] == [
            "ALTER",
            "CREATE",
        ]
        with op.batch_alter_table("t", recreate="never") as batch_op:
            batch_op.drop_index("ix_t_a")
    assert sa.inspect(engine).get_indexes("t") == []


def test_recreate_always_with_ordering_and_table_args(tmp_path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with online(engine) as op:
        op.create_table(
            "t",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("a", sa.Integer),
            sa.Column("b", sa.Integer),
            sa.Column("flag", sa.Integer),
        )
        op.execute("INSERT INTO t VALUES (1, 10, 20, 1)")
        with op.batch_alter_table(
            "t",
            recreate="always",
            partial_reordering=[("b", "a")],
            reflect_args=[sa.Column("flag", sa.Boolean)],
            table_args=[sa.CheckConstraint("a < 100", name="ck_small")],
        ) as batch_op:
            batch_op.add_column(sa.Column("first", sa.Integer), insert_before="id")
            batch_op.add_column(sa.Column("mid", sa.Integer), insert_after="b")
            batch_op.create_table_comment("ignored on sqlite")
        # a table without a rowid alias: the copy keeps the physical row order
        op.create_table("np", sa.Column("k", sa.String(5)), sa.Column("v", sa.Integer))
        op.execute("INSERT INTO np VALUES ('c', 3), ('a', 1), ('b', 2)")
        with op.batch_alter_table("np") as batch_op:
            batch_op.alter_column("v", type_=sa.String(5))
    assert rows(engine, "SELECT k, v FROM np") == [("c", "3"), ("a", "1"), ("b", "2")]
    insp = sa.inspect(engine)
    names = [c["name"] for c in insp.get_columns("t")]
    assert names[:2] == ["first", "id"] and names[-1] == "flag"
    assert names.index("b") < names.index("a")
    assert names.index("b") < names.index("mid")
    assert isinstance(insp.get_columns("t")[-1]["type"], sa.Boolean)
    assert {c["name"] for c in insp.get_check_constraints("t")} == {"ck_small"}
    assert rows(engine, "SELECT id, a, b, flag FROM t") == [(1, 10, 20, 1)]


def test_failed_rebuild_leaves_table_intact(tmp_path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with online(engine) as op:
        op.create_table("t", sa.Column("id", sa.Integer), sa.Column("v", sa.Integer))
        op.execute("INSERT INTO t VALUES (1, 5), (2, 5)")
    with pytest.raises(CommandError, match=r"batch_alter_table\('t'\): rebuilding"):
        with online(engine) as op:
            with op.batch_alter_table("t") as batch_op:
                batch_op.create_unique_constraint("uq_t_v", ["v"])
    assert sa.inspect(engine).get_table_names() == ["t"]
    assert rows(engine, "SELECT id, v FROM t") == [(1, 5), (2, 5)]
    assert sa.inspect(engine).get_unique_constraints("t") == []


def test_batch_errors_name_table_and_column(backend) -> None:
    engine = backend.engine
    with online(engine) as op:
        op.create_table("t", sa.Column("id", sa.Integer), sa.Column("v", sa.Integer))
    cases = [
        (
            lambda b: b.drop_column("nope"),
            "nope",
        ),
        (
            lambda b: b.alter_column(
                "nope", new_column_name="x", existing_type=sa.Integer
            ),
            "nope",
        ),
    ]
    for call, column in cases:
        with pytest.raises(CommandError, match=f"'?t'?.*{column}"):
            with online(engine) as op:
                with op.batch_alter_table("t") as batch_op:
                    call(batch_op)
    with pytest.raises(CommandError, match="'missing'"):
        with online(engine) as op:
            with op.batch_alter_table("missing", recreate="always") as batch_op:
                batch_op.drop_column("v")
    with pytest.raises(CommandError, match="recreate must be"):
        with online(engine) as op:
            with op.batch_alter_table("t", recreate="sometimes"):
                pass
    with pytest.raises(CommandError, match="add_column on table 't'.*got 'v'"):
        with online(engine) as op:
            with op.batch_alter_table("t") as batch_op:
                batch_op.add_column("v")
    assert [c["name"] for c in sa.inspect(engine).get_columns("t")] == ["id", "v"]


def test_offline_batch_needs_copy_from_and_uses_it() -> None:
    op, buf = offline("sqlite")
    with pytest.raises(CommandError, match="copy_from"):
        with op.batch_alter_table("t") as batch_op:
            batch_op.drop_column("b")
    buf.truncate(0)
    buf.seek(0)
    existing = sa.Table(
        "t",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("a", sa.Integer),
        sa.Column("b", sa.String(5)),
        sa.Index("ix_t_a", "a"),
    )
    with op.batch_alter_table("t", copy_from=existing) as batch_op:
        batch_op.drop_column("b")
        batch_op.alter_column("a", type_=sa.String(10), nullable=False)
    assert statements(buf) == [
        "CREATE TABLE _schemadiff_tmp_t ( id INTEGER NOT NULL, a VARCHAR(10) NOT NULL, "
        "PRIMARY KEY (id) )",
        "INSERT INTO _schemadiff_tmp_t (id, a) SELECT t.id, CAST(t.a AS VARCHAR(10)) "
        "AS a FROM t",
        "DROP TABLE t",
        "ALTER TABLE _schemadiff_tmp_t RENAME TO t",
        "CREATE INDEX ix_t_a ON t (a)",
    ]


def test_naming_convention_names_unnamed_reflected_constraints(tmp_path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    convention = {
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
    }
    with online(engine) as op:
        op.create_table("p", sa.Column("id", sa.Integer, primary_key=True))
        op.create_table(
            "c",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("pid", sa.Integer, sa.ForeignKey("p.id")),
            sa.Column("u", sa.Integer, unique=True),
            sa.Column("v", sa.Integer, unique=True),
        )
        with op.batch_alter_table("c", naming_convention=convention) as batch_op:
            batch_op.drop_constraint("fk_c_pid_p", type_="foreignkey")
            batch_op.drop_constraint("uq_c_u", type_="unique")
    insp = sa.inspect(engine)
    assert insp.get_foreign_keys("c") == []
    # the constraint left behind now carries its convention name
    assert insp.get_unique_constraints("c") == [
        {"name": "uq_c_v", "column_names": ["v"]}
    ]


def test_self_referential_fk_survives_rebuild(tmp_path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with online(engine) as op:
        op.create_table(
            "node",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("parent", sa.Integer, sa.ForeignKey("node.id", name="fk_up")),
            sa.Column("label", sa.String(10)),
        )
        op.execute("INSERT INTO node VALUES (1, NULL, 'root'), (2, 1, 'leaf')")
        with op.batch_alter_table("node") as batch_op:
            batch_op.alter_column("label", type_=sa.String(50), nullable=False)
    (fk,) = sa.inspect(engine).get_foreign_keys("node")
    assert (fk["name"], fk["referred_table"]) == ("fk_up", "node")
    assert rows(engine, "SELECT id, parent, label FROM node") == [
        (1, None, "root"),
        (2, 1, "leaf"),
    ]


def test_offline_batch_on_server_backends_is_plain_alters() -> None:
    for dialect, expected in [
        (
            "postgresql",
            [
                "ALTER TABLE t ADD COLUMN x INTEGER",
                "ALTER TABLE t ALTER COLUMN y SET NOT NULL",
                "ALTER TABLE t DROP CONSTRAINT uq_t",
            ],
        ),
        (
            "mysql",
            [
                "ALTER TABLE t ADD COLUMN x INTEGER",
                "ALTER TABLE t MODIFY y INTEGER NOT NULL",
                # the server works out which foreign keys need an index first
                "-- dropping index uq_t of t",
                "PREPARE schemadiff_ddl FROM @schemadiff_ddl",
                "EXECUTE schemadiff_ddl",
                "DEALLOCATE PREPARE schemadiff_ddl",
            ],
        ),
    ]:
        op, buf = offline(dialect)
        with op.batch_alter_table("t") as batch_op:
            batch_op.add_column(sa.Column("x", sa.Integer))
            batch_op.alter_column("y", nullable=False, existing_type=sa.Integer)
            batch_op.drop_constraint("uq_t", type_="unique")
        assert [s.split(":")[0] for s in statements(buf)] == expected


def _computed_table(op, virtual: bool) -> None:
    """``virtual``: ``twice`` is a VIRTUAL column (PostgreSQL before 18 has
    STORED ones only)."""
    op.create_table(
        "calc",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("a", sa.Integer),
        sa.Column("gone", sa.Integer),
        sa.Column("twice", sa.Integer, sa.Computed("a * 2", persisted=not virtual)),
        sa.Column("plus", sa.Integer, sa.Computed("a + 1", persisted=True)),
    )
    op.bulk_insert(
        sa.table("calc", sa.column("id"), sa.column("a"), sa.column("gone")),
        [{"id": 1, "a": 5, "gone": 0}, {"id": 2, "a": 7, "gone": 0}],
    )


def _rebuild_computed(engine: sa.Engine, name: str, recreate: str) -> None:
    with online(engine) as op:
        _computed_table(op, virtual=name != "postgresql")
    with online(engine) as op:
        with op.batch_alter_table("calc", recreate=recreate) as batch_op:
            batch_op.alter_column("a", existing_type=sa.Integer, nullable=False)
            batch_op.drop_column("gone")
            batch_op.add_column(sa.Column("note", sa.String(10)))
    assert rows(engine, "SELECT id, a, twice, plus, note FROM calc ORDER BY id") == [
        (1, 5, 10, 6, None),
        (2, 7, 14, 8, None),
    ]
    cols = {c["name"]: c for c in sa.inspect(engine).get_columns("calc")}
    assert list(cols) == ["id", "a", "twice", "plus", "note"]
    assert cols["a"]["nullable"] is False
    computed = {k: c["computed"] for k, c in cols.items() if c.get("computed")}
    assert {
        k: v["sqltext"].strip("()").replace("`", "") for k, v in computed.items()
    } == {
        "twice": "a * 2",
        "plus": "a + 1",
    }
    assert computed["plus"]["persisted"] is True
    # still computed: a new value of a is followed
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE calc SET a = 1 WHERE id = 1")
    assert rows(engine, "SELECT twice, plus FROM calc WHERE id = 1") == [(2, 2)]


def test_batch_keeps_computed_columns_and_rows(backend) -> None:
    """The same script everywhere: SQLite rebuilds the table, leaving the
    generated columns out of INSERT ... SELECT (they can't be written; the
    new table computes them again); the servers alter in place."""
    _rebuild_computed(backend.engine, backend.name, "auto")


@pytest.mark.parametrize("name", ["sqlite", "mariadb"])
def test_recreate_always_keeps_computed_columns_and_rows(name, tmp_path) -> None:
    """A forced rebuild on MariaDB copies the same way. (PostgreSQL can't be
    rebuilt under the table's own primary key name, computed or not.)"""
    backend = make_backend(name, tmp_path)
    try:
        _rebuild_computed(backend.engine, name, "always")
    finally:
        backend.dispose()


def test_offline_rebuild_leaves_computed_columns_out_of_the_copy() -> None:
    op, buf = offline("sqlite")
    existing = sa.Table(
        "calc",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("a", sa.Integer),
        sa.Column("twice", sa.Integer, sa.Computed("a * 2")),
    )
    with op.batch_alter_table("calc", copy_from=existing) as batch_op:
        batch_op.alter_column("a", nullable=False)
    copy = [s for s in statements(buf) if s.startswith("INSERT")]
    assert copy == [
        "INSERT INTO _schemadiff_tmp_calc (id, a) SELECT calc.id, calc.a FROM calc"
    ]


def test_rebuild_keeps_expression_collate_and_desc_indexes(tmp_path) -> None:
    """SQLAlchemy's reflection skips SQLite's indexes on expressions and reads
    neither DESC nor COLLATE: the rebuilt table has them all the same, an
    index on a dropped column goes with it, a renamed column follows where
    it is a column.  Inside SQL text it can't: the rebuild stops, whole."""
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    sql = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
    with online(engine) as op:
        op.create_table(
            "t",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("code", sa.String(10)),
            sa.Column("n", sa.Integer),
            sa.Column("old", sa.Integer),
        )
        op.create_index(
            "ix_expr",
            "t",
            [sa.text("lower(code)"), sa.text("n DESC")],
            sqlite_where=sa.text("code > 'a'"),
        )
        op.create_index("ix_desc", "t", [sa.text("n DESC"), "code"])
        op.create_index("ix_coll", "t", [sa.text('code COLLATE "NOCASE"')], unique=True)
        op.create_index("ix_old", "t", [sa.text("old DESC")])
        with op.batch_alter_table("t", recreate="always") as batch_op:
            batch_op.alter_column("n", new_column_name="m", existing_type=sa.Integer)
            batch_op.drop_column("old")
    assert rows(engine, sql) == [
        ("ix_coll", 'CREATE UNIQUE INDEX ix_coll ON t (code COLLATE "NOCASE")'),
        ("ix_desc", "CREATE INDEX ix_desc ON t (m DESC, code)"),
        (
            "ix_expr",
            "CREATE INDEX ix_expr ON t (lower(code), m DESC) WHERE code > 'a'",
        ),
    ]
    with pytest.raises(CommandError, match="rebuilding the table failed: no such"):
        with online(engine) as op:
            with op.batch_alter_table("t", recreate="always") as batch_op:
                batch_op.alter_column(
                    "code", new_column_name="sku", existing_type=sa.String(10)
                )
    assert [c["name"] for c in sa.inspect(engine).get_columns("t")] == [
        "id",
        "code",
        "m",
    ]


def test_drop_boolean_column_takes_its_named_check_along(backend) -> None:
    """The rebuilt table kept the reflected CHECK (x IN (0, 1)) of the dropped
    column and failed; an unnamed CHECK can be added in batch mode too."""
    engine = backend.engine
    flag = sa.Boolean(create_constraint=True, name="ck_t_x")
    with online(engine) as op:
        op.create_table(
            "t",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("n", sa.Integer),
            sa.Column("x", flag),
        )
        # SQLite rebuilds the table; the servers alter it in place
        with op.batch_alter_table("t") as batch_op:
            batch_op.drop_column("x", existing_type=flag)
            batch_op.create_check_constraint(None, "n > 0")
    insp = sa.inspect(engine)
    assert [c["name"] for c in insp.get_columns("t")] == ["id", "n"]
    checks = insp.get_check_constraints("t")
    assert "ck_t_x" not in [c["name"] for c in checks]
    assert len(checks) == 1
    assert checks[0]["sqltext"].replace("`", "") in ("n > 0", "(n > 0)")
