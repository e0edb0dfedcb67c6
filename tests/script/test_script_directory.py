"""ScriptDirectory and Script: reading version files, writing new ones, and
the one-line errors of SPEC §5."""

from __future__ import annotations

import io
import py_compile
import re
import sys
from pathlib import Path

import pytest

from schemadiff.config import Config
from schemadiff.script import Script, ScriptDirectory
from schemadiff.script.base import read_header
from schemadiff.util import CommandError
from tests.helpers import run_cli
from tests.script._seed import cli, project, write_seed_revision


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def script_dir(proj: Path) -> ScriptDirectory:
    return ScriptDirectory.from_config(
        Config(str(proj / "schemadiff.ini"), stdout=io.StringIO())
    )


def set_option(proj: Path, line: str) -> None:
    ini = proj / "schemadiff.ini"
    text = ini.read_text()
    text = text.replace("[schemadiff]\n", f"[schemadiff]\n{line}\n", 1)
    ini.write_text(text)


def failed(proj: Path, *args: str) -> str:
    """The single FAILED line of a command that must fail with exit 1."""
    result = run_cli(list(args), cwd=proj)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.startswith("FAILED")]
    assert len(lines) == 1, result.output
    return lines[0].replace(str(proj) + "/", "")


# ------------------------------------------------------------- header reading


@pytest.mark.parametrize(
    "source, expected",
    [
        (
            "revision = 'a1'\ndown_revision = None\n",
            {"revision": "a1", "down_revision": None},
        ),
        (
            'revision: str = "a1"  # the id\n'
            "down_revision: Union[str, Sequence[str], None] = (\n"
            '    "b1",\n'
            '    "c1",  # second parent\n'
            ")\n"
            "branch_labels = ['x', 'y']\n"
            "depends_on = ('d1',)\n",
            {
                "revision": "a1",
                "down_revision": ("b1", "c1"),
                "branch_labels": ("x", "y"),
                "depends_on": ("d1",),
            },
        ),
        ("revision = 'a' 'b'\n", {"revision": "ab"}),
    ],
)
def test_read_header_values(source: str, expected: dict) -> None:
    values, doc = read_header('"""msg\n\nmore\n"""\n' + source)
    assert values == expected
    assert doc == "msg\n\nmore\n"


@pytest.mark.parametrize(
    "source",
    [
        "down_revision = None\n",  # no revision at all
        "revision = 'a1'\nrevision = 'b1'\n",  # assigned twice
        "revision = make_id()\n",  # computed
        "x = '''\nrevision = 'fake'\n'''\n",  # inside a string
        "revision = 12\n",  # not a string
    ],
)
def test_read_header_declines_what_it_cannot_be_sure_of(source: str) -> None:
    assert read_header(source) is None


def test_docstring_escapes_and_comments() -> None:
    text = (
        "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n"
        '"""tab\\there"""\nrevision = "a1"\n'
    )
    values, doc = read_header(text)
    assert doc == "tab\there"
    assert values == {"revision": "a1"}


# ------------------------------------------------------------- loading files


def test_headers_are_read_without_importing(tmp_path: Path) -> None:
    proj = project(tmp_path)
    versions = proj / "foo/versions"
    write_seed_revision(proj, "1975ea83b712", None)
    # Importing this file would fail: proof that listing never imports it.
    write(
        versions / "ae1027a6acf_x.py",
        '"""add a column"""\nrevision = "ae1027a6acf"\n'
        'down_revision = "1975ea83b712"\nraise RuntimeError("imported!")\n',
    )
    sd = script_dir(proj)
    assert sd.get_heads() == ["ae1027a6acf"]
    rev = sd.get_revision("ae10")
    assert rev._module is None
    assert rev.doc == "add a column"
    with pytest.raises(CommandError, match="RuntimeError: imported!"):
        _ = rev.module
    ok = sd.get_revision("1975ea83b712")
    assert callable(ok.module.upgrade)


def test_broken_body_fails_when_the_code_is_needed(tmp_path: Path) -> None:
    proj = project(tmp_path)
    write(
        proj / "foo/versions/a.py",
        "revision = 'abc1'\ndown_revision = None\ndef upgrade(:\n    pass\n",
    )
    assert cli(proj, "heads") == ["abc1 (head)"]
    assert re.match(
        r"FAILED: Could not import revision file foo/versions/a.py: SyntaxError: ",
        failed(proj, "upgrade", "head"),
    )


def test_computed_header_falls_back_to_import(tmp_path: Path) -> None:
    proj = project(tmp_path)
    write(
        proj / "foo/versions/a.py",
        '"""computed"""\nPREFIX = "ab"\n'
        'revision = PREFIX + "cd"\ndown_revision = None\n',
    )
    sd = script_dir(proj)
    rev = sd.get_revision("abcd")
    assert rev.revision == "abcd" and rev._module is not None
    assert rev.doc == "computed"


def test_module_header_mismatch_is_reported(tmp_path: Path) -> None:
    proj = project(tmp_path)
    write(
        proj / "foo/versions/a.py",
        'revision = "abcd"\ndown_revision = None\nrevision = "zz" + "zz"\n',
    )
    # Assigned twice: the header reader declines and the import decides.
    assert script_dir(proj).get_heads() == ["zzzz"]


@pytest.mark.parametrize(
    "files, message",
    [
        (
            {"a.py": "x = (\n"},
            r"FAILED: Could not import revision file foo/versions/a.py: SyntaxError",
        ),
        (
            {"a.py": "down_revision = None\n"},
            r"FAILED: Revision file foo/versions/a.py does not define 'revision'",
        ),
        (
            {"a.py": "import nosuchmodule_xyz\nrevision = 'ab' + 'c1'\n"},
            r"FAILED: Could not import revision file foo/versions/a.py: "
            r"ModuleNotFoundError: No module named 'nosuchmodule_xyz'",
        ),
        (
            {
                "a.py": "revision = 'abc1'\ndown_revision = None\n",
                "b.py": "revision = 'abc1'\ndown_revision = None\n",
            },
            r"FAILED: Revision id abc1 is declared twice: foo/versions/a.py and "
            r"foo/versions/b.py",
        ),
        (
            {"a.py": "revision = 'abc1'\ndown_revision = 'gone'\n"},
            r"FAILED: Revision gone referenced as down_revision of abc1 "
            r"\(foo/versions/a.py\) is not present",
        ),
        (
            {
                "a.py": "revision = 'abc1'\ndown_revision = 'abc2'\n",
                "b.py": "revision = 'abc2'\ndown_revision = 'abc1'\n",
            },
            r"FAILED: Cycle is detected in revisions \(abc1, abc2\)",
        ),
        (
            {
                "a.py": "revision = 'abc1'\nbranch_labels = 'x'\n",
                "b.py": "revision = 'abc2'\nbranch_labels = 'x'\n",
            },
            r"FAILED: Branch name 'x' in revision abc2 already used by revision "
            r"abc1 \(foo/versions/b.py, foo/versions/a.py\)",
        ),
        (
            {"a.py": "revision = 'a b'\ndown_revision = None\n"},
            r"FAILED: Revision file foo/versions/a.py: Revision id 'a b' contains "
            r"whitespace",
        ),
    ],
)
def test_bad_version_files_fail_in_one_line(tmp_path: Path, files, message) -> None:
    proj = project(tmp_path)
    for name, text in files.items():
        write(proj / "foo/versions" / name, text)
    assert re.match(message, failed(proj, "heads"))


def test_identifier_errors_via_cli(tmp_path: Path) -> None:
    proj = project(tmp_path)
    write_seed_revision(proj, "1975ea83b712", None)
    for rev in ("109ec7d132bf", "109ec7d13200"):
        write(
            proj / f"foo/versions/{rev}.py",
            f"revision = {rev!r}\ndown_revision = '1975ea83b712'\n",
        )
    assert failed(proj, "show", "zzzz") == ("FAILED: No such revision or branch 'zzzz'")
    assert failed(proj, "show", "109ec") == (
        "FAILED: Multiple revisions start with '109ec': '109ec7d13200', "
        "'109ec7d132bf'"
    )
    assert failed(proj, "history", "-r", "base").startswith(
        "FAILED: History range requires [start]:[end]"
    )
    assert failed(proj, "history", "-r", "109ec7d132bf:109ec7d13200") == (
        "FAILED: Revision 109ec7d132bf is not an ancestor of revision 109ec7d13200"
    )


def test_sourceless_files(tmp_path: Path) -> None:
    proj = project(tmp_path)
    versions = proj / "foo/versions"
    src = write_seed_revision(proj, "1975ea83b712", None)
    py_compile.compile(str(src), cfile=str(versions / "1975ea83b712_x.pyc"))
    cache = versions / "__pycache__"
    legacy = write_seed_revision(proj, "ae1027a6acf", "1975ea83b712")
    py_compile.compile(
        str(legacy),
        cfile=str(
            cache
            / f"{legacy.stem}.cpython-{sys.version_info[0]}{sys.version_info[1]}.pyc"
        ),
    )
    src.unlink()
    legacy.unlink()
    assert cli(proj, "heads") == []
    set_option(proj, "sourceless = true")
    assert cli(proj, "history") == [
        "1975ea83b712 -> ae1027a6acf (head), add a column",
        "<base> -> 1975ea83b712, create account table",
    ]


def test_recursive_version_locations_and_file_template(tmp_path: Path) -> None:
    proj = project(tmp_path)
    set_option(proj, "file_template = %%(year)d/%%(month).2d/%%(rev)s_%%(slug)s")
    assert failed(proj, "revision", "-m", "one", "--rev-id", "aaaa1").startswith(
        "FAILED: file_template '%(year)d/%(month).2d/%(rev)s_%(slug)s' makes "
        "sub-directories; set recursive_version_locations = true"
    )
    set_option(proj, "recursive_version_locations = true")
    cli(proj, "revision", "-m", "one", "--rev-id", "aaaa1")
    cli(proj, "revision", "-m", "two", "--rev-id", "bbbb2")
    versions = proj / "foo/versions"
    files = sorted(str(p.relative_to(versions)) for p in versions.rglob("*.py"))
    assert len(files) == 2 and all(re.match(r"\d{4}/\d\d/\w+\.py", f) for f in files)
    assert cli(proj, "history") == [
        "aaaa1 -> bbbb2 (head), two",
        "<base> -> aaaa1, one",
    ]


def test_slug_truncation_and_tokens(tmp_path: Path) -> None:
    proj = project(tmp_path)
    set_option(
        proj, "truncate_slug_length = 12\nfile_template = %%(rev)s-%%(slug)s-%%(epoch)s"
    )
    out = cli(
        proj, "revision", "-m", "Add a shopping cart column!", "--rev-id", "cafe01"
    )
    assert re.fullmatch(
        r"  Generating foo/versions/cafe01-add_a_-\d{10}\.py \.\.\. done", out[0]
    )


def test_timezone_and_encoding(tmp_path: Path) -> None:
    proj = project(tmp_path)
    set_option(proj, "timezone = UTC\noutput_encoding = latin-1")
    template = proj / "foo/script.py.mako"
    # (${""} keeps Mako from taking the cookie as the template's own encoding)
    template.write_text('${""}# -*- coding: latin-1 -*-\n' + template.read_text())
    cli(proj, "revision", "-m", "café crème", "--rev-id", "abcd01")
    path = next((proj / "foo/versions").glob("abcd01_*.py"))
    raw = path.read_bytes()
    assert "café".encode("latin-1") in raw
    assert re.search(rb"Create Date: \S+ \S+\+00:00", raw)
    assert cli(proj, "history") == ["<base> -> abcd01 (head), café crème"]
    ini = proj / "schemadiff.ini"
    ini.write_text(
        ini.read_text().replace("timezone = UTC", "timezone = Nowhere/Special")
    )
    assert failed(proj, "revision", "-m", "x") == (
        "FAILED: Can't locate timezone: Nowhere/Special"
    )


def test_revision_argument_errors(tmp_path: Path) -> None:
    proj = project(tmp_path)
    cli(proj, "revision", "-m", "one", "--rev-id", "abc1")
    assert failed(proj, "revision", "--rev-id", "abc1") == (
        "FAILED: Revision id abc1 already exists (foo/versions/abc1_one.py)"
    )
    assert failed(proj, "revision", "--rev-id", "x@y") == (
        "FAILED: Revision id 'x@y' contains '@'"
    )
    for bad in ("x:y", "x+1"):
        assert failed(proj, "revision", "--rev-id", bad) == (
            f"FAILED: Revision id {bad!r} contains {bad[1]!r}"
        )
    assert failed(proj, "revision", "--head", "nope") == (
        "FAILED: No such revision or branch 'nope'"
    )
    assert failed(proj, "revision", "--version-path", "elsewhere").startswith(
        "FAILED: Path elsewhere is not represented in current version locations"
    )
    assert failed(proj, "revision", "--sql").startswith(
        "FAILED: Using --sql with the revision command when "
        "revision_environment is not configured does not make any sense"
    )
    assert failed(proj, "revision", "--depends-on", "zzzz") == (
        "FAILED: Can't locate revision identified by 'zzzz'"
    )
    cli(proj, "revision", "-m", "two", "--rev-id", "abc2")
    # --splice lets a non-head grow a new branch.
    cli(
        proj, "revision", "-m", "side", "--head", "abc1", "--splice", "--rev-id", "abc3"
    )
    assert cli(proj, "branches") == [
        "abc1 (branchpoint)",
        "     -> abc2 (head)",
        "     -> abc3 (head)",
    ]
    assert failed(proj, "merge", "abc1", "abc2") == (
        "FAILED: Can't merge abc2 with its own ancestor abc1; please specify "
        "--splice to create a new branch from this revision"
    )
    cli(
        proj,
        "merge",
        "heads",
        "-m",
        "join",
        "--rev-id",
        "abc4",
        "--branch-label",
        "main",
    )
    assert cli(proj, "heads") == ["abc4 (main) (head)"]


def test_multiple_version_locations_need_a_path_for_new_bases(tmp_path: Path) -> None:
    proj = project(tmp_path, networking=True)
    assert failed(proj, "revision", "-m", "x").startswith(
        "FAILED: Multiple version locations present, please specify --version-path"
    )


def test_edit_opens_editor(tmp_path: Path) -> None:
    proj = project(tmp_path)
    cli(proj, "revision", "-m", "one", "--rev-id", "abc1")
    editor = write(
        tmp_path / "fake_editor.py",
        "import sys\nopen(sys.argv[1], 'a').write('# edited\\n')\n",
    )
    result = run_cli(
        ["edit", "head"],
        cwd=proj,
        env={"EDITOR": f"{sys.executable} {editor}", "VISUAL": ""},
    )
    assert result.exit_code == 0, result.output
    assert (proj / "foo/versions/abc1_one.py").read_text().endswith("# edited\n")
    bad = run_cli(["edit", "head"], cwd=proj, env={"EDITOR": "false", "VISUAL": ""})
    assert bad.exit_code == 1
    assert "FAILED: Editor 'false' exited with status 1" in bad.output
    assert (
        failed(proj, "edit", "base")
        == "FAILED: No revision files indicated by symbol 'base'"
    )


def test_history_verbose_and_indicate_current(tmp_path: Path) -> None:
    proj = project(tmp_path)
    write_seed_revision(proj, "1975ea83b712", None)
    write_seed_revision(proj, "ae1027a6acf", "1975ea83b712")
    verbose = cli(proj, "history", "--verbose")
    assert verbose[:3] == [
        "Rev: ae1027a6acf (head)",
        "Parent: 1975ea83b712",
        "Path: foo/versions/ae1027a6acf_add_a_column.py",
    ]
    assert "Rev: 1975ea83b712" in verbose and "Parent: <base>" in verbose
    cli(proj, "upgrade", "1975ea")
    lines = [line for line in cli(proj, "history", "-i") if "[" not in line]
    assert lines == [
        "1975ea83b712 -> ae1027a6acf (head), add a column",
        "<base> -> 1975ea83b712 (current), create account table",
    ]
    lines = [line for line in cli(proj, "history", "-r", "current:") if "[" not in line]
    assert lines == [
        "1975ea83b712 -> ae1027a6acf (head), add a column",
        "<base> -> 1975ea83b712, create account table",
    ]
    lines = [line for line in cli(proj, "show", "current") if "[" not in line]
    assert lines[0] == "Rev: 1975ea83b712"


def test_script_directory_api(tmp_path: Path) -> None:
    proj = project(tmp_path)
    write_seed_revision(proj, "1975ea83b712", None)
    write_seed_revision(proj, "ae1027a6acf", "1975ea83b712")
    write_seed_revision(proj, "27c6a30d7c24", "1975ea83b712")
    sd = script_dir(proj)
    assert sd.dir.endswith("foo") and sd.versions.endswith("foo/versions")
    assert sd.env_py_location == str((proj / "foo/env.py").resolve())
    assert sd.get_bases() == ["1975ea83b712"] and sd.get_base() == "1975ea83b712"
    assert sd.get_heads() == ["27c6a30d7c24", "ae1027a6acf"]
    with pytest.raises(CommandError, match="multiple heads"):
        sd.get_current_head()
    assert sd.as_revision_number("ae10") == "ae1027a6acf"
    assert sd.as_revision_number("heads") == ("27c6a30d7c24", "ae1027a6acf")
    assert sd.as_revision_number("base") is None
    assert [s.revision for s in sd.walk_revisions()] == [
        "27c6a30d7c24",
        "ae1027a6acf",
        "1975ea83b712",
    ]
    assert {s.revision for s in sd.get_all_current(("ae1027a6acf",))} == {
        "ae1027a6acf",
        "1975ea83b712",
    }
    script = sd.get_revision("27c6")
    assert isinstance(script, Script) and script.is_head and not script.is_base
    assert script.longdoc.startswith("add shopping cart table\n\nRevision ID:")
    assert script.path.endswith("27c6a30d7c24_add_shopping_cart_table.py")
    new = sd.generate_revision("feed01", "joined", head=["ae1027a6acf", "27c6a30d7c24"])
    assert new.is_merge_point and sd.get_current_head() == "feed01"


def test_script_location_forms(tmp_path: Path) -> None:
    proj = project(tmp_path)
    write_seed_revision(proj, "1975ea83b712", None)
    ini = proj / "schemadiff.ini"
    text = ini.read_text()
    # A path relative to the ini file works from another directory too.
    ini.write_text(
        re.sub(r"^script_location = .*$", "script_location = foo", text, flags=re.M)
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run_cli(["-c", str(ini), "heads"], cwd=elsewhere)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "1975ea83b712 (head)"
    # package:resource
    pkg = tmp_path / "pkgroot" / "mypkg_sd"
    write(pkg / "__init__.py", "")
    (pkg / "migrations").symlink_to(proj / "foo", target_is_directory=True)
    sys.path.insert(0, str(tmp_path / "pkgroot"))
    try:
        cfg = Config(str(ini))
        cfg.set_main_option("script_location", "mypkg_sd:migrations")
        assert ScriptDirectory.from_config(cfg).get_heads() == ["1975ea83b712"]
    finally:
        sys.path.remove(str(tmp_path / "pkgroot"))
    cfg = Config(str(ini))
    cfg.set_main_option("script_location", str(tmp_path / "missing"))
    with pytest.raises(CommandError, match="Path doesn't exist"):
        ScriptDirectory.from_config(cfg)


def test_revision_environment_runs_env(tmp_path: Path) -> None:
    proj = project(tmp_path)
    set_option(proj, "revision_environment = true")
    env = proj / "foo/env.py"
    env.write_text(
        env.read_text() + "\nopen(config.get_main_option('script_location') + "
        "'/../ran_env', 'w').close()\n"
    )
    cli(proj, "revision", "-m", "one", "--rev-id", "abc1")
    assert (proj / "ran_env").exists()


def test_revision_environment_applies_directive_hooks(tmp_path: Path) -> None:
    from schemadiff import command

    proj = project(tmp_path)
    set_option(proj, "revision_environment = true")
    cfg = Config(str(proj / "schemadiff.ini"), stdout=io.StringIO())

    def drop_all(context, revision, directives):
        directives[:] = []

    assert (
        command.revision(cfg, message="nothing", process_revision_directives=drop_all)
        is None
    )
    assert list((proj / "foo/versions").glob("*.py")) == []

    def rename(context, revision, directives):
        directives[0].message = "renamed by hook"
        directives[0].rev_id = "beef01"

    written = command.revision(cfg, message="x", process_revision_directives=rename)
    assert written.revision == "beef01" and written.doc == "renamed by hook"
