"""Type signatures are compiled once per distinct type, not once per column."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql, sqlite

from schemadiff.ddl.normalise import get_normaliser


@pytest.mark.parametrize(
    "dialect", [sqlite.dialect(), postgresql.dialect(), mysql.dialect()]
)
def test_equal_types_compile_once(dialect) -> None:
    normaliser = get_normaliser(dialect)
    md = sa.MetaData()
    table = sa.Table(
        "t",
        md,
        *[sa.Column(f"flag{i}", sa.Boolean) for i in range(50)],
        *[sa.Column(f"name{i}", sa.String(40)) for i in range(50)],
        sa.Column("other", sa.Boolean(create_constraint=True, name="ck_other")),
    )
    compile_one = normaliser.type_signature
    compiled: list[object] = []

    def counted(type_: object) -> object:
        compiled.append(type_)
        return compile_one(type_)

    normaliser.type_signature = counted  # type: ignore[method-assign]
    signatures = {c.name: normaliser.cached_type_signature(c.type) for c in table.c}
    # each Boolean has its own event dispatcher: not part of the key
    assert len(compiled) == 3
    again = [normaliser.cached_type_signature(c.type) for c in table.c]
    assert len(compiled) == 3
    assert again == list(signatures.values())
    assert signatures["flag0"] == signatures["flag49"]
    assert signatures["name0"] != signatures["flag0"]
