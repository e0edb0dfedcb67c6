"""Autogenerate on shapes real projects' models have, found running public
Alembic projects through schemadiff: each revision must import, upgrade,
leave ``check`` clean and downgrade, on every backend."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.autogenerate._autogen_project import (
    autogen_project,
    cli,
    diff_against,
    versions,
)

MODELS = """
import enum

import sqlalchemy as sa


class Status(str, enum.Enum):
    NOT_READY = "NOT_READY"
    READY = "READY"


metadata = sa.MetaData()

# a foreign-key cycle: author <-> book, broken by use_alter
sa.Table("author", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("favourite_book_id", sa.Integer,
              sa.ForeignKey("book.id", use_alter=True, name="fk_author_book")),
)
sa.Table("book", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("author_id", sa.Integer,
              sa.ForeignKey("author.id", name="fk_book_author")),
    # a str-mixin Enum member as a server default
    sa.Column("status", sa.String(20), server_default=Status.NOT_READY,
              nullable=False),
    sa.Column("title", sa.String(50), index=True),
    sa.Column("isbn", sa.String(20)),
)
book = metadata.tables["book"]
# the same index declared a second time under the same name
sa.Index("ix_book_title", book.c.title)
# INCLUDE columns that are not index columns (PostgreSQL; ignored elsewhere)
sa.Index("ix_book_author", book.c.author_id, postgresql_include=["isbn"])
"""


def test_real_model_shapes_round_trip(backend, tmp_path: Path) -> None:
    project = autogen_project(tmp_path, backend.url, MODELS, hooks=False)
    with pytest.warns(UserWarning, match="'ix_book_title' is declared more than once"):
        cli(project, "revision", "--autogenerate", "-m", "initial")
    (revision,) = versions(project)
    text = revision.read_text()
    runpy.run_path(str(revision))  # imports: no enum repr in it
    upgrade = text.split("def upgrade")[1].split("def downgrade")[0]

    assert "server_default='NOT_READY'" in upgrade
    assert upgrade.count("'ix_book_title'") == 1
    assert "postgresql_include=['isbn']" in upgrade
    if backend.name == "sqlite":
        # SQLite accepts forward references: the key stays in CREATE TABLE
        assert "create_foreign_key" not in upgrade
    else:
        assert upgrade.index("'book'") < upgrade.index("create_foreign_key(")
        assert "create_foreign_key('fk_author_book', 'author', 'book'" in upgrade

    cli(project, "upgrade", "head")
    inspector = sa.inspect(backend.engine)
    fks = {
        fk["name"]: fk["referred_table"] for fk in inspector.get_foreign_keys("author")
    }
    assert fks.get("fk_author_book") == "book" or (
        backend.name == "sqlite" and list(fks.values()) == ["book"]
    )
    if backend.name == "postgresql":
        (index,) = [
            i for i in inspector.get_indexes("book") if i["name"] == "ix_book_author"
        ]
        assert index["dialect_options"]["postgresql_include"] == ["isbn"]
    metadata = runpy.run_path(str(project / "models.py"))["metadata"]
    assert diff_against(backend.url, metadata) == []
    assert "No new upgrade operations detected." in cli(project, "check").output

    cli(project, "downgrade", "base")
    assert not {"author", "book"} & set(sa.inspect(backend.engine).get_table_names())
