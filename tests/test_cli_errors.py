"""User errors print one FAILED line and exit non-zero; --raiseerr shows more."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import make_project, run_cli_subprocess, write_revision

UNREACHABLE = "postgresql+psycopg://nobody:secret@127.0.0.1:1/nothing"


def test_unreachable_database_is_one_line(tmp_path: Path) -> None:
    project = make_project(tmp_path, url=UNREACHABLE)
    write_revision(project / "migrations" / "versions", "a1", None)
    proc = run_cli_subprocess(["upgrade", "head"], cwd=project)
    assert proc.returncode == 1
    lines = [line for line in proc.stderr.splitlines() if "FAILED" in line]
    assert len(lines) == 1
    assert lines[0].startswith("FAILED: OperationalError: ")
    assert "Traceback" not in proc.stderr
    assert "secret" not in proc.stderr + proc.stdout


def test_raiseerr_shows_the_traceback(tmp_path: Path) -> None:
    project = make_project(tmp_path, url=UNREACHABLE)
    proc = run_cli_subprocess(["--raiseerr", "upgrade", "head"], cwd=project)
    assert proc.returncode == 1
    assert "Traceback" in proc.stderr
    assert "OperationalError" in proc.stderr


def test_unknown_revision_is_one_line(tmp_path: Path) -> None:
    project = make_project(tmp_path, url=f"sqlite:///{tmp_path}/x.db")
    write_revision(project / "migrations" / "versions", "a1", None)
    proc = run_cli_subprocess(["upgrade", "zzzz"], cwd=project)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines()[-1].startswith("FAILED: ")
    assert "zzzz" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "x.db").exists() or "schemadiff_version" not in (
        (tmp_path / "x.db").read_bytes().decode("latin-1")
    )


def test_option_typos_are_usage_errors(tmp_path: Path) -> None:
    project = make_project(tmp_path, url=f"sqlite:///{tmp_path}/x.db")
    for args in (["upgrade", "--sq"], ["stamp", "--purg", "heads"], ["show", "-x1"]):
        proc = run_cli_subprocess(args, cwd=project)
        assert proc.returncode == 2, (args, proc.stderr)
        assert "No such option" in proc.stderr


def test_bad_percent_in_url_does_not_leak_the_password(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    ini = project / "schemadiff.ini"
    ini.write_text(
        ini.read_text().replace(
            "sqlalchemy.url = sqlite:///%(here)s/app.db",
            "sqlalchemy.url = postgresql://u:Secr%40t@127.0.0.1:1/db",
        )
    )
    write_revision(project / "migrations" / "versions", "a1", None)
    for args in (["upgrade", "head"], ["upgrade", "head", "--sql"]):
        proc = run_cli_subprocess(args, cwd=project)
        assert proc.returncode == 1, (args, proc.stderr)
        assert "Traceback" not in proc.stderr
        assert "Secr" not in proc.stderr + proc.stdout
        assert "bad '%' interpolation in option 'sqlalchemy.url'" in proc.stderr


def test_missing_url_is_one_line(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    ini = project / "schemadiff.ini"
    ini.write_text(
        ini.read_text().replace("sqlalchemy.url = sqlite:///%(here)s/app.db\n", "")
    )
    write_revision(project / "migrations" / "versions", "a1", None)
    for args in (["upgrade", "head"], ["upgrade", "head", "--sql"]):
        proc = run_cli_subprocess(args, cwd=project)
        assert proc.returncode == 1, (args, proc.stderr)
        assert "Traceback" not in proc.stderr
        assert proc.stderr.strip().splitlines()[-1] == (
            "FAILED: No sqlalchemy.url in the [schemadiff] section of "
            "schemadiff.ini; set it to your database's URL"
        )


def test_broken_env_py_is_one_line(tmp_path: Path) -> None:
    project = make_project(tmp_path, url=f"sqlite:///{tmp_path}/x.db")
    env_py = project / "migrations" / "env.py"
    env_py.write_text("import myapp_models_that_do_not_exist\n" + env_py.read_text())
    write_revision(project / "migrations" / "versions", "a1", None)
    proc = run_cli_subprocess(["upgrade", "head"], cwd=project)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == (
        "FAILED: env.py failed: ModuleNotFoundError: No module named "
        "'myapp_models_that_do_not_exist' (run with --raiseerr for the traceback)"
    )
    proc = run_cli_subprocess(["--raiseerr", "upgrade", "head"], cwd=project)
    assert "Traceback" in proc.stderr and "ModuleNotFoundError" in proc.stderr
