"""A dialect that compiles SQL text the way the database stores it.

A dialect whose driver uses ``format``/``pyformat`` parameters (psycopg,
PyMySQL, mysqlclient) doubles every ``%`` when it compiles, because the driver
halves them again before the statement reaches the server.  SQL text that is
*not* handed to that driver -- a model's server default compared with the
catalog, an expression rendered into a revision file, a drift report -- must
carry the single ``%`` the server sees, or ``'100%'`` reads as ``'100%%'`` and
is reported as changed on every run.
"""

from __future__ import annotations

import copy
import weakref

from sqlalchemy.engine import Dialect

_cache: weakref.WeakKeyDictionary[Dialect, Dialect] = weakref.WeakKeyDictionary()


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
    clone = copy.copy(dialect)
    preparer = copy.copy(dialect.identifier_preparer)
    preparer.dialect = clone
    preparer._double_percents = False
    clone.identifier_preparer = preparer
    type_compiler = copy.copy(dialect.type_compiler_instance)
    type_compiler.dialect = clone
    clone.type_compiler_instance = type_compiler
    # literal processors are memoised per dialect and capture the dialect
    # they were made for: the copy needs its own memo
    clone.__dict__["_type_memos"] = weakref.WeakKeyDictionary()
    _cache[dialect] = clone
    return clone
