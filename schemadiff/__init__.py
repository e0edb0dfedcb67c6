"""schemadiff: autogenerate-first schema migrations for SQLAlchemy projects."""

__version__ = "0.1.0"

from schemadiff.util import CommandError  # noqa: E402  (cheap: no SQLAlchemy import)

__all__ = ["CommandError", "__version__"]
