"""Module-level proxies: ``from schemadiff import op, context`` in user scripts.

The proxied object exists only while a command runs env.py or a migration, so
the modules forward attribute access to whatever is installed at that moment.
"""

from __future__ import annotations

from typing import Any

from schemadiff.util import CommandError


class ModuleProxy:
    """Holds the object a proxy module forwards to, and explains its absence."""

    def __init__(self, public_name: str, what: str) -> None:
        self.public_name = public_name
        self.what = what
        self.target: Any = None

    def install(self, obj: Any) -> None:
        self.target = obj

    def remove(self) -> None:
        self.target = None

    def get(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        if self.target is None:
            raise CommandError(
                f"Can't use schemadiff.{self.public_name}.{attr} here: "
                f"no {self.what} is active (it exists only while schemadiff "
                "runs env.py or a migration)"
            )
        return getattr(self.target, attr)
