"""Keep the class of an error that schemadiff rewords.

schemadiff turns a database error raised by an operation, or any error raised
by a revision, into a one-line ``CommandError`` naming what failed.  Alembic
lets those errors propagate as they are, so code written for it catches them
by their own class: ``except sa.exc.ProgrammingError`` around an
``op.drop_constraint()`` inside a revision, ``except sa.exc.OperationalError``
around ``command.upgrade()``.  ``also_instance_of`` gives the reworded error a
class deriving from both, so that code keeps working and the CLI still prints
one line.
"""

from __future__ import annotations

import functools
from typing import Any, TypeVar

E = TypeVar("E", bound=BaseException)


def also_instance_of(error: E, original: BaseException) -> E:
    """``error`` (its message and attributes) as an instance of a class deriving
    from ``type(error)`` and ``type(original)``, carrying ``original``'s
    attributes (``orig``, ``statement``, ``params``, ...) under its own.

    ``original``'s ``__init__`` is not run (its signature is its own).  Where
    Python can't combine the two classes (built-ins with their own instance
    layout, such as ``OSError``), ``error`` is returned unchanged.
    """
    if isinstance(error, type(original)):
        return error
    cls = _combined(type(error), type(original))
    if cls is None:
        return error
    try:
        combined = cls.__new__(cls, *error.args)
    except Exception:
        return error
    combined.__dict__.update(getattr(original, "__dict__", {}))
    combined.__dict__.update(error.__dict__)
    combined.args = error.args
    return combined


@functools.cache
def _combined(kind: type[BaseException], original: type[BaseException]) -> Any:
    try:
        cls = type(
            kind.__name__,
            (kind, original),
            {
                # the reworded one-line message, not the original's __str__
                "__str__": kind.__str__,
                # a class made here can't be pickled by name
                "__reduce__": _reduce_as(kind),
            },
        )
    except TypeError:
        return None
    cls.__module__ = kind.__module__
    cls.__qualname__ = kind.__qualname__
    return cls


def _reduce_as(kind: type[BaseException]) -> Any:
    def __reduce__(self: BaseException) -> tuple[Any, ...]:
        return (_rebuild, (kind, self.args))

    return __reduce__


def _rebuild(kind: type[BaseException], args: tuple[Any, ...]) -> BaseException:
    error = kind.__new__(kind, *args)
    error.args = args
    return error
