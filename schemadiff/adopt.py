"""Turning an Alembic project into a schemadiff one: pure text rewriting.

Every function here takes the text of one file and returns the new text plus a
list of human-readable changes; nothing reads or writes files (``command.adopt``
does that).  Python files are rewritten token by token, so strings, comments
and every ``op.``/``sa.`` call stay byte-for-byte as they were: only the
``alembic`` module name in imports, the name ``alembic`` bound by
``import alembic``, and ``alembic.__version__`` change.

``alembic.__version__`` becomes ``schemadiff.ALEMBIC_COMPAT_VERSION``: the
Alembic release whose documented behaviour schemadiff follows.  Revisions that
branch on Alembic's version thus keep taking the path written for that
behaviour instead of the "very old Alembic" path that schemadiff's own version
number (0.x) would select.
"""

from __future__ import annotations

import importlib
import importlib.util
import io
import re
import tokenize
from collections.abc import Callable
from dataclasses import dataclass, field

from schemadiff.util import CommandError

#: The version table Alembic writes; adopted projects keep using it.
ALEMBIC_VERSION_TABLE = "alembic_version"
COMPAT_NAME = "ALEMBIC_COMPAT_VERSION"

#: Alembic module paths whose schemadiff counterpart has another path.
MODULE_RENAMES: dict[str, str] = {
    "alembic.environment": "schemadiff.runtime.environment",
    "alembic.util.exc": "schemadiff.util",
    "alembic.util.messaging": "schemadiff.util",
    "alembic.util.langhelpers": "schemadiff.util",
    "alembic.util.sqla_compat": "schemadiff.util",
    "alembic.util.pyfiles": "schemadiff.util",
    "alembic.script.write_hooks": "schemadiff.script.write_hooks",
}

#: ``(module, name) -> True`` when schemadiff provides it; replaceable in tests.
Resolver = Callable[[str, str | None], bool]


@dataclass
class Rewrite:
    """The outcome of rewriting one file."""

    text: str
    changes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def schemadiff_module(alembic_module: str) -> str:
    """The schemadiff module path for an Alembic one (``alembic.x`` -> ...)."""
    for old, new in MODULE_RENAMES.items():
        if alembic_module == old or alembic_module.startswith(old + "."):
            return new + alembic_module[len(old) :]
    return "schemadiff" + alembic_module[len("alembic") :]


def default_resolver(module: str, name: str | None) -> bool:
    """Does schemadiff have ``module`` (and ``name`` in it)?  Imports our own code."""
    try:
        if importlib.util.find_spec(module) is None:
            return False
        mod = importlib.import_module(module)
    except ImportError:
        return False
    if name is None or name == "*":
        return True
    if hasattr(mod, name):
        return True
    if not hasattr(mod, "__path__"):
        return False  # a plain module: it has no submodules either
    return importlib.util.find_spec(f"{module}.{name}") is not None


# ----------------------------------------------------------------- Python files


@dataclass
class _Edit:
    start: tuple[int, int]
    end: tuple[int, int]
    text: str


_SKIP = {
    tokenize.NL,
    tokenize.COMMENT,
    tokenize.INDENT,
    tokenize.DEDENT,
    tokenize.ENCODING,
}


class _PythonRewriter:
    """One pass over the tokens of a file, collecting edits."""

    def __init__(
        self, source: str, resolver: Resolver, label: str, first_line: int = 1
    ) -> None:
        self.source = source
        self.first_line = first_line
        self.resolver = resolver
        self.label = label
        try:
            raw = list(tokenize.generate_tokens(io.StringIO(source).readline))
        except (tokenize.TokenError, IndentationError, SyntaxError) as err:
            raise CommandError(f"Can't read {label} as Python: {err}") from err
        self.tokens = [t for t in raw if t.type not in _SKIP]
        self.edits: list[_Edit] = []
        self.changes: list[str] = []
        self.warnings: list[str] = []
        #: names bound to the alembic package: renamed ones and kept aliases
        self.renamed_names: set[str] = set()
        self.aliases: set[str] = set()

    # -- token helpers --------------------------------------------------------

    def _tok(self, i: int) -> tokenize.TokenInfo | None:
        return self.tokens[i] if 0 <= i < len(self.tokens) else None

    def _is(self, i: int, string: str) -> bool:
        tok = self._tok(i)
        return tok is not None and tok.string == string

    def _at_statement_start(self, i: int) -> bool:
        prev = self._tok(i - 1)
        return prev is None or prev.type == tokenize.NEWLINE or prev.string in (";",)

    def _dotted(self, i: int) -> tuple[str, int]:
        """Read ``a.b.c`` from token i; returns the name and the next index."""
        parts = [self.tokens[i].string]
        j = i + 1
        while (
            self._is(j, ".") and (tok := self._tok(j + 1)) and tok.type == tokenize.NAME
        ):
            parts.append(tok.string)
            j += 2
        return ".".join(parts), j

    def _replace(self, first: int, last: int, text: str) -> None:
        self.edits.append(_Edit(self.tokens[first].start, self.tokens[last].end, text))

    def _line(self, i: int) -> int:
        return self.tokens[i].start[0] + self.first_line - 1

    # -- statements -----------------------------------------------------------

    def run(self) -> Rewrite:
        i = 0
        while i < len(self.tokens):
            tok = self.tokens[i]
            if tok.type == tokenize.NAME and self._at_statement_start(i):
                if tok.string == "from" and self._is(i + 1, "alembic"):
                    i = self._from_import(i)
                    continue
                if tok.string == "import":
                    i = self._import(i)
                    continue
            if tok.type == tokenize.NAME and not self._is(i - 1, "."):
                i = self._name_use(i)
                continue
            i += 1
        return Rewrite(self._apply(), self.changes, self.warnings)

    def _from_import(self, i: int) -> int:
        module, j = self._dotted(i + 1)
        new_module = schemadiff_module(module)
        if not self.resolver(new_module, None):
            self.warnings.append(
                f"{self.label}:{self._line(i)}: schemadiff has no module "
                f"{new_module} (for {module}); fix this import by hand"
            )
        self._replace(i + 1, j - 1, new_module)
        self.changes.append(
            f"{self.label}:{self._line(i)}: from {module} -> from {new_module}"
        )
        if not self._is(j, "import"):
            return j
        j += 1
        paren = self._is(j, "(")
        if paren:
            j += 1
        while (tok := self._tok(j)) is not None:
            if tok.type == tokenize.NEWLINE or tok.string in (";",):
                break
            if tok.string == ")":
                j += 1
                break
            if tok.string == ",":
                j += 1
                continue
            name_index = j
            name = tok.string
            alias = None
            j += 1
            if self._is(j, "as"):
                alias = self.tokens[j + 1].string
                j += 2
            if name == "__version__":
                bound = alias or "__version__"
                self._replace(name_index, j - 1, f"{COMPAT_NAME} as {bound}")
                self.changes.append(
                    f"{self.label}:{self._line(name_index)}: __version__ -> "
                    f"{COMPAT_NAME} (Alembic {_compat_version()}, see "
                    "docs/compatibility.md)"
                )
            elif name != "*" and not self.resolver(new_module, name):
                self.warnings.append(
                    f"{self.label}:{self._line(name_index)}: schemadiff has no "
                    f"{new_module}.{name} (for {module}.{name}); fix by hand"
                )
        return j

    def _import(self, i: int) -> int:
        j = i + 1
        while (tok := self._tok(j)) is not None:
            if tok.type == tokenize.NEWLINE or tok.string == ";":
                break
            if tok.string == ",":
                j += 1
                continue
            start = j
            module, j = self._dotted(j)
            alias = None
            if self._is(j, "as"):
                alias = self.tokens[j + 1].string
                j += 2
            if module != "alembic" and not module.startswith("alembic."):
                continue
            new_module = schemadiff_module(module)
            if not self.resolver(new_module, None):
                self.warnings.append(
                    f"{self.label}:{self._line(start)}: schemadiff has no module "
                    f"{new_module} (for {module}); fix this import by hand"
                )
            end = start + 2 * module.count(".")
            self._replace(start, end, new_module)
            self.changes.append(
                f"{self.label}:{self._line(start)}: import {module} -> "
                f"import {new_module}"
            )
            if alias is None:
                # "import alembic[.op]" bound "alembic"; it now binds "schemadiff"
                self.renamed_names.add("alembic")
            elif module == "alembic":
                self.aliases.add(alias)
        return j

    def _name_use(self, i: int) -> int:
        tok = self.tokens[i]
        name = tok.string
        renamed = name == "alembic" and "alembic" in self.renamed_names
        if renamed and self._is(i + 1, "="):
            return i + 1  # a keyword argument or assignment target, not the module
        version = (
            (renamed or name in self.aliases)
            and self._is(i + 1, ".")
            and self._is(i + 2, "__version__")
        )
        if renamed:
            self._replace(i, i, "schemadiff")
        if version:
            self._replace(i + 2, i + 2, COMPAT_NAME)
            self.changes.append(
                f"{self.label}:{self._line(i)}: {name}.__version__ -> "
                f"{'schemadiff' if renamed else name}.{COMPAT_NAME} "
                f"(Alembic {_compat_version()}, see docs/compatibility.md)"
            )
            return i + 3
        if renamed:
            attr = self.tokens[i + 2].string if self._is(i + 1, ".") else ""
            self.changes.append(
                f"{self.label}:{self._line(i)}: alembic{'.' + attr if attr else ''}"
                f" -> schemadiff{'.' + attr if attr else ''}"
            )
        return i + 1

    def _apply(self) -> str:
        lines = self.source.splitlines(keepends=True)
        offsets = [0]
        for line in lines:
            offsets.append(offsets[-1] + len(line))

        def pos(rc: tuple[int, int]) -> int:
            return offsets[rc[0] - 1] + rc[1]

        out = self.source
        for edit in sorted(self.edits, key=lambda e: e.start, reverse=True):
            out = out[: pos(edit.start)] + edit.text + out[pos(edit.end) :]
        return out


def _compat_version() -> str:
    from schemadiff import ALEMBIC_COMPAT_VERSION

    return ALEMBIC_COMPAT_VERSION


def rewrite_python(
    source: str, label: str = "<file>", resolver: Resolver | None = None
) -> Rewrite:
    """Rewrite the ``alembic`` imports and names of one Python file."""
    return _PythonRewriter(source, resolver or default_resolver, label).run()


_TEMPLATE_IMPORT = re.compile(r"^(\s*)((?:from|import)\s+alembic\b.*)$")


def rewrite_template(
    text: str, label: str = "script.py.mako", resolver: Resolver | None = None
) -> Rewrite:
    """Rewrite the ``alembic`` import lines of a Mako template (script.py.mako).

    A template is not Python, so only whole import lines are rewritten, each as a
    one-line Python file; new revisions then import schemadiff.
    """
    out: list[str] = []
    result = Rewrite("")
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        body = line.rstrip("\r\n")
        match = _TEMPLATE_IMPORT.match(body)
        if match:
            one = _PythonRewriter(
                match.group(2) + "\n", resolver or default_resolver, label, number
            ).run()
            line = match.group(1) + one.text.rstrip("\n") + line[len(body) :]
            result.changes.extend(one.changes)
            result.warnings.extend(one.warnings)
        out.append(line)
    result.text = "".join(out)
    return result


# ------------------------------------------------------------------- ini file

_SECTION = re.compile(r"^\s*\[([^\]]+)\]\s*$")
_OPTION = re.compile(r"^([A-Za-z0-9_.\-]+)\s*[=:]")


def rewrite_ini(
    text: str,
    label: str = "alembic.ini",
    section: str = "alembic",
    new_section: str = "schemadiff",
    add_version_table: bool = True,
) -> Rewrite:
    """The schemadiff.ini text for an alembic.ini: line by line, comments kept.

    ``[alembic]`` becomes ``[schemadiff]``; ``version_table = alembic_version``
    is added to it (unless it sets one) so existing databases are found where
    they are; a logger whose ``qualname`` is ``alembic`` follows schemadiff's
    loggers instead, so the same messages keep appearing.
    """
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    changes: list[str] = []
    current: str | None = None
    found = False
    has_version_table = False
    main_end: int | None = None  # index in out after the main section's last option
    for number, line in enumerate(lines, start=1):
        header = _SECTION.match(line)
        if header:
            current = header.group(1).strip()
            if current == section:
                found = True
                newline = "\n" if line.endswith("\n") else ""
                line = f"[{new_section}]{newline}"
                changes.append(f"{label}:{number}: [{section}] -> [{new_section}]")
            out.append(line)
            if current == section:
                main_end = len(out)
            continue
        option = _OPTION.match(line)
        if current == section and option:
            if option.group(1) == "version_table":
                has_version_table = True
            main_end = len(out) + 1
        if current is not None and current.startswith("logger_") and option:
            key, _, value = line.partition("=")
            if key.strip() == "qualname" and (
                value.strip() == "alembic" or value.strip().startswith("alembic.")
            ):
                new_value = "schemadiff" + value.strip()[len("alembic") :]
                line = f"{key.rstrip()} = {new_value}\n"
                changes.append(
                    f"{label}:{number}: [{current}] qualname {value.strip()} -> "
                    f"{new_value}"
                )
        out.append(line)
    if not found:
        raise CommandError(f"No [{section}] section in {label}")
    if add_version_table and not has_version_table and main_end is not None:
        if main_end and not out[main_end - 1].endswith("\n"):
            out[main_end - 1] += "\n"
        out[main_end:main_end] = [
            "\n",
            "# Added by 'schemadiff adopt': keep using the table Alembic wrote, so\n",
            "# existing databases are found where they are, with no stamp.\n",
            f"version_table = {ALEMBIC_VERSION_TABLE}\n",
        ]
        changes.append(
            f"{label}: [{new_section}] version_table = {ALEMBIC_VERSION_TABLE} added"
        )
    return Rewrite("".join(out), changes)


# ------------------------------------------------------------- pyproject.toml

_TOML_HEADER = re.compile(r"^(\s*\[\[?\s*)tool\.alembic(\s*\]|\s*\.)")


def rewrite_pyproject(
    text: str, label: str = "pyproject.toml", add_version_table: bool = False
) -> Rewrite:
    """Rename ``[tool.alembic]`` (and its sub-tables) to ``[tool.schemadiff]``."""
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    changes: list[str] = []
    inserted = False
    in_main = False
    has_version_table = False
    for number, line in enumerate(lines, start=1):
        match = _TOML_HEADER.match(line)
        if match:
            new = _TOML_HEADER.sub(r"\1tool.schemadiff\2", line, count=1)
            changes.append(f"{label}:{number}: {line.strip()} -> {new.strip()}")
            out.append(new)
            in_main = match.group(2).strip() == "]"
            if in_main and add_version_table:
                out.append("__VERSION_TABLE__")
                inserted = True
            continue
        if line.lstrip().startswith("["):
            in_main = False
        elif in_main and re.match(r"\s*version_table\s*=", line):
            has_version_table = True
        out.append(line)
    text_out = "".join(out)
    if inserted:
        if has_version_table:
            text_out = text_out.replace("__VERSION_TABLE__", "", 1)
        else:
            text_out = text_out.replace(
                "__VERSION_TABLE__",
                "# Added by 'schemadiff adopt': keep using the table Alembic wrote.\n"
                f'version_table = "{ALEMBIC_VERSION_TABLE}"\n',
                1,
            )
            changes.append(
                f"{label}: [tool.schemadiff] version_table = "
                f'"{ALEMBIC_VERSION_TABLE}" added'
            )
    return Rewrite(text_out, changes)
