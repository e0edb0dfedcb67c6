"""InnoDB's own index for a foreign key goes away with the key.

Without a usable index, MariaDB/MySQL index a foreign key's columns under the
key's name and keep that index when the key is dropped.  Dropping the key
through schemadiff drops that index too, unless another key still needs it.
PostgreSQL makes no such index; the same operations leave no index there.
"""

from __future__ import annotations

import sqlalchemy as sa

from tests.operations._util import offline_for, online, run_with_client


def _index_names(engine: sa.Engine, table: str) -> list[str]:
    return sorted(i["name"] for i in sa.inspect(engine).get_indexes(table))


def _tables(op) -> None:
    op.create_table("p", sa.Column("id", sa.Integer, primary_key=True))
    op.create_table("q", sa.Column("id", sa.Integer, primary_key=True))
    op.create_table(
        "c",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("pid", sa.Integer),
        sa.Column("qid", sa.Integer),
        sa.Column("n", sa.Integer),
    )


def test_dropping_a_foreign_key_drops_its_implicit_index(server_backend) -> None:
    engine = server_backend.engine
    with online(engine) as op:
        _tables(op)
        op.create_foreign_key("fk_c_pid", "c", "p", ["pid"], ["id"])
        op.create_foreign_key("fk_c_qid", "c", "q", ["qid"], ["id"])
        op.create_index("ix_c_n", "c", ["n"])
    made = ["fk_c_pid", "fk_c_qid"] if server_backend.name == "mariadb" else []
    assert _index_names(engine, "c") == sorted(made + ["ix_c_n"])

    with online(engine) as op:
        op.drop_constraint("fk_c_pid", "c", type_="foreignkey")
        op.drop_constraint("fk_c_qid", "c")  # kind looked up online
    assert _index_names(engine, "c") == ["ix_c_n"]
    assert sa.inspect(engine).get_foreign_keys("c") == []


def test_an_index_another_key_still_needs_is_kept(server_backend) -> None:
    engine = server_backend.engine
    with online(engine) as op:
        op.create_table(
            "p",
            sa.Column("a", sa.Integer, primary_key=True),
            sa.Column("b", sa.Integer, primary_key=True),
            sa.UniqueConstraint("a", name="uq_p_a"),
        )
        op.create_table("c", sa.Column("pid", sa.Integer), sa.Column("qid", sa.Integer))
        op.create_foreign_key("fk_c_pq", "c", "p", ["pid", "qid"], ["a", "b"])
        # this key uses the leading column of fk_c_pq's index
        op.create_foreign_key("fk_c_p", "c", "p", ["pid"], ["a"])
    mariadb = server_backend.name == "mariadb"
    assert _index_names(engine, "c") == (["fk_c_pq"] if mariadb else [])

    with online(engine) as op:
        op.drop_constraint("fk_c_pq", "c", type_="foreignkey")
    assert _index_names(engine, "c") == (["fk_c_pq"] if mariadb else [])
    assert [k["name"] for k in sa.inspect(engine).get_foreign_keys("c")] == ["fk_c_p"]


def test_an_explicit_index_is_not_touched(server_backend) -> None:
    engine = server_backend.engine
    with online(engine) as op:
        _tables(op)
        op.create_index("ix_c_pid", "c", ["pid"])
        op.create_foreign_key("fk_c_pid", "c", "p", ["pid"], ["id"])
        op.drop_constraint("fk_c_pid", "c", type_="foreignkey")
    assert _index_names(engine, "c") == ["ix_c_pid"]


# --- dropping the index InnoDB moved a foreign key onto (error 1553) --------


def _moved_key_tables(op) -> None:
    """Two keys (one named, one the server names) whose InnoDB indexes go away
    when wider indexes led by their columns are created."""
    op.create_table("p", sa.Column("id", sa.Integer, primary_key=True))
    op.create_table(
        "c",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("pid", sa.Integer, sa.ForeignKey("p.id", name="fk_c_pid")),
        sa.Column("qid", sa.Integer, sa.ForeignKey("p.id")),
        sa.Column("n", sa.Integer),
    )
    op.create_index("ix_c_pid_n", "c", ["pid", "n"])
    op.create_index("ix_c_qid", "c", ["qid"])


def _state(engine: sa.Engine) -> tuple[list[tuple[str, tuple[str, ...]]], int]:
    insp = sa.inspect(engine)
    indexes = sorted(
        (i["name"], tuple(i["column_names"])) for i in insp.get_indexes("c")
    )
    return indexes, len(insp.get_foreign_keys("c"))


def _after_drop(backend_name: str) -> list[tuple[str, tuple[str, ...]]]:
    """InnoDB's indexes are back (named after the keys); no others anywhere."""
    if backend_name != "mariadb":
        return []
    return [("c_ibfk_1", ("qid",)), ("fk_c_pid", ("pid",))]


def test_drop_index_a_foreign_key_moved_onto(backend) -> None:
    engine = backend.engine
    with online(engine) as op:
        _moved_key_tables(op)
    # InnoDB dropped its own indexes when the wider ones arrived
    assert _state(engine) == ([("ix_c_pid_n", ("pid", "n")), ("ix_c_qid", ("qid",))], 2)
    with online(engine) as op:
        op.drop_index("ix_c_pid_n", table_name="c")
        op.drop_index("ix_c_qid", table_name="c")
    assert _state(engine) == (_after_drop(backend.name), 2)


def test_batch_drop_index_a_foreign_key_moved_onto(backend) -> None:
    engine = backend.engine
    with online(engine) as op:
        _moved_key_tables(op)
        with op.batch_alter_table("c") as batch_op:
            batch_op.drop_index("ix_c_pid_n")
            batch_op.drop_index("ix_c_qid")
    assert _state(engine) == (_after_drop(backend.name), 2)


def test_offline_drop_index_a_foreign_key_moved_onto(backend, tmp_path) -> None:
    """The offline script asks the server which keys need an index, so it
    runs through the client whatever the table holds."""
    engine = backend.engine
    with online(engine) as op:
        _moved_key_tables(op)
        op.create_index("ix_c_n", "c", ["n"])  # serves no key: simply dropped
    op, buf = offline_for(backend.url)
    op.drop_index("ix_c_pid_n", table_name="c")
    op.drop_index("ix_c_qid", table_name="c")
    op.drop_index("ix_c_n", table_name="c")
    run_with_client(backend, buf.getvalue(), tmp_path)
    assert _state(engine) == (_after_drop(backend.name), 2)


def _unique_on_key_tables(op) -> None:
    op.create_table("p", sa.Column("id", sa.Integer, primary_key=True))
    op.create_table(
        "c",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("pid", sa.Integer, sa.ForeignKey("p.id", name="fk_c_pid")),
    )
    with op.batch_alter_table("c") as batch_op:
        batch_op.create_unique_constraint("uq_c_pid", ["pid"])


def test_drop_unique_constraint_a_foreign_key_moved_onto(backend) -> None:
    """A UNIQUE constraint is an index on MariaDB: the same holds for it."""
    engine = backend.engine
    with online(engine) as op:
        _unique_on_key_tables(op)
    if backend.name == "mariadb":
        assert _state(engine) == ([("uq_c_pid", ("pid",))], 1)
    with online(engine) as op:
        with op.batch_alter_table("c") as batch_op:
            batch_op.drop_constraint("uq_c_pid", type_="unique")
    mariadb = backend.name == "mariadb"
    assert _state(engine) == ([("fk_c_pid", ("pid",))] if mariadb else [], 1)
    assert sa.inspect(engine).get_unique_constraints("c") == []


def test_offline_drop_unique_constraint_a_foreign_key_moved_onto(
    server_backend, tmp_path
) -> None:
    """(SQLite drops a constraint by rebuilding the table: no such case.)"""
    engine = server_backend.engine
    with online(engine) as op:
        _unique_on_key_tables(op)
    op, buf = offline_for(server_backend.url)
    op.drop_constraint("uq_c_pid", "c", type_="unique")
    run_with_client(server_backend, buf.getvalue(), tmp_path)
    mariadb = server_backend.name == "mariadb"
    assert _state(engine) == ([("fk_c_pid", ("pid",))] if mariadb else [], 1)
    assert sa.inspect(engine).get_unique_constraints("c") == []
