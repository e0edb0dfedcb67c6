"""The project the fleet tests share: models, three revisions that each log
a row in ``migration_log`` (and sleep ``$FLEET_SLEEP`` seconds, for the
interrupt test), and env.py recording what it saw of its target."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path

from tests.helpers import make_project

MODELS = """
import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table(
    "items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sku", sa.String(20), nullable=False),
    sa.Column("note", sa.String(50)),
    sa.Index("uq_items_sku", "sku", unique=True),
)
sa.Table(
    "migration_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("rev", sa.String(20), nullable=False),
)
"""

# what env.py sees of its target, written where the test can read it
RECORD_TARGET = """
import os as _os

_target = context.get_fleet_target()
if _target is not None and _os.environ.get("FLEET_SEEN_DIR"):
    with open(_os.path.join(_os.environ["FLEET_SEEN_DIR"], _target.name), "w") as _fh:
        _fh.write(f"{_target.schema}|{config.get_main_option('version_table_schema')}")
"""

REVISIONS = {
    "r1": (
        None,
        """
        op.create_table(
            "items",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("sku", sa.String(20), nullable=False),
        )
        op.create_table(
            "migration_log",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("rev", sa.String(20), nullable=False),
        )
        """,
        """
        op.drop_table("migration_log")
        op.drop_table("items")
        """,
    ),
    "r2": (
        "r1",
        """
        op.add_column("items", sa.Column("note", sa.String(50)))
        """,
        """
        with op.batch_alter_table("items") as batch_op:
            batch_op.drop_column("note")
        """,
    ),
    "r3": (
        "r2",
        """
        op.create_index("uq_items_sku", "items", ["sku"], unique=True)
        """,
        """
        op.drop_index("uq_items_sku", table_name="items")
        """,
    ),
}


def revision_file(rev: str) -> str:
    down, upgrade, downgrade = REVISIONS[rev]

    def body(code: str) -> str:
        return textwrap.indent(textwrap.dedent(code).strip(), "    ")

    log_down = (
        ""
        if rev == "r1"
        else (f"    op.execute(\"DELETE FROM migration_log WHERE rev = '{rev}'\")\n")
    )
    return (
        f'"""{rev}"""\n'
        "import os\nimport time\n\nimport sqlalchemy as sa\n\n"
        "from schemadiff import op\n\n"
        f"revision = {rev!r}\n"
        f"down_revision = {down!r}\n"
        "branch_labels = None\n"
        "depends_on = None\n\n\n"
        "def upgrade():\n"
        f"{body(upgrade)}\n"
        "    time.sleep(float(os.environ.get('FLEET_SLEEP', '0')))\n"
        f"    op.execute(\"INSERT INTO migration_log (rev) VALUES ('{rev}')\")\n\n\n"
        "def downgrade():\n"
        f"{log_down}{body(downgrade)}\n"
    )


def make_fleet_project(tmp: Path, revisions: Sequence[str]) -> Path:
    """A generic-template project whose env.py is unmodified but for the
    models (and the recording), with ``revisions`` written."""
    project = make_project(tmp, url="sqlite:///unused.db")
    (project / "models.py").write_text(MODELS, "utf-8")
    env_py = project / "migrations" / "env.py"
    env_py.write_text(
        env_py.read_text("utf-8").replace(
            "target_metadata = None",
            "from models import metadata as target_metadata\n" + RECORD_TARGET,
        ),
        "utf-8",
    )
    for rev in revisions:
        (project / "migrations" / "versions" / f"{rev}.py").write_text(
            revision_file(rev), "utf-8"
        )
    return project
