"""Text and JSON reports of a lint run."""

from __future__ import annotations

import json
import os

from schemadiff.lint.runner import LintResult


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def text_report(result: LintResult, relative_to: str | None = None) -> str:
    lines = []
    for f in result.findings:
        path = f.path
        if relative_to:
            try:
                path = os.path.relpath(f.path, relative_to)
            except ValueError:
                pass
        where = f"{path}:{f.line}" if f.line else path
        lines.append(f"{where}: {f.level}: {f.rule} (revision {f.revision})")
        lines.append(f"    {f.message}")
        lines.append(f"    fix: {f.fix}")
    count = _plural(len(result.revisions), "revision")
    if result.findings:
        lines.append(
            f"{_plural(result.errors, 'error')}, "
            f"{_plural(result.warnings, 'warning')} in {count} ({result.dialect})"
        )
    else:
        lines.append(f"No risky operations in {count} ({result.dialect}).")
    return "\n".join(lines)


def json_report(result: LintResult) -> str:
    """Stable keys for CI: dialect, revisions, findings, errors, warnings."""
    return json.dumps(
        {
            "dialect": result.dialect,
            "revisions": result.revisions,
            "findings": [f.as_dict() for f in result.findings],
            "errors": result.errors,
            "warnings": result.warnings,
        },
        indent=2,
    )
