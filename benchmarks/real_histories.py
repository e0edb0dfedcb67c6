"""Real public Alembic histories, adopted and run by schemadiff beside Alembic.

Run by hand (it installs the projects from PyPI into a scratch venv)::

    .venv/bin/python benchmarks/real_histories.py                 # every project
    .venv/bin/python benchmarks/real_histories.py --venv /tmp/rh   # reuse a venv
    .venv/bin/python benchmarks/real_histories.py --venv /tmp/rh --no-install \
        --project mlflow-skinny --backend sqlite --keep /tmp/rh-snapshots

For each project in ``PROJECTS`` (a wheel that ships an Alembic environment:
``alembic.ini``, an env.py reading ``sqlalchemy.url``, and its revisions)
and each backend it supports, on a fresh database each time:

- Alembic: ``upgrade head``, ``check``, ``downgrade base`` and ``upgrade head``
  again, on the project's files as shipped;
- schemadiff, on a copy converted with ``schemadiff adopt``: ``upgrade head``,
  ``check`` (must say what Alembic says), ``downgrade base``, ``upgrade head``
  again;
- the two databases after the first ``upgrade head`` compared by reflection
  (tables, columns with type/nullability/default, primary and foreign keys,
  indexes, unique and check constraints) and by their ``alembic_version``
  rows: ``same schema`` / ``same versions``;
- autogenerate from empty: the adopted copy with its versions folder emptied,
  ``revision --autogenerate``, ``upgrade head``, ``check`` (must be clean).

Each run works on its own copy of the project's script folder and a fresh
``alembic.ini`` pointed at it; what a project's env.py needs to run on its own
(its models imported, its first tables created as its code does before
calling Alembic) is in its ``Project`` entry, not in schemadiff.  ``--keep
DIR`` writes both snapshots of each row as JSON.

It prints one row per project and backend.  Both tools run in the scratch
venv (the projects depend on Alembic; schemadiff is installed from this
checkout), each as its own CLI in a subprocess.
"""

from __future__ import annotations

import argparse
import json
import os
import re
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
    """A wheel shipping an Alembic environment and its revisions.

    The benchmark copies the script folder next to a fresh ``alembic.ini``
    made from the shipped one (``script_location`` and ``sqlalchemy.url``
    pointed at the copy and the run's database), so each run works on files of
    its own; whatever a project's env.py needs to run standalone is done here
    (``env_patches``, ``prepare``), never in schemadiff.
    """

    requirement: str
    #: the alembic.ini inside the installed package, relative to site-packages
    ini: str
    backends: tuple[str, ...] = ("sqlite", "postgresql", "mysql")
    #: the script folder (env.py, versions/), relative to site-packages;
    #: default: ``alembic`` next to the ini
    scripts: str | None = None
    #: (old, new) text replacements in the copied env.py
    env_patches: tuple[tuple[str, str], ...] = ()
    #: Python run in the scratch venv with the URL as ``sys.argv[1]`` on each
    #: fresh database before the first upgrade: what the project's own code
    #: does there before it calls Alembic
    prepare: str | None = None
    #: why a row differs where both tools agree (shown in the notes)
    known: str = ""

    @property
    def name(self) -> str:
        return self.requirement.split("==")[0]


#: MLflow creates its first tables from a frozen model module and then runs
#: Alembic (mlflow.store.db.utils._initialize_tables); its env.py sets
#: target_metadata to a Base whose models live in modules it doesn't import.
MLFLOW_MODELS = (
    "import mlflow.store.tracking.dbmodels.models\n"
    "import mlflow.store.model_registry.dbmodels.models\n"
    "import mlflow.store.workspace.dbmodels.models\n"
)
MLFLOW_PREPARE = """
import sys, sqlalchemy as sa
from mlflow.store.tracking.dbmodels.initial_models import Base
engine = sa.create_engine(sys.argv[1])
Base.metadata.create_all(engine)
engine.dispose()
"""

PROJECTS = [
    Project("optuna", "optuna/storages/_rdb/alembic.ini"),
    Project(
        "mlflow-skinny==3.17.2",
        "mlflow/store/db_migrations/alembic.ini",
        scripts="mlflow/store/db_migrations",
        env_patches=(
            (
                "from mlflow.store.db.base_sql_model import Base\n",
                "from mlflow.store.db.base_sql_model import Base\n" + MLFLOW_MODELS,
            ),
        ),
        prepare=MLFLOW_PREPARE,
    ),
    Project(
        "jupyterhub==6.1.1",
        "jupyterhub/alembic.ini",
        scripts="jupyterhub/alembic",
        known=(
            "JupyterHub makes a new database with create_all() and stamps it; its "
            "history upgrades databases made by JupyterHub 0.5 (its base revision "
            "is empty), so from an empty database both tools stop at the same "
            "revision on the same missing table"
        ),
    ),
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
        if line.strip()
        and not line.startswith(("INFO ", "WARNI", "(Background on this error"))
    ]
    # a traceback (Alembic's) ends with the SQL; the exception line says more
    errors = [line for line in lines if ERROR_LINE.match(line)]
    shown = (
        errors[-1] if errors and proc.returncode != 0 else lines[-1] if lines else ""
    )
    return proc.returncode == 0, shown[:200]


ERROR_LINE = re.compile(r"^(FAILED:|[\w.]+(Error|Exception|Exit)\b)")


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


def copy_environment(project: Project, site: Path, target: Path, url: str) -> Path:
    """The project's script folder copied to ``target/alembic`` and an
    ``alembic.ini`` made from the shipped one, pointed at the copy and ``url``."""
    ini_source = site / project.ini
    scripts = site / (project.scripts or str(Path(project.ini).parent / "alembic"))
    target.mkdir(parents=True)
    shutil.copytree(
        scripts,
        target / "alembic",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.db", "alembic.ini"),
    )
    env_py = target / "alembic" / "env.py"
    text = env_py.read_text("utf-8")
    for old, new in project.env_patches:
        if old not in text:
            raise SystemExit(f"{project.name}: env.py no longer contains {old!r}")
        text = text.replace(old, new, 1)
    env_py.write_text(text, "utf-8")
    lines = []
    for line in ini_source.read_text("utf-8").splitlines():
        key = line.split("=", 1)[0].strip()
        if key == "sqlalchemy.url":
            line = "sqlalchemy.url = " + url.replace("%", "%%")
        elif key == "script_location":
            line = "script_location = %(here)s/alembic"
        lines.append(line)
    ini = target / "alembic.ini"
    ini.write_text("\n".join(lines) + "\n", "utf-8")
    return ini


#: Reflects a database into JSON: every table's columns, keys, indexes,
#: constraints and the version table's rows, in a stable order.
SNAPSHOT = r"""
import json, sys
import sqlalchemy as sa

engine = sa.create_engine(sys.argv[1])
insp = sa.inspect(engine)


def clean(items):
    out = []
    for item in items:
        item = {k: v for k, v in item.items() if v not in (None, {}, [])}
        out.append(json.dumps(item, sort_keys=True, default=str))
    return sorted(out)


schema = {}
for table in sorted(insp.get_table_names()):
    columns = [
        {
            "name": c["name"],
            "type": str(c["type"]),
            "nullable": c["nullable"],
            "default": c.get("default"),
            "computed": c.get("computed"),
            "identity": c.get("identity"),
        }
        for c in insp.get_columns(table)
    ]
    entry = {
        "columns": clean(columns),
        "pk": insp.get_pk_constraint(table).get("constrained_columns"),
        "fks": clean(insp.get_foreign_keys(table)),
        "indexes": clean(insp.get_indexes(table)),
        "uniques": clean(insp.get_unique_constraints(table)),
    }
    try:
        entry["checks"] = clean(insp.get_check_constraints(table))
    except NotImplementedError:
        pass
    schema[table] = entry
versions = None
with engine.connect() as conn:
    if insp.has_table("alembic_version"):
        rows = conn.execute(sa.text("SELECT version_num FROM alembic_version"))
        versions = sorted(r[0] for r in rows)
engine.dispose()
print(json.dumps({"schema": schema, "versions": versions}, sort_keys=True))
"""


def snapshot(python: Path, url: str) -> dict:
    """The reflected schema and version rows of ``url``."""
    proc = subprocess.run(
        [str(python), "-c", SNAPSHOT, url], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(proc.stdout)


def schema_differences(a: dict, b: dict) -> list[str]:
    """Where two snapshots differ: ``table.part`` names, or the error."""
    if "error" in a or "error" in b:
        return [f"snapshot failed: {a.get('error') or b.get('error')}"]
    out = []
    sa_, sb = a["schema"], b["schema"]
    for table in sorted(set(sa_) | set(sb)):
        if table not in sa_ or table not in sb:
            out.append(f"{table}: only in {'schemadiff' if table in sb else 'alembic'}")
            continue
        for part in sorted(set(sa_[table]) | set(sb[table])):
            left, right = sa_[table].get(part), sb[table].get(part)
            if left != right:
                if isinstance(left, list) and isinstance(right, list):
                    gone = [x for x in left if x not in right]
                    extra = [x for x in right if x not in left]
                    out.append(f"{table}.{part}: alembic {gone} / schemadiff {extra}")
                else:
                    out.append(f"{table}.{part}: alembic {left} / schemadiff {right}")
    return out


def prepare(python: Path, project: Project, url: str) -> None:
    if project.prepare:
        subprocess.run([str(python), "-c", project.prepare, url], check=True)


def mark(ok: bool) -> str:
    return "ok" if ok else "FAIL"


def run_project(
    python: Path, project: Project, backend: str, work: Path, keep: Path | None
) -> list[str]:
    """One row: Alembic's results, then schemadiff's, on fresh databases."""
    bindir = python.parent
    alembic, schemadiff = str(bindir / "alembic"), str(bindir / "schemadiff")
    site = site_packages(python)
    row: list[str] = []
    notes: list[str] = []

    db = Database(python, backend, work)
    try:
        ini = copy_environment(project, site, work / "alembic", db.url)
        prepare(python, project, db.url)
        up, msg = run([alembic, "-c", ini.name, "upgrade", "head"], ini.parent)
        row.append(mark(up))
        alembic_snap = snapshot(python, db.url)
        checked, alembic_check = run([alembic, "-c", ini.name, "check"], ini.parent)
        row.append("clean" if checked else "drift")
        down, down_msg = run([alembic, "-c", ini.name, "downgrade", "base"], ini.parent)
        again, again_msg = run([alembic, "-c", ini.name, "upgrade", "head"], ini.parent)
        row.append(mark(down and again))
        if not up:
            notes.append(f"alembic upgrade: {msg}")
        if not checked:
            notes.append(f"alembic check: {alembic_check}")
        if not down:
            notes.append(f"alembic downgrade: {down_msg}")
        elif not again:
            notes.append(f"alembic upgrade again: {again_msg}")
    finally:
        db.drop()

    db = Database(python, backend, work)
    try:
        ini = copy_environment(project, site, work / "schemadiff", db.url)
        adopted, msg = run([schemadiff, "adopt", "."], ini.parent)
        row.append(mark(adopted))
        if not adopted:
            notes.append(f"adopt: {msg}")
        prepare(python, project, db.url)
        cfg = ["-c", "schemadiff.ini"]
        up, up_msg = run([schemadiff, *cfg, "upgrade", "head"], ini.parent)
        row.append(mark(up))
        sd_snap = snapshot(python, db.url)
        checked, check_msg = run([schemadiff, *cfg, "check"], ini.parent)
        row.append("clean" if checked else "drift")
        if checked != (row[1] == "clean"):
            notes.append(f"check differs from Alembic: {check_msg} / {alembic_check}")
        down, down_msg = run([schemadiff, *cfg, "downgrade", "base"], ini.parent)
        again, again_msg = run([schemadiff, *cfg, "upgrade", "head"], ini.parent)
        row.append(mark(down and again))
        if not up:
            notes.append(f"sd upgrade: {up_msg}")
        if not down:
            notes.append(f"sd downgrade: {down_msg}")
        elif not again:
            notes.append(f"sd upgrade again: {again_msg}")
    finally:
        db.drop()

    differences = schema_differences(alembic_snap, sd_snap)
    row.append("yes" if not differences else "NO")
    same_versions = alembic_snap.get("versions") == sd_snap.get("versions")
    row.append("yes" if same_versions else "NO")
    if not same_versions:
        notes.append(
            f"version rows: alembic {alembic_snap.get('versions')} / "
            f"schemadiff {sd_snap.get('versions')}"
        )
    notes.extend(differences[:8])
    if keep is not None:
        stem = f"{project.name}-{backend}"
        (keep / f"{stem}.alembic.json").write_text(json.dumps(alembic_snap, indent=1))
        (keep / f"{stem}.schemadiff.json").write_text(json.dumps(sd_snap, indent=1))

    db = Database(python, backend, work)
    try:
        ini = copy_environment(project, site, work / "autogen", db.url)
        run([schemadiff, "adopt", "."], ini.parent)
        prepare(python, project, db.url)
        cfg = ["-c", "schemadiff.ini"]
        mako = ini.parent / "alembic" / "script.py.mako"
        if not mako.exists():  # a wheel that never makes revisions (MLflow)
            shutil.copy(ROOT / "render" / "generic" / "script.py.mako", mako)
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
    if project.known:
        notes.append(project.known)
    return row + ["; ".join(notes)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--venv", help="scratch venv to create or reuse")
    parser.add_argument(
        "--project", action="append", help="only these projects (by name)"
    )
    parser.add_argument(
        "--backend", action="append", help="only these backends (sqlite, ...)"
    )
    parser.add_argument(
        "--no-install",
        action="store_true",
        help="reuse --venv as it is (schemadiff installed editable, say)",
    )
    parser.add_argument("--keep", help="write each run's schema snapshots here")
    args = parser.parse_args(argv)
    temp = tempfile.TemporaryDirectory(prefix="sd-real-")
    keep = Path(args.keep) if args.keep else None
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
    try:
        venv = Path(args.venv) if args.venv else Path(temp.name) / "venv"
        python = venv / "bin" / "python" if args.no_install else make_venv(venv)
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
            "same schema",
            "same versions",
            "autogen",
            "notes",
        )
        print(" | ".join(header), flush=True)
        for project in PROJECTS:
            if args.project and project.name not in args.project:
                continue
            for backend in project.backends:
                if args.backend and backend not in args.backend:
                    continue
                work = Path(temp.name) / f"{project.name}-{backend}"
                work.mkdir(parents=True)
                row = run_project(python, project, backend, work, keep)
                print(" | ".join([project.name, backend, *row]), flush=True)
    finally:
        temp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
