"""Primary keys: columns added to or removed from the key, and its name where
the backend keeps one (PostgreSQL, SQLite; MariaDB calls every primary key
``PRIMARY``).

A changed key is dropped and created again, between the other constraint
drops and creations of the table (after its columns got their new
nullability, before columns are dropped).  A model key without a name (no
``"pk"`` convention) accepts whatever name the database gave it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa

from schemadiff.autogenerate.model import TableModel
from schemadiff.operations import ops

if TYPE_CHECKING:
    from schemadiff.autogenerate.api import AutogenContext

_DropsAndAdds = tuple[list[ops.MigrateOperation], list[ops.MigrateOperation]]


def _columns(pk: sa.PrimaryKeyConstraint) -> tuple[str, ...]:
    return tuple(c.name for c in pk.columns)


def compare_primary_keys(
    ctx: AutogenContext, conn_t: TableModel, meta_t: TableModel
) -> _DropsAndAdds:
    """The drop and the creation that turn the database's key into the model's."""
    # the database's side from its catalog row: its Table is built only
    # when the key changed
    conn_cols, conn_name = conn_t.primary_key()
    meta_pk = meta_t.table.primary_key
    meta_cols = _columns(meta_pk)
    if not conn_cols and not meta_cols:
        return [], []
    normaliser = ctx.normaliser
    meta_name = normaliser.object_name(meta_pk) if meta_cols else None
    conn_name = conn_name if conn_cols else None
    same = conn_cols == meta_cols
    if same and normaliser.keeps_primary_key_name and meta_name is not None:
        same = conn_name == meta_name
    if same:
        return [], []
    conn_pk = conn_t.table.primary_key
    if not ctx.run_object_filters(
        meta_pk, meta_name, "primary_key", False, conn_pk if conn_cols else None
    ):
        return [], []
    drops: list[ops.MigrateOperation] = []
    adds: list[ops.MigrateOperation] = []
    if conn_cols:
        plain = _plain(conn_t, conn_pk, normaliser.primary_key_name(conn_pk.name))
        drops.append(ops.DropConstraintOp.from_constraint(plain))
    if meta_cols:
        name = meta_pk.name
        if isinstance(name, sa.sql.elements.conv) or meta_name is None:
            final = name if meta_name is not None else None
        else:
            final = sa.sql.elements.conv(meta_name)
        adds.append(
            ops.CreatePrimaryKeyOp(
                final, meta_t.name, list(meta_cols), schema=meta_t.schema
            )
        )
    return drops, adds


def _plain(
    conn_t: TableModel, pk: sa.PrimaryKeyConstraint, name: str | None
) -> sa.PrimaryKeyConstraint:
    """The reflected key without the dialect options reflection fills in with
    empty values (``postgresql_include=[]``), which the downgrade's
    ``create_primary_key`` would not accept."""
    cols = _columns(pk)
    stand_in = sa.Table(
        conn_t.name,
        sa.MetaData(),
        *(sa.Column(c, sa.types.NULLTYPE) for c in cols),
        schema=conn_t.schema,
    )
    plain = sa.PrimaryKeyConstraint(*cols, name=name)
    stand_in.append_constraint(plain)
    return plain
