"""Apply the rules of a dialect to revisions, honouring the off switches."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from schemadiff.lint.model import Finding, RevisionOps, all_rules
from schemadiff.util import CommandError

#: ``# schemadiff-lint: disable=rule-a, rule-b`` anywhere in a revision file
_DISABLE = re.compile(r"#\s*schemadiff-lint:\s*disable\s*=\s*([\w\-, ]+)")

#: a revision whose upgrade() could not be read is reported under this id
UNREADABLE = "unreadable-revision"


@dataclass
class LintResult:
    dialect: str
    revisions: list[str]
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.level == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.level == "warning")


def known_rule_ids() -> list[str]:
    return [r.id for r in all_rules()] + [UNREADABLE]


def parse_rule_list(value: object, where: str) -> frozenset[str]:
    """Rule ids from a config value or a comment: a list, or text split on
    commas and spaces; ``all`` switches every rule off."""
    if value is None:
        return frozenset()
    items = (
        value if isinstance(value, (list, tuple)) else re.split(r"[,\s]+", str(value))
    )
    ids = frozenset(str(i).strip() for i in items if str(i).strip())
    unknown = sorted(ids - set(known_rule_ids()) - {"all"})
    if unknown:
        raise CommandError(
            f"Unknown lint rule(s) {', '.join(unknown)} in {where}; known rules: "
            f"{', '.join(known_rule_ids())}"
        )
    return ids


def disabled_in_source(source: str, path: str) -> frozenset[str]:
    found: set[str] = set()
    for match in _DISABLE.finditer(source):
        found |= parse_rule_list(match.group(1), path)
    return frozenset(found)


def lint_one(
    rev: RevisionOps, dialect: str, disabled: Collection[str]
) -> list[Finding]:
    """Findings of every rule for ``dialect`` on one revision (pure)."""
    off = set(disabled) | set(rev.disabled)
    findings: list[Finding] = []
    if "all" in off:
        return findings
    for rule in all_rules():
        if not rule.applies_to(dialect) or rule.id in off:
            continue
        for rec, message in rule.fn(rev):
            findings.append(
                Finding(
                    rule.id,
                    rule.level,
                    rev.revision,
                    rev.path,
                    rec.line if rec is not None else None,
                    message,
                    rule.fix,
                )
            )
    findings.sort(key=lambda f: f.line or 0)
    return findings


def lint_revisions(
    scripts: Iterable[Any],
    dialect: str,
    disabled: Collection[str] = (),
) -> LintResult:
    """Lint ``scripts`` (``Script`` objects, oldest first) for ``dialect``."""
    from schemadiff.lint.reader import offline_context, read_upgrade_ops

    try:
        context = offline_context(dialect)
    except CommandError as err:
        raise CommandError(f"Can't lint for dialect {dialect!r}: {err}") from err
    scripts = list(scripts)
    result = LintResult(dialect, [s.revision for s in scripts])
    for script in scripts:
        try:
            with open(script.path, encoding="utf-8") as fh:
                source = fh.read()
        except (OSError, UnicodeDecodeError):
            source = ""
        off = disabled_in_source(source, script.path)
        try:
            ops = read_upgrade_ops(script.module, script.path, context)
        except Exception as err:
            if UNREADABLE not in off and UNREADABLE not in disabled:
                first = (str(err).strip().splitlines() or [""])[0]
                result.findings.append(
                    Finding(
                        UNREADABLE,
                        "warning",
                        script.revision,
                        script.path,
                        None,
                        f"upgrade() could not be read without a database: "
                        f"{type(err).__name__}: {first}",
                        "review this revision by hand, or guard database access "
                        "with context.is_offline_mode()",
                    )
                )
            continue
        rev = RevisionOps(script.revision, script.path, ops, off)
        result.findings.extend(lint_one(rev, dialect, disabled))
    return result


def select_scripts(
    script_dir: Any, rev_range: str | None, currents: Sequence[str] | None
) -> list[Any]:
    """Revisions to lint, oldest first: ``START:END``; by default the ones not
    yet applied to the database (``currents``), or all of them offline."""
    if rev_range:
        if ":" not in rev_range:
            raise CommandError(f"Lint range requires [start]:[end] (got {rev_range!r})")
        start, _, end = rev_range.partition(":")
        return list(
            reversed(
                list(
                    script_dir.walk_revisions(base=start or "base", head=end or "heads")
                )
            )
        )
    if currents:
        return list(script_dir.revision_map.upgrade_plan(tuple(currents), "heads"))
    return list(reversed(list(script_dir.walk_revisions())))
