"""init and list_templates: the output lines of the seeds, and the files made."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_cli

TEMPLATES = ("generic", "pyproject", "async", "multidb")


def test_list_templates() -> None:
    result = run_cli(["list_templates"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Available templates:",
        "",
        "generic - Generic single-database configuration.",
        "pyproject - pep-621 compliant configuration that includes pyproject.toml",
        "async - Generic single-database configuration with an async dbapi.",
        "multidb - Rudimentary multi-database configuration.",
        "",
        "Templates are used via the 'init' command, e.g.:",
        "",
        "  schemadiff init --template generic ./scripts",
    ]


def test_init_generic_output_and_files(tmp_path: Path) -> None:
    result = run_cli(["init", "migrations"], cwd=tmp_path)
    assert result.exit_code == 0, result.output
    env = tmp_path / "migrations"
    assert result.output.splitlines() == [
        f"Creating directory {env}...done",
        f"Creating directory {env}/versions...done",
        f"Generating {tmp_path}/schemadiff.ini...done",
        f"Generating {env}/env.py...done",
        f"Generating {env}/README...done",
        f"Generating {env}/script.py.mako...done",
        "Please edit configuration/connection/logging settings in",
        f"'{tmp_path}/schemadiff.ini' before proceeding.",
    ]
    ini = (tmp_path / "schemadiff.ini").read_text()
    assert "script_location = %(here)s/migrations" in ini
    assert "hooks = black" in ini
    assert not (env / "__init__.py").exists()


@pytest.mark.parametrize("template", TEMPLATES)
def test_init_each_template(tmp_path: Path, template: str) -> None:
    result = run_cli(["init", "--template", template, "env"], cwd=tmp_path)
    assert result.exit_code == 0, result.output
    for name in ("env.py", "README", "script.py.mako"):
        assert (tmp_path / "env" / name).is_file()
    assert (tmp_path / "env" / "versions").is_dir()
    assert (tmp_path / "schemadiff.ini").is_file()
    compile((tmp_path / "env" / "env.py").read_text(), "env.py", "exec")


def test_init_pyproject_creates_then_appends(tmp_path: Path) -> None:
    result = run_cli(["init", "-t", "pyproject", "migrations"], cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert f"Generating {tmp_path}/pyproject.toml...done" in result.output
    assert result.output.splitlines()[-3:] == [
        "Please edit configuration/connection/logging settings in",
        f"'{tmp_path}/pyproject.toml' and",
        f"'{tmp_path}/schemadiff.ini' before proceeding.",
    ]

    other = tmp_path / "other"
    other.mkdir()
    (other / "pyproject.toml").write_text('[project]\nname = "app"\n')
    result = run_cli(["init", "-t", "pyproject", "migrations"], cwd=other)
    assert result.exit_code == 0, result.output
    assert f"Appending to {other}/pyproject.toml...done" in result.output
    text = (other / "pyproject.toml").read_text()
    assert text.startswith('[project]\nname = "app"\n\n[tool.schemadiff]\n')
    assert 'script_location = "%(here)s/migrations"' in text


def test_init_package_adds_init_files(tmp_path: Path) -> None:
    result = run_cli(["init", "--package", "pkg"], cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "pkg" / "__init__.py").is_file()
    assert (tmp_path / "pkg" / "versions" / "__init__.py").is_file()


def test_init_into_existing_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "migrations").mkdir()
    result = run_cli(["init", "migrations"], cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert "Creating directory" in result.output.splitlines()[0]
    assert (tmp_path / "migrations" / "env.py").is_file()


def test_init_refuses_non_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "keep.txt").write_text("x")
    result = run_cli(["init", "migrations"], cwd=tmp_path)
    assert result.exit_code == 1
    assert result.output.strip() == (
        "FAILED: Directory migrations already exists and is not empty"
    )
    assert sorted(p.name for p in (tmp_path / "migrations").iterdir()) == ["keep.txt"]
    assert not (tmp_path / "schemadiff.ini").exists()


def test_init_unknown_template(tmp_path: Path) -> None:
    result = run_cli(["init", "-t", "nope", "m"], cwd=tmp_path)
    assert result.exit_code == 1
    assert "FAILED: No such template 'nope'" in result.output
    assert not (tmp_path / "m").exists()


def test_init_keeps_existing_ini(tmp_path: Path) -> None:
    (tmp_path / "schemadiff.ini").write_text("[schemadiff]\nscript_location = x\n")
    result = run_cli(["init", "migrations"], cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert f"File {tmp_path}/schemadiff.ini already exists, skipping" in result.output
    assert (tmp_path / "schemadiff.ini").read_text().endswith("script_location = x\n")


def test_init_with_config_elsewhere(tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    result = run_cli(["-c", "conf/app.ini", "init", "db/migrations"], cwd=tmp_path)
    assert result.exit_code == 0, result.output
    ini = (tmp_path / "conf" / "app.ini").read_text()
    assert f"script_location = {tmp_path}/db/migrations" in ini


def test_init_pyproject_with_toml_elsewhere_than_the_ini(tmp_path: Path) -> None:
    """``Config(ini, toml)`` in different folders: each file's ``%(here)s`` is
    its own folder, so the written script_location loads."""
    from schemadiff import command
    from schemadiff.config import Config
    from schemadiff.script import ScriptDirectory
    from tests.helpers import chdir

    with chdir(tmp_path):
        config = Config("conf/schemadiff.ini", toml_file="pyproject.toml")
        command.init(config, "db/migrations", template="pyproject")
    toml = (tmp_path / "pyproject.toml").read_text("utf-8")
    assert 'script_location = "%(here)s/db/migrations"' in toml
    # Alembic's positional order: Config(file_, toml_file, ini_section, ...)
    loaded = Config(
        str(tmp_path / "conf" / "schemadiff.ini"), str(tmp_path / "pyproject.toml")
    )
    script = ScriptDirectory.from_config(loaded)
    assert Path(script.dir) == tmp_path / "db" / "migrations"
    assert Path(script.env_py_location).is_file()


def test_cli_usage_errors_exit_2(tmp_path: Path) -> None:
    result = run_cli(["init"], cwd=tmp_path)
    assert result.exit_code == 2
    result = run_cli(["no_such_command"], cwd=tmp_path)
    assert result.exit_code == 2


def test_version_and_help() -> None:
    import schemadiff

    result = run_cli(["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"schemadiff, version {schemadiff.__version__}"
    result = run_cli(["--help"])
    assert result.exit_code == 0
    for command in (
        "init",
        "list_templates",
        "revision",
        "merge",
        "upgrade",
        "downgrade",
        "stamp",
        "current",
        "history",
        "heads",
        "branches",
        "show",
        "edit",
        "check",
        "ensure_version",
    ):
        assert command in result.output
        sub = run_cli([command, "--help"])
        assert sub.exit_code == 0, (command, sub.output)
        assert "Usage:" in sub.output
