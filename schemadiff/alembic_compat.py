"""Reading an unconverted Alembic project: ``schemadiff --alembic-compat history``.

While a read-only command runs, ``import alembic`` / ``from alembic.x import y``
in env.py and the revision files resolve to schemadiff's modules (the same map
``schemadiff adopt`` writes into the files), and ``alembic.__version__`` is
``ALEMBIC_COMPAT_VERSION``.  The import hook is installed only when no real
``alembic`` is importable: it never shadows an installed Alembic, which is what
that project's own deployments would run.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from schemadiff.adopt import schemadiff_module
from schemadiff.util import CommandError

#: Commands that never write to the database or to the project.
READ_ONLY_COMMANDS = frozenset(
    {"history", "heads", "branches", "show", "current", "check"}
)


class _AliasLoader(importlib.abc.Loader):
    """Hands out an already imported schemadiff module under an ``alembic`` name."""

    def __init__(self, module: types.ModuleType) -> None:
        self.module = module

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> Any:
        return self.module

    def exec_module(self, module: types.ModuleType) -> None:
        return None


class AlembicAliasFinder(importlib.abc.MetaPathFinder):
    """Finds ``alembic`` and ``alembic.*`` as their schemadiff counterparts."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None = None,
        target: types.ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != "alembic" and not fullname.startswith("alembic."):
            return None
        if fullname == "alembic":
            module = _alembic_package()
        else:
            try:
                module = importlib.import_module(schemadiff_module(fullname))
            except ImportError:
                return None
        return importlib.machinery.ModuleSpec(
            fullname, _AliasLoader(module), is_package=hasattr(module, "__path__")
        )


def _alembic_package() -> types.ModuleType:
    """A stand-in ``alembic`` package: schemadiff's, with Alembic's version."""
    import schemadiff

    package = types.ModuleType("alembic", "schemadiff standing in for alembic")
    package.__path__ = []  # a package, so "alembic.x" imports go through the finder
    package.__version__ = schemadiff.ALEMBIC_COMPAT_VERSION
    package.op = importlib.import_module("schemadiff.op")
    package.context = importlib.import_module("schemadiff.context")
    return package


@contextmanager
def alembic_names(command: str) -> Iterator[None]:
    """Let ``alembic`` imports resolve to schemadiff while ``command`` runs."""
    if command not in READ_ONLY_COMMANDS:
        raise CommandError(
            f"--alembic-compat runs only read-only commands "
            f"({', '.join(sorted(READ_ONLY_COMMANDS))}); run 'schemadiff adopt' "
            f"to convert the project before '{command}'"
        )
    if "alembic" in sys.modules or importlib.util.find_spec("alembic") is not None:
        raise CommandError(
            "--alembic-compat would shadow the Alembic installed here; run "
            "'alembic' itself, or 'schemadiff adopt' to convert the project"
        )
    finder = AlembicAliasFinder()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
        for name in [
            n for n in sys.modules if n == "alembic" or n.startswith("alembic.")
        ]:
            del sys.modules[name]
