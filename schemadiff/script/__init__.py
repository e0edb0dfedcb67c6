"""Revision scripts: the version directories and the revision graph.

``ScriptDirectory`` reads a migration environment; ``Script`` is one revision
file.  The graph itself (``RevisionMap``) lives in ``revision.py``.
"""

from schemadiff.script.base import Script, ScriptDirectory

__all__ = ["Script", "ScriptDirectory"]
