"""Each lint rule: one revision that fires it, one that does not.

The revisions are real files read by the recording reader (their upgrade()
runs against the recording ``op``, never a database); rules are pure."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from schemadiff.lint.model import RevisionOps, all_rules
from schemadiff.lint.reader import offline_context, read_upgrade_ops
from schemadiff.lint.runner import lint_one
from schemadiff.util import load_python_file

PG, MY = "postgresql", "mysql"

# rule id -> (dialect, upgrade() body that fires it, body that doesn't)
CASES: dict[str, tuple[str, str, str]] = {
    "require-concurrent-index-creation": (
        PG,
        'op.create_index("ix_a_name", "account", ["name"])',
        """
        with op.get_context().autocommit_block():
            op.create_index(
                "ix_a_name", "account", ["name"], postgresql_concurrently=True
            )
        """,
    ),
    "concurrent-index-in-transaction": (
        PG,
        """
        op.create_index(
            "ix_a_name", "account", ["name"], postgresql_concurrently=True
        )
        """,
        """
        with op.get_context().autocommit_block():
            op.drop_index("ix_a_name", "account", postgresql_concurrently=True)
        """,
    ),
    "require-concurrent-index-deletion": (
        PG,
        'op.drop_index("ix_a_name", "account")',
        """
        op.create_table("t", sa.Column("id", sa.Integer, primary_key=True))
        op.drop_index("ix_t", "t")
        """,
    ),
    "constraint-missing-not-valid": (
        PG,
        'op.create_foreign_key("fk_o_a", "orders", "account", ["a_id"], ["id"])',
        """
        op.create_foreign_key(
            "fk_o_a", "orders", "account", ["a_id"], ["id"],
            postgresql_not_valid=True,
        )
        op.create_check_constraint(
            "ck_pos", "orders", "n > 0", postgresql_not_valid=True
        )
        """,
    ),
    "changing-column-type": (
        PG,
        """
        op.alter_column(
            "account", "n", type_=sa.BigInteger(), existing_type=sa.Integer()
        )
        """,
        """
        op.alter_column(
            "account", "name", type_=sa.String(80), existing_type=sa.String(40)
        )
        op.alter_column(
            "account", "bio", type_=sa.Text(), existing_type=sa.String(40)
        )
        """,
    ),
    "adding-required-field": (
        PG,
        'op.add_column("account", sa.Column("age", sa.Integer, nullable=False))',
        """
        op.add_column(
            "account",
            sa.Column("age", sa.Integer, nullable=False, server_default="0"),
        )
        op.add_column("account", sa.Column("note", sa.Text, nullable=True))
        """,
    ),
    "adding-not-nullable-field": (
        PG,
        'op.alter_column("account", "name", nullable=False)',
        """
        op.execute(
            "ALTER TABLE account ADD CONSTRAINT ck_name CHECK (name IS NOT NULL) "
            "NOT VALID"
        )
        op.execute("ALTER TABLE account VALIDATE CONSTRAINT ck_name")
        op.alter_column("account", "name", nullable=False)
        """,
    ),
    "require-lock-timeout": (
        PG,
        'op.add_column("account", sa.Column("note", sa.Text))',
        """
        op.execute("SET lock_timeout = '2s'")
        op.add_column("account", sa.Column("note", sa.Text))
        """,
    ),
    "mysql-alter-copies-table": (
        MY,
        """
        op.alter_column(
            "account", "name", type_=sa.String(100), existing_type=sa.String(40)
        )
        """,
        """
        op.alter_column(
            "account", "name", type_=sa.String(60), existing_type=sa.String(40)
        )
        op.execute("SET foreign_key_checks = 0")
        op.create_foreign_key("fk_o_a", "orders", "account", ["a_id"], ["id"])
        """,
    ),
    "ban-drop-table": (
        "sqlite",
        'op.drop_table("account")',
        """
        op.create_table("scratch", sa.Column("id", sa.Integer, primary_key=True))
        op.drop_table("scratch")
        """,
    ),
    "ban-drop-column": (
        "sqlite",
        """
        with op.batch_alter_table("account", None, recreate="always") as batch_op:
            batch_op.drop_column("name")
        """,
        """
        with op.batch_alter_table("account") as batch_op:
            batch_op.add_column(sa.Column("note", sa.Text))
        """,
    ),
    "ban-narrowing-type": (
        MY,
        """
        op.alter_column(
            "account", "name", type_=sa.String(20), existing_type=sa.String(40)
        )
        """,
        """
        op.alter_column(
            "account", "name", type_=sa.String(41), existing_type=sa.String(40)
        )
        """,
    ),
    "renaming-column": (
        PG,
        'op.alter_column("account", "name", new_column_name="full_name")',
        'op.alter_column("account", "name", comment="the name")',
    ),
    "renaming-table": (
        MY,
        'op.rename_table("account", "customer")',
        'op.create_table_comment("account", "customers")',
    ),
}


def test_every_rule_has_a_case() -> None:
    assert sorted(r.id for r in all_rules()) == sorted(CASES)


def _read(tmp_path: Path, dialect: str, body: str, name: str) -> RevisionOps:
    path = tmp_path / f"{name}.py"
    code = textwrap.indent(textwrap.dedent(body).strip(), "    ")
    path.write_text(
        "import sqlalchemy as sa\nfrom schemadiff import op\n\n"
        f"revision = {name!r}\n\n\ndef upgrade():\n{code}\n",
        "utf-8",
    )
    module = load_python_file(str(path))
    ops = read_upgrade_ops(module, str(path), offline_context(dialect))
    return RevisionOps(name, str(path), ops)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_fires_and_stays_quiet(tmp_path: Path, rule_id: str) -> None:
    dialect, firing, clean = CASES[rule_id]
    fired = lint_one(_read(tmp_path, dialect, firing, "fires"), dialect, ())
    hits = [f for f in fired if f.rule == rule_id]
    assert len(hits) == 1, fired
    assert hits[0].revision == "fires"
    assert hits[0].line is not None and hits[0].line >= 7
    assert hits[0].fix
    quiet = lint_one(_read(tmp_path, dialect, clean, "quiet"), dialect, ())
    assert rule_id not in {f.rule for f in quiet}, quiet


def test_dialect_rules_stay_on_their_dialect(tmp_path: Path) -> None:
    body = 'op.create_index("ix_a_name", "account", ["name"])'
    assert lint_one(_read(tmp_path, MY, body, "r"), MY, ()) == []
    rev = _read(tmp_path, PG, 'op.add_column("a", sa.Column("b", sa.Integer))', "p")
    assert [f.rule for f in lint_one(rev, "sqlite", ())] == []


def test_switched_off_rules(tmp_path: Path) -> None:
    rev = _read(tmp_path, PG, 'op.drop_table("account")', "d")
    assert [f.rule for f in lint_one(rev, PG, ())] == [
        "ban-drop-table",
        "require-lock-timeout",
    ]
    assert [f.rule for f in lint_one(rev, PG, {"require-lock-timeout"})] == [
        "ban-drop-table"
    ]
    assert lint_one(rev, PG, {"all"}) == []
