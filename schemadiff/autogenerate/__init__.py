"""Autogenerate: compare a database with the models and produce directives."""

from schemadiff.autogenerate.api import (
    AutogenContext,
    compare_metadata,
    produce_migrations,
    produce_revision_ops,
)
from schemadiff.autogenerate.compare import comparators

__all__ = [
    "AutogenContext",
    "comparators",
    "compare_metadata",
    "produce_migrations",
    "produce_revision_ops",
]
