"""``history --graph`` and ``graph --format mermaid|dot`` on the seed's branch
examples (seeds/branches.md): golden text graphs, structural diagram checks."""

from __future__ import annotations

import re
from pathlib import Path

from schemadiff.script import graph_view
from schemadiff.script.revision import Revision, RevisionMap
from tests.script._seed import cli, project, write_seed_revision


def branch_point(tmp_path: Path) -> Path:
    proj = project(tmp_path)
    write_seed_revision(proj, "1975ea83b712", None)
    write_seed_revision(proj, "ae1027a6acf", "1975ea83b712")
    write_seed_revision(proj, "27c6a30d7c24", "1975ea83b712")
    return proj


def merged(tmp_path: Path) -> Path:
    proj = branch_point(tmp_path)
    cli(
        proj,
        "merge",
        "-m",
        "merge ae1 and 27c",
        "ae1027",
        "27c6a",
        "--rev-id",
        "53fffde5ad5",
    )
    return proj


def posterity(tmp_path: Path) -> Path:
    """The seed's final tree ("For posterity"): two bases, labels, a dependency."""
    proj = project(tmp_path, networking=True)
    write_seed_revision(proj, "1975ea83b712", None)
    write_seed_revision(proj, "ae1027a6acf", "1975ea83b712", message="Add a column")
    write_seed_revision(
        proj, "27c6a30d7c24", "1975ea83b712", branch_labels=("shoppingcart",)
    )
    write_seed_revision(proj, "55af2cb1c267", "ae1027a6acf")
    net = "model/networking"
    write_seed_revision(proj, "3cac04ae8714", None, ("networking",), location=net)
    write_seed_revision(proj, "109ec7d132bf", "3cac04ae8714", location=net)
    write_seed_revision(proj, "29f859a13ea", "109ec7d132bf", location=net)
    cli(
        proj,
        "revision",
        "-m",
        "add ip account table",
        "--head=networking@head",
        "--depends-on=55af2cb1c267",
        "--rev-id",
        "2a95102259be",
    )
    cli(
        proj,
        "revision",
        "-m",
        "more account changes",
        "--head=55af2cb@head",
        "--rev-id",
        "34e094ad6ef1",
    )
    return proj


def graph(proj: Path, *args: str) -> list[str]:
    """``history --graph`` output without env.py's log lines."""
    lines = cli(proj, "history", "--graph", *args)
    return [line for line in lines if not line.startswith("INFO  [")]


def test_branch_point_graph(tmp_path: Path) -> None:
    proj = branch_point(tmp_path)
    assert graph(proj) == [
        "* 27c6a30d7c24 (head), add shopping cart table",
        "| * ae1027a6acf (head), add a column",
        "|/",
        "* 1975ea83b712 (branchpoint), create account table",
    ]


def test_merge_graph_marks_current(tmp_path: Path) -> None:
    proj = merged(tmp_path)
    cli(proj, "upgrade", "ae1027a6acf")
    cli(proj, "upgrade", "27c6a30d7c24")
    assert graph(proj) == [
        "* 53fffde5ad5 (head) (mergepoint), merge ae1 and 27c",
        "|\\",
        "* | ae1027a6acf (current), add a column",
        "| * 27c6a30d7c24 (current), add shopping cart table",
        "|/",
        "* 1975ea83b712 (branchpoint), create account table",
    ]


def test_posterity_graph_with_bases_labels_and_dependency(tmp_path: Path) -> None:
    proj = posterity(tmp_path)
    cli(proj, "upgrade", "heads")
    assert graph(proj) == [
        "* 2a95102259be (networking) (head) (current) (depends on 55af2cb1c267), "
        "add ip account table",
        "* 29f859a13ea (networking), add DNS table",
        "* 109ec7d132bf (networking), add ip number table",
        "* 3cac04ae8714 (networking), create networking branch",
        "",
        "* 27c6a30d7c24 (shoppingcart) (head) (current), add shopping cart table",
        "| * 34e094ad6ef1 (head) (current), more account changes",
        "| * 55af2cb1c267, add another account column",
        "| * ae1027a6acf, Add a column",
        "|/",
        "* 1975ea83b712 (branchpoint), create account table",
    ]
    # a range draws only its part
    assert graph(proj, "-r", "networking@base:") == [
        "* 2a95102259be (networking) (head) (current) (depends on 55af2cb1c267), "
        "add ip account table",
        "* 29f859a13ea (networking), add DNS table",
        "* 109ec7d132bf (networking), add ip number table",
        "* 3cac04ae8714 (networking), create networking branch",
    ]


def test_unreachable_database_draws_without_marks(tmp_path: Path) -> None:
    proj = branch_point(tmp_path)
    ini = proj / "schemadiff.ini"
    ini.write_text(
        re.sub(
            r"^sqlalchemy\.url = .*$",
            "sqlalchemy.url = sqlite:////nonexistent-dir/x/db.sqlite",
            ini.read_text(),
            flags=re.M,
        )
    )
    assert graph(proj)[0] == ("* 27c6a30d7c24 (head), add shopping cart table")


def _order(revs: list[Revision]) -> list[Revision]:
    rmap = RevisionMap(lambda: revs)
    return list(
        rmap.iterate_revisions(
            "heads", "base", inclusive=True, assert_relative_length=False
        )
    )


def test_crossing_lanes_and_octopus_merge_pure() -> None:
    octopus = _order(
        [
            Revision("a", None),
            Revision("b", "a"),
            Revision("c", "a"),
            Revision("d", "a"),
            Revision("e", ("b", "c", "d")),
        ]
    )
    assert graph_view.text_graph(octopus) == [
        "* e (head) (mergepoint)",
        "|\\",
        "|\\ \\",
        "* | | b",
        "| * | c",
        "| | * d",
        "|_|/",
        "|/",
        "* a (branchpoint)",
    ]
    crossing = _order(
        [
            Revision("a", None),
            Revision("b", "a"),
            Revision("c", "b"),
            Revision("x", "a"),
            Revision("m", ("c", "x")),
            Revision("y", "b"),
        ]
    )
    assert graph_view.text_graph(crossing, currents={"y"}) == [
        "* m (head) (mergepoint)",
        "|\\",
        "* | c",
        "| | * y (head) (current)",
        "|_|/",
        "* | b (branchpoint)",
        "| * x",
        "|/",
        "* a (branchpoint)",
    ]


# ------------------------------------------------------------- diagrams

_DOT_NODE = re.compile(r"^    (r_\w+) \[(.*)\];$")
_DOT_EDGE = re.compile(r"^    (r_\w+) -> (r_\w+)( \[style=dashed.*\])?;$")


def _parse_dot(text: str) -> tuple[dict[str, str], list[tuple[str, str, bool]]]:
    lines = text.splitlines()
    assert lines[0] == "digraph schemadiff {" and lines[-1] == "}"
    nodes: dict[str, str] = {}
    edges: list[tuple[str, str, bool]] = []
    for line in lines[1:-1]:
        if (m := _DOT_EDGE.match(line)) is not None:
            edges.append((m.group(1), m.group(2), bool(m.group(3))))
        elif (m := _DOT_NODE.match(line)) is not None:
            assert m.group(1) not in nodes
            nodes[m.group(1)] = m.group(2)
        else:
            assert line.startswith(("    rankdir", "    node ")), line
    # every quoted string is closed, braces balance
    assert text.count('"') % 2 == 0 and text.count("{") == text.count("}")
    return nodes, edges


def test_dot_structure(tmp_path: Path) -> None:
    proj = posterity(tmp_path)
    text = "\n".join(cli(proj, "graph", "--format", "dot"))
    nodes, edges = _parse_dot(text)
    assert len(nodes) == 9
    assert all(a in nodes and b in nodes for a, b, _ in edges)
    solid = sorted((a, b) for a, b, dashed in edges if not dashed)
    dashed = [(a, b) for a, b, d in edges if d]
    assert len(solid) == 7
    assert ("r_1975ea83b712", "r_27c6a30d7c24") in solid
    assert dashed == [("r_55af2cb1c267", "r_2a95102259be")]
    assert 'label="2a95102259be (networking)\\nadd ip account table"' in (
        nodes["r_2a95102259be"]
    )
    heads = {n for n, attrs in nodes.items() if "bold" in attrs}
    assert heads == {"r_2a95102259be", "r_27c6a30d7c24", "r_34e094ad6ef1"}
    assert "filled" in nodes["r_1975ea83b712"]


_MERMAID_NODE = re.compile(r'^    (r_\w+)\["([^"]*)"\](?::::(\w+))?$')
_MERMAID_EDGE = re.compile(r"^    (r_\w+) (-->|-\.->\|depends on\|) (r_\w+)$")


def test_mermaid_structure(tmp_path: Path) -> None:
    proj = merged(tmp_path)
    lines = cli(proj, "graph")
    assert lines[0] == "flowchart BT"
    nodes: dict[str, tuple[str, str | None]] = {}
    edges: list[tuple[str, str, str]] = []
    classes: dict[str, str] = {}
    for line in lines[1:]:
        if (m := _MERMAID_NODE.match(line)) is not None:
            nodes[m.group(1)] = (m.group(2), m.group(3))
        elif (m := _MERMAID_EDGE.match(line)) is not None:
            edges.append((m.group(1), m.group(3), m.group(2)))
        elif line.startswith("    classDef "):
            classes[line.split()[1]] = line
        else:
            assert line.startswith("    class "), line
    assert nodes["r_53fffde5ad5"] == ("53fffde5ad5<br/>merge ae1 and 27c", "head")
    assert nodes["r_1975ea83b712"][1] == "base"
    assert sorted(edges) == [
        ("r_1975ea83b712", "r_27c6a30d7c24", "-->"),
        ("r_1975ea83b712", "r_ae1027a6acf", "-->"),
        ("r_27c6a30d7c24", "r_53fffde5ad5", "-->"),
        ("r_ae1027a6acf", "r_53fffde5ad5", "-->"),
    ]
    assert {kind for _, kind in nodes.values() if kind} <= set(classes)
    assert "    class r_53fffde5ad5 mergepoint" in lines
    assert "    class r_1975ea83b712 branchpoint" in lines


def test_diagram_text_is_escaped() -> None:
    rev = Revision("a1", None)
    rev.doc = 'say "hi" <b> & \\n'  # type: ignore[attr-defined]
    text = graph_view.mermaid([rev])
    assert '"a1<br/>say #quot;hi#quot; #lt;b#gt; #amp; \\n"' in text
    assert 'label="a1\\nsay \\"hi\\" <b> & \\\\n"' in graph_view.dot([rev])


def test_unknown_graph_format_is_a_usage_error(tmp_path: Path) -> None:
    proj = branch_point(tmp_path)
    from tests.helpers import run_cli

    result = run_cli(["graph", "--format", "png"], cwd=proj)
    assert result.exit_code == 2
