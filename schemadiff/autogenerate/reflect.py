"""Read the live database into a :class:`~.model.SchemaModel`, in batches.

Which schemas and tables are read is decided *before* anything is reflected:
``include_name`` sees each schema and table name first, and the version table
is left out, so filtered tables cost no catalog queries at all.  Each schema's
remaining tables are then reflected in one batch by the dialect's normaliser
(a fixed number of statements whatever the number of tables).
"""

from __future__ import annotations

import logging
import warnings
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from schemadiff.autogenerate.model import (
    CatalogTableModel,
    SchemaModel,
    TableKey,
    TableLoader,
    build_model,
    catalog_table_model,
    dependency_order,
    schema_key,
)
from schemadiff.util import DEFAULT_VERSION_TABLE

if TYPE_CHECKING:
    from schemadiff.autogenerate.api import AutogenContext

log = logging.getLogger(__name__)


def target_schemas(autogen_context: AutogenContext, inspector: Any) -> list[str | None]:
    """Schemas to compare: the default one, plus all others with include_schemas."""
    ctx = autogen_context
    schemas: list[str | None] = [None]
    if ctx.opts.get("include_schemas", False):
        default = ctx.default_schema
        for name in inspector.get_schema_names():
            if ctx.normaliser.is_system_schema(name):
                continue
            if name == default:
                continue
            if ctx.run_name_filters(name, "schema", {}):
                schemas.append(name)
    return schemas


def reflect_database(
    autogen_context: AutogenContext, schemas: list[str | None]
) -> SchemaModel:
    """Reflect every included table of ``schemas`` into a normalised model.

    The catalog rows go straight into the model; SQLAlchemy Tables are built
    later, and only for the tables a directive needs (see
    :class:`_CatalogTables`).
    """
    ctx = autogen_context
    connection = ctx.connection
    inspector = sa.inspect(connection)
    version_table = ctx.opts.get("version_table") or DEFAULT_VERSION_TABLE
    version_schema = schema_key(
        ctx.opts.get("version_table_schema"), ctx.default_schema
    )
    normaliser = ctx.normaliser
    if _has_column_reflect_listeners():
        return _reflect_eagerly(ctx, inspector, schemas, version_table, version_schema)
    loader = _CatalogTables(inspector)
    models: dict[TableKey, CatalogTableModel] = {}
    for schema in schemas:
        every = inspector.get_table_names(schema=schema)
        names = _included_tables(ctx, every, schema, version_table, version_schema)
        if not names:
            continue
        # nothing filtered out but the version table: the catalog is read
        # without a list of names (no 500-name IN lists to send and match)
        complete = len(names) >= len(every) - 1
        info = normaliser.reflection_info(
            connection, inspector, schema, names, complete=complete
        )
        for name in names:
            key = (schema, name)
            loader.add(key, info)
            if key in info.unreflectable:
                loader.table(schema, name)  # raises what reflection raises
            models[key] = catalog_table_model(
                info,
                key,
                normaliser,
                ctx.default_schema,
                loader,
                ctx.run_name_filters if ctx.has_name_filters else None,
            )
    order = dependency_order(
        list(models), {key: m.referred for key, m in models.items()}
    )
    model = SchemaModel()
    for key in order:
        tmodel = models[key]
        model_key = (tmodel.schema, tmodel.name)
        model.tables[model_key] = tmodel
        model.order.append(model_key)
    log.debug("reflected %d tables from %d schema(s)", len(models), len(schemas))
    return model


def _included_tables(
    ctx: AutogenContext,
    every: list[str],
    schema: str | None,
    version_table: str,
    version_schema: str | None,
) -> list[str]:
    """The schema's table names include_name lets through (version table out)."""
    names = []
    for name in every:
        if name == version_table and schema == version_schema:
            continue
        parents = {"schema_name": schema}
        if ctx.run_name_filters(name, "table", parents):
            names.append(name)
    return names


def _has_column_reflect_listeners() -> bool:
    """Someone rewrites reflected columns: their Tables must be built first."""
    probe = sa.Table("_probe", sa.MetaData())
    return bool(probe.dispatch.column_reflect) or bool(
        probe.metadata.dispatch.column_reflect
    )


def _reflect_eagerly(
    ctx: AutogenContext,
    inspector: Any,
    schemas: list[str | None],
    version_table: str,
    version_schema: str | None,
) -> SchemaModel:
    """Build every Table, then the model from the Tables."""
    metadata = sa.MetaData()
    tables: list[sa.Table] = []
    for schema in schemas:
        every = inspector.get_table_names(schema=schema)
        names = _included_tables(ctx, every, schema, version_table, version_schema)
        tables.extend(
            ctx.normaliser.reflect_tables(
                ctx.connection, inspector, schema, names, metadata
            )
        )
    _add_referent_stubs(metadata, tables)
    return build_model(
        tables,
        ctx.normaliser,
        ctx.default_schema,
        reflected=True,
        name_filter=ctx.run_name_filters,
    )


class _CatalogTables(TableLoader):
    """Reflected Tables, each assembled from its catalog rows when first asked.

    A Table built here gets the tables its foreign keys refer to as well
    (built the same way when they were reflected, a bare stand-in otherwise),
    so a directive made from it resolves its keys as eager reflection did.
    """

    def __init__(self, inspector: Any) -> None:
        self.inspector = inspector
        self.metadata = sa.MetaData()
        self.infos: dict[TableKey, Any] = {}
        self.built: dict[TableKey, sa.Table] = {}

    def add(self, key: TableKey, info: Any) -> None:
        self.infos[key] = info

    def table(self, schema: str | None, name: str) -> sa.Table:
        key = (schema, name)
        table = self.built.get(key)
        if table is not None:
            return table
        table = sa.Table(name, self.metadata, schema=schema)
        self.built[key] = table
        with warnings.catch_warnings():
            # e.g. SQLite's "skipped expression-based index": the model
            # accounts for such gaps through reflects_expression_indexes
            warnings.simplefilter("ignore", category=sa_exc.SAWarning)
            self.inspector.reflect_table(
                table, None, resolve_fks=False, _reflect_info=self.infos[key]
            )
        for fkc in table.foreign_key_constraints:
            for elem in fkc.elements:
                ref_schema, ref_name, _ = elem._column_tokens
                if (ref_schema, ref_name) in self.infos:
                    self.table(ref_schema, ref_name)
        _add_referent_stubs(self.metadata, [table], self.infos)
        return table


def _add_referent_stubs(
    metadata: sa.MetaData,
    tables: list[sa.Table],
    reflected: dict[TableKey, Any] | None = None,
) -> None:
    """Give every reflected foreign key a table to point at.

    A key may refer to a table that was not reflected (filtered out, or in a
    schema not compared); directives built from the key still need to resolve
    its target, so a bare stand-in with just the referred columns is added to
    the reflection MetaData.  Stand-ins never enter the compared model.
    """
    for table in tables:
        for fkc in table.foreign_key_constraints:
            for elem in fkc.elements:
                schema, name, column = elem._column_tokens
                if reflected is not None and (schema, name) in reflected:
                    continue
                key = f"{schema}.{name}" if schema else name
                target = metadata.tables.get(key)
                if target is None:
                    target = sa.Table(name, metadata, schema=schema)
                if column not in target.c:
                    target.append_column(sa.Column(column, sa.types.NULLTYPE))


def metadata_model(
    autogen_context: AutogenContext, schemas: list[str | None]
) -> SchemaModel:
    """The target MetaData's tables that live in ``schemas``, normalised."""
    ctx = autogen_context
    wanted = set(schemas)
    version_table = ctx.opts.get("version_table") or DEFAULT_VERSION_TABLE
    version_schema = schema_key(
        ctx.opts.get("version_table_schema"), ctx.default_schema
    )
    tables = []
    for metadata in ctx.metadata_list:
        for table in metadata.tables.values():
            key_schema = schema_key(table.schema, ctx.default_schema)
            if key_schema not in wanted:
                continue
            if table.name == version_table and key_schema == version_schema:
                continue
            tables.append(table)
    return build_model(tables, ctx.normaliser, ctx.default_schema, reflected=False)
