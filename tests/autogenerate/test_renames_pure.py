"""The rename pass without a database: candidates, hints, questions, the
renamed model and where the rename directives go."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from schemadiff.autogenerate import renames
from schemadiff.autogenerate.api import AutogenContext, _resolve_renames
from schemadiff.autogenerate.compare import compare_models
from schemadiff.autogenerate.model import build_model
from schemadiff.operations import ops
from schemadiff.runtime.migration import MigrationContext
from schemadiff.util import CommandError
from tests.helpers import run_cli


def _users(md: sa.MetaData, name: str = "users", **cols: sa.types.TypeEngine):
    columns = [sa.Column(c, t) for c, t in cols.items()]
    return sa.Table(name, md, sa.Column("id", sa.Integer, primary_key=True), *columns)


def _run(conn_md, meta_md, hints=None, confirm=None, dialect="postgresql"):
    """Compare + the rename pass, as produce_revision_ops runs them."""
    opts = {"rename_hints": hints} if hints is not None else {}
    mc = MigrationContext.configure(dialect_name=dialect, opts=opts)
    ctx = AutogenContext(mc, meta_md, autogenerate=False)
    ctx.rename_confirm = confirm
    normaliser = ctx.normaliser
    conn = build_model(conn_md.tables.values(), normaliser, None, reflected=True)
    meta = build_model(meta_md.tables.values(), normaliser, None, reflected=False)
    upgrade = ops.UpgradeOps([])
    compare_models(ctx, upgrade, conn, meta)
    _resolve_renames(ctx, upgrade, conn, meta)
    return upgrade, ctx.rename_outcome


def _shape(container) -> list:
    out = []
    for op in container.ops:
        if isinstance(op, ops.ModifyTableOps):
            out.append((op.table_name, [_leaf(sub) for sub in op.ops]))
        else:
            out.append(_leaf(op))
    return out


def _leaf(op) -> tuple:
    if isinstance(op, ops.AlterColumnOp):
        return ("alter", op.column_name, op.modify_name, op.modify_type is not None)
    if isinstance(op, ops.RenameTableOp):
        return ("rename_table", op.table_name, op.new_table_name)
    name = getattr(op, "column_name", None) or getattr(op, "index_name", None)
    return (type(op).__name__, getattr(op, "table_name", None), name)


# ------------------------------------------------------------------ hints
def test_hints_parse_and_malformed_ones_are_user_errors() -> None:
    assert renames.parse_hints([" users.a = users.b ", "old=new"]) == [
        "users.a=users.b",
        "old=new",
    ]
    assert renames.parse_hints({"t.a": "t.b"}) == ["t.a=t.b"]
    assert renames.parse_hints("x=y") == ["x=y"]
    for bad in ("users.a", "=b", "a=", "a=b=c"):
        with pytest.raises(CommandError, match="is not OLD=NEW"):
            renames.parse_hints([bad])


def test_malformed_cli_hint_is_a_usage_error(tmp_path) -> None:
    result = run_cli(
        ["revision", "--autogenerate", "--rename", "nonsense"], cwd=tmp_path
    )
    assert result.exit_code == 2
    assert "is not OLD=NEW" in result.output
    result = run_cli(["revision", "-m", "x", "--rename", "a=b"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "need --autogenerate" in result.output


def test_hint_spellings() -> None:
    column = renames.RenameCandidate("column", "s", "users", "a", "b")
    assert column.spellings() == {
        "users.a=users.b",
        "users.a=b",
        "s.users.a=s.users.b",
        "s.users.a=b",
    }
    assert column.hint == "s.users.a=s.users.b"
    assert column.question == "Rename s.users.a to s.users.b? [y/N]"
    table = renames.RenameCandidate("table", None, None, "old", "new")
    assert table.spellings() == {"old=new"}


# -------------------------------------------------------------- decisions
def test_each_object_takes_part_in_one_rename_and_questions_follow() -> None:
    pairs = [
        renames.RenameCandidate("column", None, "t", old, new)
        for old in ("a", "b")
        for new in ("c", "d")
    ]
    asked: list[str] = []

    def yes(question: str) -> bool:
        asked.append(question)
        return True

    outcome = renames.decide(pairs, [], yes)
    assert [(c.old, c.new) for c in outcome.confirmed] == [("a", "c"), ("b", "d")]
    assert asked == ["Rename t.a to t.c? [y/N]", "Rename t.b to t.d? [y/N]"]

    outcome = renames.decide(pairs, ["t.a=t.d"], None)
    assert [(c.old, c.new) for c in outcome.confirmed] == [("a", "d")]
    assert [(c.old, c.new) for c in outcome.possible] == [("b", "c")]
    assert outcome.unmatched_hints == []

    outcome = renames.decide(pairs, ["t.x=t.y"], lambda q: False)
    assert outcome.confirmed == []
    # each column is alike two others: nothing to suggest, four counted
    assert (outcome.possible, outcome.ambiguous) == ([], 4)
    assert outcome.unmatched_hints == ["t.x=t.y"]
    outcome = renames.decide(pairs[:1], [], None)
    assert (outcome.possible, outcome.ambiguous) == (pairs[:1], 0)


def test_unlike_pairs_are_neither_asked_nor_possible_but_hints_apply() -> None:
    pair = renames.RenameCandidate("column", None, "t", "a", "b", alike=False)
    asked: list[str] = []
    outcome = renames.decide([pair], [], lambda q: asked.append(q) or True)
    assert (outcome.confirmed, outcome.possible, asked) == ([], [], [])
    outcome = renames.decide([pair], ["t.a=t.b"], None)
    assert outcome.confirmed == [pair]


# ------------------------------------------------- compare + the rename pass
def _column_case():
    conn_md, meta_md = sa.MetaData(), sa.MetaData()
    for md, col in ((conn_md, "display_name"), (meta_md, "full_name")):
        users = _users(md, **{col: sa.String(50), "email": sa.String(20)})
        sa.Index("ix_users_name", users.c[col])
        sa.Table(
            "profile",
            md,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("name", sa.String(50)),
            sa.ForeignKeyConstraint(["name"], [f"users.{col}"], name="fk_name"),
        )
        users.append_constraint(sa.UniqueConstraint(col, name="uq_name"))
    return conn_md, meta_md


def test_possible_rename_is_marked_on_the_drop_and_the_add() -> None:
    conn_md, meta_md = _column_case()
    upgrade, outcome = _run(conn_md, meta_md)
    assert [(c.old, c.new) for c in outcome.possible] == [("display_name", "full_name")]
    leaves = list(upgrade.leaf_ops())
    marked = [op for op in leaves if renames.possible_renames_of(op)]
    assert sorted(type(op).__name__ for op in marked) == ["AddColumnOp", "DropColumnOp"]
    # the reverse (downgrade) directives carry no mark of their own
    assert not any(
        renames.possible_renames_of(op) for op in upgrade.reverse().leaf_ops()
    )


def test_confirmed_column_rename_keeps_its_index_unique_and_foreign_key() -> None:
    conn_md, meta_md = _column_case()
    upgrade, outcome = _run(conn_md, meta_md, hints=["users.display_name=full_name"])
    assert [c.hint for c in outcome.confirmed] == ["users.display_name=users.full_name"]
    assert _shape(upgrade) == [
        ("users", [("alter", "display_name", "full_name", False)])
    ]
    assert _shape(upgrade.reverse()) == [
        ("users", [("alter", "full_name", "display_name", False)])
    ]
    assert upgrade.as_diffs() == [[]]  # Alembic's diff form has no name kind
    from schemadiff.autogenerate.report import differences

    [entry] = differences([upgrade])
    assert (entry["kind"], entry["before"], entry["after"]) == (
        "rename_column",
        "display_name",
        "full_name",
    )
    assert (
        entry["description"] == "column users.display_name renamed to users.full_name"
    )


def test_a_hint_also_renames_an_unlike_pair_then_alters_it() -> None:
    conn_md, meta_md = sa.MetaData(), sa.MetaData()
    _users(conn_md, a=sa.String(10))
    _users(meta_md, b=sa.String(20))
    upgrade, outcome = _run(conn_md, meta_md)
    assert outcome.possible == []  # not alike: nothing suspected
    upgrade, outcome = _run(conn_md, meta_md, hints=["users.a=users.b"])
    assert _shape(upgrade) == [
        ("users", [("alter", "a", "b", False)]),
        ("users", [("alter", "b", None, True)]),
    ]


def test_table_rename_follows_keys_and_drops_old_named_dependents_first() -> None:
    conn_md, meta_md = sa.MetaData(), sa.MetaData()
    for md, name in ((conn_md, "users"), (meta_md, "customers")):
        users = _users(md, name, email=sa.String(20))
        sa.Index(f"ix_{name}_email", users.c.email)  # the name changes
        sa.Index("ix_email_kept", users.c.email, unique=True)  # this one follows
        sa.Table(
            "orders",
            md,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("uid", sa.Integer, sa.ForeignKey(f"{name}.id", name="fk_u")),
        )
    upgrade, outcome = _run(conn_md, meta_md)
    assert [(c.kind, c.old, c.new) for c in outcome.possible] == [
        ("table", "users", "customers")
    ]
    upgrade, outcome = _run(conn_md, meta_md, hints=["users=customers"])
    assert _shape(upgrade) == [
        ("users", [("DropIndexOp", "users", "ix_users_email")]),
        ("rename_table", "users", "customers"),
        ("customers", [("CreateIndexOp", "customers", "ix_customers_email")]),
    ]
    assert _shape(upgrade.reverse()) == [
        ("customers", [("DropIndexOp", "customers", "ix_customers_email")]),
        ("rename_table", "customers", "users"),
        ("users", [("CreateIndexOp", "users", "ix_users_email")]),
    ]
    assert upgrade.as_diffs()[1] == ("rename_table", None, "users", "customers")


def test_a_table_with_other_columns_is_no_possible_rename() -> None:
    conn_md, meta_md = sa.MetaData(), sa.MetaData()
    _users(conn_md, "users", email=sa.String(20))
    _users(meta_md, "customers", email=sa.String(20), extra=sa.Integer())
    _, outcome = _run(conn_md, meta_md)
    assert outcome.possible == []


def test_revision_output_lines() -> None:
    import io
    from types import SimpleNamespace

    from schemadiff import command
    from schemadiff.config import Config

    out = io.StringIO()
    config = Config(stdout=out)
    table = renames.RenameCandidate("table", None, None, "users", "customers")
    column = renames.RenameCandidate("column", None, "t", "a", "b")
    collector = SimpleNamespace(
        rename_outcomes=[
            renames.RenameOutcome(
                confirmed=[table],
                possible=[column],
                unmatched_hints=["x=y"],
                ambiguous=4,
            )
        ]
    )
    command._report_renames(config, collector, ["users=customers", "x=y"])
    assert out.getvalue().splitlines() == [
        "Renaming table users to customers",
        "possible rename: t.a -> t.b; written as drop + add, which loses the data "
        "(to rename instead: --rename t.a=t.b)",
        "4 more dropped/added pairs look alike several ways (possible renames, "
        "not listed); name renames with --rename",
        "rename hint x=y names no dropped and added column or table; ignored",
    ]


def test_renames_outside_the_default_schema() -> None:
    conn_md, meta_md = sa.MetaData(schema="s"), sa.MetaData(schema="s")
    _users(conn_md, "users", a=sa.String(10))
    _users(meta_md, "customers", a=sa.String(10))
    _users(conn_md, "keep", b=sa.Integer())
    _users(meta_md, "keep", c=sa.Integer())
    _, outcome = _run(conn_md, meta_md)
    assert sorted(c.hint for c in outcome.possible) == [
        "s.keep.b=s.keep.c",
        "s.users=s.customers",
    ]
    upgrade, outcome = _run(conn_md, meta_md, hints=["s.users=s.customers", "keep.b=c"])
    assert len(outcome.confirmed) == 2
    assert _shape(upgrade) == [
        ("rename_table", "users", "customers"),
        ("keep", [("alter", "b", "c", False)]),
    ]
    assert {op.schema for op in upgrade.ops} == {"s"}
