"""The ``op.*`` API: Operations, batch mode, directives and the plugin registry."""

from schemadiff.operations import toimpl, toimpl_objects  # noqa: F401  (registers)
from schemadiff.operations.base import AbstractOperations, BatchOperations, Operations
from schemadiff.operations.ops import MigrateOperation

__all__ = ["AbstractOperations", "BatchOperations", "MigrateOperation", "Operations"]
