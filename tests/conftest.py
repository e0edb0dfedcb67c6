"""Test harness: a ``backend`` fixture over real SQLite, PostgreSQL and MariaDB.

Every test gets its own clean database: a temp file on SQLite, a fresh schema
(made the connection's search_path) on PostgreSQL, a fresh database on MariaDB.
Under ``CI`` an unreachable server fails the run instead of skipping.
"""

from __future__ import annotations

import atexit
import compileall
import importlib.util
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

# Black rewrites one cache file per mode on every run, and the suite formats
# thousands of throwaway revision files: in the user's cache that file grows
# run after run (1 MB costs ~20 ms per revision). The session gets its own.
if "BLACK_CACHE_DIR" not in os.environ:
    _black_cache = tempfile.mkdtemp(prefix="schemadiff-tests-black-")
    os.environ["BLACK_CACHE_DIR"] = _black_cache
    atexit.register(shutil.rmtree, _black_cache, True)

# Where PYTHONDONTWRITEBYTECODE is set (this machine's environment sets it),
# every child process the suite starts (CLI runs, lock and fleet workers)
# would compile schemadiff from source again, ~0.3 s each. Compiling the
# package once here (only what changed; its caches are gitignored) lets them
# load bytecode. Nothing else gets a __pycache__.
_package = importlib.util.find_spec("schemadiff")
if _package is not None and _package.submodule_search_locations:
    compileall.compile_dir(_package.submodule_search_locations[0], quiet=1)

POSTGRESQL_URL = os.environ.get(
    "SCHEMADIFF_TEST_POSTGRESQL_URL", "postgresql+psycopg://root@127.0.0.1:5432/test"
)
# PyMySQL 1.2 builds a TLS context (loading the CA store, ~50-80 ms) for every
# connection unless told not to; the local test server speaks no TLS, and the
# suite opens thousands of connections.
MARIADB_URL = os.environ.get(
    "SCHEMADIFF_TEST_MARIADB_URL",
    "mysql+pymysql://root@127.0.0.1:3306/test?ssl_disabled=true",
)
BACKENDS = ("sqlite", "postgresql", "mariadb")
_unreachable: dict[str, str] = {}
_admin_engines: dict[str, Engine] = {}


def pytest_configure(config: pytest.Config) -> None:
    for name in BACKENDS:
        config.addinivalue_line("markers", f"{name}: runs against {name}")


def _admin(name: str) -> Engine:
    """A server-level engine, checked once; unreachable servers fail or skip."""
    if name in _unreachable:
        _bail(name, _unreachable[name])
    if name not in _admin_engines:
        url = POSTGRESQL_URL if name == "postgresql" else MARIADB_URL
        engine = sa.create_engine(url, isolation_level="AUTOCOMMIT", pool_size=1)
        try:
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
        except sa.exc.OperationalError as err:
            _unreachable[name] = str(err).splitlines()[0]
            _bail(name, _unreachable[name])
        _admin_engines[name] = engine
    return _admin_engines[name]


def _bail(name: str, reason: str) -> None:
    message = f"{name} is unreachable: {reason}"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@dataclass
class Backend:
    """One isolated database for one test."""

    name: str
    url: str
    schema: str | None
    _extra_schemas: list[str] = field(default_factory=list)
    _engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = sa.create_engine(self.url)
        return self._engine

    @property
    def dialect_name(self) -> str:
        return make_url(self.url).get_dialect().name

    def make_schema(self) -> str:
        """Create another schema (a database on MariaDB), dropped at teardown."""
        if self.name == "sqlite":
            raise RuntimeError("SQLite has no extra schemas in this harness")
        name = _unique_name()
        with _admin(self.name).connect() as conn:
            conn.execute(sa.text(f"CREATE {_schema_word(self.name)} {name}"))
        self._extra_schemas.append(name)
        return name

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
        if self.name == "sqlite":
            return
        with _admin(self.name).connect() as conn:
            for schema in [self.schema, *self._extra_schemas]:
                drop = f"DROP {_schema_word(self.name)} IF EXISTS {schema}"
                if self.name == "postgresql":
                    drop += " CASCADE"
                conn.execute(sa.text(drop))


def _unique_name() -> str:
    return f"sdt_{uuid.uuid4().hex[:10]}"


def _schema_word(name: str) -> str:
    return "SCHEMA" if name == "postgresql" else "DATABASE"


def make_backend(name: str, tmp_path: Path) -> Backend:
    """Create an isolated database on backend ``name``."""
    if name == "sqlite":
        return Backend("sqlite", f"sqlite:///{tmp_path / 'test.db'}", None)
    admin = _admin(name)
    schema = _unique_name()
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE {_schema_word(name)} {schema}"))
    base = make_url(POSTGRESQL_URL if name == "postgresql" else MARIADB_URL)
    if name == "postgresql":
        url = base.update_query_dict({"options": f"-csearch_path={schema}"})
    else:
        url = base.set(database=schema).update_query_dict({"charset": "utf8mb4"})
    return Backend(name, url.render_as_string(hide_password=False), schema)


@pytest.fixture(
    params=[pytest.param(name, marks=getattr(pytest.mark, name)) for name in BACKENDS]
)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """An isolated, empty database on each of SQLite, PostgreSQL and MariaDB."""
    instance = make_backend(request.param, tmp_path)
    try:
        yield instance
    finally:
        instance.dispose()


@pytest.fixture(
    params=[
        pytest.param(name, marks=getattr(pytest.mark, name))
        for name in ("postgresql", "mariadb")
    ]
)
def server_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """Like ``backend`` but only the client/server databases."""
    instance = make_backend(request.param, tmp_path)
    try:
        yield instance
    finally:
        instance.dispose()


@pytest.fixture
def postgresql_backend(tmp_path: Path) -> Iterator[Backend]:
    """An isolated PostgreSQL schema, for PostgreSQL-only features."""
    instance = make_backend("postgresql", tmp_path)
    try:
        yield instance
    finally:
        instance.dispose()


@pytest.fixture
def mariadb_backend(tmp_path: Path) -> Iterator[Backend]:
    """An isolated MariaDB database, for MySQL/MariaDB-only features."""
    instance = make_backend("mariadb", tmp_path)
    try:
        yield instance
    finally:
        instance.dispose()
