"""Read the directives of a revision without running them.

The revision's ``upgrade()`` is called with ``schemadiff.op`` bound to a
``RecordingOperations``: every ``op.*`` call builds its directive as usual,
but ``invoke`` keeps it (with the line of the revision file that issued it)
instead of executing it.  The migration context is an offline one for the
dialect being linted, so nothing connects anywhere.
"""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from schemadiff.lint.model import Recorded
from schemadiff.operations.base import BatchOperations, Operations


class _Recorder:
    def __init__(self, path: str) -> None:
        self.path = path
        self.ops: list[Recorded] = []
        self.in_autocommit = False

    def line(self) -> int | None:
        frame = sys._getframe(2)
        while frame is not None:
            if frame.f_code.co_filename == self.path:
                return frame.f_lineno
            frame = frame.f_back  # type: ignore[assignment]
        return None

    def record(self, operation: Any) -> Any:
        self.ops.append(Recorded(operation, self.line(), self.in_autocommit))
        if type(operation).__name__ == "CreateTableOp":
            try:  # scripts may use the returned Table (bulk_insert)
                return operation.to_table()
            except Exception:
                return None
        return None


class _RecordingContext:
    """The offline MigrationContext, with ``autocommit_block`` noted."""

    def __init__(self, context: Any, recorder: _Recorder) -> None:
        self._context = context
        self._recorder = recorder

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)

    @contextmanager
    def autocommit_block(self) -> Iterator[None]:
        was = self._recorder.in_autocommit
        self._recorder.in_autocommit = True
        try:
            yield
        finally:
            self._recorder.in_autocommit = was


class RecordingOperations(Operations):
    """``op`` for lint: directives are recorded, never executed."""

    _recorder: _Recorder

    def invoke(self, operation: Any) -> Any:
        return self._recorder.record(operation)

    def get_context(self) -> Any:
        return _RecordingContext(self.migration_context, self._recorder)

    @contextmanager
    def batch_alter_table(  # type: ignore[override]
        self, table_name: str, schema: str | None = None, *args: Any, **kw: Any
    ) -> Iterator[BatchOperations]:
        """Record what the block does to ``table_name``; the copy-and-move
        options (``recreate`` and the rest) don't change the directives."""
        from schemadiff.operations.batch import BatchOperationsImpl

        impl = BatchOperationsImpl(
            self, table_name, schema, "auto", None, (), {}, (), {}, None, None
        )
        batch_op = _RecordingBatch(self.migration_context, impl=impl)
        batch_op._recorder = self._recorder
        yield batch_op


class _RecordingBatch(BatchOperations):
    _recorder: _Recorder

    def invoke(self, operation: Any) -> Any:
        return self._recorder.record(operation)


def offline_context(dialect_name: str) -> Any:
    """A MigrationContext for ``dialect_name`` that can't reach any database
    (its own start-up log lines are kept out of the lint report)."""
    from schemadiff.runtime.migration import MigrationContext

    logger = logging.getLogger(MigrationContext.__module__)
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        return MigrationContext.configure(
            dialect_name=dialect_name,
            opts={"as_sql": True, "output_buffer": io.StringIO()},
        )
    finally:
        logger.setLevel(level)


def read_upgrade_ops(module: Any, path: str, context: Any) -> list[Recorded]:
    """The directives ``module.upgrade()`` issues under ``context`` (see
    ``offline_context``).

    Raises whatever the script raises: the caller reports it as unreadable.
    """
    from schemadiff import op as op_module

    recorder = _Recorder(getattr(module, "__file__", None) or path)
    operations = RecordingOperations(context)
    operations._recorder = recorder
    op_module._install(operations)
    try:
        module.upgrade()
    finally:
        op_module._remove()
    return recorder.ops
