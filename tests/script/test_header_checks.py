"""Revision ids and headers that the version table or the graph can't take are
refused in one line naming the file and the attribute; messages of any text
produce a revision file that parses back to the same message."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from schemadiff.script.revision import MAX_REV_ID_LENGTH, Revision, RevisionError
from tests.script._seed import cli, project, write_seed_revision
from tests.script.test_script_directory import failed, write

LONG_ID = "a" * (MAX_REV_ID_LENGTH + 1)
MAX_ID = "b" * MAX_REV_ID_LENGTH


def test_rev_id_longer_than_the_version_column_is_refused_when_writing(
    tmp_path: Path,
) -> None:
    proj = project(tmp_path)
    assert failed(proj, "revision", "-m", "x", "--rev-id", LONG_ID) == (
        f"FAILED: Revision id '{LONG_ID}' is 33 characters long; the version "
        "table holds at most 32"
    )
    cli(proj, "revision", "-m", "x", "--rev-id", MAX_ID)
    cli(proj, "revision", "-m", "y", "--head", "base", "--rev-id", "c1")
    assert "is 33 characters long" in failed(
        proj, "merge", "-m", "m", "heads", "--rev-id", LONG_ID
    )
    assert not list((proj / "foo" / "versions").glob(f"{LONG_ID}*"))


def test_rev_id_too_long_in_a_version_file_names_the_file(tmp_path: Path) -> None:
    proj = project(tmp_path)
    write_seed_revision(proj, "1975ea83b712", None)
    write(
        proj / "foo" / "versions" / "long.py",
        f"revision = {LONG_ID!r}\ndown_revision = '1975ea83b712'\n",
    )
    assert failed(proj, "heads") == (
        "FAILED: Revision file foo/versions/long.py: Revision id "
        f"'{LONG_ID}' is 33 characters long; the version table holds at most 32"
    )


@pytest.mark.parametrize(
    "line, attribute",
    [
        ("down_revision = 27", "down_revision"),
        ("branch_labels = 5", "branch_labels"),
        ("depends_on = 5", "depends_on"),
        ("down_revision = ('a1', 3)", "down_revision"),
        ("depends_on = {'x': 1}", "depends_on"),
    ],
)
def test_bad_header_types_are_one_line_errors(
    tmp_path: Path, line: str, attribute: str
) -> None:
    proj = project(tmp_path)
    write(
        proj / "foo" / "versions" / "a1_x.py",
        "revision = 'a1'\ndown_revision = None\n",
    )
    write(proj / "foo" / "versions" / "b2_x.py", f"revision = 'b2'\n{line}\n")
    message = failed(proj, "history")
    assert message.startswith(
        f"FAILED: Revision file foo/versions/b2_x.py: Revision b2: {attribute} "
        "must be None, a string or a tuple of strings, not "
    )


def test_revision_rejects_bad_attribute_types() -> None:
    with pytest.raises(RevisionError, match="branch_labels must be"):
        Revision("a1", None, branch_labels=5)  # type: ignore[arg-type]
    with pytest.raises(RevisionError, match="down_revision must be"):
        Revision("a1", 27)  # type: ignore[arg-type]
    assert Revision("a1", ["x", "y"]).down_revisions == ("x", "y")


@pytest.mark.parametrize(
    "message",
    ['a """b"""', 'ends with a quote"', "back\\slash \\n and '''", '""""'],
)
def test_any_message_makes_a_parsable_file(tmp_path: Path, message: str) -> None:
    proj = project(tmp_path)
    cli(proj, "revision", "-m", message, "--rev-id", "q1")
    (path,) = (proj / "foo" / "versions").glob("q1_*.py")
    tree = ast.parse(path.read_text("utf-8"))
    assert ast.get_docstring(tree, clean=False).startswith(message + "\n")
    assert cli(proj, "history") == [f"<base> -> q1 (head), {message}"]
