"""The ``Config`` object: where schemadiff reads its options from.

Source-code options (``script_location``, ``file_template``, ...) may live in the
ini file's main section or in ``[tool.schemadiff]`` of pyproject.toml; deployment
options (``sqlalchemy.url``, logging) stay in the ini file.  The ini wins when both
name the same key, so a deployment can override what the project ships.
"""

from __future__ import annotations

import configparser
import os
import sys
from argparse import ArgumentParser  # noqa: F401  (CommandLine builds with it)
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TextIO

import tomllib

from schemadiff.urlcheck import check_url
from schemadiff.util import CommandError

DEFAULT_INI_SECTION = "schemadiff"
TOML_TABLE = "schemadiff"

_SEPARATORS = {
    "os": os.pathsep,
    ":": ":",
    ";": ";",
    "space": " ",
    "newline": "\n",
}


class Config:
    """Configuration for one migration environment.

    Wraps the parsed ini file (``file_config``) and the ``[tool.schemadiff]`` table
    of pyproject.toml; either may be absent.  ``attributes`` is a free dict that
    callers use to hand objects (e.g. a live Connection) to env.py.
    """

    #: The pyproject table read (``tool.<toml_table>``); ``alembic`` for the
    #: read-only run of an unconverted Alembic project.
    toml_table: str = TOML_TABLE

    def __init__(
        self,
        file_: str | os.PathLike[str] | None = None,
        toml_file: str | os.PathLike[str] | None = None,
        ini_section: str = DEFAULT_INI_SECTION,
        output_buffer: TextIO | None = None,
        stdout: TextIO | None = None,
        cmd_opts: Any = None,
        config_args: Mapping[str, Any] | None = None,
        attributes: dict[str, Any] | None = None,
    ) -> None:
        self.config_file_name = os.fspath(file_) if file_ is not None else None
        self.toml_file_name = os.fspath(toml_file) if toml_file is not None else None
        self.config_ini_section = ini_section
        self.output_buffer = output_buffer
        self.stdout = stdout if stdout is not None else sys.stdout
        self.cmd_opts = cmd_opts
        self.config_args = dict(config_args or {})
        self._here_given = "here" in self.config_args
        self.attributes: dict[str, Any] = attributes if attributes is not None else {}
        self._file_config: configparser.ConfigParser | None = None
        self._toml_config: dict[str, Any] | None = None

    # ------------------------------------------------------------------ sources

    @property
    def file_config(self) -> configparser.ConfigParser:
        """The parsed ini file (empty when there is none), read once."""
        if self._file_config is None:
            here = (
                os.path.abspath(os.path.dirname(self.config_file_name))
                if self.config_file_name
                else os.path.abspath(os.curdir)
            )
            # Alembic records the ini file's folder in config_args too (scripts
            # read it); pyproject values keep their own file's folder.
            self.config_args.setdefault("here", here)
            defaults = {"here": here}
            defaults.update(self.config_args)
            parser = configparser.ConfigParser(defaults)
            if self.config_file_name:
                try:
                    parser.read([self.config_file_name], encoding="utf-8-sig")
                except configparser.Error as err:
                    raise CommandError(
                        f"Can't parse config file {self.config_file_name}: "
                        f"{_describe_ini_error(err)}"
                    ) from err
            if not parser.has_section(self.config_ini_section):
                parser.add_section(self.config_ini_section)
            self._file_config = parser
        return self._file_config

    @property
    def toml_config(self) -> dict[str, Any]:
        """The ``[tool.schemadiff]`` table of pyproject.toml, or ``{}``."""
        if self._toml_config is None:
            self._toml_config = {}
            if self.toml_file_name and os.path.exists(self.toml_file_name):
                try:
                    with open(self.toml_file_name, "rb") as fh:
                        data = tomllib.load(fh)
                except tomllib.TOMLDecodeError as err:
                    raise CommandError(
                        f"Can't parse {self.toml_file_name}: {_one_line(err)}"
                    ) from err
                table = data.get("tool", {}).get(self.toml_table, {})
                if not isinstance(table, dict):
                    raise CommandError(
                        f"[tool.{self.toml_table}] in {self.toml_file_name} "
                        "must be a table"
                    )
                self._toml_config = table
        return self._toml_config

    @property
    def has_ini_section(self) -> bool:
        """True when an ini file exists and carries the main section."""
        if not self.config_file_name or not os.path.exists(self.config_file_name):
            return False
        parser = configparser.ConfigParser()
        try:
            parser.read([self.config_file_name], encoding="utf-8-sig")
        except configparser.Error:
            return True  # let file_config report the parse error
        return parser.has_section(self.config_ini_section)

    def check_sources(self) -> None:
        """Raise a clear error when neither an ini section nor a toml table exists."""
        if self.has_ini_section or self.toml_config:
            return
        if self.config_file_name and not os.path.exists(self.config_file_name):
            raise CommandError(
                f"No config file {self.config_file_name!r} found "
                f"(and no [tool.{TOML_TABLE}] table in pyproject.toml); "
                "run 'schemadiff init' or pass -c/--config"
            )
        if self.config_file_name:
            raise CommandError(
                f"No [{self.config_ini_section}] section in config file "
                f"{self.config_file_name!r}"
            )
        raise CommandError(
            f"No configuration found: no ini file and no [tool.{TOML_TABLE}] table"
        )

    # ------------------------------------------------------------------ ini API

    def get_section(
        self, name: str, default: dict[str, str] | None = None
    ) -> dict[str, str] | None:
        """All options of an ini section as a dict (``default`` if it's absent)."""
        if not self.file_config.has_section(name):
            return default
        try:
            options = dict(self.file_config.items(name))
        except configparser.Error as err:
            raise CommandError(
                f"Bad value in [{name}] of {self.config_file_name}: "
                f"{_describe_ini_error(err)}"
            ) from err
        for key, value in options.items():
            if _is_url_option(key):
                check_url(value, self._where(name, key))
        return options

    def set_main_option(self, name: str, value: str) -> None:
        """Set an option of the main section; ``%`` must be doubled as in the ini."""
        self.set_section_option(self.config_ini_section, name, value)

    def remove_main_option(self, name: str) -> None:
        self.file_config.remove_option(self.config_ini_section, name)

    def set_section_option(self, section: str, name: str, value: str) -> None:
        if not self.file_config.has_section(section):
            self.file_config.add_section(section)
        self.file_config.set(section, name, value)

    def get_section_option(
        self, section: str, name: str, default: str | None = None
    ) -> str | None:
        if not self.file_config.has_section(section):
            raise CommandError(
                f"No config file {self.config_file_name!r} found, "
                f"or file has no '[{section}]' section"
            )
        if self.file_config.has_option(section, name):
            try:
                value = self.file_config.get(section, name)
            except configparser.Error as err:
                raise CommandError(
                    f"Bad value for {name!r} in [{section}]: "
                    f"{_describe_ini_error(err)}"
                ) from err
            if _is_url_option(name):
                check_url(value, self._where(section, name))
            return value
        return default

    def _where(self, section: str, name: str) -> str:
        """Where an option lives, for messages that must not show its value."""
        source = f" of {self.config_file_name}" if self.config_file_name else ""
        return f"in {name} of [{section}]{source}"

    def get_main_option(self, name: str, default: str | None = None) -> str | None:
        """An option of the main ini section (interpolated)."""
        return self.get_section_option(self.config_ini_section, name, default)

    # ------------------------------------------------------ ini + toml options

    def get_schemadiff_option(self, name: str, default: Any = None) -> Any:
        """A source-code option: the ini's main section first, then pyproject."""
        if self.file_config.has_option(self.config_ini_section, name):
            return self.get_main_option(name)
        if name in self.toml_config:
            return self._interpolate_toml(self.toml_config[name])
        return default

    def get_schemadiff_bool(self, name: str, default: bool = False) -> bool:
        value = self.get_schemadiff_option(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        lowered = str(value).strip().lower()
        if lowered in ("true", "yes", "on", "1"):
            return True
        if lowered in ("false", "no", "off", "0"):
            return False
        raise CommandError(f"Option {name!r} must be true or false, not {value!r}")

    def get_schemadiff_list(self, name: str) -> list[str]:
        """A list-valued option (``version_locations``, ``prepend_sys_path``).

        pyproject gives real lists; the ini splits on ``path_separator``, or, when
        that key is absent, on the legacy separators the seeds describe.
        """
        if self.file_config.has_option(self.config_ini_section, name):
            raw = self.get_main_option(name) or ""
            return split_path_list(raw, name, self._ini_separator(name))
        value = self.toml_config.get(name)
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise CommandError(f"[tool.{TOML_TABLE}] {name} must be a list of strings")
        return [self._interpolate_toml(v) for v in value]

    def _ini_separator(self, name: str) -> str | None:
        """The separator for an ini list option; None means legacy splitting."""
        key = self.get_main_option("path_separator")
        if key is None and name == "version_locations":
            key = self.get_main_option("version_path_separator")
        if key is None:
            return None
        key = key.strip() or "space"
        if key not in _SEPARATORS:
            raise CommandError(
                f"'{key}' is not a valid value for path_separator; "
                f"expected one of {', '.join(_SEPARATORS)}"
            )
        return _SEPARATORS[key]

    def _interpolate_toml(self, value: Any) -> Any:
        """Apply ``%(here)s`` and ``%%`` to pyproject strings, as the ini does."""
        if not isinstance(value, str):
            return value
        here = (
            os.path.abspath(os.path.dirname(self.toml_file_name))
            if self.toml_file_name
            else os.path.abspath(os.curdir)
        )
        names = {**self.config_args, "here": here}
        if self._here_given:
            names["here"] = self.config_args["here"]
        try:
            return value % names
        except (KeyError, ValueError, TypeError) as err:
            raise CommandError(
                f"Bad '%' interpolation in a [tool.{TOML_TABLE}] value of "
                f"{self.toml_file_name}: write a literal % as %%"
            ) from err

    # ------------------------------------------ Alembic's spellings of the above

    def get_alembic_option(self, name: str, default: Any = None) -> Any:
        """Alembic's name for :meth:`get_schemadiff_option`."""
        return self.get_schemadiff_option(name, default)

    def get_alembic_boolean_option(self, name: str) -> bool:
        """Alembic's name for :meth:`get_schemadiff_bool`."""
        return self.get_schemadiff_bool(name)

    @property
    def toml_alembic_config(self) -> dict[str, Any]:
        """Alembic's name for :attr:`toml_config` (the ``[tool.schemadiff]``
        table)."""
        return self.toml_config

    def get_version_locations_list(self) -> list[str] | None:
        """``version_locations`` split into paths (None when not set)."""
        return self.get_schemadiff_list("version_locations") or None

    def get_prepend_sys_paths_list(self) -> list[str] | None:
        """``prepend_sys_path`` split into paths (None when not set)."""
        return self.get_schemadiff_list("prepend_sys_path") or None

    def get_hooks_list(self) -> list[dict[str, Any]]:
        """The post-write hooks, each a dict of its options plus ``_hook_name``.

        The ini ``[post_write_hooks]`` section wins when it lists hooks;
        otherwise the pyproject ``[[tool.schemadiff.post_write_hooks]]`` tables
        are used (with ``%(here)s`` interpolated like other pyproject values).
        """
        section: Mapping[str, Any] = {}
        try:
            section = self.get_section("post_write_hooks", {}) or {}
        except Exception:  # noqa: BLE001 - no usable ini file at all
            section = {}
        if _split_hook_names(section.get("hooks", "")):
            return _hooks_from_section(section)
        tables = self.toml_config.get("post_write_hooks") or []
        if isinstance(tables, Mapping):
            tables = [tables]
        if not isinstance(tables, list) or not all(
            isinstance(t, Mapping) for t in tables
        ):
            raise CommandError(
                f"[[tool.{TOML_TABLE}.post_write_hooks]] must be an array of tables"
            )
        return normalise_hooks(
            [{k: self._interpolate_toml(v) for k, v in t.items()} for t in tables]
        )

    @property
    def messaging_opts(self) -> dict[str, Any]:
        """Output options (``quiet``), as Alembic's commands read them."""
        return {"quiet": self.messaging_quiet}

    # ------------------------------------------------------------------ misc

    def get_template_directory(self) -> str:
        """Where the environment templates live, from a wheel or a checkout."""
        package_dir = Path(__file__).resolve().parent
        for candidate in (package_dir / "render", package_dir.parent / "render"):
            if candidate.is_dir():
                return str(candidate)
        raise CommandError("Can't find schemadiff's template directory")

    @property
    def messaging_quiet(self) -> bool:
        return bool(getattr(self.cmd_opts, "quiet", False))

    def print_stdout(self, text: str, *arg: Any) -> None:
        """Write a line of command output unless ``-q`` was given."""
        if self.messaging_quiet:
            return
        message = text % arg if arg else text
        self.stdout.write(message + "\n")
        self.stdout.flush()


def _split_hook_names(value: str | Iterable[str]) -> list[str]:
    if isinstance(value, str):
        return [n for n in value.replace(",", " ").split() if n]
    return [str(n).strip() for n in value if str(n).strip()]


def _hooks_from_section(section: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Turn an ini ``[post_write_hooks]`` mapping into a list of hook dicts."""
    names = _split_hook_names(section.get("hooks", ""))
    hooks: list[dict[str, Any]] = []
    for name in names:
        prefix = name + "."
        opts = {
            key[len(prefix) :]: value
            for key, value in section.items()
            if key.startswith(prefix)
        }
        opts["_hook_name"] = name
        hooks.append(opts)
    return hooks


def normalise_hooks(
    hook_config: Mapping[str, Any] | Iterable[Mapping[str, Any]] | None,
) -> list[dict[str, Any]]:
    if not hook_config:
        return []
    if isinstance(hook_config, Mapping):
        return _hooks_from_section(hook_config)
    hooks = []
    for entry in hook_config:
        opts = dict(entry)
        name = opts.pop("name", None) or opts.get("_hook_name")
        if not name:
            raise CommandError(
                f"Every [[tool.{TOML_TABLE}.post_write_hooks]] table needs a 'name' key"
            )
        opts["_hook_name"] = name
        hooks.append(opts)
    return hooks


def split_path_list(raw: str, name: str, separator: str | None) -> list[str]:
    """Split an ini path list; ``separator=None`` applies the legacy rules."""
    if separator is not None:
        parts = raw.split(separator)
    else:
        import re

        pattern = r"[,\s]+" if name == "version_locations" else r"[,\s:]+"
        if name != "version_locations" and os.name == "nt":
            pattern = r"[,\s;]+"
        parts = re.split(pattern, raw)
    return [p.strip() for p in parts if p.strip()]


def _describe_ini_error(err: configparser.Error) -> str:
    """Say what is wrong without echoing the value: it may hold a password."""
    if isinstance(err, configparser.InterpolationError):
        return (
            f"bad '%' interpolation in option {err.option!r} "
            "(write a literal % as %%, e.g. in URL-encoded passwords)"
        )
    if isinstance(err, configparser.MissingSectionHeaderError):
        # a subclass of ParsingError, without its list of errors
        return f"line {err.lineno} comes before any [section] header"
    if isinstance(err, configparser.ParsingError):
        lines = ", ".join(str(lineno) for lineno, _line in err.errors)
        return f"syntax error on line {lines}"
    if isinstance(err, configparser.DuplicateOptionError):
        return (
            f"option {err.option!r} is set twice in [{err.section}]"
            f"{_on_line(err.lineno)}"
        )
    if isinstance(err, configparser.DuplicateSectionError):
        return f"section [{err.section}] appears twice{_on_line(err.lineno)}"
    return type(err).__name__


def _on_line(lineno: int | None) -> str:
    return f" (again on line {lineno})" if lineno else ""


def _is_url_option(name: str) -> bool:
    """``sqlalchemy.url`` and the like (``engine1.url`` in multidb configs)."""
    return name == "url" or name.endswith(".url")


def _one_line(err: BaseException) -> str:
    return " ".join(str(err).split())


def __getattr__(name: str) -> Any:
    """``CommandLine``, ``main`` and ``command`` as Alembic's config module has
    them; they live in :mod:`schemadiff.cmdline` and :mod:`schemadiff.command`
    (which imports this module) and are imported on first use."""
    if name in ("CommandLine", "main"):
        from schemadiff import cmdline

        return getattr(cmdline, name)
    if name == "command":
        from schemadiff import command

        return command
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
