"""Refuse a database URL that SQLAlchemy would misread, without echoing it.

A password with an unencoded ``@`` (or ``:`` next to one) makes SQLAlchemy
split the URL in the wrong place: a piece of the password becomes the host or
the port, and the resulting error (``invalid literal for int()``, "could not
translate host name ...") prints that piece.  Checking the text first turns
that into one message that names where the URL came from and nothing of its
content.  Stdlib only: ``Config`` uses it before SQLAlchemy is imported.
"""

from __future__ import annotations

import re

from schemadiff.util import CommandError

# The shape SQLAlchemy's own parser gives a URL (sqlalchemy.engine.url).
_URL = re.compile(
    r"""
    (?P<name>[\w+]+)://
    (?:(?P<username>[^:/]*)(?::(?P<password>[^@]*))?@)?
    (?:(?:\[(?P<ipv6host>[^/?]+)\]|(?P<host>[^/:?]+))?(?::(?P<port>[^/?]*))?)?
    (?:/(?P<database>[^?]*))?
    (?:\?(?P<query>.*))?
    """,
    re.X,
)
# "name:secret@" inside what was taken for the database name.
_USERINFO_IN_PATH = re.compile(r"[^/]*:[^/]*@")

PERCENT_ENCODING_HINT = (
    "special characters in the user name or password (such as @ : / # ? %) "
    "must be percent-encoded, e.g. @ as %40 and : as %3A "
    "(in an ini file also double the percent sign: %%40)"
)


def is_misparsed(url: str) -> bool:
    """True when SQLAlchemy would fail on ``url`` or read part of it wrongly."""
    found = _URL.match(url.strip())
    if found is None:
        return True
    parts = found.groupdict()
    host = parts["host"] or ""
    port = parts["port"] or ""
    database = parts["database"] or ""
    if "@" in host or "@" in port:
        return True
    if port and not port.isdigit():
        return True
    return bool(_USERINFO_IN_PATH.match(database))


def check_url(url: object, where: str) -> None:
    """Raise a CommandError naming ``where`` (never the URL) if it is misparsed."""
    if isinstance(url, str) and "://" in url and is_misparsed(url):
        raise CommandError(unparseable_message(where))


def unparseable_message(where: str) -> str:
    """The one-line error for a URL that could not be parsed."""
    return f"The database URL {where} could not be parsed; {PERCENT_ENCODING_HINT}"
