"""Benchmark: ``schemadiff fleet upgrade`` on 200 SQLite files and 50
PostgreSQL schemas with a 20-revision history.

Figures:
- wall time of ``fleet upgrade head`` from base with ``--jobs 1``, 2 and 4
  (the fleet is reset to base, untimed, before each);
- a re-run with nothing left to do (``--jobs 4``), the resumable case;
- per-target cost of ``--jobs 1`` against a shell loop that calls
  ``schemadiff upgrade head`` once per target (each call pays interpreter
  start-up, imports and loading the revision files), from base and when
  already at head.  The loop runs on a sample of the targets (``--loop``).

Run by hand: ``python benchmarks/bench_fleet.py [--sqlite 200] [--pg 50]
[--revisions 20] [--loop 40] [--keep]``.  PostgreSQL comes from
``SCHEMADIFF_BENCH_POSTGRESQL_URL`` (default: the test server).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

PG_URL = os.environ.get(
    "SCHEMADIFF_BENCH_POSTGRESQL_URL", "postgresql+psycopg://root@127.0.0.1:5432/test"
)
CLI = [sys.executable, "-m", "schemadiff"]

REVISION = '''"""{rev}"""
import sqlalchemy as sa

from schemadiff import op

revision = "{rev}"
down_revision = {down!r}
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "t{n}",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(40), nullable=False),
    )
    op.create_index("ix_t{n}_name", "t{n}", ["name"])


def downgrade():
    op.drop_table("t{n}")
'''


def make_project(root: Path, revisions: int) -> Path:
    project = root / "proj"
    project.mkdir()
    subprocess.run(
        [*CLI, "init", "migrations"], cwd=project, check=True, capture_output=True
    )
    ini = project / "schemadiff.ini"
    # Keep the per-revision INFO lines out of the figures' output.
    ini.write_text(
        ini.read_text().replace(
            "[logger_schemadiff]\nlevel = INFO", "[logger_schemadiff]\nlevel = WARNING"
        )
    )
    down = None
    for n in range(1, revisions + 1):
        rev = f"rev{n:03d}"
        (project / "migrations" / "versions" / f"{rev}.py").write_text(
            REVISION.format(rev=rev, down=down, n=n)
        )
        down = rev
    return project


class Fleet:
    def __init__(self, root: Path, sqlite: int, pg: int) -> None:
        self.root = root
        self.files = [root / "dbs" / f"tenant{n:03d}.db" for n in range(sqlite)]
        tag = uuid.uuid4().hex[:6]
        self.schemas = [f"bench_{tag}_{n:03d}" for n in range(pg)]
        self.admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        self.targets = root / "targets.toml"
        lines = [f'url = "{PG_URL}"', ""]
        for path in self.files:
            lines += [
                "[[target]]",
                f'name = "{path.stem}"',
                f'url = "sqlite:///{path}"',
            ]
        for schema in self.schemas:
            lines += ["[[target]]", f'name = "{schema}"', f'schema = "{schema}"']
        self.targets.write_text("\n".join(lines) + "\n")

    def reset(self) -> None:
        """Everything at base: fresh files and empty schemas."""
        shutil.rmtree(self.root / "dbs", ignore_errors=True)
        (self.root / "dbs").mkdir()
        with self.admin.connect() as conn:
            for schema in self.schemas:
                conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
                conn.execute(sa.text(f"CREATE SCHEMA {schema}"))

    def drop(self) -> None:
        with self.admin.connect() as conn:
            for schema in self.schemas:
                conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        self.admin.dispose()


def fleet_run(project: Path, targets: Path, jobs: int) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        [*CLI, "-q", "fleet", "upgrade", "--targets", str(targets), "-j", str(jobs)],
        cwd=project,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"fleet upgrade failed:\n{result.stdout}\n{result.stderr}")
    return elapsed


def loop_configs(project: Path, fleet: Fleet, count: int) -> list[Path]:
    """One ini per sampled target, as a shell loop over tenants would use
    (half SQLite files, half PostgreSQL schemas)."""
    base = (project / "schemadiff.ini").read_text()
    folder = fleet.root / "loop"
    folder.mkdir(exist_ok=True)
    inis = []
    half = count // 2
    chosen = [(f"sqlite:///{p}", None) for p in fleet.files[:half]]
    pg = sa.make_url(PG_URL)
    for schema in fleet.schemas[: count - len(chosen)]:
        url = pg.update_query_dict({"options": f"-csearch_path={schema}"})
        chosen.append((url.render_as_string(hide_password=False), schema))
    for n, (url, schema) in enumerate(chosen):
        line = f"sqlalchemy.url = {url.replace('%', '%%')}"
        text = re.sub(r"(?m)^sqlalchemy\.url = .*$", lambda _, line=line: line, base)
        text = text.replace(
            "script_location = %(here)s/migrations",
            f"script_location = {project / 'migrations'}",
        )
        if schema:
            text = text.replace(
                "[schemadiff]\n", f"[schemadiff]\nversion_table_schema = {schema}\n", 1
            )
        ini = folder / f"t{n}.ini"
        ini.write_text(text)
        inis.append(ini)
    return inis


def loop_run(project: Path, inis: list[Path]) -> float:
    started = time.perf_counter()
    for ini in inis:
        subprocess.run(
            [*CLI, "-q", "-c", str(ini), "upgrade", "head"],
            cwd=project,
            check=True,
            capture_output=True,
        )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", type=int, default=200)
    parser.add_argument("--pg", type=int, default=50)
    parser.add_argument("--revisions", type=int, default=20)
    parser.add_argument("--loop", type=int, default=40)
    parser.add_argument("--jobs", default="1,2,4")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench_fleet_"))
    fleet = Fleet(root, args.sqlite, args.pg)
    total = args.sqlite + args.pg
    try:
        project = make_project(root, args.revisions)
        print(
            f"fleet: {args.sqlite} SQLite files + {args.pg} PostgreSQL schemas, "
            f"{args.revisions} revisions, {os.cpu_count()} CPU(s), load "
            f"{os.getloadavg()[0]:.1f}"
        )
        per_target_fleet = 0.0
        for jobs in [int(j) for j in args.jobs.split(",")]:
            fleet.reset()
            secs = fleet_run(project, fleet.targets, jobs)
            if jobs == 1:
                per_target_fleet = secs / total
            print(
                f"  fleet upgrade head --jobs {jobs}: {secs:7.2f} s "
                f"({secs / total * 1000:6.1f} ms/target)"
            )
        secs = fleet_run(project, fleet.targets, 4)
        print(
            f"  re-run, all at head, --jobs 4: {secs:7.2f} s "
            f"({secs / total * 1000:6.1f} ms/target)"
        )
        noop_fleet = fleet_run(project, fleet.targets, 1) / total
        print(f"  re-run, all at head, --jobs 1: {noop_fleet * total:7.2f} s")

        fleet.reset()
        inis = loop_configs(project, fleet, args.loop)
        secs = loop_run(project, inis)
        per_target_loop = secs / len(inis)
        noop_loop = loop_run(project, inis) / len(inis)
        print(
            f"shell loop of 'schemadiff upgrade head' on {len(inis)} targets:\n"
            f"  from base: {per_target_loop * 1000:6.1f} ms/target "
            f"(fleet --jobs 1: {per_target_fleet * 1000:6.1f} ms/target)\n"
            f"  at head:   {noop_loop * 1000:6.1f} ms/target "
            f"(fleet --jobs 1: {noop_fleet * 1000:6.1f} ms/target)\n"
            f"  the loop pays {(noop_loop - noop_fleet) * 1000:6.1f} ms more per "
            "target (start-up, imports, loading the revisions)"
        )
    finally:
        fleet.drop()
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
