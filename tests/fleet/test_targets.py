"""The targets file: ``[[target]]``, ``${VAR}``, the default url, ``[source]``
(a query on SQLite, PostgreSQL and MariaDB, or a Python callable), --only,
and the URL a schema target runs with (the dialect decides)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa

from schemadiff.fleet.targets import Target, load_targets, select
from schemadiff.util import CommandError
from tests.conftest import Backend
from tests.helpers import run_cli


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "targets.toml"
    path.write_text(textwrap.dedent(text), "utf-8")
    return path


def test_targets_with_env_substitution_and_default_url(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
        url = "postgresql+psycopg://app:${PGPASS}@db.example/app"

        [[target]]
        name = "acme"
        schema = "tenant_acme"

        [[target]]
        name = "eu"
        url = "mysql+pymysql://root:${MYPASS}@eu.example/app"
        schema = "tenant_eu"

        [[target]]
        name = "device"
        url = "sqlite:///${DATA}/device.db"
        """,
    )
    env = {"PGPASS": "s3cr%t", "MYPASS": "pw", "DATA": str(tmp_path)}
    acme, eu, device = load_targets(path, env)
    assert acme == Target(
        "acme", "postgresql+psycopg://app:s3cr%t@db.example/app", "tenant_acme"
    )
    assert "s3cr" not in acme.display_url and "***" in acme.display_url
    assert acme.run_url() == (
        "postgresql+psycopg://app:s3cr%25t@db.example/app"
        "?options=-csearch_path%3Dtenant_acme",
        "tenant_acme",
    )
    # MariaDB: the schema is the database; the version table needs no schema
    assert eu.run_url() == ("mysql+pymysql://root:pw@eu.example/tenant_eu", None)
    assert device.run_url() == (f"sqlite:///{tmp_path}/device.db", None)


def test_postgresql_schema_keeps_other_options_and_quotes_mixed_case() -> None:
    target = Target(
        "t", "postgresql+psycopg://h/db?options=-cstatement_timeout%3D5000", "Tenant"
    )
    url, schema = target.run_url()
    assert sa.make_url(url).query["options"] == (
        '-cstatement_timeout=5000 -csearch_path="Tenant"'
    )
    assert schema == "Tenant"
    with pytest.raises(CommandError, match="search_path"):
        Target("t", "postgresql://h/db", "two words").run_url()


@pytest.mark.parametrize(
    "text, message",
    [
        (
            '[[target]]\nname = "a"\nurl = "${NOPE_NOT_SET}"\n',
            "NOPE_NOT_SET is not set",
        ),
        ('[[target]]\nname = "a"\n', "has no url"),
        ('[[target]]\nurl = "sqlite://"\n', "needs a name"),
        ('[[target]]\nname = "a"\nurl = "sqlite://"\nport = 1\n', "unknown key"),
        ('[[target]]\nname = "a"\nurl = "nodb://x"\n', "can't use its url"),
        (
            '[[target]]\nname = "a"\nurl = "sqlite:///x.db"\nschema = "s"\n',
            "no 'schema'",
        ),
        (
            '[[target]]\nname = "a"\nurl = "sqlite:///x.db"\n'
            '[[target]]\nname = "a"\nurl = "sqlite:///y.db"\n',
            "used twice",
        ),
        (
            '[[target]]\nname = "a"\nurl = "postgresql://h/db"\nschema = "s"\n'
            '[[target]]\nname = "b"\nurl = "postgresql://h/db"\nschema = "s"\n',
            "are the same database",
        ),
        ("[source]\n", "either query"),
        ("tenants = 1\n", "unknown key"),
        ("[[target]\n", "Can't parse"),
    ],
)
def test_mistakes_are_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        load_targets(_write(tmp_path, text), {})


def test_the_same_sqlite_file_twice_is_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = _write(
        tmp_path,
        f"""
        [[target]]
        name = "a"
        url = "sqlite:///t.db"
        [[target]]
        name = "b"
        url = "sqlite:///{tmp_path}/t.db"
        """,
    )
    with pytest.raises(CommandError, match="'a' and 'b' are the same database"):
        load_targets(path, {})


def test_only_takes_names_and_patterns(tmp_path: Path) -> None:
    targets = [Target(n, "sqlite://") for n in ("eu_1", "eu_2", "us_1")]
    assert [t.name for t in select(targets, ["us_1,eu_2"])] == ["eu_2", "us_1"]
    assert [t.name for t in select(targets, ["eu_*"])] == ["eu_1", "eu_2"]
    assert select(targets, []) == targets
    with pytest.raises(CommandError, match="--only 'asia' matches no target"):
        select(targets, ["asia"])


def test_source_query_on_a_control_database(backend: Backend, tmp_path: Path) -> None:
    with backend.engine.begin() as conn:
        conn.execute(
            sa.text(
                "CREATE TABLE tenants (name VARCHAR(20), db_url VARCHAR(200), "
                "tenant_schema VARCHAR(20), active INTEGER)"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO tenants VALUES ('t1', 'sqlite:///one.db', NULL, 1), "
                "('t2', NULL, NULL, 1), ('off', 'sqlite:///x.db', NULL, 0)"
            )
        )
    url = backend.url
    path = _write(
        tmp_path,
        f"""
        url = "sqlite:///${{DATA}}/default.db"

        [[target]]
        name = "static"
        url = "sqlite:///static.db"

        [source]
        url = "{url}"
        query = "SELECT name, db_url AS url, tenant_schema AS schema FROM tenants WHERE active = 1 ORDER BY name"
        """,  # noqa: E501
    )
    static, t1, t2 = load_targets(path, {"DATA": str(tmp_path)})
    assert (static.name, t1.name, t2.name) == ("static", "t1", "t2")
    assert t1 == Target("t1", "sqlite:///one.db", None)
    assert t2.url == f"sqlite:///{tmp_path}/default.db"  # NULL url: the default

    bad = _write(
        tmp_path,
        f"""
        [source]
        url = "{url}"
        query = "SELECT db_url FROM tenants"
        """,
    )
    with pytest.raises(CommandError, match="must return a 'name' column"):
        load_targets(bad, {})


def test_source_callable(tmp_path: Path) -> None:
    (tmp_path / "fleet_tenants_src.py").write_text(
        textwrap.dedent("""
            def tenants():
                yield {"name": "a", "url": "sqlite:///a.db"}
                yield ("b", "postgresql://h/app", "tenant_b")
            """),
        "utf-8",
    )
    path = _write(tmp_path, '[source]\ncallable = "fleet_tenants_src:tenants"\n')
    a, b = load_targets(path, {})
    assert a == Target("a", "sqlite:///a.db")
    assert b == Target("b", "postgresql://h/app", "tenant_b")
    missing = _write(tmp_path, '[source]\ncallable = "fleet_tenants_src:nobody"\n')
    with pytest.raises(CommandError, match="nobody"):
        load_targets(missing, {})


def test_cli_errors_are_one_line(tmp_path: Path) -> None:
    (tmp_path / "schemadiff.ini").write_text(
        "[schemadiff]\nscript_location = %(here)s/migrations\n", "utf-8"
    )
    (tmp_path / "migrations" / "versions").mkdir(parents=True)
    result = run_cli(["fleet", "upgrade", "--targets", "nope.toml"], cwd=tmp_path)
    assert result.exit_code == 1
    assert result.output.strip() == "FAILED: No targets file 'nope.toml'"
    _write(tmp_path, '[[target]]\nname = "a"\nurl = "sqlite:///a.db"\n')
    result = run_cli(
        ["fleet", "current", "--targets", "targets.toml", "--only", "zz"], cwd=tmp_path
    )
    assert result.exit_code == 1
    assert "FAILED: --only 'zz' matches no target" in result.output
    result = run_cli(
        ["fleet", "upgrade", "nosuchrev", "--targets", "targets.toml"], cwd=tmp_path
    )
    assert result.exit_code == 1 and "nosuchrev" in result.output
    assert "Traceback" not in result.output
    result = run_cli(["fleet", "upgrade", "--targets", "targets.toml", "-j", "0"])
    assert result.exit_code == 2
