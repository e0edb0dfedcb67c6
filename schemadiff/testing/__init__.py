"""schemadiff's pytest plugin (registered through the ``pytest11`` entry point).

Inert unless used: it adds options and the fixtures ``schemadiff_config``,
``schemadiff_engine`` and ``schemadiff_runner`` (see ``plugin``), and only
with ``--schemadiff-tests`` collects the built-in tests (``builtin``).  The
``MigrationRunner`` (``runner``) is usable on its own.
"""

from __future__ import annotations

from schemadiff.testing.runner import MigrationRunner

__all__ = ["MigrationRunner"]
