"""schemadiff: autogenerate-first schema migrations for SQLAlchemy projects."""

from typing import Any

__version__ = "0.1.0"

#: The Alembic release whose documented behaviour schemadiff follows.  ``schemadiff
#: adopt`` rewrites ``alembic.__version__`` to this, so revisions that branch on
#: Alembic's version keep the path that matches what schemadiff does.
ALEMBIC_COMPAT_VERSION = "1.20.1"

from schemadiff.util import CommandError  # noqa: E402  (cheap: no SQLAlchemy import)

__all__ = ["ALEMBIC_COMPAT_VERSION", "CommandError", "__version__"]

#: Submodules reachable as attributes after a bare ``import schemadiff``, as
#: ``alembic.op`` / ``alembic.context`` are after ``import alembic``.
_LAZY_SUBMODULES = ("op", "context", "command", "config")


def __getattr__(name: str) -> Any:
    if name in _LAZY_SUBMODULES:
        import importlib

        return importlib.import_module(f"schemadiff.{name}")
    raise AttributeError(f"module 'schemadiff' has no attribute {name!r}")
