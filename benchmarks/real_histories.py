"""Real public Alembic histories, adopted and run by schemadiff beside Alembic.

Run by hand (it installs the projects from PyPI into a scratch venv)::

    .venv/bin/python benchmarks/real_histories.py                 # every project
    .venv/bin/python benchmarks/real_histories.py --venv /tmp/rh   # reuse a venv

For each project in ``PROJECTS`` (a wheel that ships ``alembic.ini``, an env.py
reading ``sqlalchemy.url`` and setting ``target_metadata``, and its revisions)
and each backend it supports, on a fresh database each time:

- Alembic: ``upgrade head``, ``check``, ``downgrade base`` and ``upgrade head``
  again, on the project's files as shipped;
- schemadiff, on a copy converted with ``schemadiff adopt``: ``upgrade head``,
  ``check`` (must say what Alembic says), ``downgrade base``, ``upgrade head``
  again;
- autogenerate from empty: the adopted copy with its versions folder emptied,
  ``revision --autogenerate``, ``upgrade head``, ``check`` (must be clean).

It prints one row per project and backend.  Both tools run in the scratch
venv (the projects depend on Alembic; schemadiff is installed from this
checkout), each as its own CLI in a subprocess.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = "postgresql+psycopg://root@127.0.0.1:5432/test"
MYSQL_URL = "mysql+pymysql://root@127.0.0.1:3306/test"


@dataclass
class Project:
    """A wheel shipping an Alembic environment whose env.py reads sqlalchemy.url."""

    requirement: str
    #: the alembic.ini inside the installed package, relative to site-packages
    ini: str
    backends: tuple[str, ...] = ("sqlite", "postgresql", "mysql")


PROJECTS = [
    Project("optuna", "optuna/storages/_rdb/alembic.ini"),
]


def run(
    argv: list[str], cwd: Path, env: dict[str, str] | None = None
) -> tuple[bool, str]:
    """Run a command; (succeeded, last meaningful output line)."""
    proc = subprocess.run(
        argv,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [
        line
        for line in (proc.stdout + proc.stderr).splitlines()
        if line.strip() and not line.startswith(("INFO ", "WARNI"))
    ]
    return proc.returncode == 0, (lines[-1] if lines else "")[:160]


def make_venv(path: Path) -> Path:
    """The scratch venv with the projects, both drivers and this checkout."""
    python = path / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "-q",
            *[p.requirement for p in PROJECTS],
            "alembic",
            "psycopg[binary]",
            "pymysql",
            str(ROOT),
        ],
        check=True,
    )
    return python


def site_packages(python: Path) -> Path:
    out = subprocess.run(
        [
            str(python),
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(out.stdout.strip())


class Database:
    """A fresh database per run: a file, a PostgreSQL schema, a MariaDB database."""

    def __init__(self, python: Path, backend: str, workdir: Path) -> None:
        self.python = python
        self.backend = backend
        self.name = f"rh_{uuid.uuid4().hex[:10]}"
        if backend == "sqlite":
            self.url = f"sqlite:///{workdir / (self.name + '.db')}"
        elif backend == "postgresql":
            self._admin(f"CREATE SCHEMA {self.name}")
            self.url = f"{PG_URL}?options=-csearch_path%3D{self.name}"
        else:
            self._admin(f"CREATE DATABASE {self.name}")
            self.url = MYSQL_URL.rsplit("/", 1)[0] + f"/{self.name}?charset=utf8mb4"

    def _admin(self, statement: str) -> None:
        base = PG_URL if self.backend == "postgresql" else MYSQL_URL
        code = (
            "import sqlalchemy as sa, sys\n"
            f"e = sa.create_engine({base!r}, isolation_level='AUTOCOMMIT')\n"
            "with e.connect() as c: c.exec_driver_sql(sys.argv[1])\n"
        )
        subprocess.run([str(self.python), "-c", code, statement], check=True)

    def drop(self) -> None:
        if self.backend == "postgresql":
            self._admin(f"DROP SCHEMA IF EXISTS {self.name} CASCADE")
        elif self.backend != "sqlite":
            self._admin(f"DROP DATABASE IF EXISTS {self.name}")


def copy_environment(source_ini: Path, target: Path, url: str) -> Path:
    """The ini and its script folder, copied, pointed at ``url``."""
    shutil.copytree(
        source_ini.parent,
        target,
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.db"),
    )
    ini = target / source_ini.name
    lines = []
    for line in ini.read_text("utf-8").splitlines():
        if line.strip().startswith("sqlalchemy.url"):
            line = "sqlalchemy.url = " + url.replace("%", "%%")
        lines.append(line)
    ini.write_text("\n".join(lines) + "\n", "utf-8")
    return ini


def mark(ok: bool) -> str:
    return "ok" if ok else "FAIL"


def run_project(python: Path, project: Project, backend: str, work: Path) -> list[str]:
    """One row: Alembic's results, then schemadiff's, on fresh databases."""
    bindir = python.parent
    alembic, schemadiff = str(bindir / "alembic"), str(bindir / "schemadiff")
    source = site_packages(python) / project.ini
    row: list[str] = []
    notes: list[str] = []

    db = Database(python, backend, work)
    try:
        ini = copy_environment(source, work / "alembic", db.url)
        up, msg = run([alembic, "-c", ini.name, "upgrade", "head"], ini.parent)
        row.append(mark(up))
        checked, alembic_check = run([alembic, "-c", ini.name, "check"], ini.parent)
        row.append("clean" if checked else "drift")
        down, down_msg = run([alembic, "-c", ini.name, "downgrade", "base"], ini.parent)
        again, _ = run([alembic, "-c", ini.name, "upgrade", "head"], ini.parent)
        row.append(mark(down and again))
        if not up:
            notes.append(f"alembic upgrade: {msg}")
        if not down:
            notes.append(f"alembic downgrade: {down_msg}")
    finally:
        db.drop()

    db = Database(python, backend, work)
    try:
        ini = copy_environment(source, work / "schemadiff", db.url)
        adopted, msg = run([schemadiff, "adopt", "."], ini.parent)
        row.append(mark(adopted))
        cfg = ["-c", "schemadiff.ini"]
        up, up_msg = run([schemadiff, *cfg, "upgrade", "head"], ini.parent)
        row.append(mark(up))
        checked, check_msg = run([schemadiff, *cfg, "check"], ini.parent)
        row.append("clean" if checked else "drift")
        if checked != (row[1] == "clean"):
            notes.append(f"check differs from Alembic: {check_msg} / {alembic_check}")
        down, down_msg = run([schemadiff, *cfg, "downgrade", "base"], ini.parent)
        again, again_msg = run([schemadiff, *cfg, "upgrade", "head"], ini.parent)
        row.append(mark(down and again))
        for ok, text in ((up, up_msg), (down, down_msg), (again, again_msg)):
            if not ok:
                notes.append(text)
    finally:
        db.drop()

    db = Database(python, backend, work)
    try:
        ini = copy_environment(source, work / "autogen", db.url)
        run([schemadiff, "adopt", "."], ini.parent)
        cfg = ["-c", "schemadiff.ini"]
        versions = ini.parent / "alembic" / "versions"
        for path in versions.glob("*.py"):
            path.unlink()
        made, msg = run(
            [schemadiff, *cfg, "revision", "--autogenerate", "-m", "from empty"],
            ini.parent,
        )
        up, up_msg = run([schemadiff, *cfg, "upgrade", "head"], ini.parent)
        clean, check_msg = run([schemadiff, *cfg, "check"], ini.parent)
        row.append(mark(made and up and clean))
        if not (made and up and clean):
            notes.append(f"autogenerate round trip: {msg} | {up_msg} | {check_msg}")
    finally:
        db.drop()
    return row + ["; ".join(notes)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--venv", help="scratch venv to create or reuse")
    args = parser.parse_args(argv)
    temp = tempfile.TemporaryDirectory(prefix="sd-real-")
    try:
        venv = Path(args.venv) if args.venv else Path(temp.name) / "venv"
        python = make_venv(venv)
        header = (
            "project",
            "backend",
            "alembic up",
            "alembic check",
            "alembic down+up",
            "adopt",
            "sd up",
            "sd check",
            "sd down+up",
            "autogen",
            "notes",
        )
        print(" | ".join(header))
        for project in PROJECTS:
            for backend in project.backends:
                work = Path(temp.name) / f"{project.requirement}-{backend}"
                work.mkdir(parents=True)
                row = run_project(python, project, backend, work)
                print(" | ".join([project.requirement, backend, *row]), flush=True)
    finally:
        temp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
