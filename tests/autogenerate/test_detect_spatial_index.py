"""MariaDB SPATIAL indexes end to end (``mysql_prefix="SPATIAL"`` over a
GEOMETRY NOT NULL column): one added, one dropped, one turned from a
prefix-length B-tree index into a SPATIAL one, and one left alone, which
gives nothing although MariaDB reports a length (32) for it."""

from __future__ import annotations

import sqlalchemy as sa

from tests.autogenerate._autogen_project import cli
from tests.autogenerate._matrix import change

TABLE = """
from tests.autogenerate._geometry import Geometry

t = sa.Table("t", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("g", Geometry(), nullable=False),
    sa.Column("h", Geometry(), nullable=False),
    sa.Column("k", Geometry(), nullable=False),
    sa.Column("m", Geometry(), nullable=False),
)
sa.Index("ix_h", t.c.h, mysql_prefix="SPATIAL")
"""

BEFORE = TABLE + """
sa.Index("ix_g", t.c.g, mysql_length=32)
sa.Index("ix_k", t.c.k, mysql_prefix="SPATIAL")
"""

AFTER = TABLE + """
sa.Index("ix_g", t.c.g, mysql_prefix="SPATIAL")
sa.Index("ix_m", t.c.m, mysql_prefix="SPATIAL")
"""


def _indexes(engine: sa.Engine) -> dict[str, tuple[str, object]]:
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT INDEX_NAME, INDEX_TYPE, SUB_PART "
            "FROM information_schema.STATISTICS "
            "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 't' "
            "AND INDEX_NAME <> 'PRIMARY'"
        ).fetchall()
    return {name: (kind, part) for name, kind, part in rows}


def test_mariadb_spatial_index(mariadb_backend, tmp_path):
    expected = [
        (
            "modify_table",
            None,
            "t",
            [
                ("drop_index", "ix_g"),
                ("drop_index", "ix_k"),
                ("create_index", "ix_g", ("g",), False),
                ("create_index", "ix_m", ("m",), False),
            ],
        )
    ]
    run = change(mariadb_backend, tmp_path, BEFORE, AFTER, expected)
    assert 'mysql_prefix="SPATIAL"' in run.text
    assert "tests.autogenerate._geometry" not in run.text  # no column changes
    assert _indexes(mariadb_backend.engine) == {
        "ix_g": ("BTREE", 32),
        "ix_h": ("SPATIAL", 32),
        "ix_k": ("SPATIAL", 32),
    }
    cli(run.project, "upgrade", "head")
    assert _indexes(mariadb_backend.engine) == {
        "ix_g": ("SPATIAL", 32),
        "ix_h": ("SPATIAL", 32),
        "ix_m": ("SPATIAL", 32),
    }
