"""The "Replaceable Objects" cookbook recipe, run through the real CLI on PostgreSQL.

The recipe code and the three revision files below are the seed's, with only
``alembic`` replaced by ``schemadiff``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import sqlalchemy as sa

from tests.helpers import make_project, run_cli

RECIPE = """
from schemadiff.operations import Operations, MigrateOperation


class ReplaceableObject(object):
    def __init__(self, name, sqltext):
        self.name = name
        self.sqltext = sqltext


class ReversibleOp(MigrateOperation):
    def __init__(self, target):
        self.target = target

    @classmethod
    def invoke_for_target(cls, operations, target):
        op = cls(target)
        return operations.invoke(op)

    def reverse(self):
        raise NotImplementedError()

    @classmethod
    def _get_object_from_version(cls, operations, ident):
        version, objname = ident.split(".")

        module = operations.get_context().script.get_revision(version).module
        obj = getattr(module, objname)
        return obj

    @classmethod
    def replace(cls, operations, target, replaces=None, replace_with=None):

        if replaces:
            old_obj = cls._get_object_from_version(operations, replaces)
            drop_old = cls(old_obj).reverse()
            create_new = cls(target)
        elif replace_with:
            old_obj = cls._get_object_from_version(operations, replace_with)
            drop_old = cls(target).reverse()
            create_new = cls(old_obj)
        else:
            raise TypeError("replaces or replace_with is required")

        operations.invoke(drop_old)
        operations.invoke(create_new)


@Operations.register_operation("create_view", "invoke_for_target")
@Operations.register_operation("replace_view", "replace")
class CreateViewOp(ReversibleOp):
    def reverse(self):
        return DropViewOp(self.target)

@Operations.register_operation("drop_view", "invoke_for_target")
class DropViewOp(ReversibleOp):
    def reverse(self):
        return CreateViewOp(self.view)

@Operations.register_operation("create_sp", "invoke_for_target")
@Operations.register_operation("replace_sp", "replace")
class CreateSPOp(ReversibleOp):
    def reverse(self):
        return DropSPOp(self.target)

@Operations.register_operation("drop_sp", "invoke_for_target")
class DropSPOp(ReversibleOp):
    def reverse(self):
        return CreateSPOp(self.target)


@Operations.implementation_for(CreateViewOp)
def create_view(operations, operation):
    operations.execute("CREATE VIEW %s AS %s" % (
        operation.target.name,
        operation.target.sqltext
    ))

@Operations.implementation_for(DropViewOp)
def drop_view(operations, operation):
    operations.execute("DROP VIEW %s" % operation.target.name)

@Operations.implementation_for(CreateSPOp)
def create_sp(operations, operation):
    operations.execute(
        "CREATE FUNCTION %s %s" % (
            operation.target.name, operation.target.sqltext
        )
    )

@Operations.implementation_for(DropSPOp)
def drop_sp(operations, operation):
    operations.execute("DROP FUNCTION %s" % operation.target.name)
"""

REV_1 = '''"""create table

Revision ID: 3ab8b2dfb055
Revises:
Create Date: 2015-07-27 16:22:44.918507

"""

# revision identifiers, used by schemadiff.
revision = '3ab8b2dfb055'
down_revision = None
branch_labels = None
depends_on = None

from schemadiff import op
import sqlalchemy as sa

def upgrade():
    op.create_table(
        "customer",
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('name', sa.String),
        sa.Column('order_count', sa.Integer),
    )

def downgrade():
    op.drop_table('customer')
'''

REV_2 = '''"""create views/sp

Revision ID: 28af9800143f
Revises: 3ab8b2dfb055
Create Date: 2015-07-27 16:24:03.589867

"""

# revision identifiers, used by schemadiff.
revision = '28af9800143f'
down_revision = '3ab8b2dfb055'
branch_labels = None
depends_on = None

from schemadiff import op
import sqlalchemy as sa

from foo import ReplaceableObject

customer_view = ReplaceableObject(
    "customer_view",
    "SELECT name, order_count FROM customer WHERE order_count > 0"
)

add_customer_sp = ReplaceableObject(
    "add_customer_sp(name varchar, order_count integer)",
    """
    RETURNS integer AS $$
    BEGIN
        insert into customer (name, order_count)
        VALUES (in_name, in_order_count);
    END;
    $$ LANGUAGE plpgsql;
    """
)

def upgrade():
    op.create_view(customer_view)
    op.create_sp(add_customer_sp)

def downgrade():
    op.drop_view(customer_view)
    op.drop_sp(add_customer_sp)
'''

REV_3 = '''"""add email col

Revision ID: 191a2d20b025
Revises: 28af9800143f
Create Date: 2015-07-27 16:25:59.277326

"""

# revision identifiers, used by schemadiff.
revision = '191a2d20b025'
down_revision = '28af9800143f'
branch_labels = None
depends_on = None

from schemadiff import op
import sqlalchemy as sa

def upgrade():
    op.add_column("customer", sa.Column("email", sa.String()))

def downgrade():
    op.drop_column("customer", "email")
'''

REV_4 = '''"""update views/sp

Revision ID: 199028bf9856
Revises: 191a2d20b025
Create Date: 2015-07-27 16:26:31.344504

"""

# revision identifiers, used by schemadiff.
revision = '199028bf9856'
down_revision = '191a2d20b025'
branch_labels = None
depends_on = None

from schemadiff import op
import sqlalchemy as sa

from foo import ReplaceableObject

customer_view = ReplaceableObject(
    "customer_view",
    "SELECT name, order_count, email "
    "FROM customer WHERE order_count > 0"
)

add_customer_sp = ReplaceableObject(
    "add_customer_sp(name varchar, order_count integer, email varchar)",
    """
    RETURNS integer AS $$
    BEGIN
        insert into customer (name, order_count, email)
        VALUES (in_name, in_order_count, email);
    END;
    $$ LANGUAGE plpgsql;
    """
)

def upgrade():
    op.replace_view(customer_view, replaces="28af9800143f.customer_view")
    op.replace_sp(add_customer_sp, replaces="28af9800143f.add_customer_sp")

def downgrade():
    op.replace_view(customer_view, replace_with="28af9800143f.customer_view")
    op.replace_sp(add_customer_sp, replace_with="28af9800143f.add_customer_sp")
'''


def _state(engine: sa.Engine) -> tuple[list[str] | None, list[str], list[str]]:
    """(view columns or None, function argument lists, customer columns)."""
    insp = sa.inspect(engine)
    view = (
        [c["name"] for c in insp.get_columns("customer_view")]
        if "customer_view" in insp.get_view_names()
        else None
    )
    with engine.connect() as conn:
        functions = sorted(
            conn.exec_driver_sql(
                "SELECT pg_get_function_identity_arguments(p.oid) FROM pg_proc p "
                "JOIN pg_namespace n ON n.oid = p.pronamespace "
                "WHERE p.proname = 'add_customer_sp' AND n.nspname = current_schema()"
            ).scalars()
        )
    tables = insp.get_table_names()
    customer = (
        [c["name"] for c in insp.get_columns("customer")]
        if "customer" in tables
        else []
    )
    return view, functions, customer


def test_replaceable_objects_recipe(postgresql_backend, tmp_path: Path) -> None:
    try:
        _run_recipe(postgresql_backend, tmp_path)
    finally:
        sys.modules.pop("foo", None)  # the recipe's module, imported in-process


def _run_recipe(postgresql_backend, tmp_path: Path) -> None:
    project = make_project(tmp_path, url=postgresql_backend.url)
    (project / "foo.py").write_text(RECIPE, "utf-8")
    versions = project / "migrations" / "versions"
    for name, body in [
        ("3ab8b2dfb055_create_table.py", REV_1),
        ("28af9800143f_create_views_sp.py", REV_2),
        ("191a2d20b025_add_email_col.py", REV_3),
        ("199028bf9856_update_views_sp.py", REV_4),
    ]:
        (versions / name).write_text(body, "utf-8")
    engine = postgresql_backend.engine
    two_args = "name character varying, order_count integer"
    three_args = f"{two_args}, email character varying"

    result = run_cli(["upgrade", "28af9800143"], cwd=project)
    assert result.exit_code == 0, result.output
    assert _state(engine) == (
        ["name", "order_count"],
        [two_args],
        ["id", "name", "order_count"],
    )

    result = run_cli(["upgrade", "head"], cwd=project)
    assert result.exit_code == 0, result.output
    assert _state(engine) == (
        ["name", "order_count", "email"],
        [three_args],
        ["id", "name", "order_count", "email"],
    )

    result = run_cli(["downgrade", "28af9800143"], cwd=project)
    assert result.exit_code == 0, result.output
    assert _state(engine) == (
        ["name", "order_count"],
        [two_args],
        ["id", "name", "order_count"],
    )

    result = run_cli(["current"], cwd=project)
    assert "28af9800143f" in result.output

    result = run_cli(["downgrade", "base"], cwd=project)
    assert result.exit_code == 0, result.output
    assert _state(engine) == (None, [], [])

    # offline, the replace_* operations find the earlier revision's objects too
    result = run_cli(["upgrade", "base:head", "--sql"], cwd=project)
    assert result.exit_code == 0, result.output
    sql = result.output
    order = [
        "CREATE VIEW customer_view AS SELECT name, order_count FROM",
        "CREATE FUNCTION add_customer_sp(name varchar, order_count integer)",
        "ALTER TABLE customer ADD COLUMN email VARCHAR",
        "DROP VIEW customer_view",
        "CREATE VIEW customer_view AS SELECT name, order_count, email",
        "DROP FUNCTION add_customer_sp(name varchar, order_count integer)",
        "CREATE FUNCTION add_customer_sp(name varchar, order_count integer, email",
    ]
    positions = [sql.index(fragment) for fragment in order]
    assert positions == sorted(positions)
