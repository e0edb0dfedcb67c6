"""Benchmark: a no-change autogenerate comparison of 500 and 2,000 tables.

Run by hand (not part of the test suite), with an interpreter that also has
Alembic installed to get the side-by-side figures (keep Alembic out of the
project's own venv; the in-process side needs only SQLAlchemy and the
drivers, so the project can come through PYTHONPATH)::

    python3 -m venv /tmp/alembic-venv
    /tmp/alembic-venv/bin/pip install alembic 'psycopg[binary]' PyMySQL
    PYTHONPATH=. /tmp/alembic-venv/bin/python benchmarks/bench_autogenerate.py \
        [--tables 500,2000] [--backends sqlite,postgresql,mariadb] [--runs 5] \
        [--check --schemadiff-python .venv/bin/python]

For each backend and size it creates a scratch database holding the schema
and compares it with the same MetaData (compare_type and
compare_server_default on), in-process on an open connection.  Each run
measures three things, interleaved (the machine may be shared and noisy):

- ``floor``: the raw catalog queries through the driver's own cursor, rows
  grouped into per-table dicts, and two such dicts compared: what any
  comparison must at least pay;
- ``schemadiff``: ``compare_metadata``;
- ``alembic``: Alembic's ``compare_metadata`` (when importable).

It prints the median seconds, the statements issued, the peak traced memory
(one extra run under ``tracemalloc``), the ratio to Alembic and to the floor,
and how the 2,000-table time scales against 500.

Measured 2026-11-29 on main (shared 2-core machine, PostgreSQL catalog
vacuumed first: a churned pg_class slows the floor's schema-wide scans, not
schemadiff's reads by name and oid), seconds median of 5, ratio to
Alembic and to the floor: SQLite 500 tables 0.214 s = 0.098x / 4.26x floor,
2,000 0.899 s = 0.068x / 3.95x (2,000 costs 4.20x 500); PostgreSQL 500
0.380 s = 0.115x / 2.31x, 2,000 1.283 s = 0.096x / 2.26x (3.37x); MariaDB
500 0.285 s = 0.105x / 2.23x, 2,000 1.282 s = 0.128x / 2.46x (4.50x).
Statements per comparison: SQLite 7, PostgreSQL 10, MariaDB 3.  Whole
``check`` process at 500 tables, wall (CPU) ratio to ``alembic check``:
SQLite 0.294 (0.294), PostgreSQL 0.346 (0.345), MariaDB 0.355 (0.330).

``--check`` also times the whole process: ``schemadiff check`` against
``alembic check`` as subprocesses on the smallest size's database, each in a
project made by its own ``init`` and run by its own interpreter
(``--schemadiff-python``, ``--alembic-python``; median wall and CPU seconds
of interleaved runs).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

POSTGRESQL_URL = os.environ.get(
    "SCHEMADIFF_TEST_POSTGRESQL_URL", "postgresql+psycopg://root@127.0.0.1:5432/test"
)
MARIADB_URL = os.environ.get(
    "SCHEMADIFF_TEST_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306/test"
)
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
OPTS = {"compare_type": True, "compare_server_default": True}
#: the interpreter each tool's whole-process check runs with (--check)
PYTHON = {"schemadiff": sys.executable, "alembic": sys.executable}


def schema(tables: int) -> sa.MetaData:
    """Tables with an index, a unique key, a foreign key, defaults, a comment."""
    md = sa.MetaData(naming_convention=NAMING)
    for i in range(tables):
        cols: list[Any] = [
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("name", sa.String(40), nullable=False, index=True),
            sa.Column("code", sa.String(10), unique=True),
            sa.Column("amount", sa.Numeric(10, 2), server_default="0"),
            sa.Column("active", sa.Boolean, server_default=sa.true()),
            sa.Column("created", sa.DateTime, server_default=sa.func.now()),
            sa.Column("notes", sa.Text),
        ]
        if i:
            cols.append(sa.Column("t0_id", sa.ForeignKey("t0000.id")))
        sa.Table(f"t{i:04d}", md, *cols, comment=f"table {i}")
    return md


class Scratch:
    """A throw-away database on one backend."""

    def __init__(self, backend: str) -> None:
        self.backend = backend
        self.name = f"sd_bench_{uuid.uuid4().hex[:8]}"
        self.admin: sa.Engine | None = None
        if backend == "sqlite":
            self.tmp = tempfile.mkdtemp()
            self.url = f"sqlite:///{self.tmp}/bench.db"
            return
        base = sa.make_url(POSTGRESQL_URL if backend == "postgresql" else MARIADB_URL)
        self.admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        word = "SCHEMA" if backend == "postgresql" else "DATABASE"
        with self.admin.connect() as conn:
            conn.execute(sa.text(f"CREATE {word} {self.name}"))
        if backend == "postgresql":
            url = base.update_query_dict({"options": f"-csearch_path={self.name}"})
        else:
            url = base.set(database=self.name)
        self.url = url.render_as_string(hide_password=False)

    def drop(self) -> None:
        if self.admin is None:
            return
        word = "SCHEMA" if self.backend == "postgresql" else "DATABASE"
        cascade = " CASCADE" if self.backend == "postgresql" else ""
        with self.admin.connect() as conn:
            if self.backend == "postgresql":
                # 25 tables per statement, referencing ones first: one DROP
                # SCHEMA of 2,000 tables runs out of (shared) lock slots
                names = sorted(
                    sa.inspect(conn).get_table_names(schema=self.name), reverse=True
                )
                for start in range(0, len(names), 25):
                    listed = ", ".join(
                        f'{self.name}."{n}"' for n in names[start : start + 25]
                    )
                    conn.execute(sa.text(f"DROP TABLE IF EXISTS {listed} CASCADE"))
            conn.execute(sa.text(f"DROP {word} IF EXISTS {self.name}{cascade}"))
        self.admin.dispose()


def create(engine: sa.Engine, md: sa.MetaData) -> None:
    """Create the tables 200 per transaction (PostgreSQL runs out of lock
    slots creating 2,000 tables in one)."""
    tables = md.sorted_tables
    for start in range(0, len(tables), 200):
        with engine.begin() as conn:
            md.create_all(conn, tables=tables[start : start + 200], checkfirst=False)


# ----------------------------------------------------------------- the floor
FLOOR_SQL = {
    "postgresql": [
        "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), "
        "a.attnotnull, pg_get_expr(d.adbin, d.adrelid), "
        "col_description(c.oid, a.attnum), a.attidentity, a.attgenerated "
        "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') "
        "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY c.relname, a.attnum",
        "SELECT c.relname, i.relname, x.indisunique, pg_get_indexdef(x.indexrelid), "
        "pg_get_expr(x.indpred, x.indrelid) FROM pg_index x "
        "JOIN pg_class c ON c.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema()",
        "SELECT c.relname, k.conname, k.contype, pg_get_constraintdef(k.oid) "
        "FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema()",
        "SELECT c.relname, obj_description(c.oid, 'pg_class') FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')",
    ],
    "mariadb": [
        "SELECT TABLE_NAME, TABLE_COMMENT FROM information_schema.TABLES "
        "WHERE TABLE_SCHEMA = DATABASE()",
        "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, "
        "EXTRA, COLUMN_COMMENT, GENERATION_EXPRESSION FROM information_schema.COLUMNS "
        "WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION",
        "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART "
        "FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() "
        "ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
        "SELECT TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_SCHEMA, "
        "REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME "
        "FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE() "
        "AND REFERENCED_TABLE_NAME IS NOT NULL",
        "SELECT TABLE_NAME, CONSTRAINT_NAME, UPDATE_RULE, DELETE_RULE "
        "FROM information_schema.REFERENTIAL_CONSTRAINTS "
        "WHERE CONSTRAINT_SCHEMA = DATABASE()",
        "SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE "
        "FROM information_schema.CHECK_CONSTRAINTS "
        "WHERE CONSTRAINT_SCHEMA = DATABASE()",
    ],
    "sqlite": [
        "SELECT name, type, sql FROM sqlite_master",
        "SELECT m.name, p.* FROM sqlite_master m JOIN pragma_table_xinfo(m.name) p "
        "WHERE m.type = 'table'",
        "SELECT m.name, p.* FROM sqlite_master m "
        "JOIN pragma_foreign_key_list(m.name) p WHERE m.type = 'table'",
        "SELECT m.name, p.* FROM sqlite_master m JOIN pragma_index_list(m.name) p "
        "WHERE m.type = 'table'",
        "SELECT i.name, p.* FROM sqlite_master m JOIN pragma_index_list(m.name) i "
        "JOIN pragma_index_info(i.name) p WHERE m.type = 'table'",
    ],
}


def floor_compare(backend: str) -> Callable[[sa.Connection], Any]:
    """Raw catalog rows -> two dicts of per-table rows -> compared."""

    def run(conn: sa.Connection) -> Any:
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        sides: list[dict[Any, list[Any]]] = [{}, {}]
        for sql in FLOOR_SQL[backend]:
            cursor.execute(sql)
            for row in cursor.fetchall():
                for side in sides:
                    side.setdefault(row[0], []).append(tuple(row[1:]))
        cursor.close()
        return [] if sides[0] == sides[1] else [sides]

    return run


# ------------------------------------------------------------ the two tools
def schemadiff_compare(md: sa.MetaData) -> Callable[[sa.Connection], Any]:
    # imported here: the --check projects import this module for schema()
    # alone, and Alembic's process must not pay for importing schemadiff
    from schemadiff.autogenerate import compare_metadata
    from schemadiff.runtime.migration import MigrationContext

    def run(conn: sa.Connection) -> Any:
        ctx = MigrationContext.configure(connection=conn, opts=dict(OPTS))
        return compare_metadata(ctx, md)

    return run


def alembic_compare(md: sa.MetaData) -> Callable[[sa.Connection], Any] | None:
    try:
        from alembic.autogenerate import compare_metadata as alembic_compare_metadata
        from alembic.migration import MigrationContext as AlembicContext
    except ImportError:
        return None

    def run(conn: sa.Connection) -> Any:
        ctx = AlembicContext.configure(connection=conn, opts=dict(OPTS))
        return alembic_compare_metadata(ctx, md)

    return run


def measure(
    engine: sa.Engine, run: Callable[[sa.Connection], Any], traced: bool = False
) -> tuple[int, float, int, Any, float]:
    """Statements, seconds, peak traced bytes, result and this process's CPU
    seconds of ``run`` on a fresh connection (caches of the dialect stay warm
    between runs, as in a long-lived process).  On a shared, loaded machine
    the CPU seconds are the steadier figure; they leave out the server's
    work, which is most of the floor on PostgreSQL and MariaDB."""
    count = 0

    def record(*_: Any) -> None:
        nonlocal count
        count += 1

    with engine.connect() as conn:
        sa.event.listen(conn, "before_cursor_execute", record)
        if traced:
            tracemalloc.start()
        start = time.perf_counter()
        cpu_start = time.process_time()
        result = run(conn)
        cpu = time.process_time() - cpu_start
        elapsed = time.perf_counter() - start
        peak = 0
        if traced:
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
    return count, elapsed, peak, result, cpu


def bench_size(
    backend: str, tables: int, runs: int
) -> tuple[dict[str, dict[str, Any]], str]:
    md = schema(tables)
    scratch = Scratch(backend)
    try:
        engine = sa.create_engine(scratch.url)
        create(engine, md)
        tools: list[tuple[str, Callable[[sa.Connection], Any]]] = [
            ("floor", floor_compare(backend)),
            ("schemadiff", schemadiff_compare(md)),
        ]
        alembic = alembic_compare(md)
        if alembic is not None:
            tools.append(("alembic", alembic))
        results: dict[str, dict[str, Any]] = {
            name: {"times": [], "cpu": []} for name, _ in tools
        }
        for name, run in tools:  # warm-up: imports, dialect caches
            count, _, _, diffs, _ = measure(engine, run)
            if name == "floor":  # its driver-level queries bypass the event
                count = len(FLOOR_SQL[backend])
            results[name].update(statements=count, diffs=len(diffs))
        for i in range(runs):
            shift = i % len(tools)
            for name, run in tools[shift:] + tools[:shift]:
                _, elapsed, _, _, cpu = measure(engine, run)
                results[name]["times"].append(elapsed)
                results[name]["cpu"].append(cpu)
        for name, run in tools:
            results[name]["peak"] = measure(engine, run, traced=True)[2]
        engine.dispose()
        return results, scratch.url
    finally:
        scratch.drop()


def print_size(backend: str, tables: int, results: dict[str, dict[str, Any]]) -> None:
    median = {name: statistics.median(r["times"]) for name, r in results.items()}
    cpu = {name: statistics.median(r["cpu"]) for name, r in results.items()}
    for name, r in results.items():
        extra = ""
        if name == "schemadiff":
            extra = f"  {median[name] / median['floor']:.2f}x floor"
            if "alembic" in median:
                extra += f"  {median[name] / median['alembic']:.3f}x alembic"
                extra += f" (cpu {cpu[name] / cpu['alembic']:.3f}x)"
        print(
            f"{backend:<11}{tables:>7}  {name:<11}{median[name]:>9.3f}{cpu[name]:>8.3f}"
            f"{r['statements']:>11}{r['peak'] / 1e6:>10.1f}{r['diffs']:>7}{extra}"
        )


# ------------------------------------------------------- whole-process check
def _project(tool: str, url: str, tables: int, root: Path) -> Path:
    """A project made by the tool's own ``init`` whose env.py compares the
    benchmark schema."""
    project = root / tool
    project.mkdir()
    python = PYTHON[tool]
    module = "schemadiff" if tool == "schemadiff" else "alembic"
    subprocess.run(
        [python, "-m", module, "init", "migrations"],
        cwd=project,
        check=True,
        capture_output=True,
    )
    ini = project / f"{module}.ini"
    text = re.sub(
        r"^sqlalchemy\.url = .*$",
        "sqlalchemy.url = " + url.replace("%", "%%"),
        ini.read_text(),
        flags=re.M,
    )
    ini.write_text(text)
    env = project / "migrations" / "env.py"
    bench_dir = os.path.dirname(os.path.abspath(__file__))
    text = env.read_text().replace(
        "target_metadata = None\n",
        f"import sys\nsys.path.insert(0, {bench_dir!r})\n"
        "from bench_autogenerate import schema\n"
        f"target_metadata = schema({tables})\n",
    )
    # the same comparison for both (each template has its own defaults), and
    # both tools share the database: the table Alembic's check leaves there
    # is schemadiff's version table too, so neither reports it
    extra = {
        "schemadiff": 'version_table="alembic_version"',  # defaults: on already
        "alembic": "compare_server_default=True",
    }[tool]
    text, found = re.subn(
        r"(connection=connection,\s*target_metadata=target_metadata)",
        r"\1, " + extra,
        text,
        count=1,
    )
    assert found, f"no online context.configure() in {tool}'s env.py"
    env.write_text(text)
    return project


def _run_check(tool: str, project: Path) -> tuple[float, float, int, str]:
    module = "schemadiff" if tool == "schemadiff" else "alembic"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(
        [PYTHON[tool], "-m", module, "check"], cwd=project, capture_output=True
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    last = (proc.stderr + proc.stdout).decode(errors="replace").strip()
    return wall, cpu, proc.returncode, last.splitlines()[-1] if last else ""


def bench_check(backend: str, tables: int, runs: int) -> None:
    md = schema(tables)
    scratch = Scratch(backend)
    try:
        engine = sa.create_engine(scratch.url)
        create(engine, md)
        engine.dispose()
        # both tools start from bytecode, as pip leaves an installed package
        # (the editable schemadiff has none while PYTHONDONTWRITEBYTECODE is set)
        import schemadiff

        subprocess.run(
            [
                PYTHON["schemadiff"],
                "-m",
                "compileall",
                "-q",
                os.path.dirname(schemadiff.__file__),
                os.path.dirname(os.path.abspath(__file__)),
            ],
            check=True,
        )
        with tempfile.TemporaryDirectory() as tmp:
            tools = ["schemadiff", "alembic"]
            projects = {t: _project(t, scratch.url, tables, Path(tmp)) for t in tools}
            walls: dict[str, list[float]] = {t: [] for t in tools}
            cpus: dict[str, list[float]] = {t: [] for t in tools}
            codes: dict[str, int] = {}
            for i in range(runs):
                for tool in tools if i % 2 == 0 else tools[::-1]:
                    wall, cpu, codes[tool], last = _run_check(tool, projects[tool])
                    if codes[tool]:
                        print(f"  {tool} check exited {codes[tool]}: {last[:160]}")
                    walls[tool].append(wall)
                    cpus[tool].append(cpu)
            w = {t: statistics.median(walls[t]) for t in tools}
            c = {t: statistics.median(cpus[t]) for t in tools}
            for tool in tools:
                print(
                    f"{backend:<11}{tables:>7}  {tool:<11}{w[tool]:>9.3f}"
                    f"{c[tool]:>9.3f}{codes[tool]:>6}"
                )
            print(
                f"{'':<20}ratio      {w['schemadiff'] / w['alembic']:>9.3f}"
                f"{c['schemadiff'] / c['alembic']:>9.3f}"
            )
    finally:
        scratch.drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", default="500,2000")
    parser.add_argument("--backends", default="sqlite,postgresql,mariadb")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--check-runs", type=int, default=5)
    parser.add_argument("--no-compare", action="store_true")
    parser.add_argument(
        "--schemadiff-python",
        default=sys.executable,
        help="interpreter of the whole-process schemadiff check (its own venv)",
    )
    parser.add_argument(
        "--alembic-python",
        default=sys.executable,
        help="interpreter of the whole-process alembic check",
    )
    args = parser.parse_args()
    sizes = [int(n) for n in args.tables.split(",")]
    backends = args.backends.split(",")
    if not args.no_compare:
        print("no-change comparison, in-process; median of interleaved runs")
        print(
            f"{'backend':<11}{'tables':>7}  {'tool':<11}{'seconds':>9}{'cpu s':>8}"
            f"{'statements':>11}{'peak MB':>10}{'diffs':>7}"
        )
        for backend in backends:
            medians: dict[int, float] = {}
            for tables in sizes:
                results, _ = bench_size(backend, tables, args.runs)
                print_size(backend, tables, results)
                medians[tables] = statistics.median(results["schemadiff"]["times"])
            if len(sizes) > 1:
                small, big = sizes[0], sizes[-1]
                print(
                    f"{backend:<11}schemadiff {big} tables cost "
                    f"{medians[big] / medians[small]:.2f}x {small} tables"
                )
    if args.check:
        PYTHON.update(schemadiff=args.schemadiff_python, alembic=args.alembic_python)
        for tool, module in (("alembic", "alembic"), ("schemadiff", "click")):
            probe = [PYTHON[tool], "-c", f"import {module}"]
            if subprocess.run(probe, capture_output=True).returncode:
                print(f"--check: {module} is not importable by {PYTHON[tool]}")
                return
        print(
            f"\nwhole process `check` (schemadiff: {PYTHON['schemadiff']}, "
            f"alembic: {PYTHON['alembic']}); median of interleaved runs"
        )
        print(
            f"{'backend':<11}{'tables':>7}  {'tool':<11}"
            f"{'wall s':>9}{'cpu s':>9}{'exit':>6}"
        )
        for backend in backends:
            bench_check(backend, sizes[0], args.check_runs)


if __name__ == "__main__":
    main()
