"""The built wheel carries the templates: init works from a fresh virtualenv."""

from __future__ import annotations

import site
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str | Path, cwd: Path | None = None) -> str:
    proc = subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def test_wheel_installs_and_inits(tmp_path: Path) -> None:
    """Built and installed without the network: the build backend is a test
    dependency, and the fresh virtualenv borrows this one's dependencies
    through a ``.pth`` line instead of downloading them."""
    wheelhouse = tmp_path / "wheels"
    pip = (sys.executable, "-m", "pip")
    run(
        *pip, "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", wheelhouse, ROOT
    )
    (wheel,) = wheelhouse.glob("schemadiff-*.whl")

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    run(*pip, "--python", python, "install", "--no-deps", "--no-index", "-q", wheel)
    (site_dir,) = env_dir.glob("lib/python*/site-packages")
    (site_dir / "borrowed_dependencies.pth").write_text(
        "".join(f"{p}\n" for p in site.getsitepackages()), "utf-8"
    )

    project = tmp_path / "project"
    project.mkdir()
    out = run(env_dir / "bin" / "schemadiff", "init", "migrations", cwd=project)
    assert "Generating" in out
    assert (project / "migrations" / "env.py").is_file()
    assert (project / "schemadiff.ini").is_file()

    listing = run(python, "-m", "schemadiff", "list_templates", cwd=project)
    assert "multidb - Rudimentary multi-database configuration." in listing
    where = run(
        python,
        "-c",
        "import schemadiff, schemadiff.config as c; "
        "print(schemadiff.__version__); print(c.Config().get_template_directory())",
        cwd=project,
    ).splitlines()
    assert where[0] == __import__("schemadiff").__version__
    assert where[1].startswith(str(env_dir))
