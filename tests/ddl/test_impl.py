"""Dialect implementation registry and backend traits."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from schemadiff.ddl.impl import DefaultImpl
from schemadiff.ddl.mysql import MySQLImpl
from schemadiff.ddl.postgresql import PostgresqlImpl
from schemadiff.ddl.sqlite import SQLiteImpl


@pytest.mark.parametrize(
    ("url", "impl", "transactional"),
    [
        ("sqlite://", SQLiteImpl, True),
        ("postgresql+psycopg://", PostgresqlImpl, True),
        ("mysql+pymysql://", MySQLImpl, False),
        ("mariadb+pymysql://", MySQLImpl, False),
        ("oracle://", DefaultImpl, False),
    ],
)
def test_impl_chosen_by_dialect(url: str, impl: type, transactional: bool) -> None:
    dialect = make_url(url).get_dialect()()
    chosen = DefaultImpl.get_by_dialect(dialect)
    assert chosen is impl
    assert chosen.transactional_ddl is transactional


def test_sqlite_ddl_rolls_back_with_the_transaction(tmp_path) -> None:
    """The stdlib driver would autocommit DDL; the SQLite impl opens the
    transaction first so a rollback takes the DDL back."""
    from tests.operations._util import online

    engine = sa.create_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with pytest.raises(RuntimeError):
        with online(engine) as op:
            op.create_table("t", sa.Column("id", sa.Integer))
            op.add_column("t", sa.Column("x", sa.Integer))
            raise RuntimeError("boom")
    assert sa.inspect(engine).get_table_names() == []
    # autocommit connections are left alone
    auto = engine.execution_options(isolation_level="AUTOCOMMIT")
    with pytest.raises(RuntimeError):
        with online(auto) as op:
            op.create_table("t", sa.Column("id", sa.Integer))
            raise RuntimeError("boom")
    assert sa.inspect(engine).get_table_names() == ["t"]
