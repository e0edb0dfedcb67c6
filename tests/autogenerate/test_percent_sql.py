"""A ``%`` in model SQL (server defaults, computed columns, CHECKs, enum
values) is compared, rendered and reported as the database stores it.

psycopg and PyMySQL take ``pyformat`` parameters, so SQLAlchemy doubles every
``%`` it compiles for them; the model side of a comparison must not, or
``'100%'`` is seen as ``'100%%'`` and reported as changed on every run.
"""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa

from tests.autogenerate._autogen_project import (
    autogen_project,
    cli,
    diff_against,
    load_metadata,
    versions,
)

MODELS = """
import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table("rates", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("label", sa.String(20), server_default="100%"),
    sa.Column("pattern", sa.String(20), server_default=sa.text("'a%b'")),
    sa.Column("doubled", sa.String(20), server_default="%%"),
    sa.Column("n", sa.Integer, server_default="7", nullable=False),
    sa.Column("n_mod", sa.Integer, sa.Computed("n % 5", persisted=True)),
    sa.Column("share", sa.Enum("50%", "100%", name="share_kind")),
    sa.CheckConstraint("label <> 'x%y'", name="ck_rates_pct"),
)
"""


def test_percent_in_model_sql_is_clean_after_upgrade(backend, tmp_path: Path) -> None:
    project = autogen_project(tmp_path, backend.url, MODELS, hooks=False)
    cli(project, "revision", "--autogenerate", "-m", "rates")
    (script,) = versions(project)
    text = script.read_text()
    assert "%%'" not in text.replace("'%%'", "") and "n %% 5" not in text, text
    cli(project, "upgrade", "head")

    with sa.create_engine(backend.url).connect() as conn:
        conn.execute(sa.text("INSERT INTO rates (id) VALUES (1)"))
        row = conn.execute(
            sa.text("SELECT label, pattern, doubled, n_mod FROM rates")
        ).one()
        conn.commit()
    assert tuple(row) == ("100%", "a%b", "%%", 2)

    assert diff_against(backend.url, load_metadata(project)) == []
    result = cli(project, "check")
    assert "No new upgrade operations detected." in result.output
    result = cli(project, "check", "--format", "json")
    assert json.loads(result.stdout)["differences"] == []

    # a second autogenerate finds nothing to alter
    cli(project, "revision", "--autogenerate", "-m", "again")
    for path in versions(project):
        if path != script:
            assert "alter_column" not in path.read_text()


def test_report_shows_a_changed_percent_default_with_one_percent(
    server_backend, tmp_path: Path
) -> None:
    """The drift report names the values as the database has them."""
    project = autogen_project(tmp_path, server_backend.url, MODELS, hooks=False)
    cli(project, "revision", "--autogenerate", "-m", "rates")
    cli(project, "upgrade", "head")
    changed = MODELS.replace('server_default="100%"', 'server_default="50%"')
    (project / "models.py").write_text(changed, "utf-8")
    result = cli(project, "check", "--format", "json", expect=1)
    (entry,) = json.loads(result.stdout)["differences"]
    assert entry["kind"] == "modify_default"
    assert "100%" in entry["before"] and "%%" not in entry["before"]
    assert entry["after"] == "'50%'"
