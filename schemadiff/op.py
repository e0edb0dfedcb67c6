"""``from schemadiff import op``: the Operations object of the running migration."""

from __future__ import annotations

from typing import Any

from schemadiff._proxy import ModuleProxy

_proxy = ModuleProxy("op", "migration")


def _install(obj: Any) -> None:
    _proxy.install(obj)


def _remove() -> None:
    _proxy.remove()


def __getattr__(name: str) -> Any:
    return _proxy.get(name)
