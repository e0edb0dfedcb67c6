"""Foreign keys without names and InnoDB's own index for them.

With no usable index, InnoDB indexes a foreign key's columns itself: after the
key when the key is named, after its first column when the server names the
key (``child_ibfk_1`` gets index ``item_id``).  Either index is the backend's
business while its key stays, and goes when the key goes.  Round trips run on
every backend (the other backends make no such index).
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from tests.autogenerate._autogen_project import (
    autogen_project,
    cli,
    diff_against,
    load_metadata,
    write_models,
)

UNNAMED_FK = """
import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table("item", metadata, sa.Column("id", sa.Integer, primary_key=True))
sa.Table(
    "child", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("item_id", sa.Integer, sa.ForeignKey("item.id")),
)
"""

NO_FK = UNNAMED_FK.replace(', sa.ForeignKey("item.id")', "")
NAMED_FK = UNNAMED_FK.replace(
    'sa.ForeignKey("item.id")', 'sa.ForeignKey("item.id", name="fk_child_item")'
)
WITH_INDEX = UNNAMED_FK.replace(
    'sa.Column("item_id", sa.Integer, sa.ForeignKey("item.id")),',
    'sa.Column("item_id", sa.Integer, sa.ForeignKey("item.id")),\n'
    '    sa.Index("ix_child_item", "item_id"),',
)


def _keys_and_indexes(engine: sa.Engine) -> tuple[list[tuple], list[tuple]]:
    insp = sa.inspect(engine)
    keys = [
        (k["name"], tuple(k["constrained_columns"]), k["referred_table"])
        for k in insp.get_foreign_keys("child")
    ]
    indexes = [(i["name"], tuple(i["column_names"])) for i in insp.get_indexes("child")]
    return keys, sorted(indexes)


def test_unnamed_foreign_key_created_and_checked(backend, tmp_path: Path) -> None:
    project = autogen_project(tmp_path, backend.url, UNNAMED_FK, hooks=False)
    cli(project, "revision", "--autogenerate", "-m", "create")
    cli(project, "upgrade", "head")
    keys, indexes = _keys_and_indexes(backend.engine)
    assert [(cols, table) for _name, cols, table in keys] == [(("item_id",), "item")]
    if backend.name == "mariadb":
        # the server named the key, and its index after the column
        assert keys[0][0] == "child_ibfk_1"
        assert indexes == [("item_id", ("item_id",))]
    else:
        assert indexes == []
    result = cli(project, "check", expect=0)
    assert "No new upgrade operations detected." in result.output


def test_unnamed_foreign_key_dropped_and_restored(
    server_backend, tmp_path: Path
) -> None:
    """(SQLite can't drop a key without a name, even in batch mode.)"""
    backend = server_backend
    project = autogen_project(tmp_path, backend.url, UNNAMED_FK, hooks=False)
    cli(project, "revision", "--autogenerate", "-m", "create")
    cli(project, "upgrade", "head")
    cli(project, "check", expect=0)

    # the key goes: its index goes too (after it), in the same revision
    write_models(project, NO_FK)
    cli(project, "revision", "--autogenerate", "-m", "drop key")
    cli(project, "upgrade", "head")
    assert _keys_and_indexes(backend.engine) == ([], [])
    cli(project, "check", expect=0)

    # and back: the database matches the first models again
    cli(project, "downgrade", "-1")
    keys, indexes = _keys_and_indexes(backend.engine)
    assert [cols for _name, cols, _table in keys] == [("item_id",)]
    if backend.name == "mariadb":
        assert indexes == [("item_id", ("item_id",))]
    write_models(project, UNNAMED_FK)
    assert diff_against(backend.url, load_metadata(project)) == []


def test_named_foreign_key_round_trip(backend, tmp_path: Path) -> None:
    project = autogen_project(tmp_path, backend.url, NAMED_FK, hooks=False)
    cli(project, "revision", "--autogenerate", "-m", "create")
    cli(project, "upgrade", "head")
    keys, indexes = _keys_and_indexes(backend.engine)
    assert [name for name, _cols, _table in keys] == ["fk_child_item"]
    if backend.name == "mariadb":
        assert indexes == [("fk_child_item", ("item_id",))]
    cli(project, "check", expect=0)

    write_models(project, NO_FK)
    cli(project, "revision", "--autogenerate", "-m", "drop key")
    cli(project, "upgrade", "head")
    assert _keys_and_indexes(backend.engine) == ([], [])
    cli(project, "check", expect=0)


def test_index_a_kept_key_needs_is_not_offered_for_removal(backend, tmp_path) -> None:
    """An index of the models' own that leads with a key's columns stays
    while the key does on MariaDB (InnoDB refuses to drop it: error 1553);
    elsewhere removing it from the models drops it."""
    project = autogen_project(tmp_path, backend.url, WITH_INDEX, hooks=False)
    cli(project, "revision", "--autogenerate", "-m", "create")
    cli(project, "upgrade", "head")
    _keys, indexes = _keys_and_indexes(backend.engine)
    assert indexes == [("ix_child_item", ("item_id",))]
    cli(project, "check", expect=0)

    diffs = diff_against(backend.url, load_metadata(project))
    assert diffs == []
    write_models(project, UNNAMED_FK)
    diffs = diff_against(backend.url, load_metadata(project))
    if backend.name == "mariadb":
        assert diffs == []
    else:
        assert [(d[0], d[1].name) for d in diffs] == [("remove_index", "ix_child_item")]


_KEY_COLUMN = (
    'sa.Column("item_id", sa.Integer, sa.ForeignKey("item.id", name="fk_child_item")),'
)
NAMED_FK_WITH_WIDE_INDEX = NAMED_FK.replace(
    _KEY_COLUMN,
    _KEY_COLUMN + '\n    sa.Column("n", sa.Integer),\n'
    '    sa.Index("ix_child_item_n", "item_id", "n"),',
)
NAMED_FK_WITH_N = NAMED_FK_WITH_WIDE_INDEX.replace(
    '    sa.Index("ix_child_item_n", "item_id", "n"),\n', ""
)


def test_generated_downgrade_of_an_index_a_key_moved_onto(
    backend, tmp_path: Path
) -> None:
    """On MariaDB the new index replaces InnoDB's own index of the key, which
    the downgrade must bring back before it can drop the new one (error
    1553): online, and offline through the ``mariadb`` client."""
    from tests.operations._util import run_with_client

    project = autogen_project(tmp_path, backend.url, NAMED_FK_WITH_N, hooks=False)
    cli(project, "revision", "--autogenerate", "-m", "create")
    cli(project, "upgrade", "head")
    base = cli(project, "current").stdout.split()[0]
    first = _keys_and_indexes(backend.engine)
    write_models(project, NAMED_FK_WITH_WIDE_INDEX)
    cli(project, "revision", "--autogenerate", "-m", "wide index")
    cli(project, "upgrade", "head")
    cli(project, "check", expect=0)
    assert _keys_and_indexes(backend.engine)[1] == [
        ("ix_child_item_n", ("item_id", "n"))
    ]

    write_models(project, NAMED_FK_WITH_N)
    for offline in (False, True):
        if offline:
            result = cli(project, "downgrade", "head:-1", "--sql")
            run_with_client(backend, result.stdout, tmp_path)
        else:
            cli(project, "downgrade", "-1")
        assert _keys_and_indexes(backend.engine) == first
        assert diff_against(backend.url, load_metadata(project)) == []
        assert cli(project, "current").stdout.split() == [base]
        cli(project, "upgrade", "head")
