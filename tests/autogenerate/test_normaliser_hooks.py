"""The dialect hooks autogenerate asks instead of testing dialect names:
``Normaliser.is_system_schema`` and ``Normaliser.partial_index_where``."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql, sqlite

from schemadiff.ddl.normalise import get_normaliser
from tests.autogenerate._util import create, diffs


def test_system_schemas_per_dialect() -> None:
    pg = get_normaliser(postgresql.dialect())
    assert pg.is_system_schema("pg_catalog")
    assert pg.is_system_schema("pg_temp_3") and pg.is_system_schema("pg_toast_temp_3")
    assert pg.is_system_schema("information_schema")
    assert not pg.is_system_schema("public") and not pg.is_system_schema("pgdata")
    my = get_normaliser(mysql.dialect())
    assert my.is_system_schema("performance_schema")
    assert not my.is_system_schema("pg_temp_3")
    assert get_normaliser(sqlite.dialect()).is_system_schema("temp")


def test_partial_index_where_per_dialect() -> None:
    table = sa.Table("t", sa.MetaData(), sa.Column("a", sa.Integer))
    index = sa.Index(
        "ix", table.c.a, postgresql_where=table.c.a > 1, sqlite_where=table.c.a > 2
    )
    full = sa.Index("ix_full", table.c.a)
    pg = get_normaliser(postgresql.dialect())
    lite = get_normaliser(sqlite.dialect())
    assert pg.compile_expression(pg.partial_index_where(index)) == "a > 1"
    assert lite.compile_expression(lite.partial_index_where(index)) == "a > 2"
    assert get_normaliser(mysql.dialect()).partial_index_where(index) is None
    assert pg.partial_index_where(full) is None


def _partial(where: int) -> sa.MetaData:
    md = sa.MetaData()
    table = sa.Table(
        "t",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("a", sa.Integer),
    )
    sa.Index(
        "ix_t_a",
        table.c.a,
        postgresql_where=table.c.a > where,
        sqlite_where=table.c.a > where,
    )
    return md


def test_partial_index_conditions_compared_where_the_backend_has_them(backend):
    create(backend.engine, _partial(5))
    assert diffs(backend.engine, _partial(5)) == []
    changed = [(d[0], d[1].name) for d in diffs(backend.engine, _partial(7))]
    if backend.name == "mariadb":  # no partial indexes: a plain index both times
        assert changed == []
    else:
        assert changed == [("remove_index", "ix_t_a"), ("add_index", "ix_t_a")]


def test_system_schemas_are_not_offered_to_include_name(server_backend):
    """include_schemas offers the user's schemas, never the server's own."""
    from schemadiff.autogenerate import compare_metadata
    from schemadiff.runtime.migration import MigrationContext

    backend = server_backend
    extra = backend.make_schema()
    seen: list[Any] = []

    def include_name(name: Any, type_: str, parents: dict[str, Any]) -> bool:
        if type_ == "schema":
            seen.append(name)
            return False
        return True

    with backend.engine.connect() as conn:
        assert "information_schema" in sa.inspect(conn).get_schema_names()
        ctx = MigrationContext.configure(
            connection=conn,
            opts={"include_schemas": True, "include_name": include_name},
        )
        assert compare_metadata(ctx, sa.MetaData()) == []
    normaliser = get_normaliser(backend.engine.dialect)
    assert extra in seen
    assert not [n for n in seen if normaliser.is_system_schema(n)]
    assert "information_schema" not in seen
