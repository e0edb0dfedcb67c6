"""InnoDB's own index for a foreign key goes away with the key.

Without a usable index, MariaDB/MySQL index a foreign key's columns under the
key's name and keep that index when the key is dropped.  Dropping the key
through schemadiff drops that index too, unless another key still needs it.
PostgreSQL makes no such index; the same operations leave no index there.
"""

from __future__ import annotations

import sqlalchemy as sa

from tests.operations._util import online


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
