"""``schemadiff lint``: risky operations in revisions, found without running them.

- ``reader``: reads the directives a revision's ``upgrade()`` would run, by
  calling it against a recording ``Operations`` (nothing reaches a database);
- ``model``: the recorded directives, findings and the rule registry;
- one module per rule family: ``postgresql`` (anchored on squawk's rules),
  ``mysql`` (ALTERs InnoDB can't run INPLACE/INSTANT), ``data_loss`` and
  ``renames`` (every backend); each rule is a small pure function over the
  directives of one revision;
- ``runner``: applies the rules for a dialect, honours the switches, and
  ``report`` prints text or JSON.
"""

from __future__ import annotations

from schemadiff.lint.model import Finding, Recorded, RevisionOps, all_rules
from schemadiff.lint.runner import lint_revisions

__all__ = ["Finding", "Recorded", "RevisionOps", "all_rules", "lint_revisions"]
