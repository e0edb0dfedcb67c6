"""Version files ↔ revisions: ``ScriptDirectory`` and ``Script``.

Loading is built for large histories: each file's identifiers are read from
its header (the top-level ``revision = ...`` style assignments and the module
docstring) without importing it.  A module is imported only when something
needs its code (``Script.module``: upgrade/downgrade), or when its header
can't be read statically (computed values, unusual layouts).
"""

from __future__ import annotations

import ast
import datetime
import importlib
import importlib.util
import logging
import os
import re
import shutil
import sys
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import ModuleType
from typing import TYPE_CHECKING, Any

from schemadiff.script import revision as _revision
from schemadiff.script.revision import (
    MultipleHeads,
    ResolutionError,
    Revision,
    RevisionError,
    RevisionMap,
    format_as_comma,
    tuple_rev_as_scalar,
)
from schemadiff.urlcheck import unparseable_message
from schemadiff.util import (
    CommandError,
    is_database_error,
    load_python_file,
    raised_parsing_url,
)

if TYPE_CHECKING:
    from schemadiff.config import Config

log = logging.getLogger(__name__)

DEFAULT_FILE_TEMPLATE = "%(rev)s_%(slug)s"
_HEADER_NAMES = ("revision", "down_revision", "branch_labels", "depends_on")
_ASSIGN = re.compile(
    r"^(revision|down_revision|branch_labels|depends_on)[ \t]*"
    r"(?::[^=\n]*)?=(?!=)[ \t]*(.*)$",
    re.M,
)
_SIMPLE_STRING = re.compile(r"""^(?:'([^'\\\n]*)'|"([^"\\\n]*)")[ \t]*(?:#.*)?$""")
_NONE = re.compile(r"^None[ \t]*(?:#.*)?$")
_CODING = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
_SLUG_WORD = re.compile(r"\w+")
_UNREADABLE = object()


# --------------------------------------------------------------- file headers


def _decode(raw: bytes) -> str | None:
    encoding = "utf-8"
    for line in raw.split(b"\n", 2)[:2]:
        m = _CODING.match(line)
        if m:
            encoding = m.group(1).decode("ascii")
            break
    try:
        text = raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    return text[1:] if text.startswith("\ufeff") else text


def _leading_docstring(text: str) -> tuple[str | None, int]:
    """The module docstring and the offset just past it, without parsing."""
    pos = 0
    length = len(text)
    while pos < length:
        if text[pos] in " \t\r\n\f":
            pos += 1
        elif text[pos] == "#":
            nl = text.find("\n", pos)
            pos = length if nl < 0 else nl + 1
        else:
            break
    start = pos
    prefix = ""
    while pos < length and text[pos] in "rRuU" and len(prefix) < 1:
        prefix += text[pos]
        pos += 1
    quote = text[pos : pos + 3]
    if quote not in ('"""', "'''"):
        return None, 0
    close = text.find(quote, pos + 3)
    if close < 0:
        return None, 0
    body = text[pos + 3 : close]
    if "\\" in body and "r" not in prefix.lower():
        try:
            body = ast.literal_eval(text[start : close + 3])
        except (SyntaxError, ValueError):
            return None, 0
    return body, close + 3


def _literal(rhs: str, text: str, end: int) -> object:
    """The value of a header assignment, or ``_UNREADABLE``."""
    rhs = rhs.strip()
    if _NONE.match(rhs):
        return None
    m = _SIMPLE_STRING.match(rhs)
    if m:
        return m.group(1) if m.group(1) is not None else m.group(2)
    source = rhs
    tail = text[end:]
    for _ in range(60):
        try:
            value = ast.literal_eval(source)
            break
        except SyntaxError:
            nl = tail.find("\n", 1)
            if not tail or nl == 0:
                return _UNREADABLE
            line, tail = (tail, "") if nl < 0 else (tail[:nl], tail[nl:])
            source += line
        except (ValueError, TypeError, MemoryError, RecursionError):
            return _UNREADABLE
    else:
        return _UNREADABLE
    return _checked_value(value)


def _checked_value(value: object) -> object:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (tuple, list)) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return _UNREADABLE


def read_header(text: str) -> tuple[dict[str, Any], str | None] | None:
    """``({name: value}, docstring)`` read from source text, or None when the
    file needs a real parse (or an import) to be sure."""
    doc, body = _leading_docstring(text)
    values: dict[str, Any] = {}
    for m in _ASSIGN.finditer(text, body):
        name = m.group(1)
        if name in values:
            return None
        # An odd number of triple quotes before us: we are inside a string.
        if (
            text.count('"""', body, m.start()) % 2
            or text.count("'''", body, m.start()) % 2
        ):
            return None
        value = _literal(m.group(2), text, m.end())
        if value is _UNREADABLE:
            return None
        values[name] = value
    if "revision" not in values:
        return None
    return values, doc


def read_header_ast(text: str, path: str) -> tuple[dict[str, Any], str | None] | None:
    """The same as ``read_header`` through ``ast``; None means "import it"."""
    try:
        tree = ast.parse(text, filename=path)
    except SyntaxError as err:
        raise CommandError(
            f"Could not import revision file {path}: SyntaxError: {err.msg} "
            f"(line {err.lineno})"
        ) from err
    values: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            value_node: ast.expr | None = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names = [node.target.id]
            value_node = node.value
        else:
            continue
        for name in names:
            if name not in _HEADER_NAMES:
                continue
            if value_node is None:
                return None
            try:
                value = _checked_value(ast.literal_eval(value_node))
            except (ValueError, TypeError, SyntaxError):
                return None
            if value is _UNREADABLE:
                return None
            values[name] = value
    if "revision" not in values:
        return None
    return values, ast.get_docstring(tree, clean=False)


# ------------------------------------------------------------------- Script


class Script(Revision):
    """A revision read from a file in a version directory."""

    def __init__(
        self,
        module: ModuleType | None,
        rev_id: str,
        path: str,
        down_revision: str | Sequence[str] | None = None,
        depends_on: str | Sequence[str] | None = None,
        branch_labels: str | Sequence[str] | None = None,
        docstring: str | None = None,
    ) -> None:
        self._module = module
        self.path = path
        self._docstring = docstring
        #: the file's bytes as its header was read from them (until imported)
        self._source_bytes: bytes | None = None
        self._db_current_indicator = False
        super().__init__(
            rev_id,
            down_revision,
            dependencies=depends_on,
            branch_labels=branch_labels,
        )

    def _source(self) -> str:
        return self.path

    @property
    def module(self) -> ModuleType:
        """The imported revision file (imported on first use)."""
        if self._module is None:
            source, self._source_bytes = self._source_bytes, None
            module = _import_revision(self.path, source)
            found = getattr(module, "revision", None)
            if found != self.revision:
                raise CommandError(
                    f"Revision file {self.path} sets revision = {found!r} when "
                    f"imported, but its header reads {self.revision!r}"
                )
            self._module = module
        return self._module

    @property
    def longdoc(self) -> str:
        """The whole docstring of the revision file."""
        if self._docstring is None and self._module is not None:
            self._docstring = self._module.__doc__
        return (self._docstring or "").strip()

    @property
    def doc(self) -> str:
        """The first paragraph of the docstring (the revision message)."""
        return re.split("\n\n", self.longdoc)[0]

    @property
    def log_entry(self) -> str:
        """The multi-line ``Rev:`` block of verbose output."""
        marks = "".join(
            mark
            for mark, on in (
                (" (head)", self.is_head),
                (" (branchpoint)", self.is_branch_point),
                (" (mergepoint)", self.is_merge_point),
                (" (current)", self._db_current_indicator),
            )
            if on
        )
        entry = f"Rev: {self.revision}{marks}\n"
        if self.is_merge_point:
            entry += f"Merges: {self._format_down_revision()}\n"
        else:
            entry += f"Parent: {self._format_down_revision()}\n"
        if self._resolved_dependencies:
            entry += (
                f"Also depends on: {format_as_comma(self._resolved_dependencies)}\n"
            )
        if self.is_branch_point:
            entry += f"Branches into: {format_as_comma(self._children)}\n"
        if self.branch_labels:
            entry += f"Branch names: {format_as_comma(sorted(self.branch_labels))}\n"
        entry += f"Path: {self.path}\n"
        doc = "\n".join(f"    {line}" for line in self.longdoc.splitlines())
        entry += f"\n{doc}\n"
        return entry

    def _format_down_revision(self) -> str:
        if not self.down_revisions:
            return "<base>"
        return format_as_comma(self.down_revisions)

    def cmd_format(
        self,
        verbose: bool,
        include_branches: bool = False,
        include_doc: bool = False,
        include_parents: bool = False,
        tree_indicators: bool = True,
        head_indicators: bool = True,
    ) -> str:
        """One revision as ``history``/``heads``/``branches`` print it."""
        if verbose:
            return self.log_entry
        text = self.revision
        if include_parents:
            if self._resolved_dependencies:
                deps = format_as_comma(self._resolved_dependencies)
                text = f"{self._format_down_revision()} ({deps}) -> {text}"
            else:
                text = f"{self._format_down_revision()} -> {text}"
        if include_branches and self.branch_labels:
            text += f" ({format_as_comma(sorted(self.branch_labels))})"
        if head_indicators or tree_indicators:
            if self._is_real_head:
                text += " (head)"
            elif self.is_head:
                text += " (effective head)"
            if self._db_current_indicator:
                text += " (current)"
        if tree_indicators:
            if self.is_branch_point:
                text += " (branchpoint)"
            if self.is_merge_point:
                text += " (mergepoint)"
        if include_doc:
            text += f", {self.doc}"
        return text

    @classmethod
    def _from_path(cls, path: str) -> Script:
        """Read one revision file: its header if possible, else import it."""
        if path.endswith((".pyc", ".pyo")):
            return cls._from_module(_import_revision(path), path)
        try:
            with open(path, "rb") as fh:
                raw = fh.read()
        except OSError as err:
            raise CommandError(f"Can't read revision file {path}: {err}") from err
        text = _decode(raw)
        header = None
        if text is not None:
            header = read_header(text) or read_header_ast(text, path)
        if header is None:
            return cls._from_module(_import_revision(path), path)
        values, doc = header
        script = cls._build(
            None,
            path,
            values["revision"],
            values.get("down_revision"),
            values.get("depends_on"),
            values.get("branch_labels"),
            doc,
        )
        script._source_bytes = raw
        return script

    @classmethod
    def _from_module(cls, module: ModuleType, path: str) -> Script:
        if not hasattr(module, "revision"):
            raise CommandError(
                f"Revision file {path} does not define 'revision' "
                "(expected: revision = '<id>')"
            )
        return cls._build(
            module,
            path,
            module.revision,
            getattr(module, "down_revision", None),
            getattr(module, "depends_on", None),
            getattr(module, "branch_labels", None),
            module.__doc__,
        )

    @classmethod
    def _build(
        cls,
        module: ModuleType | None,
        path: str,
        rev_id: object,
        down: object,
        deps: object,
        labels: object,
        doc: str | None,
    ) -> Script:
        try:
            return cls(
                module,
                rev_id,  # type: ignore[arg-type]
                path,
                down_revision=down,  # type: ignore[arg-type]
                depends_on=deps,  # type: ignore[arg-type]
                branch_labels=labels,  # type: ignore[arg-type]
                docstring=doc,
            )
        except RevisionError as err:
            raise CommandError(f"Revision file {path}: {err}") from err


def _import_revision(path: str, source: bytes | None = None) -> ModuleType:
    """Import a revision file; ``source``: its bytes, already read for the
    header."""
    try:
        if source is not None and _compiled_here(path):
            return _exec_source(path, source)
        return load_python_file(path)
    except CommandError:
        raise
    except Exception as err:
        detail = " ".join(str(err).split())
        raise CommandError(
            f"Could not import revision file {path}: {type(err).__name__}: {detail}"
        ) from err


def _compiled_here(path: str) -> bool:
    """Whether importing ``path`` would compile its source and keep no
    bytecode: Python writes none (``PYTHONDONTWRITEBYTECODE``, ``-B``) and
    none is cached from an earlier run.  The import then needn't read the
    file a second time: the bytes its header was read from are compiled."""
    if not sys.dont_write_bytecode:
        return False
    try:
        cached = importlib.util.cache_from_source(path)
    except (NotImplementedError, ValueError):
        return False
    return not os.path.exists(cached)


def _exec_source(path: str, source: bytes) -> ModuleType:
    """What ``load_python_file`` does, from bytes already read: the module
    gets the same name, spec, ``__file__`` and ``__cached__``, and its code
    is compiled the way the import system compiles a source file."""
    stem = os.path.splitext(os.path.basename(path))[0]
    module_id = f"_schemadiff_{stem}_{uuid.uuid4().hex[:8]}"
    spec = importlib.util.spec_from_file_location(module_id, path)
    if spec is None:
        raise CommandError(f"Can't load Python file {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_id] = module
    try:
        code = compile(source, path, "exec", dont_inherit=True)
        exec(code, module.__dict__)
    except BaseException:
        sys.modules.pop(module_id, None)
        raise
    return module


def _compiled_forms(path: str) -> list[str]:
    """Where a sourceless deployment keeps ``path`` compiled: beside it
    (``env.pyc``) or in ``__pycache__`` (``env.cpython-311.pyc``)."""
    return [path + "c", importlib.util.cache_from_source(path)]


def _is_candidate(name: str, sourceless: bool) -> bool:
    if name.startswith((".", "__init__.")) or name == "__init__.py":
        return False
    if name.endswith(".py"):
        return True
    return sourceless and name.endswith((".pyc", ".pyo"))


# ---------------------------------------------------------- ScriptDirectory


class ScriptDirectory:
    """The migration environment on disk: env.py, the template, and every
    version location with its revision files."""

    def __init__(
        self,
        dir: str,
        file_template: str = DEFAULT_FILE_TEMPLATE,
        truncate_slug_length: int | None = 40,
        version_locations: Sequence[str] | None = None,
        sourceless: bool = False,
        output_encoding: str = "utf-8",
        timezone: str | None = None,
        hooks: Any = None,
        recursive_version_locations: bool = False,
        config: Config | None = None,
    ) -> None:
        self.dir = dir
        self.file_template = file_template
        self.truncate_slug_length = truncate_slug_length or 40
        self.version_locations = list(version_locations) if version_locations else None
        self.sourceless = sourceless
        self.output_encoding = output_encoding
        self.timezone = timezone
        self.hooks = hooks
        self.recursive_version_locations = recursive_version_locations
        self.config = config
        self.revision_map = RevisionMap(self._load_revisions)
        if not os.path.isdir(dir):
            raise CommandError(
                f"Path doesn't exist: {os.path.abspath(dir)!r}. Please use the "
                "'init' command to create a new scripts folder."
            )

    @classmethod
    def from_config(cls, config: Config) -> ScriptDirectory:
        """The ScriptDirectory a Config describes (``script_location`` etc.)."""
        location = config.get_schemadiff_option("script_location")
        if not location:
            raise CommandError("No 'script_location' key found in configuration.")
        _prepend_sys_path(config.get_schemadiff_list("prepend_sys_path"))
        truncate = config.get_schemadiff_option("truncate_slug_length")
        try:
            truncate_len = int(truncate) if truncate not in (None, "") else 40
        except ValueError as err:
            raise CommandError(
                f"truncate_slug_length must be a number, not {truncate!r}"
            ) from err
        return cls(
            _resolve_script_location(str(location), config),
            file_template=config.get_schemadiff_option("file_template")
            or DEFAULT_FILE_TEMPLATE,
            truncate_slug_length=truncate_len,
            version_locations=config.get_schemadiff_list("version_locations") or None,
            sourceless=config.get_schemadiff_bool("sourceless"),
            output_encoding=config.get_schemadiff_option("output_encoding") or "utf-8",
            timezone=config.get_schemadiff_option("timezone") or None,
            recursive_version_locations=config.get_schemadiff_bool(
                "recursive_version_locations"
            ),
            config=config,
        )

    # -- locations ----------------------------------------------------------

    @property
    def versions(self) -> str:
        """The default version directory, ``<script_location>/versions``."""
        return os.path.join(self.dir, "versions")

    @property
    def _version_locations(self) -> list[str]:
        if self.version_locations:
            return [
                os.path.abspath(os.path.expanduser(p)) for p in self.version_locations
            ]
        return [os.path.abspath(self.versions)]

    @property
    def env_py_location(self) -> str:
        return os.path.abspath(os.path.join(self.dir, "env.py"))

    def _list_revision_files(self, location: str) -> list[str]:
        """Revision files of one location, sorted by path (stable order)."""
        found: list[str] = []
        if self.recursive_version_locations:
            walker: Iterator[tuple[str, list[str], list[str]]] = os.walk(location)
        else:
            try:
                names = os.listdir(location)
            except FileNotFoundError:
                return []
            walker = iter([(location, [], names)])
        for dirpath, dirnames, filenames in walker:
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            names = set(filenames)
            for name in filenames:
                if not _is_candidate(name, self.sourceless):
                    continue
                if not name.endswith(".py") and name.rsplit(".", 1)[0] + ".py" in names:
                    continue
                found.append(os.path.join(dirpath, name))
            if self.sourceless:
                found.extend(self._pycache_only(dirpath, names))
        found.sort()
        return found

    def _pycache_only(self, dirpath: str, names: set[str]) -> list[str]:
        cache = os.path.join(dirpath, "__pycache__")
        if "__pycache__" not in os.listdir(dirpath) or not os.path.isdir(cache):
            return []
        out = []
        for name in sorted(os.listdir(cache)):
            if not name.endswith((".pyc", ".pyo")):
                continue
            stem = name.split(".", 1)[0]
            if stem + ".py" in names or stem.startswith((".", "__init__")):
                continue
            out.append(os.path.join(cache, name))
        return out

    def _load_revisions(self) -> Iterator[Script]:
        seen: set[str] = set()
        for location in self._version_locations:
            real = os.path.realpath(location)
            if real in seen:
                continue
            seen.add(real)
            for path in self._list_revision_files(location):
                yield Script._from_path(path)

    # -- lookups -------------------------------------------------------------

    @contextmanager
    def _catch_revision_errors(
        self, multiple_heads: str | None = None
    ) -> Iterator[None]:
        try:
            yield
        except MultipleHeads as err:
            if multiple_heads is None:
                raise
            raise CommandError(
                f"{multiple_heads} (heads: {', '.join(err.heads)})"
            ) from err

    def get_revision(self, id_: str) -> Script | None:
        """The revision ``id_`` names (a full or partial id, a label, head...)."""
        return self.revision_map.get_revision(id_)  # type: ignore[return-value]

    def get_revisions(self, id_: str | Sequence[str] | None) -> tuple[Script, ...]:
        """Every revision an identifier (or several) names."""
        return self.revision_map.get_revisions(id_)  # type: ignore[return-value]

    def get_all_current(self, id_: Sequence[str]) -> set[Script]:
        """The given revisions plus everything below them."""
        ids = [r.revision for r in self.get_revisions(id_)]
        rmap = self.revision_map
        return {rmap._revision_map[r] for r in rmap.ancestors(ids)}  # type: ignore[misc]

    def as_revision_number(self, id_: str | None) -> str | tuple[str, ...] | None:
        """Full id(s) for an identifier; None for ``base``."""
        ids = self.revision_map.resolve(id_)
        if not ids:
            return None
        if id_ == "heads":
            return ids
        return ids[0]

    def get_current_head(self) -> str | None:
        """The single head; an error if the graph has several."""
        with self._catch_revision_errors(
            multiple_heads=(
                "The script directory has multiple heads (due to branching); "
                "use get_heads(), or merge the branches with 'schemadiff merge'."
            )
        ):
            return self.revision_map.get_current_head()

    def get_heads(self, consider_depends_on: bool = False) -> list[str]:
        """Every head, effective heads included, in file order; with
        ``consider_depends_on``, only heads no other revision depends on (the
        heads a fully upgraded database records)."""
        heads = self.revision_map.heads  # builds the graph
        if consider_depends_on:
            return list(self.revision_map._real_heads)
        return list(heads)

    def get_base(self) -> str | None:
        """The single base; an error if there are several."""
        bases = self.get_bases()
        if len(bases) > 1:
            raise CommandError(
                "The script directory has multiple bases; use get_bases() "
                f"(bases: {', '.join(bases)})"
            )
        return bases[0] if bases else None

    def get_bases(self) -> list[str]:
        return list(self.revision_map.bases)

    def walk_revisions(
        self, base: str | Sequence[str] = "base", head: str | Sequence[str] = "heads"
    ) -> Iterator[Script]:
        """Revisions from ``head`` down to ``base``, newest first."""
        yield from self.revision_map.iterate_revisions(  # type: ignore[misc]
            head, base, inclusive=True, assert_relative_length=False
        )

    def iterate_revisions(
        self, upper: str | Sequence[str], lower: str | Sequence[str], **kw: Any
    ) -> Iterator[Script]:
        yield from self.revision_map.iterate_revisions(upper, lower, **kw)  # type: ignore[misc]

    # -- migration steps (built by schemadiff.script.steps) -----------------

    def _upgrade_revs(self, destination: str, current_rev: Sequence[str]) -> list[Any]:
        from schemadiff.script import steps

        return steps.upgrade_steps(self, destination, current_rev)

    def _downgrade_revs(
        self, destination: str, current_rev: Sequence[str]
    ) -> list[Any]:
        from schemadiff.script import steps

        return steps.downgrade_steps(self, destination, current_rev)

    def _stamp_revs(
        self, revision: str | Sequence[str] | None, heads: Sequence[str]
    ) -> list[Any]:
        from schemadiff.script import steps

        return steps.stamp_steps(self, revision, heads)

    def run_env(self) -> None:
        """Import env.py as a fresh module, which runs the migrations."""
        path = self.env_py_location
        if not os.path.exists(path):
            compiled = [c for c in _compiled_forms(path) if os.path.exists(c)]
            if self.sourceless and compiled:
                path = compiled[0]
            else:
                raise CommandError(f"No env.py found in {self.dir}")
        try:
            load_python_file(path)
        except CommandError:
            raise
        except Exception as err:
            if raised_parsing_url(err):
                # its message may quote part of the password: say nothing of it
                raise CommandError(
                    unparseable_message("that env.py uses")
                    + " (run with --raiseerr for the traceback)"
                ) from err
            if is_database_error(err):
                raise  # the CLI reports these in one line already
            # A mistake in the user's env.py (or what it imports): one line,
            # the traceback stays available through --raiseerr.
            raise CommandError(
                f"env.py failed: {type(err).__name__}: {err} "
                "(run with --raiseerr for the traceback)"
            ) from err

    # -- writing new revisions ------------------------------------------------

    def _status(self, text: str) -> None:
        """A piece of the ``  Generating X ... done`` line, for the user only.

        Deliberately not logged as well: the CLI shows log records on the same
        terminal, where the line would appear twice.
        """
        config = self.config
        if config is not None and not config.messaging_quiet:
            config.stdout.write(text)
            config.stdout.flush()

    def _ensure_directory(self, path: str) -> None:
        if not os.path.isdir(path):
            self._status(f"  Creating directory {os.path.abspath(path)} ...")
            os.makedirs(path)
            self._status(" done\n")

    def _generate_create_date(self) -> datetime.datetime:
        if self.timezone:
            from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

            try:
                tz = ZoneInfo(self.timezone)
            except (ZoneInfoNotFoundError, ValueError) as err:
                raise CommandError(f"Can't locate timezone: {self.timezone}") from err
            return datetime.datetime.now(tz=tz)
        return datetime.datetime.now()

    def _rev_path(
        self,
        location: str,
        rev_id: str,
        message: str | None,
        create_date: datetime.datetime,
        file_template: str | None = None,
    ) -> str:
        slug = "_".join(_SLUG_WORD.findall(message or "")).lower()
        if len(slug) > self.truncate_slug_length:
            slug = slug[: self.truncate_slug_length].rsplit("_", 1)[0] + "_"
        tokens = {
            "rev": rev_id,
            "slug": slug,
            "epoch": int(create_date.timestamp()),
            "year": create_date.year,
            "month": create_date.month,
            "day": create_date.day,
            "hour": create_date.hour,
            "minute": create_date.minute,
            "second": create_date.second,
        }
        template = file_template or self.file_template
        try:
            name = template % tokens
        except (KeyError, ValueError, TypeError) as err:
            raise CommandError(
                f"Bad file_template {template!r}: {type(err).__name__}: {err}"
                " (tokens: rev, slug, epoch, year, month, day, hour, minute, second)"
            ) from err
        if "/" in name and not self.recursive_version_locations:
            raise CommandError(
                f"file_template {template!r} makes sub-directories; set "
                "recursive_version_locations = true so the files are found again"
            )
        return os.path.join(location, *name.split("/")) + ".py"

    def _location_of(self, path: str) -> str | None:
        real = os.path.realpath(path)
        for location in self._version_locations:
            loc = os.path.realpath(location)
            if real == loc or real.startswith(loc + os.sep):
                return location
        return None

    def generate_revision(
        self,
        revid: str,
        message: str | None,
        head: str | Sequence[str] | None = None,
        splice: bool | None = False,
        branch_labels: str | Sequence[str] | None = None,
        version_path: str | None = None,
        file_template: str | None = None,
        depends_on: str | Sequence[str] | None = None,
        **template_args: Any,
    ) -> Script:
        """Write a new revision file from ``script.py.mako`` and return it.

        ``file_template`` overrides the configured file name template for this
        one file (Alembic's argument of the same name).
        """
        template_args.pop("refresh", None)
        if head is None:
            head = "head"
        try:
            Revision.verify_rev_id(revid)
        except RevisionError as err:
            raise CommandError(str(err)) from err
        if revid in self.revision_map:
            existing = self.revision_map._revision_map[revid]
            raise CommandError(
                f"Revision id {revid} already exists ({existing._source()})"
            )
        with self._catch_revision_errors(
            multiple_heads=(
                "Multiple heads are present; please specify the head revision on "
                "which the new revision should be based, or perform a merge."
            )
        ):
            heads = self.revision_map.get_revisions(head)
        if len({h.revision for h in heads}) != len(heads):
            raise CommandError("Duplicate head revisions specified")

        if version_path is None:
            locations = self._version_locations
            if len(locations) > 1:
                for h in heads:
                    found = self._location_of(h.path)  # type: ignore[attr-defined]
                    if found:
                        version_path = found
                        break
                else:
                    raise CommandError(
                        "Multiple version locations present, please specify "
                        "--version-path"
                    )
            else:
                version_path = locations[0]
        norm = os.path.normpath(os.path.abspath(version_path))
        if norm not in [os.path.normpath(p) for p in self._version_locations]:
            raise CommandError(
                f"Path {version_path} is not represented in current version "
                "locations (version_locations in the config)"
            )
        self._ensure_directory(norm)

        if not splice:
            for h in heads:
                if not h.is_head:
                    raise CommandError(
                        f"Revision {h.revision} is not a head revision; please "
                        "specify --splice to create a new branch from this revision"
                    )

        resolved_deps: list[str] | None = None
        if depends_on:
            resolved_deps = []
            for dep in _revision._as_tuple(depends_on):
                try:
                    rev = self.revision_map.get_revision(dep)
                except ResolutionError as err:
                    if str(err).startswith("Multiple revisions"):
                        raise  # ambiguous prefix: its own message says so
                    raise CommandError(
                        f"Can't locate revision identified by '{dep}'"
                    ) from err
                if rev is None:
                    raise CommandError(f"depends_on '{dep}' does not name a revision")
                if dep in self.revision_map._labels:
                    resolved_deps.append(dep)  # keep branch labels symbolic
                else:
                    resolved_deps.append(rev.revision)

        create_date = self._generate_create_date()
        path = self._rev_path(norm, revid, message, create_date, file_template)
        self._ensure_directory(os.path.dirname(path))
        labels = _revision._as_tuple(branch_labels)
        self._render_template(
            os.path.join(self.dir, "script.py.mako"),
            path,
            up_revision=str(revid),
            down_revision=tuple_rev_as_scalar(tuple(h.revision for h in heads)),
            branch_labels=labels or None,
            depends_on=tuple_rev_as_scalar(resolved_deps),
            create_date=create_date,
            comma=format_as_comma,
            message=_docstring_text(
                message if message is not None else "empty message"
            ),
            **template_args,
        )
        self._run_post_write_hooks(path)
        script = Script._from_path(path)
        if labels and not script._declared_branch_labels:
            raise CommandError(
                f"Version {script.revision} specified branch_labels "
                f"{format_as_comma(labels)}, however the migration file "
                f"{script.path} does not have them; have you upgraded your "
                "script.py.mako to include the 'branch_labels' section?"
            )
        self.revision_map.add_revision(script)
        return script

    def _render_template(self, template: str, dest: str, **kw: Any) -> None:
        if not os.path.exists(template):
            raise CommandError(f"No revision template {template} found")
        from mako.template import Template

        self._status(f"  Generating {os.path.abspath(dest)} ...")
        try:
            text = Template(filename=template).render_unicode(**kw)
        except Exception as err:
            detail = " ".join(str(err).split())
            raise CommandError(
                f"Template {template} failed to render: {type(err).__name__}: {detail}"
            ) from err
        with open(dest, "w", encoding=self.output_encoding, newline="\n") as fh:
            fh.write(text)
        self._status(" done\n")

    def _generate_template(
        self, src: str | os.PathLike[str], dest: Any, **kw: Any
    ) -> None:
        """Render the Mako file ``src`` with ``kw`` into ``dest`` (``init``)."""
        from mako.template import Template

        text = Template(filename=os.fspath(src)).render_unicode(**kw)
        os.makedirs(os.path.dirname(os.path.abspath(dest)), exist_ok=True)
        with open(dest, "w", encoding=self.output_encoding) as fh:
            fh.write(text)

    def _copy_file(self, src: str | os.PathLike[str], dest: Any) -> None:
        """Copy a template file into the environment (``init``)."""
        shutil.copyfile(src, dest)

    def _run_post_write_hooks(self, path: str) -> None:
        from schemadiff.script import write_hooks

        if self.hooks is not None:
            write_hooks._run_hooks(path, self.hooks)
        elif self.config is not None:
            write_hooks.run_hooks_for_config(self.config, path)


def _docstring_text(message: str) -> str:
    """``message`` escaped for the body of a triple-quoted docstring.

    Backslashes and triple quotes would otherwise end the docstring early or
    change its text; escaped, the file parses and its docstring reads back as
    the message that was given.
    """
    return message.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


def _prepend_sys_path(entries: Sequence[str]) -> None:
    """Put ``prepend_sys_path`` entries at the front of ``sys.path``.

    Entries become absolute (relative ones, such as the usual ``.``, against the
    current directory now): a relative entry would follow later ``chdir`` calls
    and share one stale import-finder cache across directories.  The import
    caches are refreshed so modules created since the last import are found.
    """
    changed = False
    for entry in reversed(entries):
        path = os.path.abspath(os.path.expanduser(entry))
        if path not in sys.path:
            sys.path.insert(0, path)
            changed = True
    if changed:
        importlib.invalidate_caches()


def _resolve_script_location(location: str, config: Config) -> str:
    """A directory path for ``script_location`` (path or ``package:resource``)."""
    if ":" in location and not os.path.isabs(location) and not _is_drive(location):
        package, _, resource = location.partition(":")
        import importlib.util

        try:
            spec = importlib.util.find_spec(package)
        except (ImportError, ValueError) as err:
            raise CommandError(
                f"Can't import package for script_location {location!r}"
            ) from err
        if spec is None or not spec.submodule_search_locations:
            raise CommandError(f"Can't find package {package!r} for script_location")
        base = list(spec.submodule_search_locations)[0]
        return os.path.join(base, *resource.split("/"))
    path = os.path.expanduser(location)
    if os.path.isabs(path) or os.path.isdir(path):
        return path
    here = config.config_file_name or config.toml_file_name
    if here:
        candidate = os.path.join(os.path.dirname(os.path.abspath(here)), path)
        if os.path.isdir(candidate):
            return candidate
    return path


def _is_drive(location: str) -> bool:
    return len(location) > 1 and location[1] == ":" and location[0].isalpha()
