"""PostgreSQL native ENUM types: values added in place, removed, renamed with a
hint, types in another schema, types created and dropped with their columns;
online and offline."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from schemadiff.operations import Operations
from schemadiff.runtime.migration import MigrationContext
from tests.autogenerate._autogen_project import cli, diff_against, versions
from tests.autogenerate._matrix import (
    autogenerate,
    change,
    forward,
    metadata_of,
    round_trip,
    to_before,
)
from tests.operations._util import online

TWO_TABLES = """
MOOD = sa.Enum({values}, name="mood"{schema})
sa.Table("t", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("mood", MOOD, server_default="a"),
)
sa.Table("u", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("mood", MOOD),
    sa.Column("moods", postgresql.ARRAY(MOOD)),
)
"""


def models(*values: str, schema: str | None = None) -> str:
    text = TWO_TABLES.format(
        values=", ".join(repr(v) for v in values),
        schema=f", schema={schema!r}" if schema else "",
    )
    if schema:
        text += (
            "CONFIGURE = {'include_schemas': True, 'include_name': "
            f"lambda n, t, p: t != 'schema' or n == {schema!r}}}\n"
        )
    return text


def columns(schema: str | None = None) -> list[dict]:
    cast = f"{schema}.mood" if schema else "mood"
    return [
        {"table": "t", "column": "mood", "default": f"'a'::{cast}"},
        {"table": "u", "column": "mood"},
        {"table": "u", "column": "moods", "array": True},
    ]


def _values(engine: sa.Engine, name: str = "mood", schema: str | None = None):
    sql = (
        "SELECT e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid "
        "JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typname = :name "
        "AND n.nspname = coalesce(:schema, current_schema()) ORDER BY e.enumsortorder"
    )
    with engine.connect() as conn:
        return [
            r[0] for r in conn.execute(sa.text(sql), {"name": name, "schema": schema})
        ]


def _rows(engine: sa.Engine) -> list[tuple]:
    with engine.connect() as conn:
        t = list(conn.execute(sa.text("SELECT id, mood::text FROM t ORDER BY id")))
        u = list(
            conn.execute(
                sa.text("SELECT id, mood::text, moods::text FROM u ORDER BY id")
            )
        )
    return [tuple(r) for r in t + u]


def _fill(engine: sa.Engine, value: str = "c") -> None:
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO t (id) VALUES (1)"))
        conn.execute(sa.text(f"INSERT INTO t (id, mood) VALUES (2, '{value}')"))
        conn.execute(
            sa.text(
                f"INSERT INTO u (id, mood, moods) VALUES (1, '{value}', "
                f"ARRAY['a', '{value}']::mood[])"
            )
        )


def _offline(project: Path, rev_range: str) -> str:
    return cli(project, "upgrade", "--sql", rev_range).output


def test_add_value_in_the_middle_shared_by_two_tables(postgresql_backend, tmp_path):
    backend = postgresql_backend
    before, after = models("a", "b", "c"), models("a", "x", "b", "c")
    project = to_before(backend, tmp_path, before)
    _fill(backend.engine)
    assert forward(backend, after) == [
        ("modify_enum", None, "mood", ("a", "b", "c"), ("a", "x", "b", "c"))
    ]
    run = autogenerate(project, after)
    assert "op.sync_enum_values(" in run.text
    round_trip(backend, run, before, after)
    # the downgrade removed the value again, keeping every row
    assert _values(backend.engine) == ["a", "b", "c"]
    assert _rows(backend.engine) == [
        (1, "a"),
        (2, "c"),
        (1, "c", "{a,c}"),
    ]
    cli(project, "upgrade", "head")
    assert _values(backend.engine) == ["a", "x", "b", "c"]
    assert _rows(backend.engine) == [(1, "a"), (2, "c"), (1, "c", "{a,c}")]

    sql = _offline(project, f"{_rev(project, 0)}:{_rev(project, 1)}")
    assert "COMMIT;\n\nALTER TYPE mood ADD VALUE IF NOT EXISTS 'x' AFTER 'a';" in sql
    assert "BEGIN;" in sql.split("ADD VALUE")[1]


def test_add_values_at_both_ends(postgresql_backend, tmp_path):
    backend = postgresql_backend
    before, after = models("a", "c"), models("s", "a", "c", "e")
    run = change(
        backend,
        tmp_path,
        before,
        after,
        [("modify_enum", None, "mood", ("a", "c"), ("s", "a", "c", "e"))],
    )
    cli(run.project, "upgrade", "head")
    assert _values(backend.engine) == ["s", "a", "c", "e"]
    sql = _offline(run.project, f"{_rev(run.project, 0)}:{_rev(run.project, 1)}")
    assert "ADD VALUE IF NOT EXISTS 's' BEFORE 'a'" in sql
    assert "ADD VALUE IF NOT EXISTS 'e' AFTER 'c'" in sql


def test_remove_an_unused_value_rebuilds_the_type(postgresql_backend, tmp_path):
    backend = postgresql_backend
    before, after = models("a", "b", "c"), models("a", "c")
    project = to_before(backend, tmp_path, before)
    _fill(backend.engine)
    assert forward(backend, after) == [
        ("modify_enum", None, "mood", ("a", "b", "c"), ("a", "c"))
    ]
    run = autogenerate(project, after)
    assert '"default": "\'a\'::mood"' in run.text
    cli(project, "upgrade", "head")
    assert _values(backend.engine) == ["a", "c"]
    assert _rows(backend.engine) == [(1, "a"), (2, "c"), (1, "c", "{a,c}")]
    # the default was re-set on the new type; no old type is left behind
    with backend.engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO t (id) VALUES (3)"))
        assert (
            conn.execute(sa.text("SELECT mood::text FROM t WHERE id = 3")).scalar()
            == "a"
        )
        conn.execute(sa.text("DELETE FROM t WHERE id = 3"))
        old = conn.execute(
            sa.text("SELECT count(*) FROM pg_type WHERE typname = 'mood_old'")
        ).scalar()
    assert old == 0
    cli(project, "downgrade", "-1")
    round_trip(backend, run, before, after)

    sql = _offline(project, f"{_rev(project, 0)}:{_rev(project, 1)}")
    for statement in (
        "ALTER TYPE mood RENAME TO mood_old;",
        "CREATE TYPE mood AS ENUM ('a', 'c');",
        "ALTER TABLE t ALTER COLUMN mood DROP DEFAULT;",
        "ALTER TABLE t ALTER COLUMN mood TYPE mood USING mood::text::mood;",
        "ALTER TABLE t ALTER COLUMN mood SET DEFAULT 'a'::mood;",
        "ALTER TABLE u ALTER COLUMN moods TYPE mood[] USING moods::text[]::mood[];",
        "DROP TYPE mood_old;",
    ):
        assert statement in sql, statement


def test_remove_a_used_value_fails_and_changes_nothing(postgresql_backend, tmp_path):
    backend = postgresql_backend
    before, after = models("a", "b", "c"), models("a", "c")
    project = to_before(backend, tmp_path, before)
    _fill(backend.engine, value="b")
    autogenerate(project, after)
    result = cli(project, "upgrade", "head", expect=1)
    assert "FAILED:" in result.output
    assert "can't remove value(s) 'b' from ENUM type 'mood'" in result.output
    assert "t.mood still hold them" in result.output
    assert "Nothing was changed." in result.output
    assert _values(backend.engine) == ["a", "b", "c"]
    assert _rows(backend.engine) == [(1, "a"), (2, "b"), (1, "b", "{a,b}")]
    current = cli(project, "current").output
    assert _rev(project, 0) in current and _rev(project, 1) not in current
    # offline there are no rows to look at: the rebuild is written out and
    # the server's cast refuses the old value when the script runs
    sql = _offline(project, f"{_rev(project, 0)}:{_rev(project, 1)}")
    assert "CREATE TYPE mood AS ENUM ('a', 'c');" in sql
    assert "ALTER TABLE t ALTER COLUMN mood TYPE mood USING mood::text::mood;" in sql


def test_rename_a_value_with_the_hint(postgresql_backend, tmp_path):
    backend = postgresql_backend
    before, after = models("a", "b", "c"), models("a", "bee", "c")
    project = to_before(backend, tmp_path, before)
    _fill(backend.engine, value="b")
    assert forward(backend, after) == [
        ("modify_enum", None, "mood", ("a", "b", "c"), ("a", "bee", "c"))
    ]
    run = autogenerate(project, after)
    hint = "# 'b' -> 'bee' looks like a rename: add value_renames={'b': 'bee'}"
    assert hint in run.text
    # without acting on the hint the rows holding 'b' stop the upgrade
    cli(project, "upgrade", "head", expect=1)
    # the reviewer follows the hint in both directions
    text = run.text.replace(
        'existing_values=["a", "b", "c"],',
        'existing_values=["a", "b", "c"],\n        value_renames={"b": "bee"},',
    ).replace(
        'existing_values=["a", "bee", "c"],',
        'existing_values=["a", "bee", "c"],\n        value_renames={"bee": "b"},',
    )
    assert text.count("value_renames={") == 4
    run.revision.write_text(text)
    round_trip(backend, run, before, after)
    assert _rows(backend.engine) == [(1, "a"), (2, "b"), (1, "b", "{a,b}")]
    cli(project, "upgrade", "head")
    assert _values(backend.engine) == ["a", "bee", "c"]
    assert _rows(backend.engine) == [(1, "a"), (2, "bee"), (1, "bee", "{a,bee}")]

    sql = _offline(project, f"{_rev(project, 0)}:{_rev(project, 1)}")
    assert "ALTER TYPE mood RENAME VALUE 'b' TO 'bee';" in sql
    assert "ADD VALUE" not in sql and "DROP TYPE" not in sql


def test_reorder_with_a_rename_rebuilds_with_a_mapping(postgresql_backend, tmp_path):
    """A rename together with a move can't be done in place: the rebuild maps
    the old value while converting the rows."""
    backend = postgresql_backend
    before = models("a", "b", "c")
    to_before(backend, tmp_path, before)
    _fill(backend.engine, value="b")

    with backend.engine.connect() as conn:
        with conn.begin():
            op = Operations(MigrationContext.configure(connection=conn))
            op.sync_enum_values(
                "mood",
                ["c", "bee", "a"],
                existing_values=["a", "b", "c"],
                columns=columns(),
                value_renames={"b": "bee"},
            )
    assert _values(backend.engine) == ["c", "bee", "a"]
    assert _rows(backend.engine) == [(1, "a"), (2, "bee"), (1, "bee", "{a,bee}")]


def test_enum_in_another_schema(postgresql_backend, tmp_path):
    backend = postgresql_backend
    other = backend.make_schema()
    before, after = models("a", "b", schema=other), models("a", "b", "c", schema=other)
    run = change(
        backend,
        tmp_path,
        before,
        after,
        [("modify_enum", other, "mood", ("a", "b"), ("a", "b", "c"))],
    )
    assert f'schema="{other}"' in run.text
    cli(run.project, "upgrade", "head")
    assert _values(backend.engine, schema=other) == ["a", "b", "c"]
    sql = _offline(run.project, f"{_rev(run.project, 0)}:{_rev(run.project, 1)}")
    assert f"ALTER TYPE {other}.mood ADD VALUE IF NOT EXISTS 'c' AFTER 'b';" in sql
    # removing it again rebuilds in that schema too
    downgrade_sql = cli(
        run.project,
        "downgrade",
        "--sql",
        f"{_rev(run.project, 1)}:{_rev(run.project, 0)}",
    ).output
    assert f"CREATE TYPE {other}.mood AS ENUM ('a', 'b');" in downgrade_sql
    assert f"DROP TYPE {other}.mood_old;" in downgrade_sql


def test_type_created_and_dropped_with_its_columns(postgresql_backend, tmp_path):
    backend = postgresql_backend
    before = """
sa.Table("t", metadata, sa.Column("id", sa.Integer, primary_key=True))
"""
    after = """
sa.Table("t", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("kind", sa.Enum("p", "q", name="kind")),
)
sa.Table("v", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("kind", sa.Enum("p", "q", name="kind")),
)
"""
    run = change(
        backend,
        tmp_path,
        before,
        after,
        [
            ("add_enum", None, "kind", ("p", "q")),
            ("create_table", None, "v"),
            ("modify_table", None, "t", [("add_column", "kind")]),
        ],
    )
    # the downgrade dropped the type with its last column
    assert _values(backend.engine, "kind") == []
    assert 'op.drop_enum("kind", ["p", "q"])' in run.text
    sql = _offline(run.project, f"{_rev(run.project, 0)}:{_rev(run.project, 1)}")
    assert sql.count("CREATE TYPE kind") == 1
    down = cli(
        run.project,
        "downgrade",
        "--sql",
        f"{_rev(run.project, 1)}:{_rev(run.project, 0)}",
    ).output
    assert down.index("DROP TABLE v") < down.index("DROP TYPE kind")


@pytest.mark.parametrize("value", ["it's", "a :b"])
def test_quoted_values_online(postgresql_backend, value):
    """Quotes and colons inside values survive both paths."""
    engine = postgresql_backend.engine
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TYPE q AS ENUM ('x')")
        conn.exec_driver_sql("CREATE TABLE qt (v q)")
        conn.exec_driver_sql("INSERT INTO qt VALUES ('x')")
    with online(engine) as op:
        op.sync_enum_values(
            "q",
            ["x", value],
            existing_values=["x"],
            columns=[{"table": "qt", "column": "v"}],
        )
    assert _values(engine, "q") == ["x", value]
    with online(engine) as op:
        op.sync_enum_values(
            "q",
            [value, "x"],
            existing_values=["x", value],
            columns=[{"table": "qt", "column": "v"}],
        )
    assert _values(engine, "q") == [value, "x"]


def _rev(project: Path, index: int) -> str:
    """The id of the project's ``index``-th revision (in creation order)."""
    files = sorted(versions(project), key=lambda p: p.stat().st_mtime_ns)
    return files[index].name.split("_")[0]


def test_include_object_sees_enum_types(postgresql_backend, tmp_path):
    backend = postgresql_backend
    before = models("a", "b")
    to_before(backend, tmp_path, before)
    meta, _ = metadata_of(models("a", "b", "c"))
    seen = []

    def include_object(obj, name, type_, reflected, compare_to):
        if type_ == "enum":
            seen.append((name, tuple(obj.enums), tuple(compare_to.enums)))
            return False
        return True

    assert diff_against(backend.url, meta, include_object=include_object) == []
    assert seen == [("mood", ("a", "b", "c"), ("a", "b"))]
