"""``schemadiff fleet``: one command over many databases and schemas.

- ``targets``: the targets file (``[[target]]``, ``[source]``, ``${VAR}``);
- ``worker``: what a worker process does with one target;
- ``runner``: the process pool, progress and Ctrl-C;
- ``report``: the table, the groups and the JSON document.

``schemadiff.command.fleet`` composes them.  env.py sees the target as
``context.get_fleet_target()`` (a :class:`Target`).
"""

from schemadiff.fleet.targets import Target, load_targets

__all__ = ["Target", "load_targets"]
