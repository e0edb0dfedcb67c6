"""Dialects that compile SQL text the way the database (or its client) reads it.

A dialect whose driver uses ``format``/``pyformat`` parameters (psycopg,
PyMySQL, mysqlclient) doubles every ``%`` when it compiles, because the driver
halves them again before the statement reaches the server.  SQL text that is
*not* handed to that driver -- a model's server default compared with the
catalog, an expression rendered into a revision file, a drift report, an
offline script -- must carry the single ``%`` the server sees, or ``'100%'``
reads as ``'100%%'``.

Offline scripts are read back by a command-line client (``psql``,
``mariadb``, ``sqlite3``), which is not a transparent pipe: ``mariadb`` and
``sqlite3`` drop a CR that precedes a LF.  :func:`script_dialect` therefore
also passes every string literal through the dialect implementation's
escaping (``DefaultImpl.escape_script_literal``).
"""

from __future__ import annotations

import copy
import re
import weakref
from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import Dialect

_cache: weakref.WeakKeyDictionary[Dialect, Dialect] = weakref.WeakKeyDictionary()

#: one string literal as SQLAlchemy renders it: quotes doubled
STRING_LITERAL = re.compile(r"'(?:[^']|'')*'\Z", re.S)


def plain_sql_dialect(dialect: Dialect) -> Dialect:
    """``dialect`` itself, or a copy of it that leaves ``%`` undoubled.

    The copy keeps what the live dialect learnt on connecting (server
    version, MariaDB, ANSI quotes, backslash escapes), which a new dialect
    instance would not know.
    """
    if not dialect.identifier_preparer._double_percents:
        return dialect
    try:
        return _cache[dialect]
    except KeyError:
        pass
    clone = _copy(dialect)
    _cache[dialect] = clone
    return clone


def script_dialect(dialect: Dialect, escape: Callable[[str], str]) -> Dialect:
    """A copy of ``dialect`` for offline scripts: single ``%``, and each
    rendered literal passed through ``escape`` (which leaves anything that is
    not a plain string literal alone)."""
    clone = _copy(dialect)
    base = dialect.statement_compiler

    class ScriptCompiler(base):  # type: ignore[misc, valid-type]
        """Renders literals for a client to read back exactly."""

        def render_literal_value(self, value: Any, type_: Any) -> str:
            return escape(super().render_literal_value(value, type_))

    ScriptCompiler.__name__ = f"Script{base.__name__}"
    clone.statement_compiler = ScriptCompiler  # type: ignore[misc]
    return clone


def _copy(dialect: Dialect) -> Dialect:
    clone = copy.copy(dialect)
    preparer = copy.copy(dialect.identifier_preparer)
    preparer.dialect = clone
    preparer._double_percents = False
    clone.identifier_preparer = preparer
    type_compiler = copy.copy(dialect.type_compiler_instance)
    type_compiler.dialect = clone
    clone.type_compiler_instance = clone.type_compiler = type_compiler
    # literal processors are memoised per dialect and capture the dialect
    # they were made for: the copy needs its own memo
    clone.__dict__["_type_memos"] = weakref.WeakKeyDictionary()
    return clone
