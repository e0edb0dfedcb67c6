"""MariaDB sequences end to end, as on PostgreSQL: created, dropped, and each
option (start, increment, minvalue, maxvalue, cycle, cache) changed on a
sequence of its own, in one change matrix; a sequence whose options are all
stated and unchanged, and one left to MariaDB's defaults (cache 1000, the
largest maxvalue), give nothing."""

from __future__ import annotations

import sqlalchemy as sa

from tests.autogenerate._autogen_project import cli, versions
from tests.autogenerate._matrix import change
from tests.autogenerate._util import diffs

BEFORE = """
sa.Sequence("seq_start", start=5, metadata=metadata)
sa.Sequence("seq_inc", metadata=metadata)
sa.Sequence("seq_min", start=10, minvalue=5, metadata=metadata)
sa.Sequence("seq_max", maxvalue=1000, metadata=metadata)
sa.Sequence("seq_cycle", maxvalue=9, metadata=metadata)
sa.Sequence("seq_cache", metadata=metadata)
sa.Sequence("seq_old", start=3, increment=2, metadata=metadata)
sa.Sequence("seq_same", start=10, increment=5, minvalue=10, maxvalue=1000,
            cycle=True, cache=3, metadata=metadata)
sa.Sequence("seq_plain", metadata=metadata)
sa.Sequence("seq_down", increment=-1, metadata=metadata)
"""

AFTER = """
sa.Sequence("seq_start", start=20, metadata=metadata)
sa.Sequence("seq_inc", increment=10, metadata=metadata)
sa.Sequence("seq_min", start=10, minvalue=1, metadata=metadata)
sa.Sequence("seq_max", maxvalue=500, metadata=metadata)
sa.Sequence("seq_cycle", maxvalue=9, cycle=True, metadata=metadata)
sa.Sequence("seq_cache", cache=20, metadata=metadata)
sa.Sequence("seq_new", start=100, increment=-1, minvalue=1, maxvalue=100,
            metadata=metadata)
sa.Sequence("seq_same", start=10, increment=5, minvalue=10, maxvalue=1000,
            cycle=True, cache=3, metadata=metadata)
sa.Sequence("seq_plain", metadata=metadata)
sa.Sequence("seq_down", increment=-1, metadata=metadata)
"""

EXPECTED = [
    ("modify_sequence", None, "seq_cache", {"cache": (1000, 20)}),
    ("modify_sequence", None, "seq_cycle", {"cycle": (False, True)}),
    ("modify_sequence", None, "seq_inc", {"increment": (1, 10)}),
    ("modify_sequence", None, "seq_max", {"maxvalue": (1000, 500)}),
    ("modify_sequence", None, "seq_min", {"minvalue": (5, 1)}),
    ("add_sequence", None, "seq_new"),
    ("modify_sequence", None, "seq_start", {"start": (5, 20)}),
    ("remove_sequence", None, "seq_old"),
]

_OPTIONS = (
    "start_value, increment, minimum_value, maximum_value, cycle_option, cache_size"
)


def _options(engine: sa.Engine) -> dict[str, tuple[int, ...]]:
    """Every sequence's options, read from the sequence itself."""
    with engine.connect() as conn:
        names = conn.exec_driver_sql(
            "SELECT TABLE_NAME FROM information_schema.TABLES "
            "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'SEQUENCE'"
        ).scalars()
        return {
            name: tuple(conn.exec_driver_sql(f"SELECT {_OPTIONS} FROM {name}").one())
            for name in list(names)
        }


def test_mariadb_sequence_options(mariadb_backend, tmp_path):
    backend = mariadb_backend
    run = change(backend, tmp_path, BEFORE, AFTER, EXPECTED)
    before = _options(backend.engine)
    assert before["seq_cycle"] == (1, 1, 1, 9, 0, 1000)
    assert before["seq_same"] == (10, 5, 10, 1000, 1, 3)
    assert "seq_new" not in before
    cli(run.project, "upgrade", "head")
    after = _options(backend.engine)
    assert after["seq_start"][0] == 20
    assert after["seq_inc"][1] == 10
    assert after["seq_min"][2] == 1
    assert after["seq_max"][3] == 500
    assert after["seq_cycle"][4] == 1
    assert after["seq_cache"][5] == 20
    assert after["seq_new"][:3] == (100, -1, 1)
    assert after["seq_same"] == before["seq_same"]
    assert "seq_old" not in after
    # offline: the same statements, NOCYCLE (MariaDB has no NO CYCLE) going back
    ids = [
        p.name.split("_")[0]
        for p in sorted(versions(run.project), key=lambda p: p.stat().st_mtime_ns)
    ]
    sql = cli(run.project, "upgrade", "--sql", f"{ids[0]}:{ids[1]}").output
    assert "ALTER SEQUENCE seq_cycle CYCLE;" in sql
    assert "ALTER SEQUENCE seq_cache CACHE 20;" in sql
    assert "ALTER SEQUENCE seq_min MINVALUE 1;" in sql
    assert (
        "CREATE SEQUENCE seq_new INCREMENT BY -1 START WITH 100 MINVALUE 1 "
        "MAXVALUE 100;"
    ) in sql
    assert "DROP SEQUENCE seq_old;" in sql
    sql = cli(run.project, "downgrade", "--sql", f"{ids[1]}:{ids[0]}").output
    assert "ALTER SEQUENCE seq_cycle NOCYCLE;" in sql
    assert "ALTER SEQUENCE seq_cache CACHE 1000;" in sql
    assert "CREATE SEQUENCE seq_old INCREMENT BY 2 START WITH 3" in sql


def test_mariadb_sequences_read_in_two_statements(mariadb_backend):
    """However many sequences there are: their names, then one UNION ALL."""
    metadata = sa.MetaData()
    for n in range(10):
        sa.Sequence(f"s{n}", start=n + 1, metadata=metadata)
    with mariadb_backend.engine.begin() as conn:
        metadata.create_all(conn)
    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # noqa: ANN001
        if "SEQUENCE" in statement or "start_value" in statement:
            statements.append(statement)

    sa.event.listen(mariadb_backend.engine, "before_cursor_execute", count)
    try:
        assert diffs(mariadb_backend.engine, metadata) == []
    finally:
        sa.event.remove(mariadb_backend.engine, "before_cursor_execute", count)
    assert len(statements) == 2
