"""Index details beyond columns and predicate: PostgreSQL's method
(``USING``), ``INCLUDE`` columns, operator classes and ``NULLS NOT
DISTINCT``; MySQL/MariaDB prefix lengths and FULLTEXT/SPATIAL.  The dialect
normaliser puts them in canonical form
(:meth:`~schemadiff.ddl.normalise.Normaliser.index_options_signature`); an
index whose options differ is dropped and created again, as for a changed
column list."""

from __future__ import annotations

import sqlalchemy as sa

from schemadiff.autogenerate.model import IndexModel
from schemadiff.ddl.normalise import Normaliser


def index_options_differ(
    normaliser: Normaliser, conn_i: IndexModel, meta_i: IndexModel
) -> bool:
    if not isinstance(conn_i.obj, sa.Index) or not isinstance(meta_i.obj, sa.Index):
        return False  # unique constraints carry no such options here
    return normaliser.index_options_signature(
        conn_i.obj
    ) != normaliser.index_options_signature(meta_i.obj)
