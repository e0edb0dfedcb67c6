"""``Rewriter``: a ``process_revision_directives`` hook built from small,
per-directive rewrite functions.

e.g.::

    from schemadiff.autogenerate import rewriter
    from schemadiff.operations import ops

    writer = rewriter.Rewriter()

    @writer.rewrites(ops.AddColumnOp)
    def add_column(context, revision, op):
        if op.column.nullable:
            return op
        op.column.nullable = True
        return [
            op,
            ops.AlterColumnOp(op.table_name, op.column.name,
                              modify_nullable=False,
                              existing_type=op.column.type),
        ]

    context.configure(..., process_revision_directives=writer)

A rewrite function returns the directive, a replacement, or a list of
directives (an empty list removes it).  Rewriters combine with
``writer.chain(other)``; each runs over the whole tree in turn.  A directive a
rewriter produced is not handed back to that same rewriter, so returning the
input unchanged (or wrapped in a list) cannot loop.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from schemadiff.operations import ops

RewriteFn = Callable[[Any, Any, Any], Any]


class Rewriter:
    """Walk a MigrationScript and apply registered per-directive rewrites."""

    def __init__(self) -> None:
        self._rewrites: dict[type, RewriteFn] = {}
        self._chained: tuple[Any, ...] = ()

    def rewrites(self, operator: type) -> Callable[[RewriteFn], RewriteFn]:
        """Decorator: ``fn(context, revision, directive)`` rewrites every
        directive of class ``operator`` (or a subclass)."""

        def decorate(fn: RewriteFn) -> RewriteFn:
            self._rewrites[operator] = fn
            return fn

        return decorate

    def chain(self, other: Any) -> Rewriter:
        """A new Rewriter running this one, then ``other`` (a Rewriter or any
        ``process_revision_directives`` callable)."""
        new = self.__class__.__new__(self.__class__)
        new.__dict__.update(self.__dict__)
        new._chained = self._chained + (other,)
        return new

    def __call__(self, context: Any, revision: Any, directives: list[Any]) -> None:
        self.process_revision_directives(context, revision, directives)
        for hook in self._chained:
            hook(context, revision, directives)

    def process_revision_directives(
        self, context: Any, revision: Any, directives: list[Any]
    ) -> None:
        """Rewrite ``directives`` (the list holding the MigrationScript) in
        place with this rewriter only."""
        self._traverse_list(context, revision, directives)

    # -- traversal ------------------------------------------------------------

    def _lookup(self, directive: Any) -> RewriteFn | None:
        for klass in type(directive).__mro__:
            if klass in self._rewrites:
                return self._rewrites[klass]
        return None

    def _rewrite(self, context: Any, revision: Any, directive: Any) -> list[Any]:
        fn = self._lookup(directive)
        if fn is None or self in getattr(directive, "_mutations", frozenset()):
            return [directive]
        result = fn(context, revision, directive)
        if result is None:
            result = []
        elif not isinstance(result, (list, tuple)):
            result = [result]
        out = []
        for item in result:
            item._mutations = frozenset(getattr(item, "_mutations", ())) | {self}
            out.append(item)
        return out

    def _traverse_for(self, context: Any, revision: Any, directive: Any) -> list[Any]:
        directives = self._rewrite(context, revision, directive)
        for item in directives:
            self._descend(context, revision, item)
        return directives

    def _traverse_list(
        self, context: Any, revision: Any, directives: list[Any]
    ) -> None:
        result: list[Any] = []
        for directive in directives:
            result.extend(self._traverse_for(context, revision, directive))
        directives[:] = result

    def _descend(self, context: Any, revision: Any, directive: Any) -> None:
        if isinstance(directive, ops.MigrationScript):
            directive.upgrade_ops = self._single_each(
                context, revision, directive.upgrade_ops_list, "UpgradeOps"
            )
            directive.downgrade_ops = self._single_each(
                context, revision, directive.downgrade_ops_list, "DowngradeOps"
            )
        elif isinstance(directive, ops.OpContainer):
            self._traverse_list(context, revision, directive.ops)

    def _single_each(
        self, context: Any, revision: Any, containers: list[Any], what: str
    ) -> list[Any]:
        out = []
        for container in containers:
            rewritten = self._traverse_for(context, revision, container)
            if len(rewritten) != 1:
                raise ValueError(
                    f"a rewrite of {what} must return exactly one {what}, "
                    f"got {len(rewritten)}"
                )
            out.append(rewritten[0])
        return out
