"""Rename detection: a dropped column (or table) and an added one that look
alike may be one object renamed.

Comparison alone can't tell a rename from a drop plus an add, and the drop
discards the column's values.  This pass runs after :func:`compare_models`
has produced its directives:

1. :func:`find_candidates` pairs every dropped column with every column added
   to the same table, and every dropped table with every added table of the
   same schema; a pair is *alike* when the two have the same type,
   nullability and server default (for tables: the same columns, each alike).
2. :func:`decide` confirms pairs named by a hint (``--rename`` or the
   ``rename_hints`` option of ``context.configure()``, any pair), or, for
   alike pairs, by asking (``Rename users.a to users.b? [y/N]``) when the
   command runs on a terminal.  Alike pairs left unconfirmed whose two
   objects are alike nothing else are *possible renames*: the add and drop
   stay and the drop is marked (see :mod:`.destructive`).
3. :func:`rename_in_model` rewrites the database's schema model as if the
   renames had run, so that comparing it again yields only what differs
   beyond the renames (indexes, keys and foreign keys that merely follow the
   renamed object disappear from the diff), and :func:`place_renames` puts
   the rename directives into that second result where both the upgrade and
   its exact reverse can run.

Everything here is pure: models and directives in, models and directives out.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from schemadiff.autogenerate.model import (
    ColumnModel,
    SchemaModel,
    TableModel,
    identity_differs,
)
from schemadiff.ddl.normalise import Normaliser
from schemadiff.operations import ops
from schemadiff.util import CommandError

log = logging.getLogger(__name__)

#: attribute of a directive holding the possible renames it is part of (not
#: ``info``: a table directive's ``info`` is the table's and gets rendered)
POSSIBLE_RENAME = "_possible_renames"

#: asks one yes/no question; True means yes
Confirm = Callable[[str], bool]


@dataclass(frozen=True)
class RenameCandidate:
    """A dropped column/table and an added one that may be the same object.

    For a column, ``table`` is its table and ``old``/``new`` the column
    names; for a table, ``table`` is None and ``old``/``new`` are the table
    names.  ``schema`` is None for the default schema.
    """

    kind: str  # "column" or "table"
    schema: str | None
    table: str | None
    old: str
    new: str
    alike: bool = True

    def _qual(self, name: str, with_schema: bool) -> str:
        parts = [self.schema] if with_schema and self.schema else []
        if self.table is not None:
            parts.append(self.table)
        return ".".join([*parts, name])

    @property
    def old_label(self) -> str:
        return self._qual(self.old, True)

    @property
    def new_label(self) -> str:
        return self._qual(self.new, True)

    @property
    def hint(self) -> str:
        """The ``--rename`` value that confirms this rename."""
        return f"{self.old_label}={self.new_label}"

    @property
    def question(self) -> str:
        return f"Rename {self.old_label} to {self.new_label}? [y/N]"

    def spellings(self) -> set[str]:
        """Every hint spelling that names this rename."""
        found = set()
        for with_schema in (False, True):
            old = self._qual(self.old, with_schema)
            found.add(f"{old}={self._qual(self.new, with_schema)}")
            if self.table is not None:
                found.add(f"{old}={self.new}")
        return found

    def old_key(self) -> tuple[Any, ...]:
        return (self.kind, self.schema, self.table, self.old)

    def new_key(self) -> tuple[Any, ...]:
        return (self.kind, self.schema, self.table, self.new)

    def as_dict(self) -> dict[str, Any]:
        """The report form (``check --format json``)."""
        return {
            "kind": self.kind,
            "from": self.old_label,
            "to": self.new_label,
            "hint": self.hint,
        }


@dataclass
class RenameOutcome:
    """What :func:`decide` made of the candidates."""

    confirmed: list[RenameCandidate] = field(default_factory=list)
    possible: list[RenameCandidate] = field(default_factory=list)
    #: hints that named no add/drop pair of this comparison
    unmatched_hints: list[str] = field(default_factory=list)
    #: alike pairs left open whose objects are alike others too
    ambiguous: int = 0


# ------------------------------------------------------------------- hints
def parse_hints(hints: Iterable[str] | str | None) -> list[str]:
    """Normalised ``OLD=NEW`` hints; a malformed one is a user error."""
    if hints is None:
        return []
    if isinstance(hints, str):
        hints = [hints]
    if isinstance(hints, dict):
        hints = [f"{old}={new}" for old, new in hints.items()]
    parsed = []
    for raw in hints:
        text = "".join(str(raw).split())
        old, sep, new = text.partition("=")
        if not sep or not old or not new or "=" in new:
            raise CommandError(
                f"rename hint {raw!r} is not OLD=NEW (e.g. "
                "users.display_name=users.full_name or old_table=new_table)"
            )
        parsed.append(f"{old}={new}")
    return parsed


# -------------------------------------------------------------- candidates
class _TypeSignatures:
    """The normaliser's type signatures, each computed once per column: a
    schema of many similar tables makes many pairs to look at."""

    def __init__(self, normaliser: Normaliser) -> None:
        self.normaliser = normaliser
        self._cache: dict[int, tuple[Any, str | None]] = {}

    def __call__(self, col: ColumnModel) -> str | None:
        hit = self._cache.get(id(col))
        if hit is None or hit[0] is not col:
            hit = (col, self.normaliser.cached_type_signature(col.type_))
            self._cache[id(col)] = hit
        return hit[1]


def columns_alike(
    conn: ColumnModel, meta: ColumnModel, normaliser: Normaliser | _TypeSignatures
) -> bool:
    """Same type, nullability, server default (and generated/identity form)."""
    if not (
        conn.nullable == meta.nullable
        and conn.default_sig == meta.default_sig
        and conn.computed_sig == meta.computed_sig
        and not identity_differs(conn.identity, meta.identity)
    ):
        return False
    sig = normaliser if isinstance(normaliser, _TypeSignatures) else None
    if sig is None:
        return normaliser.types_equivalent(  # type: ignore[union-attr]
            conn.type_, meta.type_
        )
    conn_sig, meta_sig = sig(conn), sig(meta)
    # as Normaliser.types_equivalent: no signature matches anything
    return conn_sig is None or meta_sig is None or conn_sig == meta_sig


def tables_alike(
    conn: TableModel, meta: TableModel, normaliser: Normaliser | _TypeSignatures
) -> bool:
    """The same column names, each column alike."""
    if conn.columns.keys() != meta.columns.keys():
        return False
    return all(
        columns_alike(conn.columns[name], meta.columns[name], normaliser)
        for name in conn.columns
    )


def find_candidates(
    upgrade_ops: ops.UpgradeOps,
    conn: SchemaModel,
    meta: SchemaModel,
    normaliser: Normaliser,
    hints: Sequence[str] = (),
) -> list[RenameCandidate]:
    """The (dropped, added) pairs of columns of one table and of tables of
    one schema in ``upgrade_ops``, in directive order: the ``alike`` ones,
    and the others that one of ``hints`` names."""
    found: list[RenameCandidate] = []
    wanted = set(hints)
    signatures = _TypeSignatures(normaliser)

    def keep(cand: RenameCandidate) -> None:
        if cand.alike or cand.spellings() & wanted:
            found.append(cand)

    created = [op for op in upgrade_ops.ops if isinstance(op, ops.CreateTableOp)]
    dropped = [op for op in upgrade_ops.ops if isinstance(op, ops.DropTableOp)]
    for drop in dropped:
        for create in created:
            if create.schema != drop.schema:
                continue
            conn_t = conn.tables.get((drop.schema, drop.table_name))
            meta_t = meta.tables.get((create.schema, create.table_name))
            if conn_t is None or meta_t is None:
                continue
            alike = tables_alike(conn_t, meta_t, signatures)
            keep(
                RenameCandidate(
                    "table",
                    drop.schema,
                    None,
                    drop.table_name,
                    create.table_name,
                    alike,
                )
            )
    for container in upgrade_ops.ops:
        if not isinstance(container, ops.ModifyTableOps):
            continue
        key = (container.schema, container.table_name)
        conn_t, meta_t = conn.tables.get(key), meta.tables.get(key)
        if conn_t is None or meta_t is None:
            continue
        adds = [op for op in container.ops if isinstance(op, ops.AddColumnOp)]
        drops = [op for op in container.ops if isinstance(op, ops.DropColumnOp)]
        for drop in drops:
            conn_c = conn_t.columns.get(drop.column_name)
            for add in adds:
                meta_c = meta_t.columns.get(add.column.name)
                if conn_c is None or meta_c is None:
                    continue
                alike = columns_alike(conn_c, meta_c, signatures)
                keep(
                    RenameCandidate(
                        "column",
                        container.schema,
                        container.table_name,
                        drop.column_name,
                        add.column.name,
                        alike,
                    )
                )
    return found


def decide(
    candidates: Sequence[RenameCandidate],
    hints: Sequence[str] = (),
    confirm: Confirm | None = None,
) -> RenameOutcome:
    """Confirm hinted pairs, then ask about alike ones (when ``confirm`` is
    given); alike pairs still open are possible renames.  A column or table
    takes part in at most one confirmed rename."""
    outcome = RenameOutcome()
    wanted = set(hints)
    matched: set[str] = set()
    taken: set[tuple[Any, ...]] = set()

    def free(cand: RenameCandidate) -> bool:
        return cand.old_key() not in taken and cand.new_key() not in taken

    def take(cand: RenameCandidate) -> None:
        taken.update((cand.old_key(), cand.new_key()))
        outcome.confirmed.append(cand)

    for cand in candidates:
        named = cand.spellings() & wanted
        if named and free(cand):
            matched.update(named)
            take(cand)
    for cand in candidates:
        if not cand.alike or not free(cand):
            continue
        if confirm is not None and confirm(cand.question):
            take(cand)
        else:
            outcome.possible.append(cand)
    still_open = [c for c in outcome.possible if free(c)]
    # a drop alike several adds (or an add several drops) is no one rename
    # to suggest: those are counted, not listed
    uses: dict[tuple[Any, ...], int] = {}
    for cand in still_open:
        for key in (cand.old_key(), cand.new_key()):
            uses[key] = uses.get(key, 0) + 1
    outcome.possible = [
        c for c in still_open if uses[c.old_key()] == 1 and uses[c.new_key()] == 1
    ]
    outcome.ambiguous = len(still_open) - len(outcome.possible)
    outcome.unmatched_hints = [h for h in hints if h not in matched]
    for cand in outcome.confirmed:
        log.info("rename %s to %s", cand.old_label, cand.new_label)
    if outcome.ambiguous:
        log.info("%d ambiguous possible renames not suggested", outcome.ambiguous)
    for cand in outcome.possible:
        log.info(
            "possible rename %s to %s, kept as drop + add (hint: --rename %s)",
            cand.old_label,
            cand.new_label,
            cand.hint,
        )
    return outcome


# ------------------------------------------------------ the renamed model
def _swap(names: Sequence[Any], old: str, new: str) -> tuple[Any, ...]:
    return tuple(new if n == old else n for n in names)


def rename_in_model(conn: SchemaModel, renames: Sequence[RenameCandidate]) -> None:
    """Rewrite the database's model in place as if ``renames`` had run: the
    renamed column/table under its new name, and the signatures of indexes,
    unique constraints, checks and foreign keys (here and in other tables)
    naming it updated."""
    for cand in renames:
        if cand.kind == "table":
            _rename_table(conn, cand)
        else:
            _rename_column(conn, cand)


def _rename_table(conn: SchemaModel, cand: RenameCandidate) -> None:
    old_key, new_key = (cand.schema, cand.old), (cand.schema, cand.new)
    tmodel = conn.tables.pop(old_key)
    tmodel.name = cand.new
    conn.tables[new_key] = tmodel
    conn.order = [new_key if k == old_key else k for k in conn.order]
    for other in conn.tables.values():
        for fk in other.foreign_keys:
            if (fk.sig[1], fk.sig[2]) == old_key:
                fk.sig = (*fk.sig[:2], cand.new, *fk.sig[3:])


def _renamed(col: ColumnModel, name: str) -> ColumnModel:
    """A copy of ``col`` under another name (its SQLAlchemy Column, the
    database's, keeps the old one)."""
    renamed = copy.copy(col)
    renamed.name = name
    return renamed


def _rename_column(conn: SchemaModel, cand: RenameCandidate) -> None:
    assert cand.table is not None
    tmodel = conn.tables[(cand.schema, cand.table)]
    tmodel.columns = {
        (cand.new if name == cand.old else name): (
            _renamed(col, cand.new) if name == cand.old else col
        )
        for name, col in tmodel.columns.items()
    }
    for index in [*tmodel.indexes, *tmodel.uniques]:
        index.sig = (_swap(index.sig[0], cand.old, cand.new), *index.sig[1:])
    for fk in tmodel.foreign_keys:
        fk.sig = (_swap(fk.sig[0], cand.old, cand.new), *fk.sig[1:])
    for check in tmodel.checks:
        check.columns = _swap(check.columns, cand.old, cand.new)
    for other in conn.tables.values():
        for fk in other.foreign_keys:
            if (fk.sig[1], fk.sig[2]) == (cand.schema, cand.table):
                fk.sig = (
                    *fk.sig[:3],
                    _swap(fk.sig[3], cand.old, cand.new),
                    *fk.sig[4:],
                )


# ------------------------------------------------------ placing the renames
def rename_directive(
    cand: RenameCandidate, conn: SchemaModel, supports_comments: bool = True
) -> ops.MigrateOperation:
    """``op.rename_table`` or ``op.alter_column(..., new_column_name=)``
    (inside a ModifyTableOps, so batch rendering puts it in a batch block).
    ``conn`` is the database's model (before or after :func:`rename_in_model`)."""
    if cand.kind == "table":
        return ops.RenameTableOp(cand.old, cand.new, schema=cand.schema)
    assert cand.table is not None
    tmodel = conn.tables[(cand.schema, cand.table)]
    col = tmodel.columns.get(cand.new) or tmodel.columns[cand.old]
    alter = ops.AlterColumnOp(
        cand.table,
        cand.old,
        schema=cand.schema,
        existing_type=col.column.type,
        existing_server_default=col.column.server_default,
        existing_nullable=col.nullable,
        existing_comment=col.comment if supports_comments else None,
        modify_name=cand.new,
    )
    return ops.ModifyTableOps(cand.table, [alter], schema=cand.schema)


def place_renames(
    upgrade_ops: ops.UpgradeOps,
    renames: Sequence[RenameCandidate],
    directives: Sequence[ops.MigrateOperation],
) -> None:
    """Put the rename ``directives`` (one per rename, same order) first in
    ``upgrade_ops``, after only the drops that still name the old objects.

    Index, constraint and foreign-key drops built from the database carry
    the old names (table, columns, referred table), so they run before the
    renames; everything else the second comparison produced speaks of the
    new names and runs after.  In the downgrade, the exact reverse, the old
    forms are then created again only after the names are back.
    """
    if not renames:
        return
    touched: set[tuple[str | None, str]] = set()
    for cand in renames:
        touched.add((cand.schema, cand.old if cand.kind == "table" else cand.table))
    before: list[ops.MigrateOperation] = []
    for container in upgrade_ops.ops:
        if not isinstance(container, ops.ModifyTableOps):
            continue
        moved = [op for op in container.ops if _names_old(op, container, touched)]
        if not moved:
            continue
        container.ops[:] = [op for op in container.ops if op not in moved]
        by_table: dict[str, list[ops.MigrateOperation]] = {}
        for op in moved:
            by_table.setdefault(op.table_name, []).append(op)  # type: ignore[attr-defined]
        for table_name, items in by_table.items():
            before.append(
                ops.ModifyTableOps(table_name, items, schema=container.schema)
            )
    rest = [
        op
        for op in upgrade_ops.ops
        if not (isinstance(op, ops.ModifyTableOps) and op.is_empty())
    ]
    upgrade_ops.ops[:] = [*before, *directives, *rest]


def _names_old(
    op: ops.MigrateOperation,
    container: ops.ModifyTableOps,
    touched: set[tuple[str | None, str]],
) -> bool:
    """A drop built from the database that still names a renamed object."""
    if not isinstance(op, (ops.DropIndexOp, ops.DropConstraintOp)):
        return False
    if (container.schema, getattr(op, "table_name", None)) in touched:
        return True
    if isinstance(op, ops.DropConstraintOp) and op.constraint_type == "foreignkey":
        try:
            const = op.to_constraint()
        except Exception:  # noqa: BLE001 - a drop without its original key
            return False
        for elem in getattr(const, "elements", ()):
            tokens = elem._column_tokens
            schema = tokens[0] if tokens[0] is not None else container.schema
            if (schema, tokens[1]) in touched:
                return True
    return False


def mark_possible(
    upgrade_ops: ops.UpgradeOps, possible: Sequence[RenameCandidate]
) -> None:
    """Note on the add and drop directives of each possible rename which
    rename it may be (read by :mod:`.destructive` and the check report)."""
    if not possible:
        return
    by_key: dict[tuple[Any, ...], list[RenameCandidate]] = {}
    for cand in possible:
        by_key.setdefault(("drop", *cand.old_key()), []).append(cand)
        by_key.setdefault(("add", *cand.new_key()), []).append(cand)
    for op in upgrade_ops.ops:
        keys: list[tuple[Any, ...]] = []
        if isinstance(op, ops.DropTableOp):
            keys.append(("drop", "table", op.schema, None, op.table_name))
        elif isinstance(op, ops.CreateTableOp):
            keys.append(("add", "table", op.schema, None, op.table_name))
        for key in keys:
            if key in by_key:
                setattr(op, POSSIBLE_RENAME, by_key[key])
        if not isinstance(op, ops.ModifyTableOps):
            continue
        for sub in op.ops:
            if isinstance(sub, ops.DropColumnOp):
                key = ("drop", "column", op.schema, op.table_name, sub.column_name)
            elif isinstance(sub, ops.AddColumnOp):
                key = ("add", "column", op.schema, op.table_name, sub.column.name)
            else:
                continue
            if key in by_key:
                setattr(sub, POSSIBLE_RENAME, by_key[key])


def possible_renames_of(op: ops.MigrateOperation) -> list[RenameCandidate]:
    """The possible renames a directive was marked with (none: [])."""
    return list(getattr(op, POSSIBLE_RENAME, ()))
