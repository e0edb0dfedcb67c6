"""A custom directive end to end on PostgreSQL: a plugin registers
``CreateViewOp`` / ``DropViewOp`` with an ``op.create_view`` operation, an
implementation, a schema comparator and a renderer; ``revision
--autogenerate`` then writes ``op.create_view(...)`` and ``upgrade`` runs it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from schemadiff.autogenerate import comparators, render
from schemadiff.operations import Operations
from schemadiff.operations.base import AbstractOperations
from tests.autogenerate._autogen_project import autogen_project, cli, versions

PLUGIN_NAME = "sd_test_viewplugin"

PLUGIN = '''
"""Views as first-class migration objects (a schemadiff plugin)."""
import sqlalchemy as sa

from schemadiff.autogenerate import comparators, renderers
from schemadiff.operations import MigrateOperation, Operations


@Operations.register_operation("create_view")
class CreateViewOp(MigrateOperation):
    def __init__(self, view_name, definition, schema=None):
        self.view_name = view_name
        self.definition = definition
        self.schema = schema

    @classmethod
    def create_view(cls, operations, view_name, definition, schema=None):
        return operations.invoke(cls(view_name, definition, schema=schema))

    def reverse(self):
        return DropViewOp(self.view_name, self.definition, schema=self.schema)


@Operations.register_operation("drop_view")
class DropViewOp(MigrateOperation):
    def __init__(self, view_name, definition=None, schema=None):
        self.view_name = view_name
        self.definition = definition
        self.schema = schema

    @classmethod
    def drop_view(cls, operations, view_name, definition=None, schema=None):
        return operations.invoke(cls(view_name, definition, schema=schema))

    def reverse(self):
        return CreateViewOp(self.view_name, self.definition, schema=self.schema)


def _qualified(op):
    return f"{op.schema}.{op.view_name}" if op.schema else op.view_name


@Operations.implementation_for(CreateViewOp)
def create_view(operations, op):
    operations.execute(f"CREATE VIEW {_qualified(op)} AS {op.definition}")


@Operations.implementation_for(DropViewOp)
def drop_view(operations, op):
    operations.execute(f"DROP VIEW {_qualified(op)}")


@comparators.dispatch_for("schema", "postgresql")
def compare_views(autogen_context, upgrade_ops, schemas):
    wanted = {}
    for metadata in autogen_context.metadata_list:
        wanted.update(metadata.info.get("views", {}))
    inspector = sa.inspect(autogen_context.connection)
    existing = set(inspector.get_view_names())
    for name in sorted(set(wanted) - existing):
        upgrade_ops.ops.append(CreateViewOp(name, wanted[name]))
    for name in sorted(existing - set(wanted)):
        definition = inspector.get_view_definition(name).strip().rstrip(";")
        upgrade_ops.ops.append(DropViewOp(name, definition))


@renderers.dispatch_for(CreateViewOp)
def render_create_view(autogen_context, op):
    return f"op.create_view({op.view_name!r}, {op.definition!r})"


@renderers.dispatch_for(DropViewOp)
def render_drop_view(autogen_context, op):
    return f"op.drop_view({op.view_name!r}, {op.definition!r})"
'''

MODELS = f"""
import sqlalchemy as sa
import {PLUGIN_NAME}  # noqa: F401  (registers the view directives)

metadata = sa.MetaData()
sa.Table(
    "account", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("active", sa.Boolean, nullable=False),
)
metadata.info["views"] = {{
    "active_account": "SELECT id FROM account WHERE active",
}}
"""


@pytest.fixture
def view_plugin(tmp_path: Path) -> Iterator[Path]:
    """Install the plugin module; undo every registration afterwards."""
    plugin_dir = tmp_path / "plugin"
    plugin_dir.mkdir()
    (plugin_dir / f"{PLUGIN_NAME}.py").write_text(PLUGIN)
    sys.path.insert(0, str(plugin_dir))
    schema_fns = list(comparators._registry.get(("schema", "postgresql"), []))
    renderer_keys = set(render.renderers._registry)
    impl_keys = set(Operations._to_impl._registry)
    try:
        yield plugin_dir
    finally:
        sys.path.remove(str(plugin_dir))
        sys.modules.pop(PLUGIN_NAME, None)
        comparators._registry[("schema", "postgresql")] = schema_fns
        for key in set(render.renderers._registry) - renderer_keys:
            del render.renderers._registry[key]
        for key in set(Operations._to_impl._registry) - impl_keys:
            del Operations._to_impl._registry[key]
        for name in ("create_view", "drop_view"):
            for cls in (Operations, AbstractOperations):
                if name in cls.__dict__:
                    delattr(cls, name)


def test_custom_create_view_directive_round_trip(
    postgresql_backend, tmp_path: Path, view_plugin: Path
) -> None:
    project = autogen_project(tmp_path, postgresql_backend.url, MODELS, hooks=True)
    cli(project, "revision", "--autogenerate", "-m", "account and view")
    [path] = versions(project)
    text = path.read_text()
    upgrade = text.split("def upgrade")[1].split("def downgrade")[0]
    downgrade = text.split("def downgrade")[1]
    assert (
        'op.create_view("active_account", "SELECT id FROM account WHERE active")'
        in upgrade
    )
    assert upgrade.index("op.create_table(") < upgrade.index("op.create_view(")
    assert 'op.drop_view("active_account", "SELECT id FROM account WHERE active")' in (
        downgrade
    )
    assert downgrade.index("op.drop_view(") < downgrade.index("op.drop_table(")

    cli(project, "upgrade", "head")
    inspector = sa.inspect(postgresql_backend.engine)
    assert inspector.get_view_names() == ["active_account"]
    with postgresql_backend.engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO account (id, active) VALUES (1, true), (2, false)")
        )
        rows = conn.execute(sa.text("SELECT id FROM active_account")).all()
    assert rows == [(1,)]

    result = cli(project, "check")
    assert "No new upgrade operations detected." in result.output

    cli(project, "downgrade", "base")
    inspector = sa.inspect(postgresql_backend.engine)
    assert inspector.get_view_names() == []
    assert "account" not in inspector.get_table_names()
