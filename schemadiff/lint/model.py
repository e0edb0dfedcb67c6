"""Data the lint rules work on, and the registry they join by decorating."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

#: levels in the order of severity; an ``error`` makes ``lint`` exit 1
LEVELS = ("warning", "error")


@dataclass
class Recorded:
    """One directive a revision's ``upgrade()`` issued, and where."""

    op: Any
    line: int | None
    in_autocommit: bool = False


@dataclass
class RevisionOps:
    """Everything a rule may look at for one revision (pure data)."""

    revision: str
    path: str
    ops: list[Recorded]
    disabled: frozenset[str] = frozenset()

    @property
    def created_tables(self) -> set[str]:
        """Tables this revision creates itself: new, empty, nobody uses them."""
        return {
            str(rec.op.table_name).lower()
            for rec in self.ops
            if type(rec.op).__name__ == "CreateTableOp"
        }

    def is_existing(self, table: str | None) -> bool:
        return table is not None and str(table).lower() not in self.created_tables

    def sql_before(self, index: int) -> list[str]:
        """The text of the ``op.execute`` calls before directive ``index``."""
        return [
            str(rec.op.sqltext).lower()
            for rec in self.ops[:index]
            if type(rec.op).__name__ == "ExecuteSQLOp"
        ]


@dataclass(frozen=True)
class Finding:
    rule: str
    level: str
    revision: str
    path: str
    line: int | None
    message: str
    fix: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "level": self.level,
            "revision": self.revision,
            "path": self.path,
            "line": self.line,
            "message": self.message,
            "fix": self.fix,
        }


#: what a rule yields: the directive it fired on and the message
Hit = tuple[Recorded | None, str]
RuleFn = Callable[[RevisionOps], Iterator[Hit]]


@dataclass(frozen=True)
class Rule:
    id: str
    level: str
    fix: str
    dialects: tuple[str, ...] | None  # None: every backend
    fn: RuleFn = field(compare=False)

    def applies_to(self, dialect: str) -> bool:
        return self.dialects is None or dialect in self.dialects


_RULES: dict[str, Rule] = {}


def rule(
    rule_id: str,
    level: str,
    fix: str,
    dialects: tuple[str, ...] | None = None,
) -> Callable[[RuleFn], RuleFn]:
    """Register ``fn`` as lint rule ``rule_id``."""
    assert level in LEVELS, level

    def register(fn: RuleFn) -> RuleFn:
        _RULES[rule_id] = Rule(rule_id, level, fix, dialects, fn)
        return fn

    return register


def all_rules() -> list[Rule]:
    """Every rule of every family, in registration order."""
    from schemadiff.lint import data_loss, mysql, postgresql, renames  # noqa: F401

    return list(_RULES.values())


def kind(rec: Recorded) -> str:
    """The directive's class name: rules dispatch on it without imports."""
    return type(rec.op).__name__


def table_of(rec: Recorded) -> str | None:
    op = rec.op
    return getattr(op, "table_name", None) or getattr(op, "source_table", None)
