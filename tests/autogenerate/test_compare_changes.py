"""Each kind of change SPEC §9 detects, in both directions, on three backends.

For every case the "before" schema is created, compared with the "after"
MetaData and the exact directives are asserted; then the roles are swapped.
The forward migration's downgrade must match the backward comparison.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa

from tests.autogenerate._util import NAMING, create, describe, migration


@dataclass
class Case:
    before: sa.MetaData
    after: sa.MetaData
    forward: list[Any]
    backward: list[Any]
    opts: dict[str, Any]
    #: the forward downgrade equals the backward comparison (as a multiset)
    symmetric: bool = True


def _md() -> sa.MetaData:
    return sa.MetaData(naming_convention=NAMING)


def _t(md: sa.MetaData, *cols: Any, name: str = "t", **kw: Any) -> sa.Table:
    return sa.Table(
        name, md, sa.Column("id", sa.Integer, primary_key=True), *cols, **kw
    )


def _mod(table: str, *ops: Any, schema: str | None = None) -> tuple[Any, ...]:
    return ("modify_table", schema, table, list(ops))


def case_table(b: Any) -> Case:
    before, after = _md(), _md()
    _t(before)
    _t(after)
    _t(after, sa.Column("x", sa.Integer, index=True), name="u")
    return Case(
        before,
        after,
        [
            ("create_table", None, "u"),
            _mod("u", ("create_index", "ix_u_x", ("x",), False)),
        ],
        [_mod("u", ("drop_index", "ix_u_x")), ("drop_table", None, "u")],
        {},
    )


def case_column(b: Any) -> Case:
    before, after = _md(), _md()
    _t(before)
    _t(after, sa.Column("x", sa.String(10)))
    return Case(
        before,
        after,
        [_mod("t", ("add_column", "x"))],
        [_mod("t", ("drop_column", "x"))],
        {},
    )


def case_nullable(b: Any) -> Case:
    before, after = _md(), _md()
    _t(before, sa.Column("x", sa.Integer, nullable=True))
    _t(after, sa.Column("x", sa.Integer, nullable=False))
    return Case(
        before,
        after,
        [_mod("t", ("alter_column", "x", {"nullable": False}))],
        [_mod("t", ("alter_column", "x", {"nullable": True}))],
        {},
    )


def case_type(b: Any) -> Case:
    before, after = _md(), _md()
    _t(before, sa.Column("x", sa.String(20)))
    _t(after, sa.Column("x", sa.String(40)))
    return Case(
        before,
        after,
        [_mod("t", ("alter_column", "x", {"type": "VARCHAR(40)"}))],
        [_mod("t", ("alter_column", "x", {"type": "VARCHAR(20)"}))],
        {},
    )


def case_type_off(b: Any) -> Case:
    """compare_type=False sees no type change."""
    before, after = _md(), _md()
    _t(before, sa.Column("x", sa.String(20)))
    _t(after, sa.Column("x", sa.String(40)))
    return Case(before, after, [], [], {"compare_type": False})


def case_default_changed(b: Any) -> Case:
    before, after = _md(), _md()
    _t(before, sa.Column("x", sa.String(10), server_default="a"))
    _t(after, sa.Column("x", sa.String(10), server_default="b"))
    return Case(
        before,
        after,
        [_mod("t", ("alter_column", "x", {"server_default": "str:b"}))],
        [_mod("t", ("alter_column", "x", {"server_default": "str:a"}))],
        {},
    )


def case_default_added(b: Any) -> Case:
    before, after = _md(), _md()
    _t(before, sa.Column("x", sa.Integer))
    _t(after, sa.Column("x", sa.Integer, server_default=sa.text("5")))
    return Case(
        before,
        after,
        [_mod("t", ("alter_column", "x", {"server_default": "num:5"}))],
        [_mod("t", ("alter_column", "x", {"server_default": None}))],
        {},
    )


def case_default_off(b: Any) -> Case:
    before, after = _md(), _md()
    _t(before, sa.Column("x", sa.String(10), server_default="a"))
    _t(after, sa.Column("x", sa.String(10), server_default="b"))
    return Case(before, after, [], [], {"compare_server_default": False})


def case_column_comment(b: Any) -> Case:
    before, after = _md(), _md()
    _t(before, sa.Column("x", sa.Integer))
    _t(after, sa.Column("x", sa.Integer, comment="hello"))
    if b.name == "sqlite":  # SQLite has no comments: nothing to see
        return Case(before, after, [], [], {})
    return Case(
        before,
        after,
        [_mod("t", ("alter_column", "x", {"comment": "hello"}))],
        [_mod("t", ("alter_column", "x", {"comment": None}))],
        {},
    )


def case_table_comment(b: Any) -> Case:
    before, after = _md(), _md()
    _t(before)
    _t(after, comment="about t")
    if b.name == "sqlite":
        return Case(before, after, [], [], {})
    return Case(
        before,
        after,
        [_mod("t", ("create_table_comment", "about t", None))],
        [_mod("t", ("drop_table_comment", "about t"))],
        {},
    )


def case_index(b: Any) -> Case:
    before, after = _md(), _md()

    def cols():
        return [
            sa.Column("x", sa.Integer),
            sa.Column("y", sa.Integer),
        ]

    _t(before, *cols())
    t = _t(after, *cols())
    sa.Index("ix_t_xy", t.c.x, t.c.y)
    sa.Index("ix_unique_y", t.c.y, unique=True)
    return Case(
        before,
        after,
        [
            _mod(
                "t",
                ("create_index", "ix_t_xy", ("x", "y"), False),
                ("create_index", "ix_unique_y", ("y",), True),
            )
        ],
        [_mod("t", ("drop_index", "ix_t_xy"), ("drop_index", "ix_unique_y"))],
        {},
    )


def case_index_changed(b: Any) -> Case:
    before, after = _md(), _md()

    def cols():
        return [
            sa.Column("x", sa.Integer),
            sa.Column("y", sa.Integer),
        ]

    t1 = _t(before, *cols())
    sa.Index("ix_t_x", t1.c.x)
    t2 = _t(after, *cols())
    sa.Index("ix_t_x", t2.c.x, t2.c.y)
    return Case(
        before,
        after,
        [
            _mod(
                "t",
                ("drop_index", "ix_t_x"),
                ("create_index", "ix_t_x", ("x", "y"), False),
            )
        ],
        [
            _mod(
                "t", ("drop_index", "ix_t_x"), ("create_index", "ix_t_x", ("x",), False)
            )
        ],
        {},
    )


def case_unique(b: Any) -> Case:
    before, after = _md(), _md()

    def cols():
        return [
            sa.Column("x", sa.Integer),
            sa.Column("y", sa.Integer),
        ]

    _t(before, *cols())
    _t(after, *cols(), sa.UniqueConstraint("x", "y"))
    if b.name == "mariadb":  # a unique constraint is a unique index there
        backward = [_mod("t", ("drop_index", "uq_t_x"))]
    else:
        backward = [_mod("t", ("drop_constraint", "uq_t_x", "unique"))]
    return Case(
        before,
        after,
        [_mod("t", ("create_unique", "uq_t_x", ("x", "y")))],
        backward,
        {},
        symmetric=b.name != "mariadb",
    )


def _parent(md: sa.MetaData) -> None:
    _t(md, name="parent")


def case_foreign_key(b: Any) -> Case:
    before, after = _md(), _md()
    _parent(before)
    _t(before, sa.Column("pid", sa.Integer), name="child")
    _parent(after)
    _t(after, sa.Column("pid", sa.ForeignKey("parent.id")), name="child")
    return Case(
        before,
        after,
        [
            _mod(
                "child",
                (
                    "create_fk",
                    "fk_child_pid_parent",
                    ("pid",),
                    None,
                    "parent",
                    ("id",),
                    None,
                ),
            )
        ],
        [_mod("child", ("drop_constraint", "fk_child_pid_parent", "foreignkey"))],
        {},
    )


def case_foreign_key_ondelete(b: Any) -> Case:
    before, after = _md(), _md()
    _parent(before)
    _t(before, sa.Column("pid", sa.ForeignKey("parent.id")), name="child")
    _parent(after)
    _t(
        after,
        sa.Column("pid", sa.ForeignKey("parent.id", ondelete="CASCADE")),
        name="child",
    )
    fk = ("fk_child_pid_parent", ("pid",), None, "parent", ("id",))
    return Case(
        before,
        after,
        [
            _mod(
                "child",
                ("drop_constraint", "fk_child_pid_parent", "foreignkey"),
                ("create_fk", *fk, "CASCADE"),
            )
        ],
        [
            _mod(
                "child",
                ("drop_constraint", "fk_child_pid_parent", "foreignkey"),
                ("create_fk", *fk, None),
            )
        ],
        {},
        symmetric=False,  # the downgrade restores the reflected spelling
    )


def case_foreign_key_and_its_index(b: Any) -> Case:
    """Keys go before the indexes they may need and come back after them
    (MariaDB refuses to drop an index a key still uses: error 1553)."""
    before, after = _md(), _md()
    _parent(before)
    _t(before, sa.Column("pid", sa.ForeignKey("parent.id"), index=True), name="child")
    _parent(after)
    _t(after, sa.Column("pid", sa.Integer), name="child")
    fk = ("fk_child_pid_parent", ("pid",), None, "parent", ("id",), None)
    return Case(
        before,
        after,
        [
            _mod(
                "child",
                ("drop_constraint", "fk_child_pid_parent", "foreignkey"),
                ("drop_index", "ix_child_pid"),
            )
        ],
        [
            _mod(
                "child",
                ("create_index", "ix_child_pid", ("pid",), False),
                ("create_fk", *fk),
            )
        ],
        {},
    )


def case_computed(b: Any) -> Case:
    before, after = _md(), _md()
    _t(before, sa.Column("x", sa.Integer))
    _t(
        after,
        sa.Column("x", sa.Integer),
        sa.Column("c", sa.Integer, sa.Computed("x + 1", persisted=True)),
    )
    return Case(
        before,
        after,
        [_mod("t", ("add_column", "c"))],
        [_mod("t", ("drop_column", "c"))],
        {},
    )


def case_schema(b: Any) -> Case:
    extra = b.make_schema()
    before, after = _md(), _md()
    _t(before)
    _t(after)
    _t(after, name="u", schema=extra)
    allowed = {b.schema, extra, None}
    return Case(
        before,
        after,
        [("create_table", extra, "u")],
        [("drop_table", extra, "u")],
        {
            "include_schemas": True,
            "include_name": lambda name, type_, parents: type_ != "schema"
            or name in allowed,
        },
    )


def case_cross_schema_fk(b: Any) -> Case:
    extra = b.make_schema()
    before, after = _md(), _md()
    for md in (before, after):
        _t(md, name="u", schema=extra)
    _t(before, sa.Column("uid", sa.Integer))
    _t(after, sa.Column("uid", sa.ForeignKey(f"{extra}.u.id")))
    allowed = {b.schema, extra, None}
    return Case(
        before,
        after,
        [_mod("t", ("create_fk", "fk_t_uid_u", ("uid",), extra, "u", ("id",), None))],
        [_mod("t", ("drop_constraint", "fk_t_uid_u", "foreignkey"))],
        {
            "include_schemas": True,
            "include_name": lambda name, type_, parents: type_ != "schema"
            or name in allowed,
        },
    )


def case_identity(b: Any) -> Case:
    before, after = _md(), _md()
    _t(before, sa.Column("n", sa.BigInteger, sa.Identity(start=1), nullable=False))
    _t(after, sa.Column("n", sa.BigInteger, sa.Identity(start=10), nullable=False))
    return Case(
        before,
        after,
        [_mod("t", ("alter_column", "n", {"server_default": ("identity", 10, None)}))],
        [_mod("t", ("alter_column", "n", {"server_default": ("identity", 1, None)}))],
        {},
        symmetric=False,  # the downgrade carries the reflected increment too
    )


def case_expression_and_partial_index(b: Any) -> Case:
    before, after = _md(), _md()

    def cols():
        return [
            sa.Column("x", sa.String(10)),
            sa.Column("y", sa.Integer),
        ]

    t1 = _t(before, *cols())
    sa.Index("ix_partial", t1.c.y, postgresql_where=t1.c.y > 5)
    t2 = _t(after, *cols())
    sa.Index("ix_lower_x", sa.func.lower(t2.c.x))
    sa.Index("ix_partial", t2.c.y, postgresql_where=t2.c.y > 10)
    return Case(
        before,
        after,
        [
            _mod(
                "t",
                ("drop_index", "ix_partial"),
                ("create_index", "ix_partial", ("y",), False),
                ("create_index", "ix_lower_x", ("lower(t.x)",), False),
            )
        ],
        [
            _mod(
                "t",
                ("drop_index", "ix_partial"),
                ("drop_index", "ix_lower_x"),
                ("create_index", "ix_partial", ("y",), False),
            )
        ],
        {},
        symmetric=False,
    )


ALL = [
    case_table,
    case_column,
    case_nullable,
    case_type,
    case_type_off,
    case_default_changed,
    case_default_added,
    case_default_off,
    case_column_comment,
    case_table_comment,
    case_index,
    case_index_changed,
    case_unique,
    case_foreign_key,
    case_foreign_key_ondelete,
    case_foreign_key_and_its_index,
    case_computed,
]
SERVER_ONLY = [case_schema, case_cross_schema_fk]
POSTGRESQL_ONLY = [case_identity, case_expression_and_partial_index]


def _unordered(desc: list[Any]) -> list[Any]:
    out = []
    for item in desc:
        if item[0] == "modify_table":
            item = (*item[:3], sorted(map(repr, item[3])))
        out.append(repr(item))
    return sorted(out)


def _run(backend: Any, make_case: Callable[[Any], Case]) -> None:
    case = make_case(backend)
    dialect = backend.engine.dialect
    create(backend.engine, case.before)
    forward = migration(backend.engine, case.after, **case.opts)
    assert describe(forward.upgrade_ops, dialect) == case.forward

    with backend.engine.begin() as conn:
        case.before.drop_all(conn)
    create(backend.engine, case.after)
    backward = migration(backend.engine, case.before, **case.opts)
    assert describe(backward.upgrade_ops, dialect) == case.backward

    if case.symmetric:
        assert _unordered(describe(forward.downgrade_ops, dialect)) == _unordered(
            case.backward
        )


@pytest.mark.parametrize("make_case", ALL, ids=[f.__name__[5:] for f in ALL])
def test_change(backend, make_case):
    _run(backend, make_case)


@pytest.mark.parametrize(
    "make_case", SERVER_ONLY, ids=[f.__name__[5:] for f in SERVER_ONLY]
)
def test_change_server(server_backend, make_case):
    _run(server_backend, make_case)


@pytest.mark.parametrize(
    "make_case", POSTGRESQL_ONLY, ids=[f.__name__[5:] for f in POSTGRESQL_ONLY]
)
def test_change_postgresql(postgresql_backend, make_case):
    _run(postgresql_backend, make_case)
