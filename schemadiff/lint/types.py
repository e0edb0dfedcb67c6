"""Which column type changes only widen a column (pure, over SQLAlchemy types)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa


def _as_type(value: Any) -> Any:
    if isinstance(value, type):
        return value()
    return value


def string_lengths(old: Any, new: Any) -> tuple[int | None, int | None] | None:
    """(old length, new length) when both are character types, else None.

    ``None`` as a length means unbounded (``TEXT`` or ``VARCHAR`` without n).
    """
    old, new = _as_type(old), _as_type(new)
    if not isinstance(old, sa.String) or not isinstance(new, sa.String):
        return None
    if isinstance(old, (sa.Enum,)) or isinstance(new, (sa.Enum,)):
        return None
    if isinstance(new, sa.Text) and not isinstance(old, sa.Text):
        return old.length, None
    if isinstance(old, sa.Text) != isinstance(new, sa.Text):
        return None
    return old.length, new.length


def is_widening(old: Any, new: Any) -> bool:
    """True when every value of ``old`` fits ``new`` unchanged: a longer or
    unbounded character type, or a NUMERIC with more digits and the same
    scale."""
    lengths = string_lengths(old, new)
    if lengths is not None:
        before, after = lengths
        return after is None or (before is not None and after >= before)
    old, new = _as_type(old), _as_type(new)
    if type(old) is type(new) and isinstance(old, sa.Numeric):
        if old.precision is None or new.precision is None:
            return new.precision is None
        return new.precision >= old.precision and (old.scale or 0) == (new.scale or 0)
    return False


def is_narrowing(old: Any, new: Any) -> bool:
    """True when values of ``old`` may not fit ``new`` (data can be cut)."""
    lengths = string_lengths(old, new)
    if lengths is None:
        return False
    before, after = lengths
    return after is not None and (before is None or after < before)
