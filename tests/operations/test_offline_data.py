"""Offline (``--sql``) scripts carry data exactly: a script fed to the
dialect's own command-line client leaves the same rows, defaults and comments
as the same operations run online.

Values hold TAB, CR, LF, CRLF, backslashes, quotes, ``%`` and non-ASCII text:
the clients drop a CR before LF, and a TAB used to become four spaces.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from schemadiff.operations import Operations
from schemadiff.runtime.migration import MigrationContext
from tests.conftest import Backend, make_backend
from tests.operations._util import online, run_with_client

VALUES = [
    "a\tb",
    "c\r\nd",
    "e\rf",
    "g\nh",
    "i\n\tj",
    "back\\slash \\n \\t",
    "it's ''quoted''",
    "50% %s %%",
    "é€ 😀",
    "trailing\r\n",
    "\ttab first",
]
DEFAULT = "x\ty\r\n\tz \\ ' %"
COMMENT = "note:\tTAB,\r\nCRLF, \\ and 'quote' 100%"


def migrate(op: Operations) -> None:
    """Every way data reaches SQL text: rows, statements, defaults, comments."""
    notes = op.create_table(
        "notes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("body", sa.Text, comment=COMMENT),
        sa.Column("fixed", sa.String(60), server_default=DEFAULT),
        comment=COMMENT,
    )
    op.bulk_insert(notes, [{"id": i, "body": v} for i, v in enumerate(VALUES)])
    for i, value in enumerate(VALUES):
        op.execute(notes.insert().values(id=100 + i, body=value))
    op.execute(
        notes.update()
        .where(notes.c.id == 0)
        .values(body=op.inline_literal("upd\t\r\n\\%"))
    )
    # hand-written SQL is written as given
    op.execute("INSERT INTO notes (id, body) VALUES (200, 'raw\ttab 5%')")


def read_back(engine: sa.Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(sa.text("SELECT * FROM notes"))]
    insp = sa.inspect(engine)
    comments = None
    if engine.dialect.supports_comments:
        comments = (
            insp.get_table_comment("notes")["text"],
            {c["name"]: c.get("comment") for c in insp.get_columns("notes")},
        )
    return {"rows": sorted(rows), "comments": comments}


def offline_script(url: str) -> str:
    """The script for ``url``'s dialect, configured from the URL as env.py
    does (the driver's own paramstyle: psycopg and PyMySQL double ``%``)."""
    buf = io.StringIO()
    ctx = MigrationContext.configure(
        url=url, opts={"as_sql": True, "output_buffer": buf}
    )
    migrate(Operations(ctx))
    return buf.getvalue()


def test_offline_script_through_the_client_matches_online(
    backend: Backend, tmp_path: Path
) -> None:
    with online(backend.engine) as op:
        migrate(op)
    expected = read_back(backend.engine)
    assert [r[1] for r in expected["rows"][1 : len(VALUES)]] == VALUES[1:]
    assert expected["rows"][0][1] == "upd\t\r\n\\%"
    assert {r[2] for r in expected["rows"]} == {DEFAULT}
    assert expected["rows"][-1][1] == "raw\ttab 5%"
    if expected["comments"] is not None:
        assert expected["comments"] == (
            COMMENT,
            {"id": None, "body": COMMENT, "fixed": None},
        )

    script = offline_script(backend.url)
    workdir = tmp_path / "offline"
    workdir.mkdir()
    target = make_backend(backend.name, workdir)
    try:
        ran_by = run_with_client(target, script, workdir)
        assert ran_by != "driver" or not shutil.which(
            {"sqlite": "sqlite3", "postgresql": "psql"}.get(backend.name, "mariadb")
        )
        assert read_back(target.engine) == expected
    finally:
        target.dispose()
