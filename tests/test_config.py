"""Config: ini interpolation, sections, pyproject.toml, list options, errors."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from schemadiff.config import Config
from schemadiff.util import CommandError
from tests.helpers import run_cli


def write(path: Path, text: str) -> Path:
    path.write_text(text, "utf-8")
    return path


def test_here_interpolation_and_percent_escape(tmp_path: Path) -> None:
    ini = write(
        tmp_path / "schemadiff.ini",
        "[schemadiff]\n"
        "script_location = %(here)s/migrations\n"
        "file_template = %%(rev)s_%%(slug)s\n"
        "sqlalchemy.url = postgresql://u:p%%40ss@h/db\n",
    )
    config = Config(ini)
    assert config.get_main_option("script_location") == f"{tmp_path}/migrations"
    assert config.get_main_option("file_template") == "%(rev)s_%(slug)s"
    assert config.get_main_option("sqlalchemy.url") == "postgresql://u:p%40ss@h/db"
    assert config.get_main_option("missing", "fallback") == "fallback"


def test_config_args_extend_interpolation(tmp_path: Path) -> None:
    ini = write(tmp_path / "a.ini", "[schemadiff]\nurl = %(db)s/x\n")
    assert Config(ini, config_args={"db": "sqlite://"}).get_main_option("url") == (
        "sqlite:///x"
    )


def test_named_section(tmp_path: Path) -> None:
    ini = write(
        tmp_path / "multi.ini",
        "[schemadiff]\nscript_location = one\n\n[schema2]\nscript_location = two\n",
    )
    assert Config(ini).get_main_option("script_location") == "one"
    assert Config(ini, ini_section="schema2").get_main_option("script_location") == (
        "two"
    )


def test_set_and_read_options(tmp_path: Path) -> None:
    config = Config(write(tmp_path / "a.ini", "[schemadiff]\n[other]\nk = v\n"))
    config.set_main_option("sqlalchemy.url", "sqlite:///%(here)s/x.db")
    assert config.get_main_option("sqlalchemy.url") == f"sqlite:///{tmp_path}/x.db"
    config.set_section_option("new", "key", "value")
    assert config.get_section("new")["key"] == "value"
    assert config.get_section_option("other", "k") == "v"
    assert config.get_section("nope") is None
    assert config.get_section("nope", {}) == {}
    with pytest.raises(CommandError, match=r"\[nope\]"):
        config.get_section_option("nope", "k")


def test_attributes_and_cmd_opts_are_kept() -> None:
    marker = object()
    config = Config(attributes={"connection": marker}, cmd_opts="opts")
    assert config.attributes["connection"] is marker
    assert config.cmd_opts == "opts"
    assert Config().attributes == {}


def test_print_stdout_and_quiet() -> None:
    out = io.StringIO()
    Config(stdout=out).print_stdout("hello %s", "world")
    assert out.getvalue() == "hello world\n"

    class Quiet:
        quiet = True

    quiet_out = io.StringIO()
    Config(stdout=quiet_out, cmd_opts=Quiet()).print_stdout("hidden")
    assert quiet_out.getvalue() == ""


def test_template_directory_has_the_four_templates() -> None:
    template_dir = Path(Config().get_template_directory())
    for name in ("generic", "pyproject", "async", "multidb"):
        assert (template_dir / name / "env.py").is_file()
        assert (template_dir / name / "script.py.mako").is_file()
        assert (template_dir / name / "README").is_file()
        assert (template_dir / name / "schemadiff.ini.mako").is_file()
    assert (template_dir / "pyproject" / "pyproject.toml.mako").is_file()


# ------------------------------------------------------------------ pyproject


PYPROJECT = """\
[project]
name = "app"

[tool.schemadiff]
script_location = "%(here)s/migrations"
file_template = "%%(rev)s_%%(slug)s"
version_locations = ["%(here)s/a", "%(here)s/b"]
truncate_slug_length = 20
"""


def test_pyproject_only(tmp_path: Path) -> None:
    toml = write(tmp_path / "pyproject.toml", PYPROJECT)
    config = Config(tmp_path / "schemadiff.ini", toml_file=toml)
    config.check_sources()
    assert config.get_schemadiff_option("script_location") == (f"{tmp_path}/migrations")
    assert config.get_schemadiff_option("file_template") == "%(rev)s_%(slug)s"
    assert config.get_schemadiff_option("truncate_slug_length") == 20
    assert config.get_schemadiff_list("version_locations") == [
        f"{tmp_path}/a",
        f"{tmp_path}/b",
    ]


def test_ini_beside_pyproject_wins_per_key(tmp_path: Path) -> None:
    toml = write(tmp_path / "pyproject.toml", PYPROJECT)
    ini = write(
        tmp_path / "schemadiff.ini",
        "[schemadiff]\nfile_template = %%(slug)s\nsqlalchemy.url = sqlite://\n",
    )
    config = Config(ini, toml_file=toml)
    assert config.get_schemadiff_option("file_template") == "%(slug)s"
    assert config.get_schemadiff_option("script_location") == (f"{tmp_path}/migrations")
    assert config.get_main_option("sqlalchemy.url") == "sqlite://"


def test_pyproject_bad_types_are_clear(tmp_path: Path) -> None:
    toml = write(
        tmp_path / "pyproject.toml",
        "[tool.schemadiff]\nversion_locations = [1, 2]\n",
    )
    with pytest.raises(CommandError, match="version_locations must be a list"):
        Config(toml_file=toml).get_schemadiff_list("version_locations")


def test_pyproject_syntax_error_is_one_line(tmp_path: Path) -> None:
    toml = write(tmp_path / "pyproject.toml", "[tool.schemadiff\n")
    with pytest.raises(CommandError, match="Can't parse"):
        Config(toml_file=toml).check_sources()


# -------------------------------------------------------------- path lists


@pytest.mark.parametrize(
    ("separator", "raw", "expected"),
    [
        ("os", f"a{os.pathsep}b", ["a", "b"]),
        (":", "a:b c", ["a", "b c"]),
        (";", "a;b:c", ["a", "b:c"]),
        ("space", "a b", ["a", "b"]),
        ("newline", "\n  a b\n  c", ["a b", "c"]),
    ],
)
def test_path_separator(tmp_path: Path, separator, raw, expected) -> None:
    ini = tmp_path / "schemadiff.ini"
    config = Config(ini)
    config.set_main_option("path_separator", separator)
    config.set_main_option("version_locations", raw)
    assert config.get_schemadiff_list("version_locations") == expected


def test_legacy_separators_without_path_separator(tmp_path: Path) -> None:
    config = Config(tmp_path / "x.ini")
    config.set_main_option("version_locations", "a b,c")
    config.set_main_option("prepend_sys_path", "x:y z,w")
    assert config.get_schemadiff_list("version_locations") == ["a", "b", "c"]
    assert config.get_schemadiff_list("prepend_sys_path") == ["x", "y", "z", "w"]
    config.set_main_option("version_path_separator", ";")
    config.set_main_option("version_locations", "a b;c")
    assert config.get_schemadiff_list("version_locations") == ["a b", "c"]


def test_invalid_path_separator(tmp_path: Path) -> None:
    config = Config(tmp_path / "x.ini")
    config.set_main_option("path_separator", "comma")
    config.set_main_option("version_locations", "a")
    with pytest.raises(CommandError, match="'comma' is not a valid value"):
        config.get_schemadiff_list("version_locations")


# ------------------------------------------------------------------- errors


def test_missing_file_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No config file .*nope.ini"):
        Config(tmp_path / "nope.ini").check_sources()


def test_missing_section_error(tmp_path: Path) -> None:
    ini = write(tmp_path / "s.ini", "[other]\nx = 1\n")
    with pytest.raises(CommandError, match=r"No \[schemadiff\] section"):
        Config(ini).check_sources()
    with pytest.raises(CommandError, match=r"No \[custom\] section"):
        Config(ini, ini_section="custom").check_sources()


def test_cli_errors_for_missing_config(tmp_path: Path) -> None:
    result = run_cli(["current"], cwd=tmp_path)
    assert result.exit_code == 1
    assert result.output.strip() == (
        "FAILED: No config file 'schemadiff.ini' found (and no [tool.schemadiff] "
        "table in pyproject.toml); run 'schemadiff init' or pass -c/--config"
    )
    assert "Traceback" not in result.output

    write(tmp_path / "s.ini", "[schemadiff]\nscript_location = x\n")
    result = run_cli(["-n", "other", "-c", "s.ini", "current"], cwd=tmp_path)
    assert result.exit_code == 1
    assert "FAILED: No [other] section in config file 's.ini'" in result.output


def test_cli_reads_schemadiff_config_env(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.ini"
    result = run_cli(["current"], cwd=tmp_path, env={"SCHEMADIFF_CONFIG": str(target)})
    assert result.exit_code == 1
    assert f"No config file '{target}' found" in result.output


def test_cli_error_for_missing_script_location(tmp_path: Path) -> None:
    write(tmp_path / "schemadiff.ini", "[schemadiff]\nsqlalchemy.url = sqlite://\n")
    result = run_cli(["heads"], cwd=tmp_path)
    assert result.exit_code == 1
    assert result.output.strip() == (
        "FAILED: No 'script_location' key found in configuration."
    )


def test_cli_uses_pyproject_only_project(tmp_path: Path) -> None:
    result = run_cli(["init", "-t", "pyproject", "migrations"], cwd=tmp_path)
    assert result.exit_code == 0, result.output
    (tmp_path / "schemadiff.ini").unlink()
    result = run_cli(["revision", "-m", "first", "--rev-id", "aaa111"], cwd=tmp_path)
    assert result.exit_code == 0, result.output
    result = run_cli(["heads"], cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "aaa111 (head)"


def test_cli_env_variable_selects_config(tmp_path: Path) -> None:
    conf = tmp_path / "conf"
    conf.mkdir()
    result = run_cli(["-c", "conf/app.ini", "init", "conf/migrations"], cwd=tmp_path)
    assert result.exit_code == 0, result.output
    env = {"SCHEMADIFF_CONFIG": str(conf / "app.ini")}
    result = run_cli(
        ["revision", "-m", "x", "--rev-id", "bbb222"], cwd=tmp_path, env=env
    )
    assert result.exit_code == 0, result.output
    assert (conf / "migrations" / "versions" / "bbb222_x.py").is_file()
    assert run_cli(["heads"], cwd=tmp_path, env=env).output.strip() == "bbb222 (head)"
