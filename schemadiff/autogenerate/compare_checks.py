"""CHECK conditions: two same-named checks whose conditions differ.

Backends give a condition back rewritten (PostgreSQL adds casts and
parentheses and turns ``IN`` into ``= ANY (ARRAY[...])``, MariaDB adds
backquotes and stores ``length()`` as ``octet_length()``, SQLite keeps the
text), so both sides are compared through the dialect normaliser's
:meth:`~schemadiff.ddl.normalise.Normaliser.condition_signature`, which errs
on the side of "unchanged".
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from schemadiff.autogenerate.model import CheckModel, TableModel
from schemadiff.ddl.normalise import Normaliser


def condition_signature(normaliser: Normaliser, check: CheckModel) -> str:
    sqltext: Any = check.condition
    text = getattr(sqltext, "text", None)
    if text is None:
        text = normaliser.compile_expression(sqltext)
    return normaliser.condition_signature(str(text))


def conditions_differ(
    normaliser: Normaliser, conn_check: CheckModel, meta_check: CheckModel
) -> bool:
    return condition_signature(normaliser, conn_check) != condition_signature(
        normaliser, meta_check
    )


def type_without_tracked_check(type_: Any, column_name: str, meta_t: TableModel) -> Any:
    """The new type of a column whose non-native ``Enum`` CHECK is compared
    on its own (it has a name): only the VARCHAR it stands for.

    The check's condition change is then a drop plus an add of that check,
    and ``alter_column`` doesn't make a second copy of it.
    """
    if not isinstance(type_, sa.Enum) or type_.native_enum:
        return type_
    tracked = any(c.type_bound and column_name in c.columns for c in meta_t.checks)
    if not tracked:
        return type_
    return sa.String(type_.length)
