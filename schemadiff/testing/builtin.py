"""The built-in migration tests (collected with ``--schemadiff-tests``).

Each failure names the revision at fault and shows the difference.
"""

from __future__ import annotations

from typing import Any

import pytest


def _fail(message: str, detail: list[str] = ()) -> None:  # type: ignore[assignment]
    lines = [message, *(f"    {line}" for line in detail)]
    pytest.fail("\n".join(lines), pytrace=False)


def _step(what: str, revision: str, fn: Any, *args: Any) -> None:
    try:
        fn(*args)
    except Exception as err:
        text = " ".join(str(err).split()) or type(err).__name__
        _fail(f"{what} of revision {revision} failed: {text}")


def test_single_head(schemadiff_runner: Any) -> None:
    """One head: two would mean an unmerged branch (``schemadiff merge``)."""
    heads = schemadiff_runner.heads
    if len(heads) != 1:
        _fail(
            f"expected a single head revision, found {len(heads)}: "
            f"{', '.join(heads)}; merge them with 'schemadiff merge heads'"
        )


def test_upgrade(schemadiff_runner: Any) -> None:
    """Every revision upgrades from base, one at a time."""
    for rev in schemadiff_runner.history():
        _step("upgrade", rev.revision, schemadiff_runner.migrate_up_to, rev.revision)


def test_model_definitions_match_ddl(schemadiff_runner: Any) -> None:
    """After upgrading to the heads, the models and the database agree."""
    history = schemadiff_runner.history()
    for rev in history:
        _step("upgrade", rev.revision, schemadiff_runner.migrate_up_to, rev.revision)
    diffs = schemadiff_runner.model_differences()
    if diffs:
        heads = ", ".join(schemadiff_runner.heads)
        _fail(
            f"the models differ from the database upgraded to {heads}; "
            "autogenerate a revision for:",
            diffs,
        )


def test_up_down_consistency(schemadiff_runner: Any) -> None:
    """Each downgrade brings back the schema from before its upgrade.

    All the way up (reflecting the schema before each revision), then down
    one revision at a time, newest first, comparing by reflection.
    """
    before: list[tuple[str, Any]] = []
    for rev in schemadiff_runner.history():
        before.append((rev.revision, schemadiff_runner.snapshot()))
        _step("upgrade", rev.revision, schemadiff_runner.migrate_up_to, rev.revision)
    for revision, schema in reversed(before):
        _step("downgrade", revision, schemadiff_runner.migrate_down_one, revision)
        diffs = schemadiff_runner.schema_differences(schema)
        if diffs:
            _fail(
                f"downgrade of revision {revision} does not bring back the "
                "schema from before its upgrade:",
                diffs,
            )


def test_stairway(schemadiff_runner: Any) -> None:
    """Up, down, up again, one revision at a time: upgrades are repeatable."""
    for rev in schemadiff_runner.history():
        _step("upgrade", rev.revision, schemadiff_runner.migrate_up_to, rev.revision)
        _step(
            "downgrade",
            rev.revision,
            schemadiff_runner.migrate_down_one,
            rev.revision,
        )
        _step(
            "repeated upgrade (after its downgrade)",
            rev.revision,
            schemadiff_runner.migrate_up_to,
            rev.revision,
        )
