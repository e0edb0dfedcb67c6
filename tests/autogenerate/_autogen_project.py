"""A temporary project whose models live in ``models.py`` beside the ini, read
afresh by env.py on every command, so a test can change the models between
CLI runs (in-process: no module caching)."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from schemadiff.autogenerate import compare_metadata
from schemadiff.runtime.migration import MigrationContext
from tests.helpers import make_project, run_cli

LOAD_MODELS = """\
import runpy as _runpy
from pathlib import Path as _Path

_models = _runpy.run_path(str(_Path(__file__).resolve().parent.parent / "models.py"))
target_metadata = _models["metadata"]
_configure_extra = _models.get("CONFIGURE", {})
"""


def autogen_project(
    tmp_path: Path,
    url: str,
    models: str,
    *,
    hooks: bool = True,
    env_extra: str = "",
    configure_kw: str = "",
) -> Path:
    """``init`` a generic project on ``url`` whose env.py compares
    ``models.py`` (which must define ``metadata``; optionally ``CONFIGURE``,
    a dict of extra ``context.configure`` keywords).  SQLite gets
    ``render_as_batch=True`` as its users would set it."""
    project = make_project(tmp_path, url=url)
    env = project / "migrations" / "env.py"
    text = env.read_text("utf-8")
    text = text.replace("target_metadata = None\n", LOAD_MODELS + env_extra + "\n")
    # the template's own configure() call of the online run, replaced whole
    text = re.sub(
        r"context\.configure\(\n        connection=connection,\n.*?\n    \)",
        lambda _m: "context.configure(\n"
        "        connection=connection,\n"
        "        target_metadata=target_metadata,\n"
        "        compare_server_default=True,\n"
        '        render_as_batch=connection.dialect.name == "sqlite",\n'
        + (f"        {configure_kw}\n" if configure_kw else "")
        + "        **_configure_extra,\n"
        "    )",
        text,
        count=1,
        flags=re.S,
    )
    assert "_configure_extra" in text and "compare_server_default" in text, text
    env.write_text(text, "utf-8")
    if not hooks:
        ini = project / "schemadiff.ini"
        ini_text = re.sub(r"^hooks = black$", "hooks =", ini.read_text(), flags=re.M)
        ini.write_text(ini_text)
    write_models(project, models)
    return project


def write_models(project: Path, source: str) -> None:
    (project / "models.py").write_text(textwrap.dedent(source), "utf-8")


def load_metadata(project: Path) -> sa.MetaData:
    import runpy

    return runpy.run_path(str(project / "models.py"))["metadata"]


def cli(project: Path, *args: str, expect: int | None = 0) -> Any:
    result = run_cli(list(args), cwd=project)
    if expect is not None:
        assert result.exit_code == expect, (args, result.output, result.exception)
    return result


def versions(project: Path) -> list[Path]:
    return sorted((project / "migrations" / "versions").glob("*.py"))


def diff_against(url: str, metadata: sa.MetaData, **opts: Any) -> list[Any]:
    """compare_metadata of the database at ``url`` with ``metadata``."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_server_default": True, **opts}
            )
            return compare_metadata(context, metadata)
    finally:
        engine.dispose()
