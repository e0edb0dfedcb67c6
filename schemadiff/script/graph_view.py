"""Pictures of the revision graph: a terminal graph, Mermaid and Graphviz DOT.

Pure functions of the revisions they are given (no files, no database), so
the output is the same on every run and can be checked by golden tests.
``revisions`` are given newest first, the order ``history`` prints them in
(every revision before its down revisions); ``Script`` objects contribute
their message through ``doc``, plain ``Revision`` objects have none.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from schemadiff.script.revision import Revision


def _message(rev: Revision) -> str:
    return str(getattr(rev, "doc", "") or "")


def _marks(rev: Revision, currents: Collection[str]) -> str:
    """The same indicators ``history`` prints, so the two views read alike."""
    text = ""
    if rev.branch_labels:
        text += f" ({', '.join(sorted(rev.branch_labels))})"
    if rev._is_real_head:
        text += " (head)"
    elif rev.is_head:
        text += " (effective head)"
    if rev.revision in currents:
        text += " (current)"
    if rev.is_branch_point:
        text += " (branchpoint)"
    if rev.is_merge_point:
        text += " (mergepoint)"
    if rev._resolved_dependencies:
        text += f" (depends on {', '.join(rev._resolved_dependencies)})"
    return text


# ------------------------------------------------------------ terminal graph


class _Lanes:
    """The columns of a ``git log --graph`` style drawing.

    Each lane holds the id of the revision it leads down to; a lane of
    ``None`` is a branch that ended at a base and is about to close.
    """

    def __init__(self) -> None:
        self.lanes: list[str | None] = []
        self.out: list[str] = []

    def _cells(self, marks: dict[int, str] | None = None) -> list[str]:
        cells = [" "] * (2 * len(self.lanes))
        for i, lane in enumerate(self.lanes):
            if lane is not None:
                cells[2 * i] = "|"
        for i, char in (marks or {}).items():
            cells[2 * i] = char
        return cells

    def _emit(self, cells: list[str], text: str = "") -> None:
        line = "".join(cells).rstrip()
        if text:
            line = f"{line.ljust(2 * len(self.lanes))}{text}"
        self.out.append(line.rstrip())

    def _close_lane(self, lane: int, more: bool) -> None:
        """Remove ``lane``; lanes to its right step one column left.

        With ``more`` revisions to draw, a gap line follows a base, so that a
        new branch drawn in the freed column does not look attached to it.
        """
        right = range(lane + 1, len(self.lanes))
        if not any(self.lanes[i] is not None for i in right):
            if more:
                self.lanes[lane] = None
                self._emit(self._cells())
        else:
            cells = self._cells()
            cells[2 * lane] = " "
            for i in right:
                if self.lanes[i] is not None:
                    cells[2 * i] = " "
                    cells[2 * i - 1] = "/"
            self._emit(cells)
        del self.lanes[lane]

    def _join(self, col: int, other: int) -> None:
        """Lane ``other`` (right of ``col``) leads to the same revision: join it."""
        cells = self._cells()
        cells[2 * other] = " "
        cells[2 * other - 1] = "/"
        for pos in range(2 * col + 1, 2 * other - 1):
            if cells[pos] == " ":
                cells[pos] = "_"
        for i in range(other + 1, len(self.lanes)):
            if self.lanes[i] is not None:
                cells[2 * i] = " "
                cells[2 * i - 1] = "/"
        self._emit(cells)
        del self.lanes[other]

    def _fork(self, col: int, parent: str) -> None:
        """Open a lane right of ``col`` for another down revision of a merge."""
        cells = self._cells()
        cells[2 * col + 1] = "\\"
        for i in range(col + 1, len(self.lanes)):
            if self.lanes[i] is not None:
                cells[2 * i] = " "
                cells[2 * i + 1] = "\\"
        cells.extend("  ")
        self._emit(cells)
        self.lanes.insert(col + 1, parent)

    def add(self, rev: Revision, text: str, more: bool) -> None:
        rid = rev.revision
        found = [i for i, lane in enumerate(self.lanes) if lane == rid]
        if not found:
            if None in self.lanes:
                col = self.lanes.index(None)
                self.lanes[col] = rid
            else:
                self.lanes.append(rid)
                col = len(self.lanes) - 1
        else:
            col = found[0]
            for other in reversed(found[1:]):
                self._join(col, other)
        self._emit(self._cells({col: "*"}), text)
        parents = list(rev.down_revisions)
        self.lanes[col] = parents[0] if parents else None
        for parent in reversed(parents[1:]):
            self._fork(col, parent)
        if not parents:
            self._close_lane(col, more)


def text_graph(
    revisions: Sequence[Revision], currents: Collection[str] = ()
) -> list[str]:
    """Lines of a terminal drawing of the graph, newest first, like
    ``git log --graph``: ``*`` is a revision, ``|``, ``/`` and ``\\`` its
    down-revision edges; ``depends_on`` shows as ``(depends on X)``;
    revisions in ``currents`` are marked ``(current)``.
    """
    lanes = _Lanes()
    revs = list(revisions)
    for number, rev in enumerate(revs, 1):
        text = f"{rev.revision}{_marks(rev, currents)}"
        message = _message(rev)
        if message:
            text += f", {message}"
        lanes.add(rev, text, more=number < len(revs))
    return lanes.out


# ---------------------------------------------------------- Mermaid and DOT


def _node_id(rev_id: str) -> str:
    """An identifier both Mermaid and DOT accept for any revision id."""
    return "r_" + re.sub(r"[^A-Za-z0-9_]", "_", rev_id)


def _label_lines(rev: Revision) -> list[str]:
    lines = [rev.revision]
    if rev.branch_labels:
        lines[0] += f" ({', '.join(sorted(rev.branch_labels))})"
    message = _message(rev)
    if message:
        lines.append(message)
    return lines


def _kinds(rev: Revision) -> list[str]:
    kinds = []
    if rev.is_head:
        kinds.append("head")
    if rev.is_base:
        kinds.append("base")
    if rev.is_branch_point:
        kinds.append("branchpoint")
    if rev.is_merge_point:
        kinds.append("mergepoint")
    return kinds


def _ordered(revisions: Sequence[Revision]) -> list[Revision]:
    """Oldest first: diagrams read from the base up."""
    return list(reversed(list(revisions)))


def _mermaid_text(text: str) -> str:
    return (
        text.replace("&", "#amp;")
        .replace('"', "#quot;")
        .replace("<", "#lt;")
        .replace(">", "#gt;")
    )


def mermaid(revisions: Sequence[Revision], currents: Collection[str] = ()) -> str:
    """A Mermaid flowchart: bases at the bottom, down-revision edges solid,
    ``depends_on`` edges dashed; heads, branch points and merge points carry
    a class of the same name (styled with ``classDef``)."""
    revs = _ordered(revisions)
    out = ["flowchart BT"]
    for rev in revs:
        label = "<br/>".join(_mermaid_text(line) for line in _label_lines(rev))
        kinds = _kinds(rev) + (["current"] if rev.revision in currents else [])
        suffix = f":::{kinds[0]}" if kinds else ""
        out.append(f'    {_node_id(rev.revision)}["{label}"]{suffix}')
    for rev in revs:
        for down in rev.down_revisions:
            out.append(f"    {_node_id(down)} --> {_node_id(rev.revision)}")
        for dep in rev._resolved_dependencies:
            out.append(f"    {_node_id(dep)} -.->|depends on| {_node_id(rev.revision)}")
    styles = {
        "head": "stroke-width:3px",
        "base": "stroke-dasharray:2 2",
        "branchpoint": "fill:#fff3cd",
        "mergepoint": "fill:#d1e7dd",
        "current": "fill:#cfe2ff",
    }
    for name, style in styles.items():
        out.append(f"    classDef {name} {style}")
    for rev in revs:
        extra = _kinds(rev)[1:] + (["current"] if rev.revision in currents else [])
        if _kinds(rev) and extra:
            out.append(f"    class {_node_id(rev.revision)} {','.join(extra)}")
    return "\n".join(out) + "\n"


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def dot(revisions: Sequence[Revision], currents: Collection[str] = ()) -> str:
    """A Graphviz digraph: bases at the bottom, down-revision edges solid,
    ``depends_on`` edges dashed; heads bold, branch and merge points
    filled, current revisions doubled."""
    revs = _ordered(revisions)
    out = [
        "digraph schemadiff {",
        "    rankdir=BT;",
        '    node [shape=box, fontname="monospace"];',
    ]
    for rev in revs:
        label = "\\n".join(_dot_text(line) for line in _label_lines(rev))
        attrs = [f'label="{label}"']
        kinds = _kinds(rev)
        styles = ["bold"] if "head" in kinds else []
        if "branchpoint" in kinds or "mergepoint" in kinds:
            styles.append("filled")
            fill = "#fff3cd" if "branchpoint" in kinds else "#d1e7dd"
            attrs.append(f'fillcolor="{fill}"')
        if styles:
            attrs.append(f'style="{",".join(styles)}"')
        if rev.revision in currents:
            attrs.append("peripheries=2")
        out.append(f"    {_node_id(rev.revision)} [{', '.join(attrs)}];")
    for rev in revs:
        for down in rev.down_revisions:
            out.append(f"    {_node_id(down)} -> {_node_id(rev.revision)};")
        for dep in rev._resolved_dependencies:
            out.append(
                f"    {_node_id(dep)} -> {_node_id(rev.revision)} "
                '[style=dashed, label="depends on"];'
            )
    out.append("}")
    return "\n".join(out) + "\n"
