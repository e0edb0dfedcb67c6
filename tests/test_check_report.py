"""The drift report of ``check``, built straight from compare results."""

from __future__ import annotations

import json

import sqlalchemy as sa

from schemadiff.autogenerate import produce_migrations
from schemadiff.autogenerate.report import differences, json_report, text_report
from schemadiff.operations import ops
from schemadiff.runtime.migration import MigrationContext


def build_drift() -> list[dict]:
    engine = sa.create_engine("sqlite://")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE foo (id INTEGER NOT NULL PRIMARY KEY, old VARCHAR(10), "
            "x INTEGER, y VARCHAR(5) DEFAULT 'a')"
        )
        conn.exec_driver_sql("CREATE TABLE bar (data VARCHAR)")
        conn.exec_driver_sql("CREATE INDEX ix_foo_x ON foo (x)")
    meta = sa.MetaData()
    sa.Table(
        "foo",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("x", sa.Integer, nullable=False),
        sa.Column("y", sa.String(20), server_default="b"),
        sa.Column("new", sa.String(3)),
        sa.UniqueConstraint("x", name="uq_x"),
    )
    sa.Table(
        "bat",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("fid", sa.ForeignKey("foo.id", ondelete="CASCADE")),
    )
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_server_default": True}
        )
        script = produce_migrations(context, meta)
        return differences([script.upgrade_ops], conn.dialect)


def test_entries_describe_each_difference() -> None:
    entries = build_drift()
    by_kind = {}
    for entry in entries:
        by_kind.setdefault(entry["kind"], []).append(entry)
        assert set(entry) - {"destructive", "reason"} == {
            "kind",
            "schema",
            "table",
            "column",
            "name",
            "before",
            "after",
            "description",
        }
        assert ("destructive" in entry) == ("reason" in entry)
    destructive = sorted(
        (e["kind"], e["table"], e["column"]) for e in entries if "destructive" in e
    )
    assert destructive == [
        ("modify_nullable", "foo", "x"),
        ("remove_column", "foo", "old"),
        ("remove_table", "bar", None),
    ]
    [add_table] = by_kind["add_table"]
    assert add_table["table"] == "bat"
    assert add_table["before"] is None
    assert add_table["after"] == {"columns": ["id", "fid"]}
    [remove_table] = by_kind["remove_table"]
    assert remove_table["before"] == {"columns": ["data"]}
    [add_column] = by_kind["add_column"]
    assert (add_column["table"], add_column["column"]) == ("foo", "new")
    assert add_column["after"] == {"type": "VARCHAR(3)", "nullable": True}
    [remove_column] = by_kind["remove_column"]
    assert remove_column["column"] == "old"
    nullable = [e for e in by_kind["modify_nullable"] if e["column"] == "x"]
    assert nullable[0]["before"] is True and nullable[0]["after"] is False
    [type_change] = by_kind["modify_type"]
    assert (type_change["before"], type_change["after"]) == (
        "VARCHAR(5)",
        "VARCHAR(20)",
    )
    [default] = by_kind["modify_default"]
    assert (default["before"], default["after"]) == ("'a'", "'b'")
    [index] = by_kind["remove_index"]
    assert index["name"] == "ix_foo_x"
    assert index["before"] == {"columns": ["x"], "unique": False}
    [unique] = by_kind["add_constraint"]
    assert unique["name"] == "uq_x"
    assert unique["after"] == {"type": "unique", "columns": ["x"]}
    text = text_report(entries)
    assert text.splitlines()[0] == (
        f"Detected {len(entries)} differences between the database and the models:"
    )
    assert "  - [modify_type] type of foo.y changed: VARCHAR(5) -> VARCHAR(20)" in text
    assert "  - [add_table] table bat added" in text


def test_json_report_is_stable_and_parseable() -> None:
    entries = build_drift()
    document = json.loads(json_report(entries))
    assert document["format"] == "schemadiff-check"
    assert document["version"] == 2
    assert document["status"] == "drift"
    assert document["count"] == len(entries) == len(document["differences"])
    assert json_report(entries) == json_report(build_drift())
    clean = json.loads(json_report([]))
    assert clean["status"] == "clean" and clean["differences"] == []


def test_foreign_key_and_comment_entries() -> None:
    meta = sa.MetaData()
    sa.Table("p", meta, sa.Column("id", sa.Integer, primary_key=True), schema="s")
    child = sa.Table(
        "c",
        meta,
        sa.Column("pid", sa.Integer),
        sa.ForeignKeyConstraint(["pid"], ["s.p.id"], name="fk_c", ondelete="SET NULL"),
        comment="new comment",
    )
    fk = next(iter(child.foreign_key_constraints))
    upgrade = ops.UpgradeOps(
        [
            ops.ModifyTableOps(
                "c",
                [
                    ops.CreateForeignKeyOp.from_constraint(fk),
                    ops.CreateTableCommentOp(
                        "c", "new comment", existing_comment="old"
                    ),
                    ops.AlterColumnOp(
                        "c", "pid", existing_comment=None, modify_comment="hello"
                    ),
                ],
            )
        ]
    )
    entries = differences([upgrade])
    kinds = [e["kind"] for e in entries]
    assert kinds == ["add_fk", "add_table_comment", "modify_comment"]
    assert entries[0]["after"] == {
        "type": "foreign_key",
        "columns": ["pid"],
        "referred_schema": "s",
        "referred_table": "p",
        "referred_columns": ["id"],
        "ondelete": "SET NULL",
        "onupdate": None,
    }
    assert entries[0]["description"] == (
        "foreign key constraint fk_c on c(pid) -> s.p(id) added"
    )
    assert (entries[1]["before"], entries[1]["after"]) == ("old", "new comment")
    assert (entries[2]["before"], entries[2]["after"]) == (None, "hello")


class CreateViewOp(ops.MigrateOperation):
    def __init__(self, view_name: str, sql: str) -> None:
        self.view_name = view_name
        self.sql = sql


def test_plugin_directives_without_diff_form_are_reported() -> None:
    [entry] = differences([ops.UpgradeOps([CreateViewOp("v_users", "SELECT 1")])])
    assert entry["kind"] == "CreateViewOp"
    assert entry["name"] == "v_users"
    assert entry["description"] == "CreateViewOp v_users"
