"""Small helpers shared by every layer; the one user-facing exception lives here."""

from __future__ import annotations

import contextlib
import gc
import importlib.util
import os
import shlex
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import URL


#: Name of the table that records applied revisions (option ``version_table``).
DEFAULT_VERSION_TABLE = "schemadiff_version"


class CommandError(Exception):
    """A mistake the user can fix: the CLI prints it as one line, never a traceback."""


@contextlib.contextmanager
def collection_paused(freeze: bool = False) -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a bounded piece of work.

    Building and comparing schema models allocates tens of thousands of
    small, long-lived objects and makes almost no garbage cycles, so the
    collector's generation scans are pure overhead there (22-40% of a 500 to
    2,000 table comparison; about a third of building 500 model tables).
    Collection resumes, if it was on, when the work ends, whatever the
    outcome.  With ``freeze`` the objects still alive then (imported modules,
    the models env.py built) are moved out of the collector's sight first:
    a command about to end must not pay a full scan of them, on resuming or
    when the interpreter shuts down.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if was_enabled:
            gc.enable()


def rev_id() -> str:
    """A fresh 12-hex-character revision identifier."""
    return uuid.uuid4().hex[-12:]


def obfuscate_url_pw(url: str | URL) -> str:
    """Render a database URL with its password masked, for anything we print."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return parsed.render_as_string(hide_password=True)


def to_tuple(value: object, default: tuple = ()) -> tuple:
    """Normalise None / a scalar / an iterable into a tuple."""
    if value is None:
        return default
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (list, tuple, set, frozenset)):
        return tuple(value)
    return (value,)


def load_python_file(path: str, module_id: str | None = None) -> ModuleType:
    """Import a Python (or sourceless .pyc) file by path as a fresh module.

    Used for env.py and revision files, which are not on sys.path as packages.
    """
    if module_id is None:
        stem = os.path.splitext(os.path.basename(path))[0]
        module_id = f"_schemadiff_{stem}_{uuid.uuid4().hex[:8]}"
    if path.endswith((".pyc", ".pyo")):
        from importlib.machinery import SourcelessFileLoader

        loader = SourcelessFileLoader(module_id, path)
        spec = importlib.util.spec_from_file_location(module_id, path, loader=loader)
    else:
        spec = importlib.util.spec_from_file_location(module_id, path)
    if spec is None or spec.loader is None:
        raise CommandError(f"Can't load Python file {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_id] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(module_id, None)
        raise
    return module


def is_database_error(err: BaseException) -> bool:
    """True for SQLAlchemy errors, without importing SQLAlchemy for fast commands."""
    sa_exc = sys.modules.get("sqlalchemy.exc")
    return sa_exc is not None and isinstance(err, sa_exc.SQLAlchemyError)


def raised_parsing_url(err: BaseException) -> bool:
    """True when ``err`` came out of SQLAlchemy's URL parser.

    Its messages may quote a piece of the URL (``invalid literal for int()
    ... 'tail-of-the-password@host:5432'``), so callers replace them with
    ``urlcheck.unparseable_message``.  Told by the traceback, not the text.
    """
    tb = err.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename.replace("\\", "/")
        if filename.endswith("sqlalchemy/engine/url.py"):
            return True
        tb = tb.tb_next
    return False


def user_error_message(err: BaseException) -> str | None:
    """The one line the user sees for an error they can fix, or None for a bug.

    Shared by the CLI's ``FAILED:`` line and ``check --format json``.
    """
    from schemadiff.urlcheck import unparseable_message

    if isinstance(err, CommandError):
        # An error may word itself for the user differently from str() (the
        # API's text), e.g. MultipleHeads says how to name one head.
        custom = getattr(err, "user_message", None)
        text = custom() if callable(custom) else str(err)
        return " ".join(text.split()) or type(err).__name__
    if raised_parsing_url(err):
        return unparseable_message("given to SQLAlchemy")
    if is_database_error(err):
        text = str(err).strip()
        first = text.splitlines()[0] if text else ""
        return f"{type(err).__name__}: {first}"
    return None


def asbool(value: object) -> bool:
    """Interpret config-file booleans the way users write them."""
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    return str(value).strip().lower() in ("true", "yes", "on", "y", "t", "1")


class AutogenerateDiffsDetected(CommandError):
    """Raised by ``check`` when the models and the database differ.

    The command prints its report before raising; the CLI maps this to exit 1.
    """

    def __init__(
        self,
        message: str,
        revision_context: Any = None,
        diffs: list | None = None,
    ) -> None:
        super().__init__(message)
        if diffs is None and isinstance(revision_context, list):
            # the older (message, diffs) call
            revision_context, diffs = None, revision_context
        self.revision_context = revision_context
        self.diffs = diffs or []


class DatabaseNotAtHead(CommandError):
    """Raised by ``current --check-heads`` when the database is not at the
    script directory's heads."""


def open_in_editor(path: str, environ: dict[str, str] | None = None) -> None:
    """Run ``$VISUAL``/``$EDITOR`` (or a common editor on PATH) on ``path``."""
    env = os.environ if environ is None else environ
    for var in ("VISUAL", "EDITOR"):
        value = env.get(var)
        if value:
            argv = shlex.split(value)
            break
    else:
        for candidate in ("sensible-editor", "editor", "nano", "vim", "vi"):
            found = shutil.which(candidate)
            if found:
                argv = [found]
                break
        else:
            raise CommandError("No editor found: set the EDITOR environment variable")
    try:
        result = subprocess.run([*argv, path], check=False)
    except OSError as err:
        raise CommandError(f"Could not run editor {argv[0]!r}: {err}") from err
    if result.returncode != 0:
        raise CommandError(f"Editor {argv[0]!r} exited with status {result.returncode}")
