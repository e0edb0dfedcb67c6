"""``revision`` and ``merge`` through the real CLI: what they print, and which
revisions ``merge`` accepts."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.helpers import run_cli
from tests.script._seed import cli, project, write_seed_revision
from tests.script.test_script_directory import failed, set_option

BRANCH_POINT = "1975ea83b712"
COLUMN = "ae1027a6acf"
CART = "27c6a30d7c24"


def _down_revision(proj: Path, rev: str) -> object:
    (path,) = (proj / "foo" / "versions").glob(f"{rev}_*.py")
    tree = ast.parse(path.read_text("utf-8"))
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and node.target.id == "down_revision":
            return ast.literal_eval(node.value)
    raise AssertionError(f"no down_revision in {path}")


def test_revision_status_line_is_printed_once(tmp_path: Path) -> None:
    """With env.py running (it sets up logging), the line used to be logged too."""
    proj = project(tmp_path)
    set_option(proj, "revision_environment = true")
    result = run_cli(["revision", "-m", "first", "--rev-id", "abc1"], cwd=proj)
    assert result.exit_code == 0, result.output
    lines = result.output.replace(str(proj) + "/", "").splitlines()
    assert [line for line in lines if "Generating" in line or "done" in line] == [
        "  Generating foo/versions/abc1_first.py ... done"
    ]

    # -q silences it entirely.
    result = run_cli(["-q", "revision", "-m", "second", "--rev-id", "abc2"], cwd=proj)
    assert result.exit_code == 0, result.output
    assert "Generating" not in result.output and "done" not in result.output
    assert (proj / "foo" / "versions" / "abc2_second.py").is_file()


def _branch_point(tmp_path: Path) -> Path:
    proj = project(tmp_path)
    write_seed_revision(proj, BRANCH_POINT, None)
    write_seed_revision(proj, COLUMN, BRANCH_POINT)
    write_seed_revision(proj, CART, BRANCH_POINT)
    return proj


def test_merge_joins_heads_and_refuses_non_heads(tmp_path: Path) -> None:
    proj = _branch_point(tmp_path)
    cli(proj, "revision", "-m", "more", "--head", CART, "--rev-id", "c2")

    # CART now has a descendant: merging it would leave c2 as a stray head.
    assert failed(proj, "merge", "-m", "m", COLUMN, CART) == (
        f"FAILED: Can't merge {CART}: not a head revision; merge heads only "
        "(see 'schemadiff heads'), or please specify --splice to create a new "
        "branch from this revision"
    )

    # Naming a head twice (or by prefix) joins it once.
    out = cli(proj, "merge", "-m", "m", COLUMN[:4], "c2", COLUMN, "--rev-id", "m1")
    assert out == ["  Generating foo/versions/m1_m.py ... done"]
    assert _down_revision(proj, "m1") == (COLUMN, "c2")
    assert cli(proj, "heads") == ["m1 (head)"]

    # A single head (named, or the only one `heads` finds) is refused: the
    # "merge" would be a pointless empty revision.
    for args in (["m1"], ["heads"], ["m1", "heads"]):
        assert failed(proj, "merge", "-m", "solo", *args, "--rev-id", "s1") == (
            "FAILED: only one head; nothing to merge (m1)"
        )
    assert not list((proj / "foo" / "versions").glob("s1_*.py"))
    cli(proj, "revision", "-m", "solo", "--rev-id", "s1")

    # `heads` joins every head, whatever their number.
    cli(
        proj,
        "revision",
        "-m",
        "side",
        "--head",
        BRANCH_POINT,
        "--splice",
        "--rev-id",
        "x1",
    )
    cli(proj, "merge", "heads", "-m", "all", "--rev-id", "all1")
    assert _down_revision(proj, "all1") == ("s1", "x1")
    assert cli(proj, "heads") == ["all1 (head)"]


def test_merge_refuses_ancestors_in_one_line(tmp_path: Path) -> None:
    proj = _branch_point(tmp_path)
    assert failed(proj, "merge", "-m", "x", COLUMN, BRANCH_POINT) == (
        f"FAILED: Can't merge {COLUMN} with its own ancestor {BRANCH_POINT}; "
        "please specify --splice to create a new branch from this revision"
    )
    assert failed(proj, "merge", "-m", "x", BRANCH_POINT, CART, COLUMN) == (
        f"FAILED: Can't merge {CART} with its own ancestor {BRANCH_POINT}; "
        "please specify --splice to create a new branch from this revision"
    )
    assert failed(proj, "merge", "-m", "x", "zzzz") == (
        "FAILED: No such revision or branch 'zzzz'"
    )
    assert len(list((proj / "foo" / "versions").glob("*.py"))) == 3
