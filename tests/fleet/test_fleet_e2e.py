"""``schemadiff fleet`` on a real fleet: 12 PostgreSQL schemas in one
database, 4 MariaDB databases and 6 SQLite files, with ``--jobs 4``.

One fleet is shared by the whole module and the tests form a story (each
leaves the fleet where the next one starts): upgrade all, one target fails on
a row only it has, fixing it makes a re-run do only that target, ``current``
and ``check`` group the fleet, two concurrent runs apply each revision once.
Every revision writes a row into ``migration_log``, so what ran is counted
in the data, and the schema is read back by reflection.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import MARIADB_URL, POSTGRESQL_URL, _admin
from tests.fleet._project import make_fleet_project, revision_file
from tests.helpers import run_cli

pytestmark = [pytest.mark.postgresql, pytest.mark.mariadb, pytest.mark.sqlite]


@dataclass
class Fleet:
    project: Path
    targets_file: Path
    urls: dict[str, str]  # target name -> a URL reaching its tables
    schemas: dict[str, str | None]
    env: dict[str, str]

    def run(self, *args: str, targets: Path | None = None) -> tuple[int, dict]:
        """``schemadiff fleet ARGS --jobs 4 --format json``: (exit code, JSON)."""
        result = run_cli(
            [
                "fleet",
                *args,
                "--targets",
                str(targets or self.targets_file),
                "--jobs",
                "4",
                "--format",
                "json",
            ],
            cwd=self.project,
            env=self.env,
        )
        assert result.exception is None or isinstance(
            result.exception, SystemExit
        ), result.output
        assert result.stdout.strip(), result.output
        return result.exit_code, json.loads(result.stdout)

    def query(self, name: str, sql: str) -> list[tuple]:
        engine = sa.create_engine(self.urls[name], poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as conn:
                return [tuple(row) for row in conn.execute(sa.text(sql))]
        finally:
            engine.dispose()

    def execute(self, name: str, sql: str) -> None:
        engine = sa.create_engine(self.urls[name], poolclass=sa.pool.NullPool)
        try:
            with engine.begin() as conn:
                conn.execute(sa.text(sql))
        finally:
            engine.dispose()

    def log(self, name: str) -> list[str]:
        return [r[0] for r in self.query(name, "SELECT rev FROM migration_log")]

    def indexes(self, name: str) -> set[str]:
        engine = sa.create_engine(self.urls[name], poolclass=sa.pool.NullPool)
        try:
            return {ix["name"] for ix in sa.inspect(engine).get_indexes("items")}
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    tmp = tmp_path_factory.mktemp("fleet")
    project = make_fleet_project(tmp, ("r1", "r2"))
    tag = uuid.uuid4().hex[:6]
    pg_schemas = [f"fleet_{tag}_{n:02d}" for n in range(1, 13)]
    maria_dbs = [f"fleet_{tag}_m{n}" for n in range(1, 5)]
    with _admin("postgresql").connect() as conn:
        for schema in pg_schemas:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    with _admin("mariadb").connect() as conn:
        for db in maria_dbs:
            conn.execute(sa.text(f"CREATE DATABASE {db}"))
    pg = sa.make_url(POSTGRESQL_URL)
    maria = sa.make_url(MARIADB_URL).update_query_dict({"charset": "utf8mb4"})
    urls: dict[str, str] = {}
    schemas: dict[str, str | None] = {}
    lines = []
    for n, schema in enumerate(pg_schemas, 1):
        name = f"pg_{n:02d}"
        # ${FLEET_PG_URL}: the url comes from the environment
        lines += ["[[target]]", f'name = "{name}"', 'url = "${FLEET_PG_URL}"']
        lines += [f'schema = "{schema}"', ""]
        urls[name] = pg.update_query_dict(
            {"options": f"-csearch_path={schema}"}
        ).render_as_string(hide_password=False)
        schemas[name] = schema
    maria_url = maria.render_as_string(hide_password=False)
    for n, db in enumerate(maria_dbs, 1):
        name = f"maria_{n}"
        lines += ["[[target]]", f'name = "{name}"', f'url = "{maria_url}"']
        lines += [f'schema = "{db}"', ""]
        urls[name] = maria.set(database=db).render_as_string(hide_password=False)
        schemas[name] = db
    for n in range(1, 7):
        name = f"sqlite_{n}"
        url = f"sqlite:///{tmp / f'tenant{n}.db'}"
        lines += ["[[target]]", f'name = "{name}"', f'url = "{url}"', ""]
        urls[name] = url
        schemas[name] = None
    targets_file = tmp / "targets.toml"
    targets_file.write_text("\n".join(lines), "utf-8")
    seen = tmp / "seen"
    seen.mkdir()
    env = {
        "FLEET_PG_URL": pg.render_as_string(hide_password=False),
        "FLEET_SEEN_DIR": str(seen),
        # the template's override of sqlalchemy.url must not redirect targets
        "SCHEMADIFF_URL": f"sqlite:///{tmp / 'wrong.db'}",
    }
    try:
        yield Fleet(project, targets_file, urls, schemas, env)
    finally:
        with _admin("postgresql").connect() as conn:
            for schema in pg_schemas:
                conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        with _admin("mariadb").connect() as conn:
            for db in maria_dbs:
                conn.execute(sa.text(f"DROP DATABASE IF EXISTS {db}"))


def _by_name(doc: dict) -> dict[str, dict]:
    return {entry["name"]: entry for entry in doc["targets"]}


def test_upgrade_brings_every_target_to_head(fleet: Fleet) -> None:
    code, doc = fleet.run("upgrade")
    assert code == 0, doc
    targets = _by_name(doc)
    assert len(targets) == 22 and doc["jobs"] == 4
    assert doc["summary"] == {"total": 22, "migrated": 22}
    for name, entry in targets.items():
        assert (entry["status"], entry["from"], entry["to"]) == (
            "migrated",
            [],
            ["r2"],
        ), name
        assert entry["applied"] == 2
        assert fleet.log(name) == ["r1", "r2"]
    # schema targets: the version table is the tenant's own
    for name in ("pg_01", "pg_12"):
        schema = fleet.schemas[name]
        rows = fleet.query(name, f"SELECT version_num FROM {schema}.schemadiff_version")
        assert rows == [("r2",)]
        columns = fleet.query(
            name,
            "SELECT column_name FROM information_schema.columns "
            f"WHERE table_schema = '{schema}' AND table_name = 'items' "
            "ORDER BY ordinal_position",
        )
        assert [c[0] for c in columns] == ["id", "sku", "note"]
    # the fleet's own database is untouched: nothing landed in public
    public = fleet.query(
        "pg_01",
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_schema = 'public' AND table_name = 'items'",
    )
    assert public == [(0,)]
    maria_tables = fleet.query("maria_3", "SHOW TABLES")
    assert {t[0] for t in maria_tables} == {
        "items",
        "migration_log",
        "schemadiff_version",
    }

    # env.py saw its target; a schema target's version table schema is set
    seen = Path(fleet.env["FLEET_SEEN_DIR"])
    assert len(list(seen.iterdir())) == 22
    assert (seen / "pg_05").read_text() == f"{fleet.schemas['pg_05']}|" + str(
        fleet.schemas["pg_05"]
    )
    assert (seen / "maria_2").read_text() == f"{fleet.schemas['maria_2']}|None"
    assert (seen / "sqlite_1").read_text() == "None|None"

    assert not (seen.parent / "wrong.db").exists()

    # re-running finds nothing to do anywhere
    code, doc = fleet.run("upgrade")
    assert code == 0
    assert doc["summary"] == {"total": 22, "up-to-date": 22}
    assert all(e["applied"] == 0 and e["to"] == ["r2"] for e in doc["targets"])
    assert fleet.log("sqlite_2") == ["r1", "r2"]


def test_one_failing_target_does_not_stop_the_others(fleet: Fleet) -> None:
    # a duplicate only pg_07 has makes r3's unique index fail there
    fleet.execute("pg_07", "INSERT INTO items (sku) VALUES ('dup'), ('dup')")
    (fleet.project / "migrations" / "versions" / "r3.py").write_text(
        revision_file("r3"), "utf-8"
    )
    code, doc = fleet.run("upgrade")
    assert code == 1
    targets = _by_name(doc)
    broken = targets.pop("pg_07")
    assert broken["status"] == "failed"
    assert "revision r3" in broken["error"]
    assert "could not create unique index" in broken["error"]
    assert broken["from"] == ["r2"] and broken["to"] == ["r2"]
    assert broken["log"], "the failure's output is kept"
    assert doc["summary"] == {"total": 22, "migrated": 21, "failed": 1}
    for name, entry in targets.items():
        assert (entry["status"], entry["to"]) == ("migrated", ["r3"]), name
        assert "uq_items_sku" in fleet.indexes(name)
        assert fleet.log(name) == ["r1", "r2", "r3"]
    assert "uq_items_sku" not in fleet.indexes("pg_07")
    assert fleet.log("pg_07") == ["r1", "r2"]

    # fixed: a re-run does only that target
    fleet.execute("pg_07", "DELETE FROM items WHERE sku = 'dup'")
    code, doc = fleet.run("upgrade")
    assert code == 0
    targets = _by_name(doc)
    assert targets.pop("pg_07")["applied"] == 1
    assert doc["summary"] == {"total": 22, "migrated": 1, "up-to-date": 21}
    assert all(e["applied"] == 0 for e in targets.values())
    assert fleet.log("pg_07") == ["r1", "r2", "r3"]
    assert "uq_items_sku" in fleet.indexes("pg_07")


def test_current_groups_the_fleet(fleet: Fleet, tmp_path: Path) -> None:
    code, doc = fleet.run("downgrade", "r1", "--only", "maria_2,sqlite_3")
    assert code == 0
    assert {e["name"]: e["to"] for e in doc["targets"]} == {
        "maria_2": ["r1"],
        "sqlite_3": ["r1"],
    }
    assert fleet.log("maria_2") == ["r1"]
    # one more target whose server does not answer
    with_unreachable = tmp_path / "targets.toml"
    with_unreachable.write_text(
        fleet.targets_file.read_text("utf-8")
        + '\n[[target]]\nname = "gone"\n'
        + 'url = "postgresql+psycopg://root@127.0.0.1:1/test"\n',
        "utf-8",
    )
    code, doc = fleet.run("current", targets=with_unreachable)
    assert code == 1
    groups = [(g["label"], g["count"]) for g in doc["groups"]]
    assert groups == [("at r3 (head)", 20), ("at r1", 2), ("unreachable", 1)]
    assert sorted(doc["groups"][1]["targets"]) == ["maria_2", "sqlite_3"]
    gone = _by_name(doc)["gone"]
    assert gone["status"] == "unreachable" and "Connection refused" in gone["error"]

    result = run_cli(
        ["fleet", "current", "--targets", str(with_unreachable), "-j", "4"],
        cwd=fleet.project,
        env=fleet.env,
    )
    assert result.exit_code == 1
    assert "23 target(s)" in result.stdout
    assert "20 at r3 (head), 2 at r1, 1 unreachable" in result.stdout

    code, doc = fleet.run("upgrade", "--only", "maria_*", "--only", "sqlite_3")
    assert code == 0
    assert doc["summary"] == {"total": 5, "migrated": 2, "up-to-date": 3}


def test_check_reports_which_tenants_drifted(fleet: Fleet) -> None:
    for name in ("pg_03", "sqlite_5"):
        fleet.execute(name, "ALTER TABLE items ADD COLUMN extra INTEGER")
    result = run_cli(
        ["fleet", "check", "--targets", str(fleet.targets_file), "-j", "4"],
        cwd=fleet.project,
        env=fleet.env,
    )
    assert result.exit_code == 1, result.output
    assert "20 clean, 2 drifted: [remove_column]" in result.stdout
    code, doc = fleet.run("check")
    assert code == 1
    assert doc["summary"] == {"total": 22, "clean": 20, "drift": 2}
    drifted = doc["groups"][1]
    assert sorted(drifted["targets"]) == ["pg_03", "sqlite_5"]
    for name in drifted["targets"]:
        (difference,) = _by_name(doc)[name]["differences"]
        assert (difference["kind"], difference["table"], difference["column"]) == (
            "remove_column",
            "items",
            "extra",
        )


def test_two_concurrent_runs_apply_each_revision_once(fleet: Fleet) -> None:
    code, doc = fleet.run("downgrade", "base")
    assert code == 0 and doc["summary"] == {"total": 22, "migrated": 22}
    env = {**os.environ, **fleet.env}
    command = [
        sys.executable,
        "-m",
        "schemadiff",
        "fleet",
        "upgrade",
        "--targets",
        str(fleet.targets_file),
        "--jobs",
        "2",
        "--format",
        "json",
    ]
    runs = [
        subprocess.Popen(
            command,
            cwd=fleet.project,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    for run, (_out, err) in zip(runs, outputs):
        assert run.returncode == 0, err
    docs = [json.loads(out) for out, _ in outputs]
    for name in fleet.urls:
        assert sorted(fleet.log(name)) == ["r1", "r2", "r3"], name
        applied = [_by_name(d)[name]["applied"] for d in docs]
        assert sorted(applied) == [0, 3], (name, applied)
