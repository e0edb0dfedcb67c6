"""The ``op.*`` facade: Operations, BatchOperations and the plugin registry.

Every public operation method is generated from a directive class in
:mod:`schemadiff.operations.ops` by :meth:`Operations.register_operation`; calling
it builds the directive and hands it to :meth:`Operations.invoke`, which looks up
the function registered with :meth:`Operations.implementation_for`.  That is the
same path a plugin takes (see the Replaceable Objects recipe), so built-ins and
plugins are indistinguishable.
"""

from __future__ import annotations

import inspect
import logging
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.exc import DBAPIError, NoSuchTableError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.naming import conv

from schemadiff.error_class import also_instance_of
from schemadiff.operations.schemaobj import SchemaObjects
from schemadiff.util import CommandError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from schemadiff.operations.ops import MigrateOperation

__all__ = ["AbstractOperations", "Operations", "BatchOperations", "OperationError"]

log = logging.getLogger(__name__)

_T = TypeVar("_T")
_EMPTY: Mapping[str, Any] = {}


class _Dispatcher:
    """Map a class (searched along its MRO) plus a dialect qualifier to a function."""

    def __init__(self) -> None:
        self._registry: dict[tuple[type, str], Callable[..., Any]] = {}

    def dispatch_for(
        self, target: type, qualifier: str = "default", replace: bool = False
    ) -> Callable[[_T], _T]:
        def decorate(fn: _T) -> _T:
            key = (target, qualifier)
            if key in self._registry and not replace:
                log.debug("replacing implementation for %s (%s)", target, qualifier)
            self._registry[key] = fn  # type: ignore[assignment]
            return fn

        return decorate

    def dispatch(self, obj: Any, qualifier: str = "default") -> Callable[..., Any]:
        cls = obj if isinstance(obj, type) else type(obj)
        for klass in cls.__mro__:
            if qualifier != "default" and (klass, qualifier) in self._registry:
                return self._registry[(klass, qualifier)]
            if (klass, "default") in self._registry:
                return self._registry[(klass, "default")]
        raise NotImplementedError(
            f"no implementation registered for operation {cls.__name__}; use "
            "Operations.implementation_for() to provide one"
        )


class OperationError(CommandError):
    """A migration operation failed in the database; names what was attempted.

    Raised as an instance of the database error's class too (``invoke``), with
    its attributes: ``orig`` is the DB-API exception, as on SQLAlchemy's
    errors, and the SQLAlchemy error itself is ``__cause__``.
    """

    def __init__(self, description: str, orig: Any) -> None:
        self.description = description
        detail = getattr(orig, "orig", None) or orig
        self.orig = detail
        first = str(detail).strip().splitlines()[0] if str(detail).strip() else ""
        super().__init__(f"{description} failed: {first}")


_OP_NAMES = {"ExecuteSQLOp": "execute", "CreateTableCommentOp": "create_table_comment"}


def describe_operation(operation: Any) -> str:
    """``add_column on table 'x' (column 'y')``: a human label for an operation."""
    cls_name = type(operation).__name__
    name = _OP_NAMES.get(cls_name)
    if name is None:
        base = cls_name[:-2] if cls_name.endswith("Op") else cls_name
        name = re.sub(r"(?<!^)(?=[A-Z])", "_", base).lower()
    details = []
    table = getattr(operation, "table_name", None) or getattr(
        operation, "source_table", None
    )
    if table is None and getattr(operation, "table", None) is not None:
        table = getattr(operation.table, "name", None)
    schema = getattr(operation, "schema", None) or getattr(operation, "kw", {}).get(
        "source_schema"
    )
    if table:
        details.append(f"table {f'{schema}.{table}' if schema else table!r}")
    column = getattr(operation, "column_name", None)
    if column is None and getattr(operation, "column", None) is not None:
        column = getattr(operation.column, "name", None)
    for label, value in (
        ("column", column),
        ("index", getattr(operation, "index_name", None)),
        ("constraint", getattr(operation, "constraint_name", None)),
    ):
        if value:
            details.append(f"{label} {value!r}")
    return f"{name} on {', '.join(details)}" if details else name


class _LiteralBindParam(BindParameter):  # type: ignore[type-arg]
    """A bound value that always renders inline (``op.inline_literal``)."""

    inherit_cache = True


@compiles(_LiteralBindParam)
def _render_literal_bindparam(element: Any, compiler: Any, **kw: Any) -> str:
    kw["literal_binds"] = True
    return compiler.visit_bindparam(element, **kw)


class AbstractOperations:
    """Shared machinery of :class:`Operations` and :class:`BatchOperations`."""

    _to_impl = _Dispatcher()

    def __init__(self, migration_context: Any, impl: Any = None) -> None:
        self.migration_context = migration_context
        self.impl = impl if impl is not None else migration_context.impl
        self.schema_obj = SchemaObjects(migration_context)

    # -- plugin API ----------------------------------------------------------
    @classmethod
    def register_operation(
        cls, name: str, sourcename: str | None = None
    ) -> Callable[[_T], _T]:
        """Class decorator: expose ``op_cls.<sourcename>`` as ``op.<name>``.

        ``sourcename`` names a classmethod of the directive class taking the
        operations object first; it defaults to ``name``.
        """

        def register(op_cls: _T) -> _T:
            source = getattr(op_cls, sourcename or name)

            def method(self: AbstractOperations, *args: Any, **kw: Any) -> Any:
                return source(self, *args, **kw)

            method.__name__ = name
            method.__qualname__ = f"{cls.__name__}.{name}"
            method.__doc__ = source.__doc__
            method.__module__ = getattr(op_cls, "__module__", __name__)
            try:
                sig = inspect.signature(source)
                params = list(sig.parameters.values())[1:]
                self_param = inspect.Parameter(
                    "self", inspect.Parameter.POSITIONAL_OR_KEYWORD
                )
                method.__signature__ = sig.replace(  # type: ignore[attr-defined]
                    parameters=[self_param, *params]
                )
            except (TypeError, ValueError):  # pragma: no cover - builtins
                pass
            setattr(cls, name, method)
            return op_cls

        return register

    @classmethod
    def implementation_for(
        cls, op_cls: type, replace: bool = False
    ) -> Callable[[_T], _T]:
        """Decorator registering ``fn(operations, operation)`` to execute ``op_cls``
        (``replace=True`` to swap a built-in implementation, as in Alembic)."""
        return cls._to_impl.dispatch_for(op_cls, replace=replace)

    def invoke(self, operation: MigrateOperation) -> Any:
        """Execute a directive through its registered implementation.

        A database error becomes an :class:`OperationError` naming the operation
        and its table/column, so the CLI reports one readable line.
        """
        fn = self._to_impl.dispatch(operation, self.migration_context.impl.__dialect__)
        try:
            return fn(self, operation)
        except DBAPIError as err:
            error = OperationError(describe_operation(operation), err)
            raise also_instance_of(error, err) from err
        except NoSuchTableError as err:
            error = OperationError(
                describe_operation(operation), f"table {str(err)!r} does not exist"
            )
            raise also_instance_of(error, err) from err

    # -- proxy installation -------------------------------------------------
    @classmethod
    @contextmanager
    def context(cls, migration_context: Any) -> Iterator[Operations]:
        """Install a new Operations as the ``schemadiff.op`` proxy for the block."""
        operations = cls(migration_context)
        operations._install_proxy()
        try:
            yield operations  # type: ignore[misc]
        finally:
            operations._remove_proxy()

    def _install_proxy(self) -> None:
        from schemadiff import op as op_module

        op_module._install(self)

    def _remove_proxy(self) -> None:
        from schemadiff import op as op_module

        op_module._remove()

    # -- helpers available to scripts ---------------------------------------
    def f(self, name: str) -> conv:
        """Mark ``name`` as already made by a naming convention (don't re-apply it)."""
        return conv(name)

    def inline_literal(self, value: Any, type_: Any = None) -> BindParameter:  # type: ignore[type-arg]
        """A value rendered inline in the SQL, usable online and in ``--sql`` output."""
        return _LiteralBindParam(None, value, type_=type_, unique=True)

    def get_bind(self) -> Connection:
        """The Connection in use (a mock one in offline mode)."""
        return self.migration_context.bind

    def run_async(
        self, async_function: Callable[..., Any], *args: Any, **kw_args: Any
    ) -> Any:
        """Run ``async_function(async_connection, *args, **kw_args)`` from a
        synchronous upgrade()/downgrade(), on the migration's own connection
        and transaction (an async driver is required)."""
        bind = self.get_bind()
        if bind is None or self.migration_context.as_sql:
            raise CommandError("op.run_async() can't run in offline (--sql) mode")
        if not bind.dialect.is_async:
            raise CommandError(
                "op.run_async() needs an async driver (e.g. postgresql+asyncpg, "
                "sqlite+aiosqlite); this connection uses "
                f"{bind.dialect.name}+{bind.dialect.driver}"
            )
        from sqlalchemy.ext.asyncio import AsyncConnection
        from sqlalchemy.util import await_only

        async_conn = AsyncConnection._retrieve_proxy_for_target(bind)
        return await_only(async_function(async_conn, *args, **kw_args))

    def get_context(self) -> Any:
        """The MigrationContext these operations run under."""
        return self.migration_context

    @contextmanager
    def batch_alter_table(
        self,
        table_name: str,
        schema: str | None = None,
        recreate: str = "auto",
        partial_reordering: list[tuple[str, ...]] | None = None,
        copy_from: Any = None,
        table_args: tuple[Any, ...] = (),
        table_kwargs: Mapping[str, Any] = _EMPTY,
        reflect_args: tuple[Any, ...] = (),
        reflect_kwargs: Mapping[str, Any] = _EMPTY,
        naming_convention: dict[str, str] | None = None,
    ) -> Iterator[BatchOperations]:
        """Group ALTERs on one table; on SQLite they run as "move and copy".

        The operations are collected and applied when the block exits: where the
        backend can ALTER in place they run as plain ALTERs, otherwise (or with
        ``recreate="always"``) a new table is made, the rows copied, the old
        table dropped and the new one renamed.
        """
        from schemadiff.operations.batch import BatchOperationsImpl

        if recreate not in ("auto", "always", "never"):
            raise CommandError(
                f"batch_alter_table({table_name!r}): recreate must be 'auto', "
                f"'always' or 'never', not {recreate!r}"
            )
        impl = BatchOperationsImpl(
            self,
            table_name,
            schema,
            recreate,
            copy_from,
            table_args,
            dict(table_kwargs),
            reflect_args,
            dict(reflect_kwargs),
            naming_convention,
            partial_reordering,
        )
        batch_op = BatchOperations(self.migration_context, impl=impl)
        yield batch_op
        impl.flush()


class Operations(AbstractOperations):
    """The object behind ``schemadiff.op`` while a revision script runs.

    Usable on its own too::

        ctx = MigrationContext.configure(connection)
        op = Operations(ctx)
        op.alter_column("t", "c", nullable=True)
    """


class BatchOperations(AbstractOperations):
    """The ``batch_op`` of ``with op.batch_alter_table(...) as batch_op``.

    Methods omit the table name; the directives are collected and applied on
    exit of the block.
    """

    impl: Any
