# ruff: noqa: E501  (seed output lines are quoted verbatim)
"""Every example session of seeds/branches.md, through the real CLI.

Revision ids, messages and output lines are the seed's.  Where the seed page
contradicts itself (it was written across several releases), each session
starts from the state its own output implies; notes below say where.
Upgrades run on the project's SQLite file.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.script._seed import (
    cli,
    project,
    running,
    seed,
    without_dates,
    write_seed_revision,
)

BRANCH_POINT = ("1975ea83b712", "ae1027a6acf", "27c6a30d7c24")

#: The seed's ``revision`` commands that more than one session runs (the seed's
#: ids given as --rev-id).
NEW_CART_COLUMN = (
    "revision",
    "-m",
    "add a shopping cart column",
    "--head",
    "shoppingcart@head",
    "--rev-id",
    "d747a8a8879",
)
NEW_ACCOUNT_COLUMN = (
    "revision",
    "-m",
    "add another account column",
    "--head",
    "ae10@head",
    "--rev-id",
    "55af2cb1c267",
)
NEW_NETWORKING_BASE = (
    "revision",
    "-m",
    "create networking branch",
    "--head=base",
    "--branch-label=networking",
    "--version-path=model/networking",
    "--rev-id",
    "3cac04ae8714",
)


def branch_point_project(tmp_path: Path, shoppingcart_label: bool = False) -> Path:
    proj = project(tmp_path)
    write_seed_revision(proj, "1975ea83b712", None)
    write_seed_revision(proj, "ae1027a6acf", "1975ea83b712")
    write_seed_revision(
        proj,
        "27c6a30d7c24",
        "1975ea83b712",
        branch_labels=("shoppingcart",) if shoppingcart_label else None,
    )
    return proj


VERBOSE_27C6 = """
    Rev: 27c6a30d7c24 (head)
    Parent: 1975ea83b712
    Path: foo/versions/27c6a30d7c24_add_shopping_cart_table.py

        add shopping cart table

        Revision ID: 27c6a30d7c24
        Revises: 1975ea83b712
        Create Date: 2014-11-20 13:03:11.436407
"""

VERBOSE_AE10 = """
    Rev: ae1027a6acf (head)
    Parent: 1975ea83b712
    Path: foo/versions/ae1027a6acf_add_a_column.py

        add a column

        Revision ID: ae1027a6acf
        Revises: 1975ea83b712
        Create Date: 2014-11-20 13:02:54.849677
"""


def test_branch_point_branches_history_heads(tmp_path: Path) -> None:
    proj = branch_point_project(tmp_path)
    assert cli(proj, "branches", "--verbose") == seed("""
        Rev: 1975ea83b712 (branchpoint)
        Parent: <base>
        Branches into: 27c6a30d7c24, ae1027a6acf
        Path: foo/versions/1975ea83b712_add_account_table.py

            create account table

            Revision ID: 1975ea83b712
            Revises:
            Create Date: 2014-11-20 13:02:46.257104

                     -> 27c6a30d7c24 (head), add shopping cart table
                     -> ae1027a6acf (head), add a column
        """)
    assert cli(proj, "branches") == seed("""
        1975ea83b712 (branchpoint)
                     -> 27c6a30d7c24 (head)
                     -> ae1027a6acf (head)
        """)
    assert cli(proj, "history") == seed("""
        1975ea83b712 -> 27c6a30d7c24 (head), add shopping cart table
        1975ea83b712 -> ae1027a6acf (head), add a column
        <base> -> 1975ea83b712 (branchpoint), create account table
        """)
    assert cli(proj, "heads", "--verbose") == seed(VERBOSE_27C6) + [""] + seed(
        VERBOSE_AE10
    )
    # The seed's older plain listing printed bare ids; SPEC §6 adds "(head)".
    assert cli(proj, "heads") == ["27c6a30d7c24 (head)", "ae1027a6acf (head)"]


def test_upgrade_head_with_two_heads_fails(tmp_path: Path) -> None:
    proj = branch_point_project(tmp_path)
    lines = cli(proj, "upgrade", "head", ok=False)
    failed = [line for line in lines if line.startswith("FAILED")]
    assert len(failed) == 1
    assert failed[0].startswith(
        "FAILED: Multiple head revisions are present for given argument 'head'; "
        "please specify a specific target revision, '<branchname>@head' to "
        "narrow to a specific head, or 'heads' for all heads"
    )
    assert "27c6a30d7c24, ae1027a6acf" in failed[0]
    assert "Traceback" not in "\n".join(lines)


def test_merge_sessions(tmp_path: Path) -> None:
    proj = branch_point_project(tmp_path)
    out = cli(
        proj,
        "merge",
        "-m",
        "merge ae1 and 27c",
        "ae1027",
        "27c6a",
        "--rev-id",
        "53fffde5ad5",
    )
    assert out == [
        "  Generating foo/versions/53fffde5ad5_merge_ae1_and_27c.py ... done"
    ]
    source = (proj / "foo/versions/53fffde5ad5_merge_ae1_and_27c.py").read_text()
    tree = ast.parse(source)
    doc = ast.get_docstring(tree)
    assert doc.splitlines()[:3] == [
        "merge ae1 and 27c",
        "",
        "Revision ID: 53fffde5ad5",
    ]
    assert "Revises: ae1027a6acf, 27c6a30d7c24" in doc
    values = {
        node.target.id: ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.AnnAssign)
    }
    assert values["revision"] == "53fffde5ad5"
    assert values["down_revision"] == ("ae1027a6acf", "27c6a30d7c24")
    assert values["branch_labels"] is None

    assert without_dates(cli(proj, "heads", "--verbose")) == without_dates(seed("""
            Rev: 53fffde5ad5 (head) (mergepoint)
            Merges: ae1027a6acf, 27c6a30d7c24
            Path: foo/versions/53fffde5ad5_merge_ae1_and_27c.py

                merge ae1 and 27c

                Revision ID: 53fffde5ad5
                Revises: ae1027a6acf, 27c6a30d7c24
                Create Date: 2014-11-20 13:31:50.811663
            """))
    assert cli(proj, "history") == seed("""
        ae1027a6acf, 27c6a30d7c24 -> 53fffde5ad5 (head) (mergepoint), merge ae1 and 27c
        1975ea83b712 -> ae1027a6acf, add a column
        1975ea83b712 -> 27c6a30d7c24, add shopping cart table
        <base> -> 1975ea83b712 (branchpoint), create account table
        """)
    # The version-table SQL of "merge mechanics", offline.
    sql = cli(proj, "upgrade", "head", "--sql")
    statements = [
        line.rstrip(";")
        for line in sql
        if line.startswith(("-- Running", "INSERT", "UPDATE", "DELETE"))
    ]
    assert statements == seed("""
        -- Running upgrade  -> 1975ea83b712
        INSERT INTO alembic_version (version_num) VALUES ('1975ea83b712')
        -- Running upgrade 1975ea83b712 -> 27c6a30d7c24
        UPDATE alembic_version SET version_num='27c6a30d7c24' WHERE alembic_version.version_num = '1975ea83b712'
        -- Running upgrade 1975ea83b712 -> ae1027a6acf
        INSERT INTO alembic_version (version_num) VALUES ('ae1027a6acf')
        -- Running upgrade ae1027a6acf, 27c6a30d7c24 -> 53fffde5ad5
        DELETE FROM alembic_version WHERE alembic_version.version_num = 'ae1027a6acf'
        UPDATE alembic_version SET version_num='53fffde5ad5' WHERE alembic_version.version_num = '27c6a30d7c24'
        """)
    assert running(cli(proj, "upgrade", "head")) == seed("""
        INFO  [alembic.migration] Running upgrade  -> 1975ea83b712, create account table
        INFO  [alembic.migration] Running upgrade 1975ea83b712 -> 27c6a30d7c24, add shopping cart table
        INFO  [alembic.migration] Running upgrade 1975ea83b712 -> ae1027a6acf, add a column
        INFO  [alembic.migration] Running upgrade ae1027a6acf, 27c6a30d7c24 -> 53fffde5ad5, merge ae1 and 27c
        """)


def test_merge_from_either_branch_applies_the_other_first(tmp_path: Path) -> None:
    proj = branch_point_project(tmp_path)
    cli(
        proj,
        "merge",
        "-m",
        "merge ae1 and 27c",
        "ae10",
        "27c6",
        "--rev-id",
        "53fffde5ad5",
    )
    cli(proj, "upgrade", "ae1027")
    assert running(cli(proj, "upgrade", "head")) == seed("""
        INFO  [alembic.migration] Running upgrade 1975ea83b712 -> 27c6a30d7c24, add shopping cart table
        INFO  [alembic.migration] Running upgrade ae1027a6acf, 27c6a30d7c24 -> 53fffde5ad5, merge ae1 and 27c
        """)
    assert cli(proj, "current")[-1] == "53fffde5ad5 (head) (mergepoint)"


def test_explicit_branches_upgrade_heads_and_step_down(tmp_path: Path) -> None:
    proj = branch_point_project(tmp_path)
    assert running(cli(proj, "upgrade", "heads")) == seed("""
        INFO  [alembic.migration] Running upgrade  -> 1975ea83b712, create account table
        INFO  [alembic.migration] Running upgrade 1975ea83b712 -> ae1027a6acf, add a column
        INFO  [alembic.migration] Running upgrade 1975ea83b712 -> 27c6a30d7c24, add shopping cart table
        """)
    assert current(proj) == ["ae1027a6acf (head)", "27c6a30d7c24 (head)"]
    assert running(cli(proj, "downgrade", "-1")) == seed("""
        INFO  [alembic.migration] Running downgrade ae1027a6acf -> 1975ea83b712, add a column
        """)
    assert current(proj) == ["27c6a30d7c24 (head)"]
    assert running(cli(proj, "downgrade", "-1")) == seed("""
        INFO  [alembic.migration] Running downgrade 27c6a30d7c24 -> 1975ea83b712, add shopping cart table
        """)
    assert current(proj) == ["1975ea83b712 (branchpoint)"]
    assert running(cli(proj, "downgrade", "-1")) == seed("""
        INFO  [alembic.migration] Running downgrade 1975ea83b712 -> , create account table
        """)
    assert current(proj) == ["(no revision applied)"]

    assert running(cli(proj, "upgrade", "27c6a")) == seed("""
        INFO  [alembic.migration] Running upgrade  -> 1975ea83b712, create account table
        INFO  [alembic.migration] Running upgrade 1975ea83b712 -> 27c6a30d7c24, add shopping cart table
        """)
    assert running(cli(proj, "upgrade", "ae102")) == seed("""
        INFO  [alembic.migration] Running upgrade 1975ea83b712 -> ae1027a6acf, add a column
        """)


def current(proj: Path) -> list[str]:
    """``current`` output without log lines."""
    return [line for line in cli(proj, "current") if "[" not in line]


def test_branch_labels_sessions(tmp_path: Path) -> None:
    proj = branch_point_project(tmp_path, shoppingcart_label=True)
    assert cli(proj, "history") == seed("""
        1975ea83b712 -> 27c6a30d7c24 (shoppingcart) (head), add shopping cart table
        1975ea83b712 -> ae1027a6acf (head), add a column
        <base> -> 1975ea83b712 (branchpoint), create account table
        """)
    assert cli(proj, "show", "shoppingcart") == seed("""
        Rev: 27c6a30d7c24 (head)
        Parent: 1975ea83b712
        Branch names: shoppingcart
        Path: foo/versions/27c6a30d7c24_add_shopping_cart_table.py

            add shopping cart table

            Revision ID: 27c6a30d7c24
            Revises: 1975ea83b712
            Create Date: 2014-11-20 13:03:11.436407
        """)
    cli(proj, "upgrade", "1975ea83b712")
    assert running(cli(proj, "upgrade", "shoppingcart@head")) == seed("""
        INFO  [alembic.migration] Running upgrade 1975ea83b712 -> 27c6a30d7c24, add shopping cart table
        """)
    failed = cli(proj, "revision", "-m", "add a shopping cart column", ok=False)
    assert failed[0].startswith(
        "FAILED: Multiple heads are present; please specify the head revision on "
        "which the new revision should be based, or perform a merge."
    )
    assert cli(
        proj,
        *NEW_CART_COLUMN,
    ) == [
        "  Generating foo/versions/d747a8a8879_add_a_shopping_cart_column.py ... done"
    ]
    assert cli(proj, "history") == seed("""
        1975ea83b712 -> ae1027a6acf (head), add a column
        27c6a30d7c24 -> d747a8a8879 (shoppingcart) (head), add a shopping cart column
        1975ea83b712 -> 27c6a30d7c24 (shoppingcart), add shopping cart table
        <base> -> 1975ea83b712 (branchpoint), create account table
        """)
    assert cli(proj, "history", "-r", "shoppingcart:") == seed("""
        27c6a30d7c24 -> d747a8a8879 (shoppingcart) (head), add a shopping cart column
        1975ea83b712 -> 27c6a30d7c24 (shoppingcart), add shopping cart table
        """)
    assert cli(proj, "history", "-r", ":shoppingcart@head") == seed("""
        27c6a30d7c24 -> d747a8a8879 (shoppingcart) (head), add a shopping cart column
        1975ea83b712 -> 27c6a30d7c24 (shoppingcart), add shopping cart table
        <base> -> 1975ea83b712 (branchpoint), create account table
        """)
    assert cli(proj, "history", "-r", "shoppingcart@base:") == seed("""
        1975ea83b712 -> ae1027a6acf (head), add a column
        27c6a30d7c24 -> d747a8a8879 (shoppingcart) (head), add a shopping cart column
        1975ea83b712 -> 27c6a30d7c24 (shoppingcart), add shopping cart table
        <base> -> 1975ea83b712 (branchpoint), create account table
        """)
    assert cli(
        proj,
        *NEW_ACCOUNT_COLUMN,
    ) == [
        "  Generating foo/versions/55af2cb1c267_add_another_account_column.py ... done"
    ]
    assert cli(proj, "heads") == [
        "55af2cb1c267 (head)",
        "d747a8a8879 (shoppingcart) (head)",
    ]


def test_more_label_syntaxes(tmp_path: Path) -> None:
    proj = branch_point_project(tmp_path, shoppingcart_label=True)
    write_seed_revision(proj, "d747a8a8879", "27c6a30d7c24")
    # shoppingcart@+2 from an empty database: up the shoppingcart lineage.
    assert running(cli(proj, "upgrade", "shoppingcart@+2")) == seed("""
        INFO  [alembic.migration] Running upgrade  -> 1975ea83b712, create account table
        INFO  [alembic.migration] Running upgrade 1975ea83b712 -> 27c6a30d7c24, add shopping cart table
        """)
    cli(proj, "downgrade", "base")
    cli(proj, "upgrade", "1975ea83b712")
    lines = [
        line
        for line in cli(proj, "history", "-r", "current:shoppingcart@+2")
        if "[" not in line
    ]
    assert lines == seed("""
        27c6a30d7c24 -> d747a8a8879 (shoppingcart) (head), add a shopping cart column
        1975ea83b712 -> 27c6a30d7c24 (shoppingcart), add shopping cart table
        <base> -> 1975ea83b712 (branchpoint), create account table
        """)
    assert cli(proj, "history", "-r", ":shoppingcart@head-2") == [
        "<base> -> 1975ea83b712 (branchpoint), create account table"
    ]
    assert running(cli(proj, "upgrade", "shoppingcart@heads")) == seed("""
        INFO  [alembic.migration] Running upgrade 1975ea83b712 -> 27c6a30d7c24, add shopping cart table
        INFO  [alembic.migration] Running upgrade 27c6a30d7c24 -> d747a8a8879, add a shopping cart column
        """)


def multi_base_project(tmp_path: Path) -> Path:
    proj = project(tmp_path, networking=True)
    write_seed_revision(proj, "1975ea83b712", None)
    write_seed_revision(proj, "ae1027a6acf", "1975ea83b712")
    write_seed_revision(
        proj, "27c6a30d7c24", "1975ea83b712", branch_labels=("shoppingcart",)
    )
    return proj


def test_multiple_bases_sessions(tmp_path: Path) -> None:
    proj = multi_base_project(tmp_path)
    assert cli(
        proj,
        *NEW_NETWORKING_BASE,
    ) == [
        "  Creating directory model/networking ... done",
        "  Generating model/networking/3cac04ae8714_create_networking_branch.py ... done",
    ]
    assert cli(proj, "heads") == seed("""
        3cac04ae8714 (networking) (head)
        27c6a30d7c24 (shoppingcart) (head)
        ae1027a6acf (head)
        """)
    assert cli(
        proj,
        "revision",
        "-m",
        "add ip number table",
        "--head=networking@head",
        "--rev-id",
        "109ec7d132bf",
    ) == ["  Generating model/networking/109ec7d132bf_add_ip_number_table.py ... done"]
    assert cli(
        proj, "revision", "-m", "add DNS table", "--head=networking", ok=False
    ) == [
        "FAILED: Revision 3cac04ae8714 is not a head revision; please specify "
        "--splice to create a new branch from this revision"
    ]
    cli(
        proj,
        "revision",
        "-m",
        "add DNS table",
        "--head=networking@head",
        "--rev-id",
        "29f859a13ea",
    )
    expected = seed("""
        109ec7d132bf -> 29f859a13ea (networking) (head), add DNS table
        3cac04ae8714 -> 109ec7d132bf (networking), add ip number table
        <base> -> 3cac04ae8714 (networking), create networking branch
        """)
    assert cli(proj, "history", "-r", "networking@base:") == expected
    assert cli(proj, "history", "-r", ":networking@head") == expected
    assert running(cli(proj, "upgrade", "networking@head")) == seed("""
        INFO  [alembic.migration] Running upgrade  -> 3cac04ae8714, create networking branch
        INFO  [alembic.migration] Running upgrade 3cac04ae8714 -> 109ec7d132bf, add ip number table
        INFO  [alembic.migration] Running upgrade 109ec7d132bf -> 29f859a13ea, add DNS table
        """)
    # The seed's later "upgrade heads" shows d747 and 55af present as well.
    cli(
        proj,
        *NEW_CART_COLUMN,
    )
    cli(
        proj,
        *NEW_ACCOUNT_COLUMN,
    )
    assert running(cli(proj, "upgrade", "heads")) == seed("""
        INFO  [alembic.migration] Running upgrade  -> 1975ea83b712, create account table
        INFO  [alembic.migration] Running upgrade 1975ea83b712 -> 27c6a30d7c24, add shopping cart table
        INFO  [alembic.migration] Running upgrade 27c6a30d7c24 -> d747a8a8879, add a shopping cart column
        INFO  [alembic.migration] Running upgrade 1975ea83b712 -> ae1027a6acf, add a column
        INFO  [alembic.migration] Running upgrade ae1027a6acf -> 55af2cb1c267, add another account column
        """)


def test_template_without_branch_labels(tmp_path: Path) -> None:
    proj = multi_base_project(tmp_path)
    template = proj / "foo" / "script.py.mako"
    text = template.read_text()
    template.write_text(
        "\n".join(line for line in text.splitlines() if "branch_labels" not in line)
    )
    assert cli(
        proj,
        *NEW_NETWORKING_BASE,
        ok=False,
    )[-1] == (
        "FAILED: Version 3cac04ae8714 specified branch_labels networking, however "
        "the migration file model/networking/3cac04ae8714_create_networking_branch.py "
        "does not have them; have you upgraded your script.py.mako to include the "
        "'branch_labels' section?"
    )


def dependency_project(tmp_path: Path, ae10_message: str = "Add a column") -> Path:
    """The state before "Branch Dependencies" (the seed shows no d747 there)."""
    proj = project(tmp_path, networking=True)
    write_seed_revision(proj, "1975ea83b712", None)
    write_seed_revision(proj, "ae1027a6acf", "1975ea83b712", message=ae10_message)
    write_seed_revision(
        proj, "27c6a30d7c24", "1975ea83b712", branch_labels=("shoppingcart",)
    )
    write_seed_revision(proj, "55af2cb1c267", "ae1027a6acf")
    net = "model/networking"
    write_seed_revision(proj, "3cac04ae8714", None, ("networking",), location=net)
    write_seed_revision(proj, "109ec7d132bf", "3cac04ae8714", location=net)
    write_seed_revision(proj, "29f859a13ea", "109ec7d132bf", location=net)
    return proj


def test_branch_dependencies_sessions(tmp_path: Path) -> None:
    proj = dependency_project(tmp_path)
    cli(proj, "upgrade", "heads")
    assert cli(
        proj,
        "revision",
        "-m",
        "add ip account table",
        "--head=networking@head",
        "--depends-on=55af2cb1c267",
        "--rev-id",
        "2a95102259be",
    ) == ["  Generating model/networking/2a95102259be_add_ip_account_table.py ... done"]
    source = (
        proj / "model/networking/2a95102259be_add_ip_account_table.py"
    ).read_text()
    assert "depends_on: Union[str, Sequence[str], None] = '55af2cb1c267'" in source
    assert "down_revision: Union[str, Sequence[str], None] = '29f859a13ea'" in source

    assert cli(proj, "history", "-r", ":networking@head") == seed("""
        29f859a13ea (55af2cb1c267) -> 2a95102259be (networking) (head), add ip account table
        109ec7d132bf -> 29f859a13ea (networking), add DNS table
        3cac04ae8714 -> 109ec7d132bf (networking), add ip number table
        <base> -> 3cac04ae8714 (networking), create networking branch
        ae1027a6acf -> 55af2cb1c267 (effective head), add another account column
        1975ea83b712 -> ae1027a6acf, Add a column
        <base> -> 1975ea83b712 (branchpoint), create account table
        """)
    assert cli(proj, "history", "-r", "networking@base:") == seed("""
        29f859a13ea (55af2cb1c267) -> 2a95102259be (networking) (head), add ip account table
        109ec7d132bf -> 29f859a13ea (networking), add DNS table
        3cac04ae8714 -> 109ec7d132bf (networking), add ip number table
        <base> -> 3cac04ae8714 (networking), create networking branch
        """)
    assert cli(proj, "heads") == seed("""
        2a95102259be (networking) (head)
        27c6a30d7c24 (shoppingcart) (head)
        55af2cb1c267 (effective head)
        """)
    assert cli(proj, "heads", "--resolve-dependencies") == [
        "2a95102259be (networking) (head)",
        "27c6a30d7c24 (shoppingcart) (head)",
    ]
    assert running(cli(proj, "upgrade", "heads")) == seed("""
        INFO  [alembic.migration] Running upgrade 29f859a13ea, 55af2cb1c267 -> 2a95102259be, add ip account table
        """)
    assert sorted(current(proj)) == ["27c6a30d7c24 (head)", "2a95102259be (head)"]

    assert cli(
        proj,
        "revision",
        "-m",
        "more account changes",
        "--head=55af2cb@head",
        "--rev-id",
        "34e094ad6ef1",
    ) == ["  Generating foo/versions/34e094ad6ef1_more_account_changes.py ... done"]
    assert running(cli(proj, "upgrade", "heads")) == seed("""
        INFO  [alembic.migration] Running upgrade 55af2cb1c267 -> 34e094ad6ef1, more account changes
        """)
    assert sorted(current(proj)) == [
        "27c6a30d7c24 (head)",
        "2a95102259be (head)",
        "34e094ad6ef1 (head)",
    ]
    assert cli(proj, "history") == seed("""
        29f859a13ea (55af2cb1c267) -> 2a95102259be (networking) (head), add ip account table
        109ec7d132bf -> 29f859a13ea (networking), add DNS table
        3cac04ae8714 -> 109ec7d132bf (networking), add ip number table
        <base> -> 3cac04ae8714 (networking), create networking branch
        1975ea83b712 -> 27c6a30d7c24 (shoppingcart) (head), add shopping cart table
        55af2cb1c267 -> 34e094ad6ef1 (head), more account changes
        ae1027a6acf -> 55af2cb1c267, add another account column
        1975ea83b712 -> ae1027a6acf, Add a column
        <base> -> 1975ea83b712 (branchpoint), create account table
        """)


def test_depends_on_several_partial_ids_and_labels(tmp_path: Path) -> None:
    proj = dependency_project(tmp_path)
    write_seed_revision(proj, "d747a8a8879", "27c6a30d7c24")
    fa = proj / "foo/versions/fa4456a9201_x.py"
    fa.write_text("revision = 'fa4456a9201'\ndown_revision = '55af2cb1c267'\n")
    cli(
        proj,
        "revision",
        "-m",
        "add ip account table",
        "--head=networking@head",
        "--depends-on=55af2cb1c267",
        "--depends-on=d747a",
        "--depends-on=fa445",
        "--rev-id",
        "2a95102259be",
    )
    source = (
        proj / "model/networking/2a95102259be_add_ip_account_table.py"
    ).read_text()
    assert (
        "depends_on: Union[str, Sequence[str], None] = "
        "('55af2cb1c267', 'd747a8a8879', 'fa4456a9201')"
    ) in source
    # A branch name stays symbolic in the file and resolves when loaded.
    cli(
        proj,
        "revision",
        "-m",
        "x",
        "--head=networking@head",
        "--depends-on=shoppingcart",
        "--rev-id",
        "0badc0ffee01",
    )
    source = next((proj / "model/networking").glob("0badc0ffee01_*.py")).read_text()
    assert "depends_on: Union[str, Sequence[str], None] = 'shoppingcart'" in source
    assert cli(proj, "show", "0badc0ffee01")[:3] == [
        "Rev: 0badc0ffee01 (head)",
        "Parent: 2a95102259be",
        "Also depends on: 27c6a30d7c24",
    ]
