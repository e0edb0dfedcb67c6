"""The targets file: which databases a ``schemadiff fleet`` command runs on.

A TOML file with ``[[target]]`` tables (``name``, ``url``, optional
``schema``), an optional top-level ``url`` that targets without one use, and an
optional ``[source]`` that produces more targets when the command starts: a
SQL ``query`` run on a control database (``url``), or a Python ``callable``
(``"module:function"``).  ``${NAME}`` in any url is replaced by the
environment variable NAME, so passwords stay out of the file.
"""

from __future__ import annotations

import fnmatch
import importlib
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomllib

from schemadiff.util import CommandError, obfuscate_url_pw

_ENV_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_TARGET_KEYS = {"name", "url", "schema"}
_SOURCE_KEYS = {"query", "url", "callable"}


@dataclass(frozen=True)
class Target:
    """One database (or schema) of the fleet.  ``url`` is the connection URL
    as written (after ``${VAR}`` substitution): it may hold a password, so
    print :attr:`display_url` instead."""

    name: str
    url: str
    schema: str | None = None

    @property
    def display_url(self) -> str:
        return _masked(self.url)

    def run_url(self) -> tuple[str, str | None]:
        """(the URL env.py connects with, the version table's schema): the
        dialect implementation decides how a schema is reached."""
        from sqlalchemy.engine import make_url

        from schemadiff.ddl.impl import DefaultImpl

        url = _parse_url(self.url, self.name)
        impl = DefaultImpl.get_by_dialect(url.get_dialect())  # type: ignore[arg-type]
        run_url, version_schema = impl.fleet_target_url(url, self.schema)
        return make_url(run_url).render_as_string(hide_password=False), version_schema

    def identity(self) -> tuple[str, ...]:
        """What makes two targets the same database (never run twice at once)."""
        from sqlalchemy.engine import make_url

        url = make_url(self.run_url()[0])
        database = url.database or ""
        if not url.host and database and database != ":memory:":
            database = os.path.realpath(database)  # a database file
        return (
            url.get_backend_name(),
            url.host or "",
            str(url.port or ""),
            database,
            self.schema or "",
        )


def _masked(url: str) -> str:
    try:
        return obfuscate_url_pw(url)
    except Exception:
        return "<unparseable url>"


def _parse_url(url: str, name: str) -> Any:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        parsed = make_url(url)
        parsed.get_dialect()
    except (ArgumentError, NoSuchModuleError, ValueError) as err:
        raise CommandError(
            f"Target {name!r}: can't use its url {_masked(url)}: {err}"
        ) from err
    return parsed


def substitute_env(value: str, where: str, environ: Mapping[str, str]) -> str:
    """Replace ``${NAME}`` with the environment variable NAME (never printed)."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in environ:
            raise CommandError(
                f"{where}: environment variable {name} is not set "
                f"(used as ${{{name}}})"
            )
        return environ[name]

    return _ENV_VAR.sub(replace, value)


def load_targets(
    path: str | os.PathLike[str], environ: Mapping[str, str] | None = None
) -> list[Target]:
    """Read the targets file (and run its ``[source]``); errors are one line."""
    env = os.environ if environ is None else environ
    file = Path(path)
    try:
        with open(file, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError as err:
        raise CommandError(f"No targets file {os.fspath(path)!r}") from err
    except tomllib.TOMLDecodeError as err:
        raise CommandError(f"Can't parse targets file {file}: {err}") from err
    unknown = set(data) - {"url", "target", "source"}
    if unknown:
        raise CommandError(
            f"{file}: unknown key(s) {', '.join(sorted(unknown))}; expected "
            "[[target]] tables, [source] and a default url"
        )
    default_url = data.get("url")
    if default_url is not None and not isinstance(default_url, str):
        raise CommandError(f"{file}: the top-level url must be a string")
    raw = data.get("target", [])
    if not isinstance(raw, list):
        raise CommandError(f"{file}: write targets as [[target]] tables")
    rows: list[tuple[str, Mapping[str, Any]]] = [
        (f"{file}: [[target]] #{n}", entry) for n, entry in enumerate(raw, 1)
    ]
    source = data.get("source")
    if source is not None:
        if not isinstance(source, dict):
            raise CommandError(f"{file}: [source] must be a table")
        rows.extend(_source_rows(source, file, env))
    targets = [_make_target(where, row, default_url, env) for where, row in rows]
    check_unique(targets)
    return targets


def _make_target(
    where: str, row: Any, default_url: str | None, env: Mapping[str, str]
) -> Target:
    if not isinstance(row, Mapping):
        raise CommandError(f"{where}: a target must be a table of name/url/schema")
    unknown = set(row) - _TARGET_KEYS
    if unknown:
        raise CommandError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    name = row.get("name")
    if not isinstance(name, str) or not name.strip():
        raise CommandError(f"{where}: every target needs a name")
    url = row.get("url") or default_url
    if not isinstance(url, str) or not url:
        raise CommandError(
            f"Target {name!r} has no url (and the file has no top-level url)"
        )
    schema = row.get("schema") or None
    if schema is not None and not isinstance(schema, str):
        raise CommandError(f"Target {name!r}: schema must be a string")
    target = Target(name.strip(), substitute_env(url, f"Target {name!r}", env), schema)
    target.run_url()  # a bad url or an unsupported schema fails now, not later
    return target


def check_unique(targets: Sequence[Target]) -> None:
    """One name per target, and never the same database under two names: two
    workers must not migrate one database at once."""
    names: dict[str, Target] = {}
    places: dict[tuple[str, ...], Target] = {}
    for target in targets:
        if target.name in names:
            raise CommandError(f"Target name {target.name!r} is used twice")
        names[target.name] = target
        key = target.identity()
        if key in places:
            raise CommandError(
                f"Targets {places[key].name!r} and {target.name!r} are the same "
                "database" + (f" and schema {target.schema!r}" if target.schema else "")
            )
        places[key] = target


def _source_rows(
    source: Mapping[str, Any], file: Path, env: Mapping[str, str]
) -> Iterable[tuple[str, Mapping[str, Any]]]:
    unknown = set(source) - _SOURCE_KEYS
    if unknown:
        raise CommandError(
            f"{file}: [source] has unknown key(s) {', '.join(sorted(unknown))}"
        )
    if ("query" in source) == ("callable" in source):
        raise CommandError(
            f"{file}: [source] needs either query (with url) or callable"
        )
    if "callable" in source:
        spec = source["callable"]
        rows = list(_call_source(spec, file))
        return [
            (f"[source] callable {spec} row #{n}", r) for n, r in enumerate(rows, 1)
        ]
    if not isinstance(source.get("url"), str):
        raise CommandError(f"{file}: [source] query needs the control database's url")
    url = substitute_env(source["url"], f"{file}: [source]", env)
    rows = _query_rows(url, source["query"])
    return [(f"[source] query row #{n}", r) for n, r in enumerate(rows, 1)]


def _query_rows(url: str, query: Any) -> list[dict[str, Any]]:
    """Rows of ``query`` on the control database, as name/url/schema dicts."""
    import sqlalchemy as sa

    if not isinstance(query, str):
        raise CommandError("[source] query must be a string of SQL")
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            result = conn.execute(sa.text(query))
            columns = list(result.keys())
            missing = {"name"} - set(columns)
            if missing:
                raise CommandError(
                    f"[source] query must return a 'name' column (with 'url' "
                    f"and/or 'schema'); it returned {', '.join(columns)}"
                )
            return [
                {k: v for k, v in row._mapping.items() if k in _TARGET_KEYS}
                for row in result
            ]
    except sa.exc.SQLAlchemyError as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else ""
        raise CommandError(
            f"[source] query on {_masked(url)} failed: {type(err).__name__}: {first}"
        ) from err
    finally:
        engine.dispose()


def _call_source(spec: Any, file: Path) -> Iterable[Mapping[str, Any]]:
    """Call ``module:function`` (importable from the cwd or the file's folder)."""
    if not isinstance(spec, str) or ":" not in spec:
        raise CommandError(f"{file}: [source] callable must be 'module:function'")
    module_name, _, attr = spec.partition(":")
    for folder in (str(file.resolve().parent), os.getcwd()):
        if folder not in sys.path:
            sys.path.insert(0, folder)
    try:
        module = importlib.import_module(module_name)
        fn = getattr(module, attr)
    except (ImportError, AttributeError) as err:
        raise CommandError(f"[source] callable {spec}: {err}") from err
    result = fn()
    for row in result:
        if isinstance(row, Mapping):
            yield row
        elif isinstance(row, Target):
            yield {"name": row.name, "url": row.url, "schema": row.schema}
        elif isinstance(row, (tuple, list)) and 2 <= len(row) <= 3:
            yield dict(zip(("name", "url", "schema"), row, strict=False))
        else:
            raise CommandError(
                f"[source] callable {spec} gave {type(row).__name__}; give dicts "
                "or (name, url[, schema]) tuples"
            )


def select(targets: Sequence[Target], only: Sequence[str]) -> list[Target]:
    """The targets ``--only`` names (names or shell patterns, comma-separated
    or repeated); a pattern that matches nothing is an error (a typo)."""
    patterns = [p.strip() for item in only for p in item.split(",") if p.strip()]
    if not patterns:
        return list(targets)
    chosen: list[Target] = []
    for pattern in patterns:
        matched = [t for t in targets if fnmatch.fnmatchcase(t.name, pattern)]
        if not matched:
            raise CommandError(f"--only {pattern!r} matches no target")
        chosen.extend(t for t in matched if t not in chosen)
    return [t for t in targets if t in chosen]
