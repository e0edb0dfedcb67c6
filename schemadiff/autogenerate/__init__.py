"""Autogenerate: compare a database with the models and produce directives."""

from schemadiff.autogenerate.api import (
    AutogenContext,
    compare_metadata,
    produce_migrations,
    produce_revision_ops,
)
from schemadiff.autogenerate.compare import comparators
from schemadiff.autogenerate.render import (
    render_op_text,
    render_python_code,
    renderers,
)
from schemadiff.autogenerate.revision import RevisionContext
from schemadiff.autogenerate.rewriter import Rewriter

__all__ = [
    "AutogenContext",
    "RevisionContext",
    "Rewriter",
    "comparators",
    "compare_metadata",
    "produce_migrations",
    "produce_revision_ops",
    "render_op_text",
    "render_python_code",
    "renderers",
]
