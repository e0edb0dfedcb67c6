"""Benchmark: load a 5,000-revision history and run ``heads`` / ``history``.

Writes a version directory with a main line, a side branch every 50
revisions (10 revisions long, merged back), a labelled independent base and
a few ``depends_on`` links, then times:

- building the revision map in-process (``ScriptDirectory.from_config`` and
  ``heads``), and the ``heads`` / ``history`` commands in-process;
- ``python -m schemadiff heads`` / ``history`` as subprocesses (what a user
  waits for), next to the bare interpreter start-up;
- the same with Alembic when ``import alembic`` works (optional extra).

Run by hand: ``python benchmarks/bench_history.py [--count 5000] [--keep]``.

``--commands`` (with ``--count 2000``) instead times whole ``upgrade heads
--sql`` (offline), ``upgrade heads`` (online, SQLite) and ``current``
processes, schemadiff against Alembic on the same history, as CPU ratios.
schemadiff runs under this interpreter; Alembic under ``--alembic-python``
(default: this interpreter, which then needs Alembic installed), e.g.::

    PYTHONDONTWRITEBYTECODE=1 .venv/bin/python benchmarks/bench_history.py \
        --commands --count 2000 --alembic-python /work/scratch/alvenv/bin/python

Measured 2026-11-29 on branch hist (2,000 revisions, shared 2-core machine
under load from other jobs, medians of 5 interleaved runs,
PYTHONDONTWRITEBYTECODE=1 so neither tool caches the version files' bytecode;
CPU seconds schemadiff / Alembic = ratio; run to run the ratios move by
+-0.1 on this machine):

- offline ``upgrade heads --sql``: before (971fca2) 2.10 / 3.27 = 0.64;
  after 1.91 / 3.27 = 0.58, 2.26 / 3.13 = 0.72 and 1.47 / 2.69 = 0.55
  (three runs);
- online ``upgrade heads``: before 3.67 / 6.29 = 0.58; after 3.19 / 7.44 =
  0.43, 2.83 / 6.34 = 0.45 and 3.39 / 6.24 = 0.54;
- ``current``: before 0.64 / 3.18 = 0.20; after 0.63 / 3.33 = 0.19,
  0.49 / 2.84 = 0.17 and 0.46 / 3.08 = 0.15.

On main after the merge (same command, same day): offline 2.45 / 3.76 =
0.65 (floor 2.06, 0.55); online 3.58 / 7.08 = 0.51 (floor 3.04, 0.43);
``current`` 0.57 / 3.04 = 0.19.

The same before/after without Alembic, interleaved (medians of 7, 5, 9):
offline 2.54 -> 2.36 s, online 4.39 -> 3.51 s, ``current`` 0.75 -> 0.59 s;
instructions (cachegrind, deterministic): offline 6.15 -> 5.93 G,
``current`` 1.63 -> 1.48 G.

Where the time goes (cProfile in-process, ``-X importtime``, cachegrind
counts and ablations on 500 and 2,000 revisions):

- ``FLOOR_SCRIPT`` does only what any tool must (Python, SQLAlchemy, compile
  and run the 2,000 files, build and compile each CREATE TABLE, a version
  row; online run on SQLite) and already costs 0.53-0.64 (offline) and
  0.33-0.39 (online) of Alembic's CPU, so 0.25 is out of reach for the two
  upgrades without doing less than ``upgrade()`` asks (a compiled-text cache
  per construct shape, which must not change the emitted text).  Inside the
  floor: ``import sqlalchemy`` ~0.3 s (0.95 G instructions), compiling the
  version sources ~0.3 s, building 2,000 Tables ~0.3 s, compiling their DDL
  ~0.3 s.
- Offline, schemadiff is 1.33x the floor's instructions (5.93 vs 4.47 G).
  The rest, per revision: the two INFO lines (``Running``/``Finished``,
  ~160 k instructions, 3.4% of a 500-revision run, output that must stay),
  the ``op`` directive machinery (~90 k: directive object, SchemaObjects,
  DDL events), and header reading, graph, import and version-row bookkeeping
  for the rest; the CLI's own imports (click, config) are ~0.05 s.
- Online, the version row is rendered by SQLAlchemy (literal_execute, ~0.08 s
  more than raw driver SQL for 2,000 rows; kept so statement objects, events
  and echo stay as they are).
- Removed on this branch: the garbage collector's ~320 young and 2 full
  collections of a 2,000-revision run that found nothing (~7% of the CPU;
  the CLI's own process now collects at 20,000 young objects and freezes at
  exit); the second read of every version file (compiled from the bytes its
  header was read from when no bytecode is kept); importing
  ``schemadiff.operations`` in runs with nothing to apply (``current``);
  building and cache-keying a new version-row statement per revision online.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPEAT = 5

FILE = '''"""{message}

Revision ID: {rev}
Revises: {revises}
Create Date: 2024-01-01 00:00:00.000000

"""
from typing import Sequence, Union

import sqlalchemy as sa
from schemadiff import op


# revision identifiers, used by schemadiff.
revision: str = {rev!r}
down_revision: Union[str, Sequence[str], None] = {down!r}
branch_labels: Union[str, Sequence[str], None] = {labels!r}
depends_on: Union[str, Sequence[str], None] = {deps!r}


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table("t{n}", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("t{n}")
'''


def rev_id(n: int) -> str:
    return hashlib.sha1(str(n).encode()).hexdigest()[:12]


def write_history(versions: Path, count: int) -> dict[str, int]:
    """Write ``count`` revision files; returns a few shape figures."""
    versions.mkdir(parents=True, exist_ok=True)
    shape = {"merges": 0, "branches": 0, "dependencies": 0}
    n = 0
    main_tip: str | None = None
    side_base: str | None = None

    def emit(down, message, labels=None, deps=None) -> str:
        nonlocal n
        rev = rev_id(n)
        revises = ", ".join(down) if isinstance(down, tuple) else (down or "")
        (versions / f"{rev}_{message.replace(' ', '_')}.py").write_text(
            FILE.format(
                message=message,
                rev=rev,
                revises=revises,
                down=down,
                labels=labels,
                deps=deps,
                n=n,
            )
        )
        n += 1
        return rev

    # An independent, labelled base whose head others depend on.
    tools_tip = emit(None, "tools base", labels=("tools",))
    for _ in range(4):
        tools_tip = emit(tools_tip, "tools step")
    while n < count:
        if side_base is None and n % 50 == 0 and main_tip is not None:
            side_base = main_tip
            side_tip = side_base
            for _ in range(10):
                side_tip = emit(side_tip, "side change")
            shape["branches"] += 1
            main_tip = emit(main_tip, "main change")
            main_tip = emit((main_tip, side_tip), "merge side branch")
            shape["merges"] += 1
            side_base = None
            continue
        deps = None
        if n // 500 > shape["dependencies"] and main_tip is not None:
            deps = tools_tip
            shape["dependencies"] += 1
        main_tip = emit(main_tip, "main change", deps=deps)
    shape["revisions"] = n
    return shape


def make_project(root: Path, count: int) -> tuple[Path, dict[str, int]]:
    from schemadiff import command
    from schemadiff.config import Config

    project = root / "proj"
    project.mkdir()
    ini = project / "schemadiff.ini"
    config = Config(str(ini), stdout=io.StringIO())
    command.init(config, str(project / "migrations"))
    text = ini.read_text().replace("hooks = black", "hooks =")
    ini.write_text(text)
    shape = write_history(project / "migrations" / "versions", count)
    return project, shape


def timed(fn: Callable[[], object], repeat: int = REPEAT) -> tuple[float, object]:
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def bench_schemadiff(project: Path) -> list[tuple[str, float, str]]:
    from schemadiff import command
    from schemadiff.config import Config
    from schemadiff.script import ScriptDirectory

    ini = str(project / "schemadiff.ini")
    rows: list[tuple[str, float, str]] = []

    def load() -> int:
        script = ScriptDirectory.from_config(Config(ini))
        return len(script.revision_map.heads)

    secs, nheads = timed(load)
    rows.append(("load revision map + heads (in-process)", secs, f"{nheads} heads"))

    def heads_cmd() -> int:
        out = io.StringIO()
        command.heads(Config(ini, stdout=out))
        return len(out.getvalue().splitlines())

    secs, lines = timed(heads_cmd)
    rows.append(("command.heads (in-process)", secs, f"{lines} lines"))

    def history_cmd() -> int:
        out = io.StringIO()
        command.history(Config(ini, stdout=out))
        return len(out.getvalue().splitlines())

    secs, lines = timed(history_cmd)
    rows.append(("command.history (in-process)", secs, f"{lines} lines"))

    def cli(*args: str) -> Callable[[], int]:
        def run() -> int:
            proc = subprocess.run(
                [sys.executable, "-m", "schemadiff", *args],
                cwd=project,
                capture_output=True,
                text=True,
                check=True,
            )
            return len(proc.stdout.splitlines())

        return run

    secs, _ = timed(
        lambda: subprocess.run([sys.executable, "-c", "pass"], check=True), repeat=3
    )
    rows.append(("python -c pass (interpreter start-up)", secs, ""))
    secs, _ = timed(cli("--version"), repeat=3)
    rows.append(("schemadiff --version (CLI start-up)", secs, ""))
    secs, lines = timed(cli("heads"), repeat=3)
    rows.append(("schemadiff heads (subprocess)", secs, f"{lines} lines"))
    secs, lines = timed(cli("history"), repeat=3)
    rows.append(("schemadiff history (subprocess)", secs, f"{lines} lines"))
    return rows


def bench_alembic(project: Path) -> list[tuple[str, float, str]] | None:
    try:
        import alembic  # noqa: F401
        from alembic import command as a_command
        from alembic.config import Config as AConfig
        from alembic.script import ScriptDirectory as AScriptDirectory
    except ImportError:
        return None
    script_dir = str(project / "migrations")
    rows: list[tuple[str, float, str]] = []

    def load() -> int:
        return len(AScriptDirectory(script_dir).get_heads())

    secs, nheads = timed(load, repeat=2)
    rows.append(("alembic: load revision map + heads", secs, f"{nheads} heads"))

    def config(out: io.StringIO) -> AConfig:
        cfg = AConfig(stdout=out)
        cfg.set_main_option("script_location", script_dir)
        return cfg

    secs, _ = timed(lambda: a_command.heads(config(io.StringIO())), repeat=2)
    rows.append(("alembic: command.heads", secs, ""))
    secs, _ = timed(lambda: a_command.history(config(io.StringIO())), repeat=2)
    rows.append(("alembic: command.history", secs, ""))
    return rows


# ------------------------------------------------- revision commands vs Alembic
OFFLINE_URL = "postgresql://bench@localhost/bench"


def alembic_project(project: Path, root: Path, python: str) -> Path:
    """The same history in a project made by ``alembic init``."""
    target = root / "alembic_proj"
    target.mkdir()
    subprocess.run(
        [python, "-m", "alembic", "init", "migrations"],
        cwd=target,
        check=True,
        capture_output=True,
    )
    for path in (project / "migrations" / "versions").glob("*.py"):
        text = path.read_text().replace(
            "from schemadiff import op", "from alembic import op"
        )
        (target / "migrations" / "versions" / path.name).write_text(text)
    return target


def _set_url(ini: Path, url: str) -> None:
    text = re.sub(
        r"^sqlalchemy\.url = .*$",
        f"sqlalchemy.url = {url}",
        ini.read_text(),
        flags=re.M,
    )
    ini.write_text(text)


def _cpu_of(
    python: str, cwd: Path, args: list[str], env: dict[str, str] | None = None
) -> float:
    """User + system CPU seconds of one subprocess."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [python, "-m", *args], cwd=cwd, check=True, capture_output=True, env=env
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _byte_compile_package() -> None:
    """Give schemadiff's own modules their bytecode, as a wheel install does
    (Alembic's are compiled in its environment): otherwise an editable install
    under PYTHONDONTWRITEBYTECODE compiles the package in every process."""
    import compileall

    import schemadiff

    compileall.compile_dir(Path(schemadiff.__file__).parent, quiet=1)


def _subprocess_env(bytecode: bool) -> dict[str, str]:
    env = dict(os.environ)
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


#: What any tool has to do for ``upgrade heads`` on this history, and nothing
#: else: start Python, import SQLAlchemy and the dialect, compile and run every
#: version file, and for each ``op.create_table`` build the Table and compile
#: its CREATE TABLE, then one version-row UPDATE.  Offline (``sql`` argument)
#: the text is written out; online each statement runs on a SQLite connection
#: in one transaction.  No revision graph, no ordering, no logging.
FLOOR_SCRIPT = """
import glob, sys, types
import sqlalchemy as sa
from sqlalchemy.schema import CreateTable

versions, mode, url = sys.argv[1:4]
if mode == "sql":
    from sqlalchemy.dialects import postgresql

    dialect = postgresql.dialect(paramstyle="named")

    def run(statement):
        text = statement if isinstance(statement, str) else str(
            statement.compile(dialect=dialect))
        sys.stdout.write(text.strip() + ";\\n\\n")

else:
    connection = sa.create_engine(url).connect()
    transaction = connection.begin()
    connection.exec_driver_sql("CREATE TABLE v (version_num VARCHAR(32))")
    connection.exec_driver_sql("INSERT INTO v VALUES ('x')")

    def run(statement):
        if isinstance(statement, str):
            connection.exec_driver_sql(statement)
        else:
            connection.execute(statement)


def create_table(name, *columns):
    run(CreateTable(sa.Table(name, sa.MetaData(), *columns)))
    run(f"UPDATE v SET version_num='{name}' WHERE v.version_num = 'x'")


stub = types.ModuleType("schemadiff.op")
stub.create_table = create_table
sys.modules["schemadiff.op"] = stub
for path in sorted(glob.glob(versions + "/*.py")):
    with open(path, "rb") as fh:
        code = compile(fh.read(), path, "exec", dont_inherit=True)
    module = types.ModuleType("revision")
    module.__file__ = path
    exec(code, module.__dict__)
    module.upgrade()
if mode != "sql":
    transaction.commit()
"""


def _floor_cpu(root: Path, versions: Path, mode: str, env: dict[str, str]) -> float:
    """CPU seconds of FLOOR_SCRIPT over ``versions`` (see there); ``mode``
    ``sql`` or ``online`` (a fresh SQLite file)."""
    script = root / "floor.py"
    script.write_text(FLOOR_SCRIPT)
    db = root / "floor.db"
    if db.exists():
        db.unlink()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [sys.executable, str(script), str(versions), mode, f"sqlite:///{db}"],
        check=True,
        capture_output=True,
        env=env,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def bench_commands(
    project: Path,
    root: Path,
    runs: int,
    alembic_python: str,
    bytecode: bool = False,
) -> list[dict[str, object]]:
    """Whole-process CPU of offline ``upgrade heads --sql``, online
    ``upgrade heads`` (SQLite, from an empty database each run) and
    ``current``, against Alembic on the same history; median of interleaved
    runs.  ``bytecode``: let both tools cache the version files' bytecode
    (Python's default; a warm-up run of each writes it) instead of following
    the environment's PYTHONDONTWRITEBYTECODE."""
    _byte_compile_package()
    env = _subprocess_env(bytecode)
    cached = "PYTHONDONTWRITEBYTECODE" not in env
    a_project = alembic_project(project, root, alembic_python)
    ours = {
        "dir": project,
        "ini": project / "schemadiff.ini",
        "cmd": "schemadiff",
        "python": sys.executable,
    }
    theirs = {
        "dir": a_project,
        "ini": a_project / "alembic.ini",
        "cmd": "alembic",
        "python": alembic_python,
    }
    for tool in (ours, theirs):
        tool["db"] = Path(tool["dir"]) / "bench.db"
    cases = [
        ("offline upgrade heads --sql", ["upgrade", "heads", "--sql"], "offline"),
        ("online upgrade heads (SQLite)", ["upgrade", "heads"], "online"),
        ("current (SQLite, at heads)", ["current"], "current"),
    ]
    print(
        f"\nrevision commands, whole process, CPU seconds (median of {runs}); "
        f"version files' bytecode {'cached' if cached else 'not cached'}"
    )
    print(f"  schemadiff: {sys.executable} -m schemadiff <args>  (cwd {project})")
    print(f"  alembic:    {alembic_python} -m alembic <args>  (cwd {a_project})")
    results: list[dict[str, object]] = []
    if cached:
        for tool in (ours, theirs):
            _set_url(Path(tool["ini"]), OFFLINE_URL)
            _cpu_of(
                str(tool["python"]),
                Path(tool["dir"]),
                [str(tool["cmd"]), "upgrade", "heads", "--sql"],
                env,
            )
    for label, args, mode in cases:
        cpu: dict[str, list[float]] = {"schemadiff": [], "alembic": [], "floor": []}
        for i in range(runs):
            order = (ours, theirs) if i % 2 == 0 else (theirs, ours)
            if mode != "current":
                versions = project / "migrations" / "versions"
                floor_mode = "sql" if mode == "offline" else "online"
                cpu["floor"].append(_floor_cpu(root, versions, floor_mode, env))
            for tool in order:
                db = Path(tool["db"])
                if mode == "offline":
                    _set_url(Path(tool["ini"]), OFFLINE_URL)
                else:
                    _set_url(Path(tool["ini"]), f"sqlite:///{db}")
                if mode == "online" and db.exists():
                    db.unlink()
                python, cwd, cmd = str(tool["python"]), Path(tool["dir"]), tool["cmd"]
                if mode == "current" and not db.exists():
                    _cpu_of(python, cwd, [str(cmd), "upgrade", "heads"], env)
                cpu[str(cmd)].append(_cpu_of(python, cwd, [str(cmd), *args], env))
        ours_s = statistics.median(cpu["schemadiff"])
        theirs_s = statistics.median(cpu["alembic"])
        print(
            f"{label:<32} schemadiff {ours_s:7.3f}  alembic {theirs_s:7.3f}  "
            f"ratio {ours_s / theirs_s:.3f}   ({' '.join(args)})"
        )
        if cpu["floor"]:
            floor_s = statistics.median(cpu["floor"])
            print(
                f"{'  floor (see FLOOR_SCRIPT)':<32} {'':10} {floor_s:7.3f}  "
                f"{'':7} {'':7} ratio {floor_s / theirs_s:.3f}   (no tool: the "
                "work every upgrade() asks for)"
            )
        results.append(
            {"case": label, "args": args, "schemadiff": ours_s, "alembic": theirs_s}
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--keep", action="store_true", help="keep the project")
    parser.add_argument(
        "--commands",
        action="store_true",
        help="only time the revision commands (upgrade --sql, upgrade, current) "
        "as whole processes against Alembic",
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--bytecode",
        action="store_true",
        help="(--commands) let both tools cache the version files' bytecode "
        "even when PYTHONDONTWRITEBYTECODE is set",
    )
    parser.add_argument(
        "--alembic-python",
        default=sys.executable,
        help="interpreter that has Alembic installed (for --commands)",
    )
    args = parser.parse_args()
    if args.commands:
        root = Path(tempfile.mkdtemp(prefix="schemadiff-bench-"))
        try:
            project, shape = make_project(root, args.count)
            print(f"{shape['revisions']} revisions ({shape['merges']} merges)")
            bench_commands(project, root, args.runs, args.alembic_python, args.bytecode)
        finally:
            if args.keep:
                print(f"kept {root}")
            else:
                shutil.rmtree(root, ignore_errors=True)
        return

    root = Path(tempfile.mkdtemp(prefix="schemadiff-bench-"))
    try:
        start = time.perf_counter()
        project, shape = make_project(root, args.count)
        print(
            f"wrote {shape['revisions']} revisions ({shape['branches']} branches, "
            f"{shape['merges']} merges, {shape['dependencies']} depends_on) "
            f"in {time.perf_counter() - start:.2f}s under {project}"
        )
        rows = bench_schemadiff(project)
        alembic_rows = bench_alembic(project)
        width = max(len(r[0]) for r in rows + (alembic_rows or []))
        print(f"\n{'schemadiff':<{width}}  best of runs")
        for name, secs, note in rows:
            print(f"{name:<{width}}  {secs * 1000:8.1f} ms  {note}")
        if alembic_rows is None:
            print("\nalembic: not installed (pip install '.[bench]' to compare)")
        else:
            print(f"\n{'alembic':<{width}}")
            for name, secs, note in alembic_rows:
                print(f"{name:<{width}}  {secs * 1000:8.1f} ms  {note}")
        print(f"\n(best of {REPEAT} in-process / 3 subprocess runs; machine is shared)")
    finally:
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
