"""The identifier sections of the tutorials: partial ids, relative steps,
history ranges (seeds/tutorial-latest.md, seeds/tutorial-0.8.md)."""

from __future__ import annotations

from pathlib import Path

from tests.script._seed import cli, project, running, write_seed_revision


def linear_project(tmp_path: Path) -> Path:
    """1975ea83b712 -> ae1027a6acf -> 27c6a30d7c24 -> d747a8a8879 (a line)."""
    proj = project(tmp_path)
    write_seed_revision(proj, "1975ea83b712", None)
    write_seed_revision(proj, "ae1027a6acf", "1975ea83b712", message="Add a column")
    write_seed_revision(proj, "27c6a30d7c24", "ae1027a6acf")
    write_seed_revision(proj, "d747a8a8879", "27c6a30d7c24")
    return proj


def ran(proj: Path, *args: str) -> list[str]:
    return [line.split("] ", 1)[1] for line in running(cli(proj, *args))]


def test_partial_and_relative_identifiers(tmp_path: Path) -> None:
    proj = linear_project(tmp_path)
    assert ran(proj, "upgrade", "ae1") == [
        "Running upgrade  -> 1975ea83b712, create account table",
        "Running upgrade 1975ea83b712 -> ae1027a6acf, Add a column",
    ]
    assert ran(proj, "upgrade", "+2") == [
        "Running upgrade ae1027a6acf -> 27c6a30d7c24, add shopping cart table",
        "Running upgrade 27c6a30d7c24 -> d747a8a8879, add a shopping cart column",
    ]
    assert ran(proj, "downgrade", "-1") == [
        "Running downgrade d747a8a8879 -> 27c6a30d7c24, add a shopping cart column",
    ]
    assert ran(proj, "downgrade", "ae10") == [
        "Running downgrade 27c6a30d7c24 -> ae1027a6acf, add shopping cart table",
    ]
    assert ran(proj, "upgrade", "ae10+2") == [
        "Running upgrade ae1027a6acf -> 27c6a30d7c24, add shopping cart table",
        "Running upgrade 27c6a30d7c24 -> d747a8a8879, add a shopping cart column",
    ]
    assert ran(proj, "downgrade", "head-3") == [
        "Running downgrade d747a8a8879 -> 27c6a30d7c24, add a shopping cart column",
        "Running downgrade 27c6a30d7c24 -> ae1027a6acf, add shopping cart table",
        "Running downgrade ae1027a6acf -> 1975ea83b712, Add a column",
    ]
    assert ran(proj, "downgrade", "base") == [
        "Running downgrade 1975ea83b712 -> , create account table",
    ]
    failed = cli(proj, "upgrade", "+5", ok=False)[-1]
    assert failed.startswith("FAILED: Relative revision +5 didn't produce 5 migrations")


def test_history_ranges(tmp_path: Path) -> None:
    proj = linear_project(tmp_path)
    assert cli(proj, "history", "-r1975ea:ae1027") == [
        "1975ea83b712 -> ae1027a6acf, Add a column",
        "<base> -> 1975ea83b712, create account table",
    ]
    assert cli(proj, "history", "-r1975ea:") == [
        "27c6a30d7c24 -> d747a8a8879 (head), add a shopping cart column",
        "ae1027a6acf -> 27c6a30d7c24, add shopping cart table",
        "1975ea83b712 -> ae1027a6acf, Add a column",
        "<base> -> 1975ea83b712, create account table",
    ]
    assert (
        cli(proj, "history", "-r", "ae10:head") == cli(proj, "history", "-rae10:")[:3]
    )
    cli(proj, "upgrade", "27c6")
    for args in (["-r-1:current"], ["--rev-range=-1:current"]):
        lines = [line for line in cli(proj, "history", *args) if "[" not in line]
        assert lines == [
            "ae1027a6acf -> 27c6a30d7c24, add shopping cart table",
            "1975ea83b712 -> ae1027a6acf, Add a column",
        ]
    # A relative start further back than base stops at base.
    lines = [line for line in cli(proj, "history", "-r-9:current") if "[" not in line]
    assert len(lines) == 3
    assert cli(proj, "history", "-r", "base:+1") == [
        "<base> -> 1975ea83b712, create account table",
    ]
    verbose = cli(proj, "history", "--verbose", "-r", ":1975")
    assert verbose == [
        "Rev: 1975ea83b712",
        "Parent: <base>",
        "Path: foo/versions/1975ea83b712_add_account_table.py",
        "",
        "    create account table",
        "",
        "    Revision ID: 1975ea83b712",
        "    Revises:",
        "    Create Date: 2014-11-20 13:02:46.257104",
    ]
