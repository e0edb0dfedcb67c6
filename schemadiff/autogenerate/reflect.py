"""Read the live database into a :class:`~.model.SchemaModel`, in batches.

Which schemas and tables are read is decided *before* anything is reflected:
``include_name`` sees each schema and table name first, and the version table
is left out, so filtered tables cost no catalog queries at all.  Each schema's
remaining tables are then reflected in one batch by the dialect's normaliser
(a fixed number of statements whatever the number of tables).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from schemadiff.autogenerate.model import SchemaModel, build_model, schema_key
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
    """Reflect every included table of ``schemas`` into a normalised model."""
    ctx = autogen_context
    connection = ctx.connection
    inspector = sa.inspect(connection)
    version_table = ctx.opts.get("version_table") or DEFAULT_VERSION_TABLE
    version_schema = schema_key(
        ctx.opts.get("version_table_schema"), ctx.default_schema
    )
    metadata = sa.MetaData()
    tables: list[sa.Table] = []
    for schema in schemas:
        names = []
        for name in inspector.get_table_names(schema=schema):
            if name == version_table and schema == version_schema:
                continue
            parents = {"schema_name": schema}
            if ctx.run_name_filters(name, "table", parents):
                names.append(name)
        tables.extend(
            ctx.normaliser.reflect_tables(
                connection, inspector, schema, names, metadata
            )
        )
    _add_referent_stubs(metadata, tables)
    log.debug("reflected %d tables from %d schema(s)", len(tables), len(schemas))
    return build_model(
        tables,
        ctx.normaliser,
        ctx.default_schema,
        reflected=True,
        name_filter=ctx.run_name_filters,
    )


def _add_referent_stubs(metadata: sa.MetaData, tables: list[sa.Table]) -> None:
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
