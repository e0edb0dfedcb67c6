"""Each environment template, freshly initialised, runs real migrations."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.helpers import make_project, run_cli, set_url, write_revision

CREATE = "op.create_table('thing', sa.Column('id', sa.Integer, primary_key=True))"
DROP = "op.drop_table('thing')"


def _tables(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _version_rows(url: str) -> list[str]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return [
                r[0]
                for r in conn.execute(
                    sa.text("SELECT version_num FROM schemadiff_version")
                )
            ]
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("template", "driver"),
    [("generic", "sqlite"), ("pyproject", "sqlite"), ("async", "sqlite+aiosqlite")],
)
def test_single_database_templates(tmp_path: Path, template: str, driver: str) -> None:
    db = tmp_path / "app.db"
    project = make_project(tmp_path, template=template, url=f"{driver}:///{db}")
    versions = project / "migrations" / "versions"
    write_revision(versions, "aaa111", None, CREATE, DROP, message="create thing")

    result = run_cli(["upgrade", "head"], cwd=project)
    assert result.exit_code == 0, result.output
    assert "thing" in _tables(f"sqlite:///{db}")
    assert _version_rows(f"sqlite:///{db}") == ["aaa111"]

    result = run_cli(["current"], cwd=project)
    assert result.exit_code == 0, result.output
    assert "aaa111 (head)" in result.output

    result = run_cli(["downgrade", "base"], cwd=project)
    assert result.exit_code == 0, result.output
    assert "thing" not in _tables(f"sqlite:///{db}")
    assert _version_rows(f"sqlite:///{db}") == []


def test_multidb_template_two_sqlite_files(tmp_path: Path) -> None:
    project = make_project(tmp_path, template="multidb")
    ini = project / "schemadiff.ini"
    text = ini.read_text()
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    text = text.replace("sqlite:///%(here)s/engine1.db", f"sqlite:///{one}")
    text = text.replace("sqlite:///%(here)s/engine2.db", f"sqlite:///{two}")
    ini.write_text(text)
    versions = project / "migrations" / "versions"
    (versions / "m1_.py").write_text('''"""two databases"""
import sqlalchemy as sa
from schemadiff import op

revision = "m1"
down_revision = None
branch_labels = None
depends_on = None


def upgrade(engine_name):
    globals()[f"upgrade_{engine_name}"]()


def downgrade(engine_name):
    globals()[f"downgrade_{engine_name}"]()


def upgrade_engine1():
    op.create_table("one_t", sa.Column("id", sa.Integer, primary_key=True))


def downgrade_engine1():
    op.drop_table("one_t")


def upgrade_engine2():
    op.create_table("two_t", sa.Column("id", sa.Integer, primary_key=True))


def downgrade_engine2():
    op.drop_table("two_t")
''')
    result = run_cli(["upgrade", "head"], cwd=project)
    assert result.exit_code == 0, result.output
    assert "one_t" in _tables(f"sqlite:///{one}")
    assert "two_t" not in _tables(f"sqlite:///{one}")
    assert "two_t" in _tables(f"sqlite:///{two}")
    assert _version_rows(f"sqlite:///{one}") == ["m1"]
    assert _version_rows(f"sqlite:///{two}") == ["m1"]

    result = run_cli(["downgrade", "base"], cwd=project)
    assert result.exit_code == 0, result.output
    assert "one_t" not in _tables(f"sqlite:///{one}")
    assert "two_t" not in _tables(f"sqlite:///{two}")


def test_generic_template_offline_sql(tmp_path: Path) -> None:
    project = make_project(tmp_path, url="postgresql://u:secret@localhost/db")
    write_revision(project / "migrations" / "versions", "aaa111", None, CREATE, DROP)
    result = run_cli(["upgrade", "head", "--sql"], cwd=project)
    assert result.exit_code == 0, result.output
    assert "CREATE TABLE thing" in result.output
    assert "INSERT INTO schemadiff_version (version_num) VALUES ('aaa111');" in (
        result.output
    )
    assert "secret" not in result.output


def test_set_url_helper_escapes_percent(tmp_path: Path) -> None:
    ini = tmp_path / "x.ini"
    ini.write_text("[schemadiff]\nsqlalchemy.url = x\n")
    set_url(ini, "postgresql://u:p%40ss@h/db")
    assert "p%%40ss" in ini.read_text()
