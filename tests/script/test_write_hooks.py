"""Post-write hooks: runners, Python-registered hooks, configuration sources."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from schemadiff.config import Config
from schemadiff.script import write_hooks
from schemadiff.util import CommandError

UGLY = "x  =  {'a':1}\n"
BLACKENED = 'x = {"a": 1}\n'


@pytest.fixture
def revision_file(tmp_path: Path) -> Path:
    path = tmp_path / "abc_rev.py"
    path.write_text(UGLY, "utf-8")
    return path


def test_console_scripts_runner_runs_black(revision_file: Path) -> None:
    write_hooks._run_hooks(
        str(revision_file),
        {
            "hooks": "black",
            "black.type": "console_scripts",
            "black.entrypoint": "black",
            "black.options": "-q REVISION_SCRIPT_FILENAME",
        },
    )
    assert revision_file.read_text("utf-8") == BLACKENED


def test_exec_runner_with_cwd_and_token(tmp_path: Path, revision_file: Path) -> None:
    workdir = tmp_path / "work"
    workdir.mkdir()
    script = (
        "import os, sys; open('seen.txt', 'w').write(os.getcwd() + '|' + sys.argv[1])"
    )
    write_hooks._run_hooks(
        str(revision_file),
        {
            "hooks": "probe",
            "probe.type": "exec",
            "probe.executable": sys.executable,
            "probe.options": f'-c "{script}" REVISION_SCRIPT_FILENAME',
            "probe.cwd": str(workdir),
        },
    )
    seen = (workdir / "seen.txt").read_text()
    assert seen == f"{workdir}|{revision_file}"


def test_exec_runner_black_executable(revision_file: Path) -> None:
    black = Path(sys.executable).parent / "black"
    write_hooks._run_hooks(
        str(revision_file),
        {
            "hooks": "fmt",
            "fmt.type": "exec",
            "fmt.executable": str(black),
            "fmt.options": "-q",
        },
    )
    # no REVISION_SCRIPT_FILENAME in options: the path is put in front
    assert revision_file.read_text("utf-8") == BLACKENED


def test_module_runner(revision_file: Path) -> None:
    write_hooks._run_hooks(
        str(revision_file),
        {
            "hooks": "fmt",
            "fmt.type": "module",
            "fmt.module": "black",
            "fmt.options": "--quiet REVISION_SCRIPT_FILENAME",
        },
    )
    assert revision_file.read_text("utf-8") == BLACKENED


def test_python_registered_hook_receives_options(revision_file: Path) -> None:
    calls: list[tuple[str, dict]] = []

    @write_hooks.register("_test_upper")
    def upper(filename: str, options: dict) -> None:
        calls.append((filename, options))
        path = Path(filename)
        path.write_text(path.read_text().upper())

    try:
        write_hooks._run_hooks(
            str(revision_file),
            [{"name": "shout", "type": "_test_upper", "level": "3"}],
        )
    finally:
        write_hooks._registry.pop("_test_upper")
    assert revision_file.read_text() == UGLY.upper()
    assert calls == [
        (
            str(revision_file),
            {"type": "_test_upper", "level": "3", "_hook_name": "shout"},
        )
    ]


def test_hooks_run_in_listed_order(revision_file: Path) -> None:
    order: list[str] = []
    write_hooks.register("_test_a")(lambda f, o: order.append(o["_hook_name"]))
    try:
        write_hooks._run_hooks(
            str(revision_file),
            {"hooks": "two, one", "one.type": "_test_a", "two.type": "_test_a"},
        )
    finally:
        write_hooks._registry.pop("_test_a")
    assert order == ["two", "one"]


def test_failing_hook_names_hook_and_output_and_keeps_file(
    revision_file: Path,
) -> None:
    revision_file.write_text("def broken(:\n", "utf-8")
    with pytest.raises(CommandError) as err:
        write_hooks._run_hooks(
            str(revision_file),
            {
                "hooks": "black",
                "black.type": "console_scripts",
                "black.entrypoint": "black",
            },
        )
    message = str(err.value)
    assert "'black'" in message
    assert "exit status 123" in message
    assert "cannot parse" in message.lower()
    assert revision_file.read_text("utf-8") == "def broken(:\n"


def test_failing_python_hook_is_a_command_error(revision_file: Path) -> None:
    def boom(filename: str, options: dict) -> None:
        raise ValueError("nope")

    write_hooks.register("_test_boom")(boom)
    try:
        with pytest.raises(CommandError, match="'mine' failed: ValueError: nope"):
            write_hooks._run_hooks(
                str(revision_file), {"hooks": "mine", "mine.type": "_test_boom"}
            )
    finally:
        write_hooks._registry.pop("_test_boom")
    assert revision_file.exists()


@pytest.mark.parametrize(
    "section, message",
    [
        ({"hooks": "x"}, "Key x.type is required"),
        ({"hooks": "x", "x.type": "nosuch"}, "No post write hook type 'nosuch'"),
        ({"hooks": "x", "x.type": "exec"}, "Key x.executable is required"),
        (
            {"hooks": "x", "x.type": "console_scripts", "x.entrypoint": "nosuch_ep"},
            "Could not find entrypoint console_scripts.nosuch_ep",
        ),
        (
            {"hooks": "x", "x.type": "exec", "x.executable": "/no/such/program"},
            "'x' could not be started",
        ),
    ],
)
def test_configuration_errors(revision_file: Path, section: dict, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        write_hooks._run_hooks(str(revision_file), section)


def test_hooks_from_ini(tmp_path: Path) -> None:
    ini = tmp_path / "schemadiff.ini"
    ini.write_text(textwrap.dedent("""\
            [schemadiff]
            script_location = x

            [post_write_hooks]
            hooks = black
            black.type = console_scripts
            black.entrypoint = black
            black.options = -l 79 REVISION_SCRIPT_FILENAME
            black.cwd = %(here)s
            """))
    hooks = write_hooks.hooks_for_config(Config(str(ini)))
    assert hooks == [
        {
            "type": "console_scripts",
            "entrypoint": "black",
            "options": "-l 79 REVISION_SCRIPT_FILENAME",
            "cwd": str(tmp_path),
            "_hook_name": "black",
        }
    ]


def test_hooks_from_pyproject_run(tmp_path: Path, revision_file: Path) -> None:
    toml = tmp_path / "pyproject.toml"
    toml.write_text(textwrap.dedent("""\
            [tool.schemadiff]
            script_location = "x"

            [[tool.schemadiff.post_write_hooks]]
            name = "black"
            type = "exec"
            executable = "%(here)s/nosuch"
            options = "-q"

            [[tool.schemadiff.post_write_hooks]]
            name = "black2"
            type = "module"
            module = "black"
            options = "-q REVISION_SCRIPT_FILENAME"
            """))
    config = Config(toml_file=str(toml))
    hooks = write_hooks.hooks_for_config(config)
    assert [h["_hook_name"] for h in hooks] == ["black", "black2"]
    assert hooks[0]["executable"] == f"{tmp_path}/nosuch"
    write_hooks._run_hooks(str(revision_file), hooks[1:])
    assert revision_file.read_text("utf-8") == BLACKENED
    with pytest.raises(CommandError, match="'black' could not be started"):
        write_hooks.run_hooks_for_config(config, str(revision_file))


def test_no_hooks_configured_is_a_no_op(tmp_path: Path, revision_file: Path) -> None:
    ini = tmp_path / "schemadiff.ini"
    ini.write_text("[schemadiff]\nscript_location = x\n")
    write_hooks.run_hooks_for_config(Config(str(ini)), str(revision_file))
    assert revision_file.read_text("utf-8") == UGLY


def test_options_are_split_like_a_shell() -> None:
    parsed = write_hooks._parse_cmdline_options(
        "--flag 'a b' REVISION_SCRIPT_FILENAME --x=REVISION_SCRIPT_FILENAME", "/p/f.py"
    )
    assert parsed == ["--flag", "a b", "/p/f.py", "--x=/p/f.py"]


def _black_hook(options: str, cwd: str | None = None) -> dict[str, str]:
    section = {
        "hooks": "black",
        "black.type": "console_scripts",
        "black.entrypoint": "black",
        "black.options": options,
    }
    if cwd:
        section["black.cwd"] = cwd
    return section


def test_black_hook_runs_without_a_child_process(
    revision_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Black is a dependency, so its hook runs in this interpreter: a
    ``revision`` does not pay an interpreter start for it."""
    started: list[object] = []
    monkeypatch.setattr(
        write_hooks.subprocess, "run", lambda *a, **k: started.append(a)
    )
    write_hooks._run_hooks(str(revision_file), _black_hook("-q"))
    assert started == []
    assert revision_file.read_text("utf-8") == BLACKENED


def test_in_process_black_reads_the_projects_pyproject(tmp_path: Path) -> None:
    """Configuration is discovered from the file, as the child process did."""
    project = tmp_path / "proj"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        "[tool.black]\nskip-string-normalization = true\n", "utf-8"
    )
    path = project / "rev.py"
    path.write_text(UGLY, "utf-8")
    write_hooks._run_hooks(str(path), _black_hook("-q", cwd=str(tmp_path)))
    assert path.read_text("utf-8") == "x = {'a': 1}\n"


def test_in_process_black_usage_error_is_exit_status_2(revision_file: Path) -> None:
    with pytest.raises(CommandError) as err:
        write_hooks._run_hooks(str(revision_file), _black_hook("--no-such-flag"))
    assert "'black' failed (exit status 2)" in str(err.value)
    assert "no-such-flag" in str(err.value)
    assert revision_file.read_text("utf-8") == UGLY
