"""``drop_constraint(if_exists=True)``: a no-op for a constraint that is gone,
online on PostgreSQL and MariaDB, and ``IF EXISTS`` in MariaDB's offline SQL
(MySQL proper has no such clause: schemadiff refuses rather than drop it)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from schemadiff.util import CommandError
from tests.operations._util import offline, online, statements


def _constraints(engine: sa.Engine) -> dict[str, list[str]]:
    insp = sa.inspect(engine)
    return {
        "fk": [k["name"] for k in insp.get_foreign_keys("c")],
        "uq": [u["name"] for u in insp.get_unique_constraints("c")],
        "ck": [c["name"] for c in insp.get_check_constraints("c")],
    }


def test_drop_constraint_if_exists_online(server_backend) -> None:
    engine = server_backend.engine
    with online(engine) as op:
        op.create_table("p", sa.Column("id", sa.Integer, primary_key=True))
        op.create_table(
            "c",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("pid", sa.Integer),
            sa.Column("n", sa.Integer),
        )
        op.create_foreign_key("fk_c_pid", "c", "p", ["pid"], ["id"])
        op.create_unique_constraint("uq_c_n", "c", ["n"])
        op.create_check_constraint("ck_c_n", "c", "n > 0")
    assert _constraints(engine) == {
        "fk": ["fk_c_pid"],
        "uq": ["uq_c_n"],
        "ck": ["ck_c_n"],
    }

    # Twice each: the second time the constraint is gone and nothing fails,
    # with and without type_ (untyped ones are looked up online).
    for _ in range(2):
        with online(engine) as op:
            op.drop_constraint("fk_c_pid", "c", type_="foreignkey", if_exists=True)
            op.drop_constraint("uq_c_n", "c", type_="unique", if_exists=True)
            op.drop_constraint("ck_c_n", "c", if_exists=True)
    assert _constraints(engine) == {"fk": [], "uq": [], "ck": []}

    # Without if_exists a missing constraint is still an error.
    with pytest.raises(CommandError):
        with online(engine) as op:
            op.drop_constraint("uq_c_n", "c", type_="unique")


def test_drop_constraint_if_exists_offline_mariadb() -> None:
    op, buf = offline("mariadb")
    op.drop_constraint("fk_c_pid", "c", type_="foreignkey", if_exists=True)
    op.drop_constraint("uq_c_n", "c", type_="unique", if_exists=True)
    op.drop_constraint("ck_c_n", "c", type_="check", if_exists=True)
    op.drop_constraint("uq_plain", "c", type_="unique")
    # a UNIQUE is an index a foreign key may need: the server builds the
    # ALTER (see test_foreign_key_index.py), with the guard where asked
    out = [s for s in statements(buf) if "PARE schemadiff_ddl" not in s]
    out = [s for s in out if s != "EXECUTE schemadiff_ddl"]
    assert [s.split(": ")[0] for s in out] == [
        "ALTER TABLE c DROP FOREIGN KEY IF EXISTS fk_c_pid",
        "-- dropping index uq_c_n of c",
        "ALTER TABLE c DROP CONSTRAINT IF EXISTS ck_c_n",
        "-- dropping index uq_plain of c",
    ]
    assert "'DROP INDEX IF EXISTS uq_c_n')" in out[1]
    assert "'DROP INDEX uq_plain')" in out[3]


def test_drop_constraint_if_exists_offline_mysql_is_refused() -> None:
    op, buf = offline("mysql")
    with pytest.raises(CommandError, match="MySQL has no IF EXISTS"):
        op.drop_constraint("uq_c_n", "c", type_="unique", if_exists=True)
    op.drop_constraint("ck_c_n", "c", type_="check")
    assert statements(buf) == ["ALTER TABLE c DROP CHECK ck_c_n"]
