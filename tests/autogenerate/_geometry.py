"""A GEOMETRY column type for MariaDB tests (SQLAlchemy has none): models
import it from here, so a rendered revision can import it too."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa


class Geometry(sa.types.UserDefinedType[Any]):
    """Renders ``GEOMETRY``; MariaDB reflects it as a type SQLAlchemy
    doesn't know, which is compared as "no change"."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "GEOMETRY"
