"""``schemadiff lint`` through the CLI: text and JSON reports, exit codes,
ranges, the off switches, and the README's sample history linting clean."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.helpers import make_project, run_cli, write_revision

SAMPLE = Path(__file__).resolve().parents[2] / "sample_models"

RISKY = """
op.create_index("ix_account_name2", "account", ["name"])
op.add_column("account", sa.Column("age", sa.Integer, nullable=False))
op.drop_column("account", "name")
"""


def risky_project(tmp_path: Path) -> Path:
    proj = make_project(tmp_path)
    versions = proj / "migrations" / "versions"
    write_revision(
        versions,
        "a1",
        None,
        upgrade='op.create_table("account", sa.Column("id", sa.Integer, '
        'primary_key=True), sa.Column("name", sa.String(50)))\n'
        'op.create_index("ix_account_name", "account", ["name"])',
        downgrade='op.drop_table("account")',
    )
    write_revision(versions, "b2", "a1", upgrade=RISKY)
    return proj


def lint(proj: Path, *args: str, code: int) -> str:
    result = run_cli(["lint", *args], cwd=proj)
    assert result.exit_code == code, result.output
    return result.output


def lint_json(proj: Path, *args: str, code: int) -> dict:
    """The parsed JSON report (stdout only: env.py logs go to stderr)."""
    result = run_cli(["lint", "--format", "json", *args], cwd=proj)
    assert result.exit_code == code, result.output
    return json.loads(result.stdout)


def test_json_report_names_rule_revision_and_line(tmp_path: Path) -> None:
    proj = risky_project(tmp_path)
    report = lint_json(proj, "--dialect", "postgresql", code=1)
    assert report["dialect"] == "postgresql"
    assert report["revisions"] == ["a1", "b2"]
    found = [(f["rule"], f["revision"], f["line"]) for f in report["findings"]]
    source = (proj / "migrations" / "versions" / "b2_.py").read_text().splitlines()

    def line_of(text: str) -> int:
        return next(n for n, line in enumerate(source, 1) if text in line)

    index, add, drop = (
        line_of("op.create_index"),
        line_of("op.add_column"),
        line_of("op.drop_column"),
    )
    assert found == [
        ("require-concurrent-index-creation", "b2", index),
        ("require-lock-timeout", "b2", index),
        ("adding-required-field", "b2", add),
        ("ban-drop-column", "b2", drop),
    ]
    assert report["errors"] == 3 and report["warnings"] == 1
    assert all(f["fix"] and f["path"].endswith("b2_.py") for f in report["findings"])
    out = lint(proj, "--dialect", "postgresql", code=1)
    assert "FAILED: lint found 3 error-level risk(s) in 2 revision(s)" in out


def test_text_report_and_mysql(tmp_path: Path) -> None:
    proj = risky_project(tmp_path)
    out = lint(proj, "--dialect", "mysql", "b2:b2", code=1)
    assert "migrations/versions/b2_.py:18: error: ban-drop-column (revision b2)" in out
    assert "    fix: stop using the column in code first" in out
    assert "1 error, 0 warnings in 1 revision (mysql)" in out
    # the index on a table this revision range did not create is fine on MySQL
    assert "concurrent" not in out


def test_switch_rules_off_per_revision_and_in_config(tmp_path: Path) -> None:
    proj = risky_project(tmp_path)
    path = proj / "migrations" / "versions" / "b2_.py"
    path.write_text(
        path.read_text().replace(
            "def upgrade():",
            "# schemadiff-lint: disable=ban-drop-column, adding-required-field\n"
            "def upgrade():",
        )
    )
    out = lint(proj, "--dialect", "postgresql", code=1)
    assert "ban-drop-column" not in out and "adding-required-field" not in out
    assert "1 error, 1 warning in 2 revisions (postgresql)" in out

    ini = proj / "schemadiff.ini"
    ini.write_text(
        ini.read_text().replace(
            "[schemadiff]\n",
            "[schemadiff]\nlint_disable = require-concurrent-index-creation\n",
            1,
        )
    )
    out = lint(proj, "--dialect", "postgresql", code=0)
    assert "0 errors, 1 warning in 2 revisions (postgresql)" in out

    ini.write_text(ini.read_text().replace("lint_disable = ", "lint_disable = nope "))
    out = lint(proj, "--dialect", "postgresql", code=1)
    assert out.startswith("FAILED: Unknown lint rule(s) nope in the lint_disable")


def test_default_range_is_what_the_database_lacks(tmp_path: Path) -> None:
    proj = risky_project(tmp_path)
    assert run_cli(["upgrade", "a1"], cwd=proj).exit_code == 0
    report = lint_json(proj, code=1)
    assert report["dialect"] == "sqlite"
    assert report["revisions"] == ["b2"]
    assert [f["rule"] for f in report["findings"]] == ["ban-drop-column"]


def test_unreachable_database_lints_everything_for_the_url_dialect(
    tmp_path: Path,
) -> None:
    proj = risky_project(tmp_path)
    ini = proj / "schemadiff.ini"
    text = ini.read_text()
    start = text.index("sqlalchemy.url = ")
    end = text.index("\n", start)
    ini.write_text(
        text[:start]
        + "sqlalchemy.url = postgresql+psycopg://nobody@127.0.0.1:1/none"
        + text[end:]
    )
    report = lint_json(proj, code=1)
    assert report["dialect"] == "postgresql"
    assert report["revisions"] == ["a1", "b2"]


def test_unreadable_revision_is_a_warning(tmp_path: Path) -> None:
    proj = make_project(tmp_path)
    write_revision(
        proj / "migrations" / "versions",
        "c3",
        None,
        upgrade="from schemadiff import context\nif context.get_x_argument():\n"
        "    pass",
    )
    out = lint(proj, "--dialect", "postgresql", code=0)
    assert "warning: unreadable-revision (revision c3)" in out
    assert "0 errors, 1 warning in 1 revision (postgresql)" in out


def test_readme_sample_history_lints_clean(backend, tmp_path: Path) -> None:
    project = tmp_path / "sample"
    shutil.copytree(
        SAMPLE, project, ignore=shutil.ignore_patterns("*.db", "__pycache__")
    )
    for old in (project / "migrations" / "versions").glob("*.py"):
        old.unlink()
    env = {"SCHEMADIFF_URL": backend.url}
    ini = str(project / "schemadiff.ini")

    def run(*args: str, code: int = 0) -> str:
        result = run_cli(["-c", ini, *args], cwd=tmp_path, env=env)
        assert result.exit_code == code, (args, result.output, result.exception)
        return result.output

    run("revision", "--autogenerate", "-m", "initial schema")
    result = run_cli(["-c", ini, "lint", "--format", "json"], cwd=tmp_path, env=env)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["dialect"] == backend.engine.dialect.name
    assert len(report["revisions"]) == 1
    assert report["findings"] == []
    for dialect in ("postgresql", "mysql", "sqlite"):
        out = run("lint", "--dialect", dialect, ":heads")
        assert f"No risky operations in 1 revision ({dialect})." in out
