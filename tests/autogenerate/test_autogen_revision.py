"""``revision --autogenerate`` on SQLite: post-write hooks (black through the
console_scripts and exec runners), directive hooks (the empty-migration
recipe, Rewriter chains), refusals and messages."""

from __future__ import annotations

import ast
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from schemadiff import command
from schemadiff.config import Config
from tests.autogenerate._autogen_project import (
    autogen_project,
    cli,
    versions,
    write_models,
)

MODELS = """
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

metadata = sa.MetaData(naming_convention={"ix": "ix_%(column_0_label)s"})
sa.Table(
    "account", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(50), nullable=False, server_default="anonymous"),
    sa.Column("email", sa.String(200), index=True),
    sa.Column("payload", sa.JSON().with_variant(postgresql.JSONB(), "postgresql")),
    sa.Column("created", sa.DateTime(timezone=True), server_default=sa.func.now()),
    comment="A table with a rather long comment so the rendered lines get long",
)
"""

MORE_MODELS = MODELS.replace(
    'sa.Column("email"', 'sa.Column("age", sa.Integer),\n    sa.Column("email"'
)

EMPTY_RECIPE = """
def process_revision_directives(context, revision, directives):
    if config.cmd_opts.autogenerate:
        script = directives[0]
        if script.upgrade_ops.is_empty():
            directives[:] = []
"""


def black_check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "black", "--check", "-q", str(path)],
        capture_output=True,
        text=True,
    )


def set_hooks(project: Path, body: str) -> None:
    ini = project / "schemadiff.ini"
    text = ini.read_text()
    start = text.index("[post_write_hooks]")
    end = text.index("\n[", start + 1)
    ini.write_text(text[:start] + "[post_write_hooks]\n" + body + text[end:])


@pytest.mark.parametrize("runner", ["console_scripts", "exec"])
def test_black_hook_formats_generated_file(tmp_path: Path, runner: str) -> None:
    project = autogen_project(tmp_path, f"sqlite:///{tmp_path}/db.sqlite", MODELS)
    black = Path(sys.executable).parent / "black"
    if runner == "console_scripts":
        set_hooks(
            project,
            "hooks = black\nblack.type = console_scripts\nblack.entrypoint = black\n"
            "black.options = -q REVISION_SCRIPT_FILENAME\n",
        )
    else:
        set_hooks(
            project,
            f"hooks = fmt\nfmt.type = exec\nfmt.executable = {black}\n"
            "fmt.options = -q REVISION_SCRIPT_FILENAME\nfmt.cwd = %(here)s\n",
        )
    cli(project, "revision", "--autogenerate", "-m", "create account")
    [path] = versions(project)
    text = path.read_text()
    assert black_check(path).returncode == 0
    # black ran: double quotes and lines within 88 columns
    assert 'op.create_table(\n        "account",' in text
    assert max(len(line) for line in text.splitlines()) <= 88
    assert "from sqlalchemy.dialects import postgresql" in text
    assert "sa.JSON().with_variant(" in text
    assert 'postgresql.JSONB(astext_type=sa.Text()), "postgresql"' in text
    assert 'server_default=sa.text("CURRENT_TIMESTAMP")' in text
    assert 'batch_op.create_index(op.f("ix_account_email"), ["email"]' in text
    module = runpy.run_path(str(path))
    assert module["revision"] == path.name.split("_")[0]
    assert callable(module["upgrade"]) and callable(module["downgrade"])


def test_without_hooks_file_is_valid_python_and_imports(tmp_path: Path) -> None:
    project = autogen_project(
        tmp_path, f"sqlite:///{tmp_path}/db.sqlite", MODELS, hooks=False
    )
    cli(project, "revision", "--autogenerate", "-m", "create account")
    [path] = versions(project)
    text = path.read_text()
    ast.parse(text)
    assert "op.create_table(\n        'account'," in text
    runpy.run_path(str(path))


def test_failing_hook_reports_name_and_output_and_keeps_file(tmp_path: Path) -> None:
    project = autogen_project(tmp_path, f"sqlite:///{tmp_path}/db.sqlite", MODELS)
    set_hooks(
        project,
        "hooks = lint\nlint.type = exec\n"
        f"lint.executable = {sys.executable}\n"
        "lint.options = -c \"import sys; print('lint says no'); sys.exit(3)\" "
        "REVISION_SCRIPT_FILENAME\n",
    )
    result = cli(project, "revision", "--autogenerate", "-m", "x", expect=1)
    assert "FAILED: Post write hook 'lint' failed (exit status 3)" in result.output
    assert "lint says no" in result.output
    [path] = versions(project)
    ast.parse(path.read_text())


def test_empty_migration_recipe_writes_no_file(tmp_path: Path) -> None:
    project = autogen_project(
        tmp_path,
        f"sqlite:///{tmp_path}/db.sqlite",
        MODELS,
        hooks=False,
        env_extra=EMPTY_RECIPE,
        configure_kw="process_revision_directives=process_revision_directives,",
    )
    cli(project, "revision", "--autogenerate", "-m", "first")
    assert len(versions(project)) == 1
    cli(project, "upgrade", "head")
    result = cli(project, "revision", "--autogenerate", "-m", "nothing")
    assert len(versions(project)) == 1
    assert "No changes in schema detected; no revision file written." in result.output
    # a plain revision still writes its (empty) file: the hook only acts
    # when autogenerating
    cli(project, "revision", "-m", "manual")
    assert len(versions(project)) == 2
    cli(project, "upgrade", "head")
    # and a real change is still written
    write_models(project, MORE_MODELS)
    cli(project, "revision", "--autogenerate", "-m", "age")
    assert len(versions(project)) == 3


def test_rewriter_chain_from_env_and_command_argument(tmp_path: Path) -> None:
    env_extra = """
from schemadiff.autogenerate import rewriter
from schemadiff.operations import ops

writer = rewriter.Rewriter()

@writer.rewrites(ops.AddColumnOp)
def add_column(context, revision, op):
    op.column.nullable = True
    return [
        op,
        ops.AlterColumnOp(op.table_name, op.column.name, modify_nullable=False,
                          existing_type=op.column.type),
    ]

def stamp_message(context, revision, directives):
    if directives:
        directives[0].message = "rewritten: " + (directives[0].message or "")

chained = writer.chain(stamp_message)
"""
    models = MODELS.replace(
        'sa.Column("email"',
        'sa.Column("age", sa.Integer, nullable=False),\n    sa.Column("email"',
    )
    project = autogen_project(
        tmp_path,
        f"sqlite:///{tmp_path}/db.sqlite",
        MODELS,
        hooks=False,
        env_extra=env_extra,
        configure_kw="process_revision_directives=chained,",
    )
    cli(project, "revision", "--autogenerate", "-m", "first")
    cli(project, "upgrade", "head")
    write_models(project, models)
    calls = []

    def from_caller(context, revision, directives):
        calls.append(revision)
        directives[0].rev_id = "feedfacecafe"

    config = Config(str(project / "schemadiff.ini"))
    config.cmd_opts = type("Opts", (), {"autogenerate": True})()
    script = command.revision(
        config,
        message="age",
        autogenerate=True,
        process_revision_directives=from_caller,
    )
    assert script.revision == "feedfacecafe"
    assert len(calls) == 1
    text = Path(script.path).read_text()
    assert '"""rewritten: age' in text
    upgrade = text.split("def upgrade")[1].split("def downgrade")[0]
    assert (
        "batch_op.add_column(sa.Column('age', sa.Integer(), nullable=True))" in upgrade
    )
    assert (
        "batch_op.alter_column('age', existing_type=sa.Integer(), nullable=False)"
        in upgrade
    )
    cli(project, "upgrade", "head")
    cli(project, "check")


def test_sql_with_autogenerate_is_refused(tmp_path: Path) -> None:
    project = autogen_project(
        tmp_path, f"sqlite:///{tmp_path}/db.sqlite", MODELS, hooks=False
    )
    result = cli(project, "revision", "--autogenerate", "--sql", "-m", "x", expect=1)
    assert (
        "FAILED: Using --sql with --autogenerate does not make any sense"
        in result.output
    )
    assert versions(project) == []


def test_database_behind_heads_is_refused(tmp_path: Path) -> None:
    project = autogen_project(
        tmp_path, f"sqlite:///{tmp_path}/db.sqlite", MODELS, hooks=False
    )
    cli(project, "revision", "--autogenerate", "-m", "first")
    result = cli(project, "revision", "--autogenerate", "-m", "second", expect=1)
    assert "FAILED: Target database is not up to date" in result.output
    assert len(versions(project)) == 1


def test_missing_target_metadata_is_a_clear_error(tmp_path: Path) -> None:
    project = autogen_project(
        tmp_path,
        f"sqlite:///{tmp_path}/db.sqlite",
        "metadata = None\n",
        hooks=False,
    )
    result = cli(project, "revision", "--autogenerate", "-m", "x", expect=1)
    assert "FAILED: Can't proceed with --autogenerate option" in result.output
    assert versions(project) == []
