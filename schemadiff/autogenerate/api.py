"""Public autogenerate entry points: compare_metadata, produce_migrations.

The pipeline is reflect -> normalise -> compare (see DESIGN.md): the database
and the target MetaData are both turned into a normalised schema model and the
two models are compared by a pure function that emits op directives.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect

from schemadiff.autogenerate import renames
from schemadiff.autogenerate.compare import comparators, compare_models
from schemadiff.autogenerate.compare_enums import (
    compare_enums,
    metadata_enums,
    reflect_enums,
)
from schemadiff.autogenerate.compare_indexes import apply_expression_indexes
from schemadiff.autogenerate.compare_sequences import (
    compare_sequences,
    metadata_sequences,
    reflect_sequences,
)
from schemadiff.autogenerate.model import SchemaModel, drop_implicit_indexes
from schemadiff.autogenerate.reflect import (
    metadata_model,
    reflect_database,
    target_schemas,
)
from schemadiff.ddl.normalise import Normaliser, get_normaliser
from schemadiff.operations import ops
from schemadiff.util import CommandError, collection_paused, to_tuple

__all__ = [
    "AutogenContext",
    "compare_metadata",
    "produce_migrations",
    "produce_revision_ops",
]


def compare_metadata(context: Any, metadata: sa.MetaData) -> list[Any]:
    """Diff tuples describing how the database differs from ``metadata``.

    The database connection and the comparison options (compare_type,
    compare_server_default, include_name, include_object, include_schemas,
    ...) come from the MigrationContext ``context``.
    """
    autogen_context = AutogenContext(context, metadata)
    upgrade_ops = ops.UpgradeOps([])
    produce_revision_ops(autogen_context, upgrade_ops)
    return upgrade_ops.as_diffs()


def produce_migrations(context: Any, metadata: sa.MetaData) -> ops.MigrationScript:
    """A MigrationScript whose upgrade turns the database into ``metadata``.

    Its downgrade is the exact reverse of the upgrade.
    """
    autogen_context = AutogenContext(context, metadata)
    upgrade_ops = ops.UpgradeOps([])
    produce_revision_ops(autogen_context, upgrade_ops)
    return ops.MigrationScript(
        rev_id=None,
        upgrade_ops=upgrade_ops,
        downgrade_ops=upgrade_ops.reverse(),
    )


def produce_revision_ops(
    autogen_context: AutogenContext, upgrade_ops: ops.UpgradeOps
) -> None:
    """Fill ``upgrade_ops`` with the directives the database needs.

    Used by compare_metadata / produce_migrations and by ``revision
    --autogenerate`` and ``check``.
    """
    if autogen_context.connection is None:
        raise CommandError("autogenerate needs a database connection (not --sql mode)")
    if not autogen_context.metadata_list:
        raise CommandError(
            "Can't proceed with --autogenerate option; environment script "
            "doesn't provide a MetaData object or sequence of objects to the "
            "context (target_metadata)."
        )
    with collection_paused():
        _compare(autogen_context, upgrade_ops)


def _compare(autogen_context: AutogenContext, upgrade_ops: ops.UpgradeOps) -> None:
    # the models die with this frame, before collection resumes
    inspector = sa.inspect(autogen_context.connection)
    schemas = target_schemas(autogen_context, inspector)
    conn_model = reflect_database(autogen_context, schemas)
    apply_expression_indexes(autogen_context, conn_model, schemas)
    meta_model = metadata_model(autogen_context, schemas)
    drop_implicit_indexes(conn_model, meta_model, autogen_context.normaliser)
    compare_models(autogen_context, upgrade_ops, conn_model, meta_model)
    _resolve_renames(autogen_context, upgrade_ops, conn_model, meta_model)
    _compare_types(autogen_context, upgrade_ops, conn_model, meta_model, schemas)
    if comparators.has("schema", autogen_context.dialect.name):
        comparators.dispatch("schema", autogen_context.dialect.name)(
            autogen_context, upgrade_ops, schemas
        )


def _resolve_renames(
    ctx: AutogenContext,
    upgrade_ops: ops.UpgradeOps,
    conn_model: SchemaModel,
    meta_model: SchemaModel,
) -> None:
    """The rename pass (see :mod:`.renames`): confirmed renames make the
    database's model renamed and the comparison run again, with the rename
    directives placed first; possible renames are marked on their drop/add."""
    normaliser = ctx.normaliser
    hints = renames.parse_hints(ctx.opts.get("rename_hints")) + list(ctx.rename_hints)
    candidates = renames.find_candidates(
        upgrade_ops, conn_model, meta_model, normaliser, hints
    )
    outcome = renames.decide(candidates, hints, ctx.rename_confirm)
    ctx.rename_outcome = outcome
    if outcome.confirmed:
        directives = [
            renames.rename_directive(c, conn_model, normaliser.supports_comments)
            for c in outcome.confirmed
        ]
        renames.rename_in_model(conn_model, outcome.confirmed)
        drop_implicit_indexes(conn_model, meta_model, normaliser)
        upgrade_ops.ops[:] = []
        compare_models(ctx, upgrade_ops, conn_model, meta_model)
        renames.place_renames(upgrade_ops, outcome.confirmed, directives)
    renames.mark_possible(upgrade_ops, outcome.possible)


def _compare_types(
    ctx: AutogenContext,
    upgrade_ops: ops.UpgradeOps,
    conn_model: Any,
    meta_model: Any,
    schemas: list[str | None],
) -> None:
    """Schema objects that live beside the tables (named ENUM types,
    sequences); their directives go around the table directives."""
    meta_model.enums = metadata_enums(ctx, meta_model)
    conn_model.enums = reflect_enums(ctx, schemas, meta_model.enums)
    compare_enums(ctx, upgrade_ops, conn_model.enums, meta_model.enums, schemas)
    compare_sequences(
        ctx,
        upgrade_ops,
        reflect_sequences(ctx, schemas),
        metadata_sequences(ctx, schemas),
    )


class AutogenContext:
    """What an autogenerate run (compare or render) needs to know.

    ``opts`` are the MigrationContext's options overlaid with ``opts``;
    without a migration context (rendering only) there is no connection.
    """

    def __init__(
        self,
        migration_context: Any,
        metadata: sa.MetaData | Sequence[sa.MetaData] | None = None,
        opts: dict[str, Any] | None = None,
        autogenerate: bool = True,
    ) -> None:
        if autogenerate and migration_context is not None and migration_context.as_sql:
            raise CommandError("autogenerate can't use an offline (as_sql) context")
        self.migration_context = migration_context
        self.opts: dict[str, Any] = {}
        if migration_context is not None:
            self.opts.update(migration_context.opts)
        if opts:
            self.opts.update(opts)
        if metadata is None:
            metadata = self.opts.get("target_metadata")
        self.metadata = metadata
        self.metadata_list: list[sa.MetaData] = list(to_tuple(metadata))
        self.connection: Connection | None = (
            migration_context.bind if migration_context is not None else None
        )
        self.dialect: Dialect | None = (
            migration_context.dialect if migration_context is not None else None
        )
        self.imports: set[str] = set()
        self._name_filters: list[Callable[..., bool]] = list(
            to_tuple(self.opts.get("include_name"))
        )
        self._object_filters: list[Callable[..., bool]] = list(
            to_tuple(self.opts.get("include_object"))
        )
        self._has_batch = False
        #: extra rename hints (``--rename``) and the terminal's yes/no
        #: question, set by the command running the comparison
        self.rename_hints: list[str] = []
        self.rename_confirm: renames.Confirm | None = None
        self.rename_outcome = renames.RenameOutcome()
        self._normaliser: Normaliser | None = None
        self._default_schema: Any = _UNSET

    @contextlib.contextmanager
    def _within_batch(self) -> Iterator[None]:
        """Render the directives of a ``batch_alter_table`` block (``batch_op.``
        calls without table and schema), as Alembic's context does."""
        previous, self._has_batch = self._has_batch, True
        try:
            yield
        finally:
            self._has_batch = previous

    @property
    def normaliser(self) -> Normaliser:
        if self._normaliser is None:
            assert self.dialect is not None
            self._normaliser = get_normaliser(self.dialect)
        return self._normaliser

    @property
    def default_schema(self) -> str | None:
        if self._default_schema is _UNSET:
            if self.connection is not None:
                self._default_schema = self.normaliser.default_schema_name(
                    self.connection
                )
            else:
                self._default_schema = None
        return self._default_schema

    @property
    def inspector(self) -> Any:
        if self.connection is None:
            raise CommandError("no database connection to inspect")
        return sa.inspect(self.connection)

    def run_name_filters(
        self, name: str | None, type_: str, parent_names: dict[str, Any]
    ) -> bool:
        """Apply include_name hooks to a name seen before reflection."""
        if not self._name_filters:
            return True
        if "schema_name" in parent_names and type_ not in ("schema", "table"):
            schema = parent_names["schema_name"]
            table = parent_names.get("table_name")
            parent_names.setdefault(
                "schema_qualified_table_name", f"{schema}.{table}" if schema else table
            )
        return all(fn(name, type_, parent_names) for fn in self._name_filters)

    @property
    def has_name_filters(self) -> bool:
        """Whether include_name hooks are configured at all."""
        return bool(self._name_filters)

    @property
    def has_object_filters(self) -> bool:
        """Whether include_object hooks are configured at all (without them
        no reflected object needs to be built just to be offered to one)."""
        return bool(self._object_filters)

    def run_object_filters(
        self,
        object_: Any,
        name: str | None,
        type_: str,
        reflected: bool,
        compare_to: Any,
    ) -> bool:
        """Apply include_object hooks to a schema object about to be compared."""
        return all(
            fn(object_, name, type_, reflected, compare_to)
            for fn in self._object_filters
        )

    # Alembic spells these two as "run_filters" too
    run_filters = run_object_filters

    @property
    def sorted_tables(self) -> list[sa.Table]:
        result: list[sa.Table] = []
        for metadata in self.metadata_list:
            result.extend(metadata.sorted_tables)
        return result

    @property
    def table_key_to_table(self) -> dict[str, sa.Table]:
        result: dict[str, sa.Table] = {}
        for metadata in self.metadata_list:
            for key, table in metadata.tables.items():
                if key in result:
                    raise CommandError(f"Duplicate table key across MetaData: {key}")
                result[key] = table
        return result


_UNSET = object()
