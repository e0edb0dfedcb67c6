"""Progress of a migration run: elapsed time per revision, ``[12/340]`` on
long runs, colour only where a person is watching.

Kept out of ``migration.py`` so the runner only says "a step starts" and "a
step ended"; the wording, the threshold and the colour rules live here.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from typing import Any

#: runs with more steps than this show ``[n/total]`` before each step
LONG_RUN = 10

_GREEN = "\033[32m"
_DIM = "\033[2m"
_RESET = "\033[0m"


def _handlers(logger: logging.Logger) -> list[logging.Handler]:
    """Handlers a record from ``logger`` reaches (following ``propagate``)."""
    found: list[logging.Handler] = []
    current: logging.Logger | None = logger
    while current is not None:
        found.extend(current.handlers)
        if not current.propagate:
            break
        current = current.parent  # type: ignore[assignment]
    if not found and logging.lastResort is not None:
        found.append(logging.lastResort)
    return found


def use_colour(logger: logging.Logger, environ: Any = None) -> bool:
    """Colour only when every handler writes to a terminal: never into files
    or pipes, and never with ``NO_COLOR`` set or ``TERM=dumb``."""
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR") or env.get("TERM") == "dumb":
        return False
    handlers = _handlers(logger)
    if not handlers:
        return False
    for handler in handlers:
        if isinstance(handler, logging.FileHandler):
            return False
        stream = getattr(handler, "stream", None)
        if stream is None:
            if handler is logging.lastResort:
                stream = sys.stderr
            else:
                return False
        isatty = getattr(stream, "isatty", None)
        try:
            if not callable(isatty) or not isatty():
                return False
        except ValueError:  # closed stream
            return False
    return True


class Progress:
    """Counts the steps of one run and times each of them."""

    def __init__(self, total: int, logger: logging.Logger) -> None:
        self.total = total
        self.logger = logger
        self.number = 0
        self._started = 0.0
        self._colour: bool | None = None

    @property
    def colour(self) -> bool:
        if self._colour is None:
            self._colour = use_colour(self.logger)
        return self._colour

    def _paint(self, code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if self.colour else text

    def start(self) -> str:
        """Call as a step starts; the prefix for its ``Running`` line."""
        self.number += 1
        self._started = time.perf_counter()
        if self.total <= LONG_RUN:
            return ""
        width = len(str(self.total))
        return self._paint(_DIM, f"[{self.number:>{width}}/{self.total}]") + " "

    def finished(self, step: Any) -> None:
        """Log how long the step took."""
        if not self.logger.isEnabledFor(logging.INFO):
            return
        elapsed = time.perf_counter() - self._started
        self.logger.info(
            "Finished %s in %s", step, self._paint(_GREEN, f"{elapsed:.3f}s")
        )
