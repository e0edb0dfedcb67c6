"""Benchmark: offline ``upgrade base:heads --sql`` over a 2,000-revision history.

Writes the same branchy history as ``bench_history.py`` (side branches merged
back, a labelled second base, a few ``depends_on``), then times generating the
whole upgrade as SQL text without a database, in-process and as a subprocess,
and reports the lines of SQL written.  When ``import alembic`` works (the
optional ``bench`` extra), the same history is run through Alembic with an
equivalent offline env.py, side by side.

Run by hand: ``python benchmarks/bench_offline.py [--count 2000] [--keep]``.
"""

from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_history import make_project, timed

URL = "postgresql://bench@localhost/bench"
TARGET = "base:heads"

ALEMBIC_ENV = """
from alembic import context

context.configure(url="{url}", literal_binds=True)
with context.begin_transaction():
    context.run_migrations()
"""


def bench_schemadiff(project: Path) -> list[tuple[str, float, str]]:
    from schemadiff import command
    from schemadiff.config import Config

    ini = project / "schemadiff.ini"
    text = ini.read_text()
    text = text.replace(
        "sqlalchemy.url = sqlite:///%(here)s/app.db", f"sqlalchemy.url = {URL}"
    )
    # Keep the per-revision INFO lines out of the figures' output.
    text = text.replace(
        "[logger_schemadiff]\nlevel = INFO", "[logger_schemadiff]\nlevel = WARNING"
    )
    ini.write_text(text)
    rows = []

    def in_process() -> int:
        out = io.StringIO()
        config = Config(str(ini), stdout=out, output_buffer=out)
        command.upgrade(config, TARGET, sql=True)
        return len(out.getvalue().splitlines())

    secs, lines = timed(in_process, repeat=3)
    rows.append(
        (f"command.upgrade {TARGET} --sql (in-process)", secs, f"{lines} lines")
    )

    def cli() -> int:
        proc = subprocess.run(
            [sys.executable, "-m", "schemadiff", "-q", "upgrade", TARGET, "--sql"],
            cwd=project,
            capture_output=True,
            text=True,
            check=True,
        )
        return len(proc.stdout.splitlines())

    secs, lines = timed(cli, repeat=3)
    rows.append(
        (f"schemadiff upgrade {TARGET} --sql (subprocess)", secs, f"{lines} lines")
    )
    return rows


def bench_alembic(project: Path, root: Path) -> list[tuple[str, float, str]] | None:
    try:
        from alembic import command as a_command
        from alembic.config import Config as AConfig
    except ImportError:
        return None
    script_dir = root / "alembic_env"
    (script_dir / "versions").mkdir(parents=True)
    (script_dir / "env.py").write_text(ALEMBIC_ENV.format(url=URL))
    for path in (project / "migrations" / "versions").glob("*.py"):
        text = path.read_text().replace(
            "from schemadiff import op", "from alembic import op"
        )
        (script_dir / "versions" / path.name).write_text(text)

    def run() -> int:
        out = io.StringIO()
        cfg = AConfig(output_buffer=out, stdout=io.StringIO())
        cfg.set_main_option("script_location", str(script_dir))
        a_command.upgrade(cfg, TARGET, sql=True)
        return len(out.getvalue().splitlines())

    secs, lines = timed(run, repeat=3)
    return [(f"alembic upgrade {TARGET} --sql (in-process)", secs, f"{lines} lines")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--keep", action="store_true", help="keep the project")
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="schemadiff-bench-offline-"))
    try:
        project, shape = make_project(root, args.count)
        print(
            f"wrote {shape['revisions']} revisions ({shape['branches']} branches, "
            f"{shape['merges']} merges, {shape['dependencies']} depends_on)"
        )
        rows = bench_schemadiff(project)
        alembic_rows = bench_alembic(project, root)
        width = max(len(r[0]) for r in rows + (alembic_rows or []))
        for name, secs, note in rows + (alembic_rows or []):
            print(f"{name:<{width}}  {secs * 1000:8.1f} ms  {note}")
        if alembic_rows is None:
            print("alembic: not installed (pip install '.[bench]' to compare)")
        print("(best of 3 runs; the machine may be shared)")
    finally:
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"total {time.perf_counter() - start:.1f}s")
