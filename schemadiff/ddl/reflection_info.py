"""The empty batch every catalog reader fills in."""

from __future__ import annotations

from sqlalchemy.engine.reflection import _ReflectionInfo


def empty_reflection_info() -> _ReflectionInfo:
    """A ``_ReflectionInfo`` (the shape ``Inspector.reflect_table`` takes)
    with every kind of fact empty."""
    return _ReflectionInfo(
        columns={},
        pk_constraint={},
        foreign_keys={},
        indexes={},
        unique_constraints={},
        table_comment={},
        check_constraints={},
        table_options={},
        unreflectable={},
    )
