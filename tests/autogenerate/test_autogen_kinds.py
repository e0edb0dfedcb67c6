"""More change kinds end to end: computed and identity columns, expression
and partial indexes (where the backend reflects them), tables in another
schema with ``include_schemas``."""

from __future__ import annotations

from pathlib import Path

from tests.autogenerate._autogen_project import (
    autogen_project,
    cli,
    diff_against,
    versions,
    write_models,
)

BASE = """
import sqlalchemy as sa

metadata = sa.MetaData()
CONFIGURE = {CONFIGURE}
sa.Table("base", metadata, sa.Column("id", sa.Integer, primary_key=True))
"""

COMPUTED = """
sa.Table("calc", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("amount", sa.Integer),
    sa.Column("double", sa.Integer, sa.Computed("amount * 2", persisted=True)),
)
"""

POSTGRESQL_ONLY = """
sa.Table("ident", metadata,
    sa.Column("id", sa.Integer, sa.Identity(start=5, increment=2), primary_key=True),
    sa.Column("name", sa.String(40)),
    sa.Index("ix_ident_lower", sa.func.lower(sa.text("name"))),
    sa.Index("ix_ident_partial", "name", postgresql_where=sa.text("id > 10")),
)
"""

OTHER_SCHEMA = """
sa.Table("remote", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("base_id", sa.Integer{fk}),
    schema={schema!r},
)
"""


def models(backend, with_changes: bool, schema: str | None) -> str:
    configure = "{}"
    if schema is not None:
        configure = (
            "{'include_schemas': True, 'include_name': lambda name, type_, parents: "
            f"type_ != 'schema' or name in (None, {schema!r})}}"
        )
    source = BASE.replace("{CONFIGURE}", configure)
    if with_changes:
        source += COMPUTED
        if backend.name == "postgresql":
            source += POSTGRESQL_ONLY
        if schema is not None:
            # MariaDB resolves an unqualified FK target in the table's own
            # database, so only PostgreSQL (search_path) gets the cross-schema FK
            fk = ', sa.ForeignKey("base.id", ondelete="CASCADE")'
            source += OTHER_SCHEMA.format(
                schema=schema, fk=fk if backend.name == "postgresql" else ""
            )
    return source


def metadata_of(source: str):
    namespace: dict = {}
    exec(compile(source, "<models>", "exec"), namespace)
    return namespace["metadata"], namespace["CONFIGURE"]


def test_computed_identity_expression_indexes_and_schemas(
    backend, tmp_path: Path
) -> None:
    schema = backend.make_schema() if backend.name != "sqlite" else None
    v0 = models(backend, False, schema)
    v1 = models(backend, True, schema)
    project = autogen_project(tmp_path, backend.url, v0, hooks=False)
    cli(project, "revision", "--autogenerate", "-m", "v0")
    cli(project, "upgrade", "head")
    write_models(project, v1)
    cli(project, "revision", "--autogenerate", "-m", "v1")
    newest = max(versions(project), key=lambda p: p.stat().st_mtime_ns)
    text = newest.read_text()
    assert "sa.Computed('amount * 2', persisted=True)" in text
    if backend.name == "postgresql":
        assert "sa.Identity(always=False, start=5, increment=2)" in text
        assert "[sa.literal_column('lower(name)')]" in text
        assert "postgresql_where=sa.text('id > 10')" in text
    if schema is not None:
        assert f"schema={schema!r}" in text

    cli(project, "upgrade", "head")
    result = cli(project, "check")
    assert "No new upgrade operations detected." in result.output
    meta, opts = metadata_of(v1)
    assert diff_against(backend.url, meta, **opts) == []

    cli(project, "downgrade", "-1")
    meta, opts = metadata_of(v0)
    if schema is not None:
        opts = {
            "include_schemas": True,
            "include_name": lambda name, type_, parents: type_ != "schema"
            or name in (None, schema),
        }
    assert diff_against(backend.url, meta, **opts) == []
