"""Destructive changes named: each kind (drop table, drop column, shorter
string, smaller integer, smaller numeric, text to non-text, NOT NULL without
a server default) is marked ``# DATA LOSS:`` in the rendered upgrade (and the
downgrade where the reverse discards data), listed by ``revision
--autogenerate``, carried as ``destructive``/``reason`` by ``check --format
json``; ``--no-destructive`` refuses and writes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql

from schemadiff.autogenerate import destructive
from schemadiff.autogenerate.render import RenderContext, render_migration_script
from schemadiff.operations import ops
from tests.autogenerate._autogen_project import (
    autogen_project,
    cli,
    versions,
    write_models,
)

V0 = """
import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table("doomed", metadata, sa.Column("id", sa.Integer, primary_key=True))
sa.Table("t", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("gone", sa.Integer),
    sa.Column("s", sa.String(50)),
    sa.Column("i", sa.BigInteger),
    sa.Column("n", sa.Numeric(10, 2)),
    sa.Column("txt", sa.String(20)),
    sa.Column("nn", sa.Integer),
    sa.Column("keep", sa.String(10)),
)
"""

V1 = """
import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table("t", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("s", sa.String(10)),
    sa.Column("i", sa.Integer),
    sa.Column("n", sa.Numeric(6, 2)),
    sa.Column("txt", sa.Integer),
    sa.Column("nn", sa.Integer, nullable=False),
    sa.Column("keep", sa.String(40)),
)
"""

#: (json kind, column or table, start of the reason, words in it); the type
#: names in between are the backend's (VARCHAR, DECIMAL, ...)
EXPECTED = [
    ("remove_table", "doomed", "drops table doomed", "all its rows"),
    ("remove_column", "gone", "drops column t.gone", "its values"),
    ("modify_type", "s", "type of t.s ", "(10): shorter"),
    ("modify_type", "i", "type of t.i ", ": smaller integer"),
    ("modify_type", "n", "type of t.n ", "(6, 2): smaller numeric"),
    ("modify_type", "txt", "type of t.txt ", ": text to non-text"),
    ("modify_nullable", "nn", "t.nn made NOT NULL without a server default", ""),
]


def _section(text: str, fn: str) -> str:
    rest = text.split(f"def {fn}")[1]
    return rest.split("def downgrade")[0] if fn == "upgrade" else rest


def _marks(section: str) -> list[str]:
    return [
        line.strip()[len("# DATA LOSS: ") :]
        for line in section.splitlines()
        if line.strip().startswith("# DATA LOSS: ")
    ]


def test_each_kind_is_marked_listed_and_reported(backend, tmp_path: Path) -> None:
    project = autogen_project(tmp_path, backend.url, V0, hooks=False)
    cli(project, "revision", "--autogenerate", "-m", "v0")
    cli(project, "upgrade", "head")
    write_models(project, V1)

    # --no-destructive refuses, with one line, and writes nothing
    before = versions(project)
    result = cli(
        project, "revision", "--autogenerate", "-m", "v1", "--no-destructive", expect=1
    )
    failed = [line for line in result.output.splitlines() if "FAILED" in line]
    assert failed == [
        f"FAILED: --no-destructive: {len(EXPECTED)} changes would discard data "
        "(listed above); no revision file written"
    ]
    assert versions(project) == before

    result = cli(project, "revision", "--autogenerate", "-m", "v1")
    listed = [
        line[len("DATA LOSS: ") :]
        for line in result.stdout.splitlines()
        if line.startswith("DATA LOSS: ")
    ]
    (new_file,) = set(versions(project)) - set(before)
    text = new_file.read_text()
    upgrade_marks = _marks(_section(text, "upgrade"))
    assert sorted(upgrade_marks) == sorted(listed)
    assert len(upgrade_marks) == len(EXPECTED)
    for _kind, _name, start, words in EXPECTED:
        assert any(m.startswith(start) and words in m for m in upgrade_marks), (
            start,
            upgrade_marks,
        )
    # the mark sits right above the call it is about
    lines = [line.strip() for line in _section(text, "upgrade").splitlines()]
    after_mark = [
        lines[i + 1] for i, line in enumerate(lines) if line.startswith("# DATA LOSS")
    ]
    assert any(line.startswith("op.drop_table('doomed'") for line in after_mark)
    assert any("drop_column(" in line and "'gone'" in line for line in after_mark)
    assert sum("alter_column(" in line for line in after_mark) == 5
    assert not any("'keep'" in line for line in after_mark)  # widening: no mark

    # the downgrade: dropping the re-created table is not a loss there, but
    # narrowing 'keep' back is, and so is going back from the widened types
    downgrade_marks = _marks(_section(text, "downgrade"))
    assert any(
        m.startswith("type of t.keep ") and "(10): shorter" in m
        for m in downgrade_marks
    ), downgrade_marks
    assert not any("doomed" in m for m in downgrade_marks)

    # check --format json carries destructive + reason on exactly those
    new_file.unlink()
    report = json.loads(cli(project, "check", "--format", "json", expect=1).stdout)
    marked = [d for d in report["differences"] if d.get("destructive")]
    assert len(marked) == len(EXPECTED)
    for kind, name, start, words in EXPECTED:
        [entry] = [
            d for d in marked if d["kind"] == kind and name in (d["column"], d["table"])
        ]
        assert entry["reason"].startswith(start), (entry, start)
        assert words in entry["reason"], (entry, words)
    unmarked = [d for d in report["differences"] if not d.get("destructive")]
    assert [(d["kind"], d["column"]) for d in unmarked] == [("modify_type", "keep")]
    assert "reason" not in unmarked[0]
    text_report = cli(project, "check", expect=1).output
    assert text_report.count("      DATA LOSS: ") == len(EXPECTED)


# ------------------------------------------------------------- pure checks
@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        (sa.String(50), sa.String(10), "shorter"),
        (sa.Text(), sa.String(200), "shorter"),
        (mysql.TEXT(), sa.String(200), "shorter"),
        (sa.Unicode(30), sa.Unicode(29), "shorter"),
        (sa.LargeBinary(), sa.LargeBinary(16), "shorter"),
        (sa.BigInteger(), sa.Integer(), "smaller integer"),
        (sa.Integer(), sa.SmallInteger(), "smaller integer"),
        (mysql.MEDIUMINT(), mysql.TINYINT(), "smaller integer"),
        (sa.Numeric(10, 2), sa.Numeric(8, 2), "smaller numeric"),
        (sa.Numeric(10, 4), sa.Numeric(10, 2), "smaller scale"),
        (sa.Numeric(), sa.Numeric(12, 2), "smaller numeric"),
        (sa.Float(53), sa.Float(24), "smaller float"),
        (sa.Numeric(10, 2), sa.Integer(), "fractional parts"),
        (sa.Integer(), sa.Numeric(5, 0), "integer digits"),
        (sa.String(20), sa.Integer(), "text to non-text"),
        (sa.Text(), sa.Boolean(), "text to non-text"),
        (sa.String(20), postgresql.JSONB(), "text to non-text"),
        (sa.Enum("a", "b", "c"), sa.Enum("a", "b"), "drops values c"),
        (sa.String(5), sa.Enum("a", "b"), "outside the enum"),
        (sa.DateTime(), sa.Date(), "time of day"),
        (sa.Integer(), sa.String(3), "truncated"),
        (sa.Date(), sa.Integer(), "don't convert"),
    ],
)
def test_narrowing_type_changes(old, new, words) -> None:
    reason = destructive.type_change_reason(old, new)
    assert reason is not None and words in reason, reason


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (sa.String(10), sa.String(50)),
        (sa.String(10), sa.Text()),
        (sa.Integer(), sa.BigInteger()),
        (sa.SmallInteger(), sa.Integer()),
        (sa.Numeric(6, 2), sa.Numeric(10, 2)),
        (sa.Numeric(10, 2), sa.Numeric()),
        (sa.Integer(), sa.Numeric(12, 0)),
        (sa.Float(24), sa.Float(53)),
        (sa.Boolean(), sa.Integer()),
        (sa.Date(), sa.DateTime()),
        (sa.Integer(), sa.Text()),
        (sa.Enum("a", "b"), sa.Enum("a", "b", "c")),
        (sa.Enum("a", "bb"), sa.String(2)),
    ],
)
def test_widening_type_changes(old, new) -> None:
    assert destructive.type_change_reason(old, new) is None


def test_not_null_reasons_depend_on_a_server_default() -> None:
    alter = ops.AlterColumnOp(
        "t", "c", existing_type=sa.Integer(), existing_nullable=True
    )
    alter.modify_nullable = False
    assert "NOT NULL without a server default" in destructive.data_loss_reason(alter)
    alter.existing_server_default = sa.DefaultClause("0")
    assert destructive.data_loss_reason(alter) is None
    alter.modify_server_default = None  # dropped at the same time
    assert destructive.data_loss_reason(alter) is not None
    add = ops.AddColumnOp("t", sa.Column("c", sa.Integer, nullable=False))
    assert "fails on a table holding rows" in destructive.data_loss_reason(add)
    add = ops.AddColumnOp(
        "t", sa.Column("c", sa.Integer, nullable=False, server_default="0")
    )
    assert destructive.data_loss_reason(add) is None
    assert (
        destructive.data_loss_reason(
            ops.AddColumnOp("t", sa.Column("c", sa.Integer, nullable=True))
        )
        is None
    )


def test_marks_only_in_revision_files() -> None:
    """render_python_code (the API) stays as it was; the revision file
    carries the marks, batch blocks included."""
    from schemadiff.autogenerate import render_python_code

    drop = ops.DropColumnOp.from_column_and_tablename(
        None, "t", sa.Column("c", sa.Integer)
    )
    upgrade = ops.UpgradeOps([ops.ModifyTableOps("t", [drop])])
    assert "DATA LOSS" not in render_python_code(upgrade)
    script = ops.MigrationScript("r1", upgrade, upgrade.reverse())
    ctx = RenderContext(opts={"render_as_batch": True})
    rendered = render_migration_script(ctx, script)
    assert rendered["upgrades"].splitlines()[1:3] == [
        "    with op.batch_alter_table('t', schema=None) as batch_op:",
        "        # DATA LOSS: drops column t.c and its values",
    ]
    assert "DATA LOSS" not in rendered["downgrades"]
