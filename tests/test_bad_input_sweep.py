"""The bad-input sweep of issue 15: 42 mistakes a user can make.

Every case ends in exactly one ``FAILED:`` line and exit status 1 (2 for
``check`` and for click's usage errors), never a traceback, and never any
piece of a password in stdout or stderr.  In-process through CliRunner; the
few cases marked ``subprocess`` run ``python -m schemadiff`` to show the same
holds in a real process (logging to the real stderr).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import make_project, run_cli, run_cli_subprocess, write_revision

PG_DOWN = "postgresql+psycopg://{user}@127.0.0.1:1/nothing"
MY_DOWN = "mysql+pymysql://{user}@127.0.0.1:1/nothing"


@dataclass
class Case:
    """One bad input: how to break a fresh project, and what to run."""

    setup: Callable[[Path], dict[str, str] | None]
    args: list[str]
    exit_code: int = 1
    secret: str | None = None
    subprocess: bool = False
    expect: str = ""


def _ini(project: Path) -> Path:
    return project / "schemadiff.ini"


def _edit_ini(project: Path, old: str, new: str, count: int = 1) -> None:
    text = _ini(project).read_text("utf-8")
    assert old in text, old
    _ini(project).write_text(text.replace(old, new, count), "utf-8")


def _set_raw_url(project: Path, url: str) -> None:
    """Write ``url`` into the ini as is (no %-escaping: some cases need it raw)."""
    text = _ini(project).read_text("utf-8")
    text = re.sub(
        r"^sqlalchemy\.url = .*$",
        lambda _m: f"sqlalchemy.url = {url}",
        text,
        flags=re.M,
    )
    _ini(project).write_text(text, "utf-8")


def _versions(project: Path) -> Path:
    return project / "migrations" / "versions"


def _two_revisions(project: Path) -> None:
    write_revision(_versions(project), "a1b2c3", None)
    write_revision(_versions(project), "a1b2d4", "a1b2c3")


def _with(*steps: Callable[[Path], object]) -> Callable[[Path], None]:
    def setup(project: Path) -> None:
        for step in steps:
            step(project)

    return setup


def _url(url: str) -> Callable[[Path], None]:
    return lambda project: _set_raw_url(project, url)


def _env_url(url: str) -> Callable[[Path], dict[str, str]]:
    return lambda project: {"SCHEMADIFF_URL": url}


def _rev_file(name: str, body: str) -> Callable[[Path], None]:
    return lambda project: (_versions(project) / name).write_text(body, "utf-8")


def _env_py(body: str) -> Callable[[Path], None]:
    return lambda project: (project / "migrations" / "env.py").write_text(body)


def _write(rev: str, down: object, **kw: object) -> Callable[[Path], None]:
    return lambda project: write_revision(_versions(project), rev, down, **kw)  # type: ignore[arg-type]


CASES: dict[str, Case] = {
    # --- config files and sections -------------------------------------
    "no-ini-file": Case(lambda p: _ini(p).unlink(), ["heads"], expect="No config file"),
    "ini-path-missing": Case(lambda p: None, ["-c", "nowhere/x.ini", "current"]),
    "no-main-section": Case(
        lambda p: _edit_ini(p, "[schemadiff]", "[other]"),
        ["history"],
        expect="No [schemadiff] section",
    ),
    "unknown-name-section": Case(lambda p: None, ["-n", "nosuch", "upgrade", "head"]),
    "text-before-section": Case(
        lambda p: _ini(p).write_text("oops\n" + _ini(p).read_text()),
        ["heads"],
        expect="line 1 comes before any [section] header",
    ),
    "bom-and-text-before-section": Case(
        lambda p: _ini(p).write_bytes(b"\xef\xbb\xbfoops\n" + _ini(p).read_bytes()),
        ["current"],
    ),
    "line-without-equals": Case(
        lambda p: _edit_ini(p, "[post_write_hooks]", "[post_write_hooks]\n  = x\n!!"),
        ["heads"],
    ),
    "duplicate-option": Case(
        lambda p: _edit_ini(
            p, "path_separator = os", "path_separator = os\npath_separator = :"
        ),
        ["heads"],
        expect="is set twice in [schemadiff] (again on line",
    ),
    "duplicate-section": Case(
        lambda p: _ini(p).write_text(_ini(p).read_text() + "\n[schemadiff]\nx = 1\n"),
        ["heads"],
        expect="appears twice (again on line",
    ),
    "missing-script-location": Case(
        lambda p: _edit_ini(p, "script_location", "# script_location"), ["heads"]
    ),
    "script-location-not-a-dir": Case(
        lambda p: _edit_ini(p, "%(here)s/migrations", "%(here)s/nowhere"), ["heads"]
    ),
    "bad-path-separator": Case(
        lambda p: _edit_ini(p, "path_separator = os", "path_separator = comma"),
        ["heads"],
        expect="path_separator",
    ),
    "bad-boolean-option": Case(
        lambda p: _edit_ini(
            p,
            "# recursive_version_locations = false",
            "recursive_version_locations = maybe",
        ),
        ["heads"],
    ),
    "missing-url": Case(
        lambda p: _edit_ini(p, "sqlalchemy.url", "# sqlalchemy.url"),
        ["upgrade", "head"],
        expect="No sqlalchemy.url",
    ),
    "empty-url-offline": Case(_url(""), ["upgrade", "head", "--sql"]),
    "missing-env-py": Case(
        lambda p: (p / "migrations" / "env.py").unlink(), ["current"]
    ),
    "env-py-syntax-error": Case(_env_py("def (:\n"), ["upgrade", "head"]),
    "env-py-imports-missing-models": Case(
        _env_py("import myapp_that_is_not_there\n"),
        ["check"],
        exit_code=2,
    ),
    # --- revision files --------------------------------------------------
    "revision-syntax-error": Case(
        _rev_file("bad_.py", "revision = 'bad'\ndown_revision = None\ndef upgrade(:\n"),
        ["upgrade", "head"],
    ),
    "revision-without-id": Case(
        _rev_file("noid_.py", "down_revision = None\n\ndef upgrade():\n    pass\n"),
        ["heads"],
    ),
    "revision-import-error": Case(
        _rev_file(
            "imp_.py",
            "import not_a_module_anywhere\nrevision = 'imp'\ndown_revision = None\n"
            "x = not_a_module_anywhere.x\n",
        ),
        ["upgrade", "head"],
    ),
    "missing-down-revision": Case(_write("b1", "nothere"), ["heads"]),
    "cycle": Case(_with(_write("c1", "c2"), _write("c2", "c1")), ["upgrade", "heads"]),
    "duplicate-id": Case(
        _with(
            _write("d1", None),
            _rev_file("other_d1.py", "revision = 'd1'\ndown_revision = None\n"),
        ),
        ["heads"],
    ),
    "label-used-twice": Case(
        _with(
            _write("l1", None, branch_labels="lab"),
            _write("l2", None, branch_labels="lab"),
        ),
        ["branches"],
    ),
    # --- revision identifiers ----------------------------------------------
    "ambiguous-prefix": Case(_two_revisions, ["show", "a1b2"], expect="a1b2c3"),
    "unknown-id": Case(_two_revisions, ["upgrade", "zzzz"], expect="zzzz"),
    "several-heads": Case(
        _with(_write("h0", None), _write("h1", "h0"), _write("h2", "h0")),
        ["upgrade", "head"],
    ),
    "relative-past-the-top": Case(_two_revisions, ["upgrade", "+5"]),
    "downgrade-unknown": Case(_two_revisions, ["downgrade", "a1b2ff"]),
    "bad-history-range": Case(_two_revisions, ["history", "-r", "a1b2c3"]),
    "range-online": Case(_two_revisions, ["upgrade", "a1b2c3:head"]),
    # --- -x ------------------------------------------------------------------
    "x-empty-key": Case(lambda p: None, ["-x", "=v", "current"], exit_code=2),
    "x-empty": Case(lambda p: None, ["-x", "", "current"], exit_code=2),
    # --- unreachable databases -----------------------------------------------
    "pg-down-no-password": Case(_url(PG_DOWN.format(user="nobody")), ["current"]),
    "pg-down-password": Case(
        _url(PG_DOWN.format(user="nobody:Zq9pgSecret")),
        ["upgrade", "head"],
        secret="Zq9pgSecret",
        subprocess=True,
    ),
    "mariadb-down-password": Case(
        _url(MY_DOWN.format(user="root:Zq9mySecret")),
        ["check"],
        exit_code=2,
        secret="Zq9mySecret",
    ),
    "unknown-dialect-password": Case(
        _url("nosuchdb://u:Zq9nsSecret@127.0.0.1/db"),
        ["upgrade", "head", "--sql"],
        secret="Zq9nsSecret",
    ),
    # --- special characters in passwords -------------------------------------
    "at-and-colon-in-password": Case(
        _url("postgresql://app:Zq9p@ss:Tail9x@127.0.0.1:5432/db"),
        ["upgrade", "head"],
        secret="Zq9p@ss:Tail9x",
        subprocess=True,
        expect="could not be parsed",
    ),
    "at-in-password-offline": Case(
        _url("mysql+pymysql://app:Zq9my@Tail9y@127.0.0.1/db"),
        ["upgrade", "head", "--sql"],
        secret="Zq9my@Tail9y",
        expect="could not be parsed",
    ),
    "at-in-password-from-env": Case(
        _env_url("postgresql://app:Zq9ev@Tail9z@127.0.0.1:1/db"),
        ["history", "-i"],
        secret="Zq9ev@Tail9z",
        expect="could not be parsed",
    ),
    "raw-percent-in-password": Case(
        _url("postgresql://app:Zq9pc%Tail9w@127.0.0.1:1/db"),
        ["current"],
        secret="Zq9pc%Tail9w",
        expect="bad '%' interpolation",
    ),
}
assert len(CASES) == 42, len(CASES)


def _secret_pieces(secret: str) -> list[str]:
    """The secret and every run of 4+ letters/digits in it: none may show."""
    return [secret, *re.findall(r"[A-Za-z0-9]{4,}", secret)]


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input(tmp_path: Path, name: str) -> None:
    case = CASES[name]
    project = make_project(tmp_path, url=f"sqlite:///{tmp_path}/app.db")
    made = case.setup(project)
    env = made if isinstance(made, dict) else None  # only _env_url returns one
    if case.subprocess:
        proc = run_cli_subprocess(case.args, cwd=project, env=env)
        code, stdout, stderr = proc.returncode, proc.stdout, proc.stderr
    else:
        result = run_cli(case.args, cwd=project, env=env)
        code, stdout, stderr = result.exit_code, result.stdout, result.stderr
    output = stdout + stderr
    assert code == case.exit_code, (name, output)
    assert "Traceback" not in output, output
    if case.exit_code == 2 and case.args[0] != "check":
        assert "Usage:" in stderr and "Error: " in stderr, output
    else:
        failed = [line for line in stderr.splitlines() if line.startswith("FAILED: ")]
        assert len(failed) == 1, output
        assert "FAILED" not in stdout
        assert case.expect in failed[0], failed
    if case.secret is not None:
        for piece in _secret_pieces(case.secret):
            assert piece not in output, (piece, output)
    # failing before doing anything, nothing was written to the database
    database = tmp_path / "app.db"
    if database.exists():
        with sqlite3.connect(database) as conn:
            tables = conn.execute("SELECT name FROM sqlite_master").fetchall()
        assert tables == [], (name, tables)
