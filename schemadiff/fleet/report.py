"""What a fleet run shows: the live progress, the final table, the groups of
``fleet current``/``fleet check``, and the JSON document.  Pure formatting.

JSON (``--format json``), version 1::

    {
      "format": "schemadiff-fleet",
      "version": 1,
      "command": "upgrade" | "downgrade" | "current" | "check",
      "revision": <the revision argument, or null>,
      "heads": [<the revision files' heads>],
      "jobs": <worker processes>,
      "seconds": <wall time>,
      "interrupted": <true when Ctrl-C stopped the run>,
      "summary": {"total": <n>, "<status>": <count>, ...},
      "groups": [{"label": "...", "heads": [...] | null, "status": "...",
                  "count": <n>, "targets": [<names>]}, ...],
      "targets": [
        {"name": ..., "url": <password masked>, "schema": ... | null,
         "status": ..., "from": [<heads>] | null, "to": [<heads>] | null,
         "applied": <revisions applied>, "seconds": ..., "error": ... | null,
         "log": [<last lines of the target's output, failures only>],
         "differences": [<check's entries, see schemadiff check --format json>]},
        ...
      ]
    }

Statuses: ``migrated`` (revisions applied), ``up-to-date`` (nothing to do),
``ok`` (``current`` read it), ``clean``/``drift`` (``check``), ``failed``,
``unreachable`` (no connection could be made), ``interrupted`` (Ctrl-C
stopped it between two revisions), ``skipped`` (never started: Ctrl-C or
``--fail-fast``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from schemadiff.fleet.worker import Result

FORMAT = "schemadiff-fleet"
VERSION = 1
#: statuses that make the command fail
FAILED = ("failed", "unreachable")
_ERROR_WIDTH = 100


def heads_label(heads: Sequence[str] | None, real_heads: Sequence[str] = ()) -> str:
    """``3f2b1c0a9d8e (head)``, ``a, b`` for several heads, ``base`` for none."""
    if heads is None:
        return "?"
    if not heads:
        return "base"
    return ", ".join(f"{h} (head)" if h in real_heads else h for h in heads)


def target_line(result: Result, finished: int, total: int) -> str:
    """The line printed when a target finishes (non-terminal output)."""
    width = len(str(total))
    line = f"[{finished:>{width}}/{total}] {result.name}: {result.status}"
    if result.before is not None and result.status not in ("ok", "clean", "drift"):
        line += f" {_short(result.before)} -> {_short(result.after)}"
    elif result.status in ("ok", "clean", "drift") and result.after is not None:
        line += f" at {_short(result.after)}"
    if result.status == "drift":
        line += f" ({len(result.diffs)} difference(s))"
    line += f" in {result.seconds:.2f}s"
    if result.error:
        line += f": {result.error}"
    return line


def progress_line(finished: int, total: int, failed: int, running: int) -> str:
    """The one live line on a terminal: ``[37/200] done 35, failed 1, running 4``."""
    return (
        f"[{finished}/{total}] done {finished - failed}, failed {failed}, "
        f"running {running}"
    )


def _short(heads: Sequence[str] | None) -> str:
    if heads is None:
        return "?"
    return ",".join(heads) if heads else "<base>"


def _entry(result: Result) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": result.name,
        "url": result.url,
        "schema": result.schema,
        "status": result.status,
        "from": result.before,
        "to": result.after,
        "applied": result.applied,
        "seconds": result.seconds,
        "error": result.error,
    }
    if result.log:
        entry["log"] = result.log
    if result.diffs:
        entry["differences"] = result.diffs
    return entry


def groups(
    action: str, results: Sequence[Result], real_heads: Sequence[str]
) -> list[dict]:
    """Targets grouped by where they are (``current``) or how they drifted
    (``check``); failures by status.  Largest group first."""
    found: dict[tuple, dict[str, Any]] = {}
    for result in results:
        heads = None
        if result.status in ("ok", "clean", "drift", "migrated", "up-to-date"):
            heads = list(result.after or ())
        if action == "check" and result.status in ("clean", "drift"):
            signature = tuple(d.get("description", d.get("kind")) for d in result.diffs)
            key: tuple = (result.status, signature)
            label = (
                "clean"
                if not signature
                else "drifted: "
                + "; ".join(
                    f"[{d.get('kind')}] {d.get('description')}" for d in result.diffs
                )
            )
        elif heads is not None:
            key = ("at", tuple(heads))
            label = f"at {heads_label(heads, real_heads)}"
        else:
            key = (result.status,)
            label = result.status
        group = found.setdefault(
            key,
            {
                "label": label,
                "heads": heads,
                "status": result.status,
                "count": 0,
                "targets": [],
            },
        )
        group["count"] += 1
        group["targets"].append(result.name)
    return sorted(found.values(), key=lambda g: -g["count"])


def document(action: str, revision: str | None, run: Any, script: Any) -> dict:
    """The JSON document (also the source of the text report)."""
    real_heads = list(script.get_heads())
    summary: dict[str, int] = {"total": len(run.results)}
    for result in run.results:
        summary[result.status] = summary.get(result.status, 0) + 1
    doc: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "command": action,
        "revision": revision,
        "heads": real_heads,
        "jobs": run.jobs,
        "seconds": round(run.seconds, 3),
        "interrupted": run.interrupted,
        "summary": summary,
        "groups": groups(action, run.results, real_heads),
        "targets": [_entry(r) for r in run.results],
    }
    return doc


def print_report(config: Any, doc: dict, output_format: str) -> None:
    """Write the final report: the JSON document, or a table and a summary."""
    if output_format == "json":
        config.stdout.write(json.dumps(doc, indent=2, default=str) + "\n")
        config.stdout.flush()
        return
    for line in table(doc):
        config.print_stdout(line)
    config.print_stdout(summary_line(doc))


def table(doc: dict) -> list[str]:
    """Aligned rows: target, from -> to (or where it is), seconds, status, error."""
    action = doc["command"]
    header = ["TARGET", "REVISION" if action in ("current", "check") else "FROM -> TO"]
    header += ["SECONDS", "STATUS", "ERROR" if action != "check" else "DETAIL"]
    rows = [header]
    for entry in doc["targets"]:
        before = heads_label(entry["from"], doc["heads"])
        after = heads_label(entry["to"], doc["heads"])
        where = after if action in ("current", "check") else f"{before} -> {after}"
        if entry["to"] is None and entry["from"] is None:
            where = "-"
        detail = entry["error"] or ""
        if not detail and entry.get("differences"):
            detail = "; ".join(
                f"[{d.get('kind')}] {d.get('description')}"
                for d in entry["differences"]
            )
        if len(detail) > _ERROR_WIDTH:
            detail = detail[: _ERROR_WIDTH - 1] + "…"
        rows.append(
            [entry["name"], where, f"{entry['seconds']:.2f}", entry["status"], detail]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[-1]
        for row in rows
    ]


def summary_line(doc: dict) -> str:
    """``22 targets in 3.1s with 4 jobs: 21 migrated, 1 failed``, and for
    ``current``/``check`` the groups: ``20 at ae10… (head), 1 unreachable``."""
    summary = doc["summary"]
    head = (
        f"{summary['total']} target(s) in {doc['seconds']:.1f}s "
        f"with {doc['jobs']} job(s)"
    )
    if doc["command"] in ("current", "check"):
        parts = [f"{g['count']} {g['label']}" for g in doc["groups"]]
    else:
        parts = [f"{n} {status}" for status, n in summary.items() if status != "total"]
    line = f"{head}: {', '.join(parts)}"
    if doc["interrupted"]:
        line += " (interrupted)"
    return line
