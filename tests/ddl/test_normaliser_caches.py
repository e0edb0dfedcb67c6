"""Type signatures and server-default texts are worked out once per distinct
type or default, not once per column."""

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


@pytest.mark.parametrize(
    "dialect", [sqlite.dialect(), postgresql.dialect(), mysql.dialect()]
)
def test_shared_defaults_render_once(dialect) -> None:
    normaliser = get_normaliser(dialect)
    defaults = [
        "0",
        "it's",
        sa.func.now(),
        sa.true(),
        sa.text("42"),
        sa.func.lower("X"),  # arguments: rendered each time
        sa.literal_column("1") + 1,
    ]
    md = sa.MetaData()
    table = sa.Table(
        "t",
        md,
        *[
            sa.Column(f"c{i}_{j}", sa.String(10), server_default=d)
            for j in range(20)
            for i, d in enumerate(defaults)
        ],
    )
    fresh = get_normaliser(dialect)
    expected = {
        c.name: fresh._ddl_compiler.get_column_default_string(c) for c in table.c
    }
    compiler = normaliser._ddl_compiler
    render = compiler.get_column_default_string
    rendered: list[str] = []

    def counted(column: sa.Column) -> str | None:
        rendered.append(column.name)
        return render(column)

    compiler.get_column_default_string = counted  # type: ignore[method-assign]
    got = {c.name: normaliser.metadata_default_text(c) for c in table.c}
    assert got == expected
    assert got["c1_0"] == "'it''s'"
    # five shareable defaults once each, the two others once per column
    assert len(rendered) == 5 + 2 * 20
