"""Computed (generated) columns whose expression or stored/virtual flag
changed.

No backend here can change a generated column's expression in place
(PostgreSQL 17's ``SET EXPRESSION`` aside), and its value is derived from
the row anyway, so the change is a drop and an add of the column, side by
side; the downgrade does the same with the reflected definition.  The
expression is compared like a CHECK condition (see
:meth:`~schemadiff.ddl.normalise.Normaliser.condition_signature`), the flag
with the backend's default filled in where the models leave it out.
"""

from __future__ import annotations

from typing import Any

from schemadiff.autogenerate.model import ColumnModel
from schemadiff.ddl.normalise import Normaliser


def _computed(normaliser: Normaliser, col: ColumnModel) -> tuple[str, bool] | None:
    computed = col.column.computed
    if computed is None:
        return None
    sqltext: Any = computed.sqltext
    text = getattr(sqltext, "text", None)
    if text is None:
        text = normaliser.compile_expression(sqltext)
    persisted = computed.persisted
    if persisted is None:
        persisted = normaliser.computed_persisted_by_default
    return normaliser.condition_signature(str(text)), bool(persisted)


def computed_changed(
    normaliser: Normaliser, conn: ColumnModel, meta: ColumnModel
) -> bool:
    """The column became, stopped being, or is another generated column."""
    if conn.computed_sig is None and meta.computed_sig is None:
        return False
    return _computed(normaliser, conn) != _computed(normaliser, meta)
