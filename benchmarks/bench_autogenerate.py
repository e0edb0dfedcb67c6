"""Benchmark: a no-change autogenerate comparison of a 500-table schema.

Run by hand (not part of the test suite)::

    python benchmarks/bench_autogenerate.py [--tables 500] \
        [--backends sqlite,postgresql,mariadb]

For each backend it creates a scratch database holding the schema, compares it
with the same MetaData (compare_type and compare_server_default on), and
prints the SQL statements issued and the seconds taken.  When Alembic is
importable the same figures are printed for it side by side.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from schemadiff.autogenerate import compare_metadata  # noqa: E402
from schemadiff.runtime.migration import MigrationContext  # noqa: E402

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
            conn.execute(sa.text(f"DROP {word} IF EXISTS {self.name}{cascade}"))
        self.admin.dispose()


def measure(url: str, run: Callable[[sa.Connection], Any]) -> tuple[int, float, Any]:
    """Statements and seconds of ``run`` on a fresh engine's connection."""
    engine = sa.create_engine(url)
    count = 0

    def record(*_: Any) -> None:
        nonlocal count
        count += 1

    with engine.connect() as conn:
        sa.event.listen(conn, "before_cursor_execute", record)
        start = time.perf_counter()
        result = run(conn)
        elapsed = time.perf_counter() - start
    engine.dispose()
    return count, elapsed, result


def schemadiff_compare(md: sa.MetaData) -> Callable[[sa.Connection], Any]:
    def run(conn: sa.Connection) -> Any:
        ctx = MigrationContext.configure(
            connection=conn,
            opts={"compare_type": True, "compare_server_default": True},
        )
        return compare_metadata(ctx, md)

    return run


def alembic_compare(md: sa.MetaData) -> Callable[[sa.Connection], Any] | None:
    try:
        from alembic.autogenerate import compare_metadata as alembic_compare_metadata
        from alembic.migration import MigrationContext as AlembicContext
    except ImportError:
        return None

    def run(conn: sa.Connection) -> Any:
        ctx = AlembicContext.configure(
            connection=conn,
            opts={"compare_type": True, "compare_server_default": True},
        )
        return alembic_compare_metadata(ctx, md)

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=500)
    parser.add_argument("--backends", default="sqlite,postgresql,mariadb")
    args = parser.parse_args()
    md = schema(args.tables)
    print(f"no-change comparison of {args.tables} tables")
    print(f"{'backend':<12}{'tool':<12}{'statements':>12}{'seconds':>10}{'diffs':>8}")
    for backend in args.backends.split(","):
        scratch = Scratch(backend)
        try:
            engine = sa.create_engine(scratch.url)
            with engine.begin() as conn:
                md.create_all(conn, checkfirst=False)
            engine.dispose()
            tools = [("schemadiff", schemadiff_compare(md))]
            alembic = alembic_compare(md)
            if alembic is not None:
                tools.append(("alembic", alembic))
            for tool, run in tools:
                count, seconds, diffs = measure(scratch.url, run)
                print(
                    f"{backend:<12}{tool:<12}{count:>12}{seconds:>10.2f}{len(diffs):>8}"
                )
        finally:
            scratch.drop()


if __name__ == "__main__":
    main()
