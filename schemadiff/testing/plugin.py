"""The pytest plugin: options, fixtures, and the switch for the built-in tests.

- ``schemadiff_config``: the project's ``Config``, from ``--schemadiff-config``,
  the ``schemadiff_config`` ini option, or ``schemadiff.ini`` in the rootdir;
- ``schemadiff_engine``: from ``--schemadiff-url``, the ``schemadiff_url`` ini
  option, or a fresh SQLite file per test;
- ``schemadiff_runner``: a ``MigrationRunner`` on the two.

``--schemadiff-tests`` adds the built-in tests (``schemadiff.testing.builtin``)
to the run; without it the plugin collects nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("schemadiff", "schemadiff migrations")
    group.addoption(
        "--schemadiff-tests",
        action="store_true",
        default=False,
        help="Run schemadiff's built-in migration tests.",
    )
    group.addoption(
        "--schemadiff-config",
        default=None,
        help="schemadiff.ini of the project (default: the rootdir's).",
    )
    group.addoption(
        "--schemadiff-url",
        default=None,
        help="Server for the migration tests: each test gets a scratch schema "
        "or database there (default: a fresh SQLite file per test).",
    )
    parser.addini("schemadiff_config", "schemadiff.ini of the project", default="")
    parser.addini("schemadiff_url", "database for the migration tests", default="")


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("schemadiff_tests"):
        from schemadiff.testing import builtin

        config.args.append(os.path.abspath(builtin.__file__))


def _option(config: pytest.Config, name: str) -> str | None:
    return (
        config.getoption(f"schemadiff_{name}")
        or config.getini(f"schemadiff_{name}")
        or None
    )


@pytest.fixture
def schemadiff_config(request: pytest.FixtureRequest) -> Any:
    """The project's schemadiff ``Config``."""
    from schemadiff.config import Config

    path = _option(request.config, "config")
    ini = Path(path) if path else request.config.rootpath / "schemadiff.ini"
    if not ini.is_absolute():
        ini = request.config.rootpath / ini
    config = Config(file_=str(ini), toml_file=str(ini.parent / "pyproject.toml"))
    config.check_sources()
    return config


@pytest.fixture
def schemadiff_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """An empty scratch database for one test, removed afterwards: a schema
    on PostgreSQL, a database on MySQL/MariaDB (both on the server
    ``--schemadiff-url`` names), a file on SQLite (the default)."""
    from schemadiff.ddl.scratch import create_scratch, engine_for

    url = _option(request.config, "url") or f"sqlite:///{tmp_path / 'schemadiff.db'}"
    scratch = create_scratch(url)
    try:
        engine = engine_for(scratch)
        try:
            yield engine
        finally:
            engine.dispose()
    finally:
        scratch.drop()


@pytest.fixture
def schemadiff_runner(schemadiff_config: Any, schemadiff_engine: Any) -> Any:
    """A ``MigrationRunner`` for the project on ``schemadiff_engine``."""
    from schemadiff.testing.runner import MigrationRunner

    return MigrationRunner(schemadiff_config, schemadiff_engine)
