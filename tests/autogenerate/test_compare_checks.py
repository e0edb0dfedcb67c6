"""Named CHECK constraints: detected both ways, matched by name, on three backends.

The change matrix reuses the harness of ``test_compare_changes`` (create the
"before" schema, compare with "after", assert the exact directives, then swap).
The round trip renders the directives as a revision would and runs them:
plainly on PostgreSQL and MariaDB, in batch mode on SQLite (which cannot ALTER
a CHECK), and plainly on SQLite must fail with the usual clear error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql

from schemadiff.autogenerate.render import render_python_code
from schemadiff.autogenerate.report import differences, json_report
from schemadiff.operations import Operations, ops
from schemadiff.runtime.migration import MigrationContext
from schemadiff.util import CommandError
from tests.autogenerate._autogen_project import (
    autogen_project,
    cli,
    diff_against,
    load_metadata,
    versions,
    write_models,
)
from tests.autogenerate._util import NAMING, create, diffs, migration
from tests.autogenerate.test_compare_changes import Case, _mod, _run
from tests.conftest import make_backend

#: a convention without a "ck" entry: unnamed checks stay unnamed
NO_CK = {k: v for k, v in NAMING.items() if k != "ck"}
#: a "ck" convention that names even unnamed checks (by their first column)
CK_BY_COLUMN = {**NO_CK, "ck": "ck_%(table_name)s_%(column_0_name)s"}

LONG_TABLE = "a_rather_long_table_name_for_checking_truncation_rules_xx"
LONG_COLUMN = "an_equally_long_column_name_for_the_check_xx"


def _md(convention: dict[str, str] = NAMING) -> sa.MetaData:
    return sa.MetaData(naming_convention=convention)


def _t(md: sa.MetaData, *items: Any, x: Any = None, name: str = "t") -> sa.Table:
    x_column = x if x is not None else sa.Column("x", sa.Integer)
    return sa.Table(
        name,
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        x_column,
        sa.Column("y", sa.Integer),
        *items,
    )


def _flag_kind(create_constraint: bool, named: bool = True) -> list[sa.Column]:
    return [
        sa.Column(
            "flag",
            sa.Boolean(
                create_constraint=create_constraint, name="flag" if named else None
            ),
        ),
        sa.Column(
            "kind",
            sa.Enum(
                "a",
                "b",
                native_enum=False,
                create_constraint=create_constraint,
                name="kind" if named else None,
            ),
        ),
    ]


def case_table_check(b: Any) -> Case:
    before, after = _md(), _md()
    _t(before)
    _t(after, sa.CheckConstraint("x > 0", name="positive"))
    return Case(
        before,
        after,
        [_mod("t", ("create_check", "ck_t_positive", "x > 0"))],
        [_mod("t", ("drop_constraint", "ck_t_positive", "check"))],
        {},
    )


def case_column_check(b: Any) -> Case:
    """A check declared on the column.  MariaDB rejects a named check inside a
    column definition (SQLAlchemy's DDL for it), so there it is table-level."""
    before, after = _md(), _md()
    _t(before)
    if b.name == "mariadb":
        _t(after, sa.CheckConstraint("x < 10", name="small"))
    else:
        _t(after, x=sa.Column("x", sa.Integer, sa.CheckConstraint("x < 10", "small")))
    return Case(
        before,
        after,
        [_mod("t", ("create_check", "ck_t_small", "x < 10"))],
        [_mod("t", ("drop_constraint", "ck_t_small", "check"))],
        {},
    )


def case_check_renamed(b: Any) -> Case:
    before, after = _md(), _md()
    _t(before, sa.CheckConstraint("x > 0", name="positive"))
    _t(after, sa.CheckConstraint("x > 0", name="above_zero"))
    return Case(
        before,
        after,
        [
            _mod(
                "t",
                ("drop_constraint", "ck_t_positive", "check"),
                ("create_check", "ck_t_above_zero", "x > 0"),
            )
        ],
        [
            _mod(
                "t",
                ("drop_constraint", "ck_t_above_zero", "check"),
                ("create_check", "ck_t_positive", "x > 0"),
            )
        ],
        {},
    )


def case_check_condition_changed(b: Any) -> Case:
    """Same name, other condition: dropped and created again."""
    before, after = _md(), _md()
    _t(before, sa.CheckConstraint("x > 0", name="positive"))
    _t(after, sa.CheckConstraint("x > 1 AND y IS NOT NULL", name="positive"))
    drop = ("drop_constraint", "ck_t_positive", "check")
    return Case(
        before,
        after,
        [_mod("t", drop, ("create_check", "ck_t_positive", "x > 1 AND y IS NOT NULL"))],
        [_mod("t", drop, ("create_check", "ck_t_positive", "x > 0"))],
        {},
    )


def case_type_checks(b: Any) -> Case:
    """Boolean/Enum ``create_constraint=True`` with a name are real checks;
    PostgreSQL's native BOOLEAN gets none."""
    before, after = _md(), _md()
    _t(before, *_flag_kind(False))
    _t(after, *_flag_kind(True))
    adds = [("create_check", "ck_t_kind", "kind IN ('a', 'b')")]
    drops = [("drop_constraint", "ck_t_kind", "check")]
    if b.name != "postgresql":
        adds.insert(0, ("create_check", "ck_t_flag", "flag IN (0, 1)"))
        drops.insert(0, ("drop_constraint", "ck_t_flag", "check"))
    return Case(before, after, [_mod("t", *adds)], [_mod("t", *drops)], {})


def case_type_checks_named_by_convention(b: Any) -> Case:
    """A "ck" convention that needs no explicit name names the type's check."""
    before, after = _md(CK_BY_COLUMN), _md(CK_BY_COLUMN)
    _t(before, *_flag_kind(False, named=False))
    _t(after, *_flag_kind(True, named=False))
    adds = [("create_check", "ck_t_kind", "kind IN ('a', 'b')")]
    drops = [("drop_constraint", "ck_t_kind", "check")]
    if b.name != "postgresql":
        adds.insert(0, ("create_check", "ck_t_flag", "flag IN (0, 1)"))
        drops.insert(0, ("drop_constraint", "ck_t_flag", "check"))
    return Case(before, after, [_mod("t", *adds)], [_mod("t", *drops)], {})


def case_unnamed_checks_ignored(b: Any) -> Case:
    """Unnamed checks, whatever name the backend gives them, are not compared."""
    before, after = _md(NO_CK), _md(NO_CK)
    _t(before, *_flag_kind(False, named=False))
    _t(
        after,
        *_flag_kind(True, named=False),
        sa.CheckConstraint("x > 0"),
        sa.CheckConstraint("x <> y"),
        x=sa.Column("x", sa.Integer, sa.CheckConstraint("x < 100")),
    )
    # PostgreSQL cuts its generated "<table>_<column>_check" to 63 bytes
    sa.Table(LONG_TABLE, before, sa.Column(LONG_COLUMN, sa.Integer))
    sa.Table(
        LONG_TABLE,
        after,
        sa.Column(LONG_COLUMN, sa.Integer),
        sa.CheckConstraint(f"{LONG_COLUMN} > 0"),
    )
    return Case(before, after, [], [], {})


def case_new_column_with_type_check(b: Any) -> Case:
    """add_column creates the type's check itself: only the column is added,
    except on SQLite, where ADD COLUMN can't carry a CHECK.  Removing the
    column drops its checks first."""
    before, after = _md(), _md()
    _t(before)
    _t(after, *_flag_kind(True))
    adds = [("add_column", "flag"), ("add_column", "kind")]
    drops = [("drop_constraint", "ck_t_kind", "check")]
    if b.name != "postgresql":
        drops.insert(0, ("drop_constraint", "ck_t_flag", "check"))
    if b.name == "sqlite":
        adds += [
            ("create_check", "ck_t_flag", "flag IN (0, 1)"),
            ("create_check", "ck_t_kind", "kind IN ('a', 'b')"),
        ]
    return Case(
        before,
        after,
        [_mod("t", *adds)],
        [_mod("t", *drops, ("drop_column", "flag"), ("drop_column", "kind"))],
        {},
        symmetric=b.name == "sqlite",
    )


CASES = [
    case_table_check,
    case_column_check,
    case_check_renamed,
    case_check_condition_changed,
    case_type_checks,
    case_type_checks_named_by_convention,
    case_unnamed_checks_ignored,
    case_new_column_with_type_check,
]
IDS = [f.__name__[5:] for f in CASES]


@pytest.mark.parametrize("make_case", CASES, ids=IDS)
def test_check_change(backend, make_case):
    _run(backend, make_case)


# ------------------------------------------------------------------ filters
def _checked_md() -> sa.MetaData:
    md = _md()
    _t(md, sa.CheckConstraint("x > 0", name="positive"))
    return md


def test_include_object_sees_check_constraint(backend):
    """include_object gets type_ "check_constraint" on both sides; rejecting
    it hides the difference."""
    before, after = _md(), _md()
    _t(before, sa.CheckConstraint("y > 0", name="old"))
    _t(after, sa.CheckConstraint("x > 0", name="new"))
    create(backend.engine, before)
    seen = []

    def include_object(obj, name, type_, reflected, compare_to):
        if type_ == "check_constraint":
            seen.append((str(name), reflected))
            return False
        return True

    assert diffs(backend.engine, after, include_object=include_object) == []
    assert sorted(seen) == [("ck_t_new", False), ("ck_t_old", True)]


def test_include_name_filters_reflected_checks(backend):
    """include_name gets the reflected check's name with type_
    "check_constraint"; a rejected database check is not reported as removed."""
    create(backend.engine, _checked_md())
    seen = []

    def include_name(name, type_, parent_names):
        if type_ == "check_constraint":
            seen.append((name, parent_names["table_name"]))
            return False
        return True

    empty = _md()
    _t(empty)
    assert diffs(backend.engine, empty, include_name=include_name) == []
    assert seen == [("ck_t_positive", "t")]
    kinds = [d[0] for d in diffs(backend.engine, empty)]
    assert kinds == ["remove_constraint"]


# --------------------------------------------------------------- round trip
def apply(engine: sa.Engine, container: Any, metadata: sa.MetaData, batch: bool):
    """Render the directives as a revision body would be, then run that code
    (with the models as target_metadata, as env.py gives them)."""
    with engine.begin() as conn:
        context = MigrationContext.configure(
            connection=conn, opts={"target_metadata": metadata}
        )
        code = render_python_code(
            container, migration_context=context, render_as_batch=batch
        )
        namespace = {
            "op": Operations(context),
            "sa": sa,
            "postgresql": postgresql,
            "mysql": mysql,
        }
        # the body is indented as in upgrade(); run it as a block
        body = "if True:\n" + code
        exec(compile(body, "<autogenerated>", "exec"), namespace)
        return code


ROUND_TRIP = [
    case_new_column_with_type_check,
    case_table_check,
    case_column_check,
    case_check_renamed,
    case_type_checks,
    case_type_checks_named_by_convention,
]


@pytest.mark.parametrize(
    "make_case", ROUND_TRIP, ids=[f.__name__[5:] for f in ROUND_TRIP]
)
def test_round_trip(backend, make_case):
    """upgrade -> compare is clean -> downgrade -> compare is clean; batch mode
    on SQLite only.  Another named check on the table survives both ways."""
    case = make_case(backend)
    for md in (case.before, case.after):
        md.tables["t"].append_constraint(sa.CheckConstraint("y < 1000", name="keep"))
    engine = backend.engine
    batch = backend.name == "sqlite"
    create(engine, case.before)
    script = migration(engine, case.after)
    code = apply(engine, script.upgrade_ops, case.after, batch)
    assert ("batch_op.create_check_constraint" in code) == (
        batch and "create_check" in repr(case.forward)
    )
    assert diffs(engine, case.after) == []
    apply(engine, script.downgrade_ops, case.before, batch)
    assert diffs(engine, case.before) == []
    names = {c["name"] for c in sa.inspect(engine).get_check_constraints("t")}
    assert names & {"ck_t_keep", "keep"}  # "keep" under CK_BY_COLUMN


def test_new_table_with_checks_round_trip(backend):
    """create_table carries the named checks, column-level ones included."""
    before, after = _md(), _md()
    column_check = sa.CheckConstraint("x < 10", name="small")
    table_checks: list[Any] = [sa.CheckConstraint("x > 0", name="positive")]
    if backend.name == "mariadb":  # no named check inside a column definition
        table_checks.append(column_check)
        x = sa.Column("x", sa.Integer)
    else:
        x = sa.Column("x", sa.Integer, column_check)
    _t(after, *table_checks, *_flag_kind(True), x=x)
    script = migration(backend.engine, after)
    code = apply(backend.engine, script.upgrade_ops, after, batch=False)
    assert "sa.CheckConstraint('x < 10', name=op.f('ck_t_small'))" in code
    assert diffs(backend.engine, after) == []
    names = {c["name"] for c in sa.inspect(backend.engine).get_check_constraints("t")}
    expected = {"ck_t_positive", "ck_t_small", "ck_t_kind"}
    if backend.name != "postgresql":
        expected.add("ck_t_flag")
    assert names == expected
    apply(backend.engine, script.downgrade_ops, before, batch=False)
    assert diffs(backend.engine, before) == []


def test_sqlite_plain_create_check_fails_clearly(tmp_path: Path):
    """Without render_as_batch, SQLite can't add a CHECK: the usual clear error."""
    sqlite = make_backend("sqlite", tmp_path)
    try:
        case = case_table_check(sqlite)
        create(sqlite.engine, case.before)
        script = migration(sqlite.engine, case.after)
        with pytest.raises(CommandError, match="batch"):
            apply(sqlite.engine, script.upgrade_ops, case.after, batch=False)
    finally:
        sqlite.dispose()


# ------------------------------------------------------------------- report
def test_report_describes_checks(backend):
    before, after = _md(), _md()
    _t(before, sa.CheckConstraint("y > 0", name="old"))
    _t(after, sa.CheckConstraint("x > 0", name="new"))
    create(backend.engine, before)
    script = migration(backend.engine, after)
    entries = differences([script.upgrade_ops], backend.engine.dialect)
    removed, added = entries
    assert removed["kind"] == "remove_constraint"
    assert removed["name"] == "ck_t_old"
    assert removed["before"]["type"] == "check"
    assert "y" in removed["before"]["sqltext"] and "0" in removed["before"]["sqltext"]
    assert removed["after"] is None
    assert removed["description"].startswith("check constraint ck_t_old on t CHECK (")
    assert added == {
        "kind": "add_constraint",
        "schema": None,
        "table": "t",
        "column": None,
        "name": "ck_t_new",
        "before": None,
        "after": {"type": "check", "sqltext": "x > 0"},
        "description": "check constraint ck_t_new on t CHECK (x > 0) added",
    }
    assert '"sqltext": "x > 0"' in json_report(entries)


def test_drop_constraint_directive_carries_check_type(backend):
    create(backend.engine, _checked_md())
    empty = _md()
    _t(empty)
    script = migration(backend.engine, empty)
    (modify,) = script.upgrade_ops.ops
    (drop,) = modify.ops
    assert isinstance(drop, ops.DropConstraintOp)
    assert drop.constraint_type == "check"
    reverse = script.downgrade_ops.ops[0].ops[0]
    assert isinstance(reverse, ops.CreateCheckConstraintOp)
    assert reverse.constraint_name == "ck_t_positive"


# ---------------------------------------------------------- through the CLI
CLI_HEADER = """
import sqlalchemy as sa

metadata = sa.MetaData(naming_convention={
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "pk": "pk_%(table_name)s",
})
"""
CLI_V0 = CLI_HEADER + """
sa.Table("item", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("qty", sa.Integer),
    sa.Column("price", sa.Numeric(10, 2)),
    sa.Column("active", sa.Boolean(create_constraint=True, name="active")),
    sa.CheckConstraint("qty >= 0", name="qty_positive"),
)
"""
CLI_V1 = CLI_HEADER + """
sa.Table("item", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("qty", sa.Integer),
    sa.Column("price", sa.Numeric(10, 2)),
    sa.Column("active", sa.Boolean(create_constraint=True, name="active")),
    sa.CheckConstraint("price > 0", name="price_positive"),
)
sa.Table("box", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("w", sa.Integer),
    sa.Column("kind", sa.Enum("a", "b", native_enum=False, create_constraint=True,
                              name="kind")),
    sa.CheckConstraint("w BETWEEN 1 AND 99", name="w_range"),
)
"""


def test_cli_round_trip(backend, tmp_path: Path):
    """revision --autogenerate / upgrade / check through the CLI: a check
    added, one removed, a new table with checks; check reports the drift
    first (text and JSON), is clean after the upgrade; downgrade goes back."""
    project = autogen_project(tmp_path, backend.url, CLI_V0, hooks=False)
    cli(project, "revision", "--autogenerate", "-m", "v0")
    cli(project, "upgrade", "head")
    assert "No new upgrade operations" in cli(project, "check").output

    write_models(project, CLI_V1)
    text = cli(project, "check", expect=1).output
    assert "check constraint ck_item_qty_positive on item CHECK (" in text
    assert "check constraint ck_item_price_positive on item CHECK (price > 0)" in text
    report = json.loads(cli(project, "check", "--format", "json", expect=1).stdout)
    checks = {
        (d["kind"], d["name"]): d
        for d in report["differences"]
        if d["kind"].endswith("_constraint")
    }
    assert set(checks) == {
        ("add_constraint", "ck_item_price_positive"),
        ("remove_constraint", "ck_item_qty_positive"),
    }
    added = checks[("add_constraint", "ck_item_price_positive")]
    assert added["after"] == {"type": "check", "sqltext": "price > 0"}
    removed = checks[("remove_constraint", "ck_item_qty_positive")]
    assert removed["before"]["type"] == "check" and removed["after"] is None

    cli(project, "revision", "--autogenerate", "-m", "v1")
    newest = max(versions(project), key=lambda p: p.stat().st_mtime_ns)
    body = newest.read_text()
    prefix = "batch_op." if backend.name == "sqlite" else "op."
    table_arg = "" if backend.name == "sqlite" else "'item', "
    assert (
        f"{prefix}create_check_constraint(op.f('ck_item_price_positive'), "
        f"{table_arg}'price > 0')"
    ) in body
    assert (
        f"{prefix}drop_constraint(op.f('ck_item_qty_positive'), {table_arg}"
        "type_='check')"
    ) in body
    assert "sa.CheckConstraint('w BETWEEN 1 AND 99', name=op.f('ck_box_w_range'))" in (
        body
    )
    cli(project, "upgrade", "head")
    assert "No new upgrade operations" in cli(project, "check").output
    assert diff_against(backend.url, load_metadata(project)) == []

    cli(project, "downgrade", "-1")
    write_models(project, CLI_V0)
    assert diff_against(backend.url, load_metadata(project)) == []
    cli(project, "upgrade", "head")
    write_models(project, CLI_V1)
    assert "No new upgrade operations" in cli(project, "check").output


# ---------------------------------------------------- backend-made names
@pytest.mark.parametrize(
    "dialect, name, generated",
    [
        (postgresql.dialect(), "t_check", True),
        (postgresql.dialect(), "t_x_check", True),
        (postgresql.dialect(), "t_x_check1", True),
        (postgresql.dialect(), "ck_t_positive", False),
        (postgresql.dialect(), "other_x_check", False),
        (postgresql.dialect(), "t_checked", False),
        # "<table>_<column>_check" cut to 63 bytes
        (postgresql.dialect(), f"{LONG_TABLE[:31]}_{LONG_COLUMN[:25]}_check", True),
        (postgresql.dialect(), f"{LONG_TABLE[:31]}_zzzzzzz_check", False),
        (mysql.dialect(), "CONSTRAINT_1", True),
        (mysql.dialect(), "t_chk_2", True),
        (mysql.dialect(), "t_chk_x", False),
        (mysql.dialect(), "ck_t_positive", False),
    ],
)
def test_generated_check_names(dialect, name, generated):
    """Names a backend gives an unnamed check, told apart from chosen ones."""
    from schemadiff.ddl.normalise import get_normaliser

    md = sa.MetaData()
    for table_name in ("t", LONG_TABLE):
        sa.Table(
            table_name,
            md,
            sa.Column("x", sa.Integer),
            sa.Column(LONG_COLUMN, sa.Integer),
        )
    table = md.tables[LONG_TABLE if name.startswith(LONG_TABLE[:10]) else "t"]
    assert get_normaliser(dialect).is_generated_check_name(name, table) is generated
