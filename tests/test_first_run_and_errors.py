"""Issue 15, "Secrets and errors" and "First-run experience": one regression
test per defect a new user or a tester met (the template cycle itself is in
test_templates_first_run.py, the bad-input sweep in test_bad_input_sweep.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from schemadiff.ddl.impl import DefaultImpl
from tests.helpers import make_project, run_cli, run_cli_subprocess, write_revision
from tests.runtime._util import Project

SECRET = "Zq9Secr3t"
# "@" and ":" unencoded: SQLAlchemy would take "Secr3tTail@127.0.0.1" apart.
BAD_PASSWORD_URL = f"postgresql://app:{SECRET}@x:Secr3tTail@127.0.0.1:5432/db"


def _failed_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("FAILED:")]


# ------------------------------------------------------------------ item 6


@pytest.mark.parametrize(
    "args",
    [
        ["upgrade", "head"],
        ["upgrade", "head", "--sql"],
        ["downgrade", "a1:base", "--sql"],
        ["current"],
        ["check"],
        ["revision", "--autogenerate", "-m", "x"],
        ["stamp", "head", "--sql"],
    ],
)
def test_unencoded_password_never_shows(tmp_path: Path, args: list[str]) -> None:
    project = make_project(tmp_path, url=BAD_PASSWORD_URL)
    write_revision(project / "migrations" / "versions", "a1", None)
    result = run_cli(args, cwd=project)
    assert result.exit_code == (2 if args[0] == "check" else 1), result.output
    (line,) = _failed_lines(result.output)
    assert "could not be parsed" in line and "percent-encoded" in line
    assert "in sqlalchemy.url of [schemadiff] of schemadiff.ini" in line
    for fragment in (SECRET, "Secr3t", "Tail"):
        assert fragment not in result.output
    assert "Traceback" not in result.output


def test_unencoded_password_from_the_environment(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    write_revision(project / "migrations" / "versions", "a1", None)
    result = run_cli(
        ["upgrade", "head"], cwd=project, env={"SCHEMADIFF_URL": BAD_PASSWORD_URL}
    )
    assert result.exit_code == 1
    (line,) = _failed_lines(result.output)
    assert "could not be parsed" in line
    assert SECRET not in result.output and "Tail" not in result.output


def test_url_given_straight_to_sqlalchemy_is_not_echoed(tmp_path: Path) -> None:
    """An env.py that bypasses the config still gets the safe message."""
    project = make_project(tmp_path)
    env_py = project / "migrations" / "env.py"
    env_py.write_text(
        "import sqlalchemy as sa\n" f"sa.create_engine({BAD_PASSWORD_URL!r})\n"
    )
    result = run_cli(["upgrade", "head"], cwd=project)
    assert result.exit_code == 1
    (line,) = _failed_lines(result.output)
    assert "could not be parsed" in line and "percent-encoded" in line
    assert SECRET not in result.output and "Tail" not in result.output


def test_percent_encoded_password_is_accepted(tmp_path: Path) -> None:
    """The advice works: the same password encoded gets to the server."""
    from schemadiff.urlcheck import is_misparsed

    assert is_misparsed(BAD_PASSWORD_URL)
    encoded = f"postgresql://app:{SECRET}%40x%3ASecr3tTail@127.0.0.1:5432/db"
    assert not is_misparsed(encoded)
    assert sa.make_url(encoded).password == f"{SECRET}@x:Secr3tTail"
    for fine in (
        "sqlite:////home/me@work/app.db",
        "mysql+pymysql://root@127.0.0.1:3306/test?charset=utf8mb4",
        "postgresql://u:pa:ss/wo?rd#x@[::1]:5432/db",
    ):
        assert not is_misparsed(fine), fine


# ------------------------------------------------------------------ item 7


def test_ini_with_a_bom_is_read(tmp_path: Path) -> None:
    project = make_project(tmp_path, url=f"sqlite:///{tmp_path}/x.db")
    write_revision(project / "migrations" / "versions", "a1", None)
    ini = project / "schemadiff.ini"
    ini.write_bytes(b"\xef\xbb\xbf" + ini.read_bytes())
    result = run_cli(["heads"], cwd=project)
    assert result.exit_code == 0, result.output
    assert "a1 (head)" in result.output


def test_text_before_the_first_section_is_one_line(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    ini = project / "schemadiff.ini"
    ini.write_text("stray text\n" + ini.read_text())
    result = run_cli(["heads"], cwd=project)
    assert result.exit_code == 1
    assert _failed_lines(result.output) == [
        "FAILED: Can't parse config file schemadiff.ini: line 1 comes before "
        "any [section] header"
    ]
    assert "Traceback" not in result.output


# ------------------------------------------------------------------ item 8


def test_x_accepts_bare_flags_and_rejects_an_empty_key(tmp_path: Path) -> None:
    project = make_project(tmp_path, url=f"sqlite:///{tmp_path}/x.db")
    env_py = project / "migrations" / "env.py"
    env_py.write_text(
        env_py.read_text().replace(
            "target_metadata = None\n",
            "target_metadata = None\n"
            "print('X=', sorted(context.get_x_argument(as_dictionary=True).items()))\n",
        )
    )
    result = run_cli(["-x", "flag", "-x", "k=v", "current"], cwd=project)
    assert result.exit_code == 0, result.output
    assert "X= [('flag', ''), ('k', 'v')]" in result.output
    for bad in ("=v", "", " =v"):
        result = run_cli(["-x", bad, "current"], cwd=project)
        assert result.exit_code == 2, (bad, result.output)
        assert "Invalid value for '-x'" in result.output
        assert "expected KEY=VALUE or a bare flag" in result.output


# ------------------------------------------------------------------ item 9


MODELS = """
import sqlalchemy as sa
metadata = sa.MetaData()
sa.Table("t", metadata, sa.Column("id", sa.Integer, primary_key=True),
         sa.Column("n", sa.{type_}, nullable=True))
"""


def _models_project(tmp_path: Path, url: str) -> Path:
    project = make_project(tmp_path, url=url)
    env_py = project / "migrations" / "env.py"
    text = env_py.read_text().replace(
        "target_metadata = None\n",
        "import runpy\n"
        "from pathlib import Path\n"
        "models = Path(__file__).resolve().parent.parent / 'models.py'\n"
        "target_metadata = runpy.run_path(str(models))['metadata']\n",
    )
    env_py.write_text(text)
    (project / "models.py").write_text(MODELS.format(type_="String(10)"))
    return project


def test_autogenerate_warns_about_alters_sqlite_refuses(tmp_path: Path) -> None:
    project = _models_project(tmp_path, f"sqlite:///{tmp_path}/x.db")
    env_py = project / "migrations" / "env.py"
    # an env.py written before the templates turned batch mode on
    env_py.write_text(
        env_py.read_text().replace(
            'render_as_batch=connection.dialect.name == "sqlite"',
            "render_as_batch=False",
        )
    )
    assert (
        run_cli(["revision", "--autogenerate", "-m", "one"], cwd=project).exit_code == 0
    )
    assert run_cli(["upgrade", "head"], cwd=project).exit_code == 0
    (project / "models.py").write_text(MODELS.format(type_="Integer"))
    result = run_cli(["revision", "--autogenerate", "-m", "two"], cwd=project)
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if "WARNI" in line]
    assert len(warnings) == 2, result.output  # upgrade and downgrade
    assert "sqlite can't run modify_type on table 't' as a plain ALTER" in warnings[0]
    assert "render_as_batch=True" in warnings[0]
    (two,) = (project / "migrations" / "versions").glob("*_two.py")
    assert "batch_alter_table" not in two.read_text()
    # the template's own setting renders batch operations: no warning
    two.unlink()
    env_py.write_text(
        env_py.read_text().replace(
            "render_as_batch=False",
            'render_as_batch=connection.dialect.name == "sqlite"',
        )
    )
    result = run_cli(["revision", "--autogenerate", "-m", "three"], cwd=project)
    assert result.exit_code == 0 and "WARNI" not in result.output
    (three,) = (project / "migrations" / "versions").glob("*_three.py")
    assert "batch_alter_table" in three.read_text()
    assert run_cli(["upgrade", "head"], cwd=project).exit_code == 0


def test_the_dialect_knows_what_needs_batch() -> None:
    from sqlalchemy.dialects import mysql, postgresql, sqlite

    sqlite_impl = DefaultImpl.get_by_dialect(sqlite.dialect())
    others = [
        DefaultImpl.get_by_dialect(d) for d in (postgresql.dialect(), mysql.dialect())
    ]
    for kind in ("modify_type", "modify_nullable", "add_fk", "remove_constraint"):
        assert sqlite_impl.needs_batch_for(kind)
        assert not any(impl.needs_batch_for(kind) for impl in others)
    for kind in ("add_column", "add_index", "remove_table", "modify_comment"):
        assert not sqlite_impl.needs_batch_for(kind)


# --------------------------------------------------------------- item 11


def test_revision_autogenerate_lists_the_changes(tmp_path: Path, backend) -> None:
    project = _models_project(tmp_path, backend.url)
    result = run_cli(["revision", "--autogenerate", "-m", "one"], cwd=project)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    start = lines.index("Detected 1 change:")
    assert lines[start + 1] == "  - [add_table] table t added"
    assert lines[start + 2].startswith("  Generating ")


# --------------------------------------------------------------- item 12


def test_quiet_prints_errors_only(tmp_path: Path) -> None:
    project = make_project(tmp_path, url=f"sqlite:///{tmp_path}/x.db")
    write_revision(project / "migrations" / "versions", "a1", None)
    loud = run_cli(["current"], cwd=project)
    assert "Context impl SQLiteImpl." in loud.output
    quiet = run_cli(["-q", "upgrade", "head"], cwd=project)
    assert quiet.exit_code == 0
    assert quiet.output == ""
    assert run_cli(["-q", "current"], cwd=project).output == ""
    failing = run_cli(["-q", "upgrade", "zzzz"], cwd=project)
    assert failing.exit_code == 1
    assert len(_failed_lines(failing.output)) == 1
    # the switch is reset after the command: logging works again in-process
    assert "Context impl SQLiteImpl." in run_cli(["current"], cwd=project).output


# --------------------------------------------------------------- item 13


def test_check_json_prints_an_error_document(tmp_path: Path) -> None:
    url = "postgresql+psycopg://nobody:Zq9pw@127.0.0.1:1/nothing"
    project = make_project(tmp_path, url=url)
    result = run_cli(["check", "--format", "json"], cwd=project)
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert document["format"] == "schemadiff-check"
    assert document["status"] == "error"
    assert document["message"].startswith("OperationalError: ")
    assert document["count"] is None and document["differences"] == []
    assert _failed_lines(result.stderr) == [f"FAILED: {document['message']}"]
    assert "Zq9pw" not in result.output

    ini = project / "schemadiff.ini"
    ini.write_text(ini.read_text().replace("[schemadiff]", "[other]"))
    result = run_cli(["check", "--format", "json"], cwd=project)
    assert result.exit_code == 2
    assert json.loads(result.stdout)["message"].startswith("No [schemadiff] section")


# --------------------------------------------------------------- item 14


def test_current_says_when_no_revision_is_applied(tmp_path: Path, backend) -> None:
    project = Project(tmp_path, backend)
    assert project.output_lines("current") == ["(no revision applied)"]
    verbose = project.output_lines("current", "-v")
    assert verbose[-1] == "(no revision applied)"
    assert project.rows() is None  # reading created nothing


# --------------------------------------------------------------- item 15


def test_upgrade_to_an_applied_revision_says_so(tmp_path: Path, backend) -> None:
    project = Project(tmp_path, backend)
    write_revision(project.versions, "a1", None)
    write_revision(project.versions, "b2", "a1")
    project.cli("upgrade", "head")
    for target in ("a1", "b2", "head"):
        assert project.output_lines("upgrade", target) == [
            f"Database is already at or past {target} (current: b2); "
            "nothing to upgrade."
        ]
    assert project.rows() == ["b2"]


def test_failing_commands_create_no_version_table(tmp_path: Path, backend) -> None:
    project = Project(tmp_path, backend)
    write_revision(project.versions, "a1", None)
    write_revision(project.versions, "b2", "a1")
    write_revision(project.versions, "c3", "a1")  # two heads
    for args in (
        ["upgrade", "zzzz"],
        ["upgrade", "head"],  # several heads
        ["downgrade", "zzzz"],
        ["stamp", "zzzz"],
        ["upgrade", "b2+5"],
    ):
        result = project.cli(*args, ok=False)
        assert result.exit_code == 1, (args, result.output)
        assert len(_failed_lines(result.output)) == 1, (args, result.output)
        assert project.rows() is None, args
    # an upgrade with nothing to do on an empty database creates it, as before
    project.cli("upgrade", "a1")
    assert project.rows() == ["a1"]


# --------------------------------------------------------------- item 16

HALFWAY = """
op.create_table("t2", sa.Column("id", sa.Integer, primary_key=True))
op.add_column("t1", sa.Column("extra", sa.Integer))
op.execute("INSERT INTO t1 (id) VALUES (1)")
op.execute("SELECT * FROM no_such_table")
"""


def test_failure_halfway_names_what_stays_applied(tmp_path: Path, backend) -> None:
    project = Project(tmp_path, backend)
    write_revision(
        project.versions,
        "a1",
        None,
        'op.create_table("t1", sa.Column("id", sa.Integer, primary_key=True))',
    )
    write_revision(project.versions, "b2", "a1", HALFWAY, message="halfway")
    result = project.cli("upgrade", "head", ok=False)
    (line,) = _failed_lines(result.output)
    assert line.startswith("FAILED: upgrade of revision b2 (halfway) failed: ")
    if backend.name == "mariadb":
        assert project.rows() == ["a1"]
        assert "no_such_table" in line
        # both DDL statements ran and stay; the INSERT after them rolled back
        assert line.endswith(
            "; 2 statements of it ran before the failure and stay applied (the "
            "server commits DDL as it runs): CREATE TABLE t2 ( id INTEGER NOT NULL "
            "AUTO_INCREMENT, PRIMARY KEY (id) ) | ALTER TABLE t1 ADD COLUMN extra "
            "INTEGER; the version table still names a1, so undo them by hand or "
            "finish the revision before running it again"
        )
        assert {"t1", "t2"} <= project.tables()
        with backend.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM t1")).scalar() == 0
    else:
        # transactional DDL: everything rolled back, nothing to clean up
        assert project.rows() in (None, [])
        assert "statement" not in line and "still names" not in line
        # (one transaction for the run: a1's table went with it)
        assert not {"t1", "t2"} & project.tables()


def test_quiet_subprocess_has_empty_stderr(tmp_path: Path) -> None:
    """Outside CliRunner too: logging configured by env.py stays silent."""
    project = make_project(tmp_path, url=f"sqlite:///{tmp_path}/x.db")
    write_revision(project / "migrations" / "versions", "a1", None)
    proc = run_cli_subprocess(["-q", "upgrade", "head"], cwd=project)
    assert proc.returncode == 0
    assert proc.stdout == "" and proc.stderr == ""
