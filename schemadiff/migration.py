"""Alias kept for scripts that import ``schemadiff.migration``."""

from schemadiff.runtime.migration import MigrationContext

__all__ = ["MigrationContext"]
