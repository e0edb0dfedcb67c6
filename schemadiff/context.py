"""``from schemadiff import context``: the EnvironmentContext of the running env.py."""

from __future__ import annotations

from typing import Any

from schemadiff._proxy import ModuleProxy

_proxy = ModuleProxy("context", "migration environment")


def _install(obj: Any) -> None:
    _proxy.install(obj)


def _remove() -> None:
    _proxy.remove()


def __getattr__(name: str) -> Any:
    return _proxy.get(name)
