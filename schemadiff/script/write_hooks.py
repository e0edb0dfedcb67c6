"""Post-write hooks: programs or Python callables run on a freshly written
revision file (formatters, linters).

Hooks are configured either in the ``[post_write_hooks]`` section of the ini
file::

    [post_write_hooks]
    hooks = black, ruff
    black.type = console_scripts
    black.entrypoint = black
    black.options = -q REVISION_SCRIPT_FILENAME
    ruff.type = exec
    ruff.executable = ruff
    ruff.options = check --fix REVISION_SCRIPT_FILENAME
    ruff.cwd = /some/dir

or as ``[[tool.schemadiff.post_write_hooks]]`` tables in ``pyproject.toml``
(each table has a ``name`` plus the same keys without the ``NAME.`` prefix).

Built-in hook types are ``console_scripts`` (``entrypoint``), ``exec``
(``executable``) and ``module`` (``module``).  Any Python function can be
made a hook type with :func:`register`.  ``options`` is split like a shell
command line; the token ``REVISION_SCRIPT_FILENAME`` is replaced by the path
of the revision file, and prepended when the options don't mention it.

A hook that fails raises :class:`~schemadiff.util.CommandError` naming the
hook and carrying its output; the revision file stays where it was written so
the user can inspect and fix it.
"""

from __future__ import annotations

import importlib.metadata
import logging
import os
import shlex
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from schemadiff.config import normalise_hooks
from schemadiff.script.inprocess_scripts import run_in_process
from schemadiff.util import CommandError

log = logging.getLogger(__name__)

REVISION_SCRIPT_TOKEN = "REVISION_SCRIPT_FILENAME"

HookFn = Callable[[str, dict[str, Any]], Any]

_registry: dict[str, HookFn] = {}


def register(name: str) -> Callable[[HookFn], HookFn]:
    """Register ``fn(filename, options)`` as the hook type ``name``.

    ``options`` is the hook's configuration (``type``, ``options``, ``cwd``,
    anything else the user wrote) plus ``_hook_name``, the name under which
    the user listed the hook.

    e.g.::

        from schemadiff.script import write_hooks

        @write_hooks.register("spaces_to_tabs")
        def convert(filename, options):
            ...
    """

    def decorate(fn: HookFn) -> HookFn:
        _registry[name] = fn
        return fn

    return decorate


def _invoke(name: str, revision_path: str, options: dict[str, Any]) -> Any:
    """Run the hook type ``name`` on ``revision_path``."""
    try:
        hook = _registry[name]
    except KeyError:
        known = ", ".join(sorted(_registry))
        raise CommandError(
            f"No post write hook type {name!r} is registered " f"(known types: {known})"
        ) from None
    return hook(revision_path, options)


def _run_hooks(
    path: str,
    hook_config: Mapping[str, Any] | Iterable[Mapping[str, Any]] | None,
) -> None:
    """Run every configured hook, in order, on the file at ``path``.

    ``hook_config`` is either the ini ``[post_write_hooks]`` section as a
    mapping, or the list of pyproject tables (dicts with a ``name`` key).
    """
    for opts in normalise_hooks(hook_config):
        name = opts["_hook_name"]
        type_ = opts.get("type")
        if not type_:
            raise CommandError(
                f"Key {name}.type is required for post write hook {name!r}"
            )
        log.info("Running post write hook %r on %s", name, path)
        try:
            _invoke(type_, path, opts)
        except CommandError:
            raise
        except Exception as err:
            raise CommandError(
                f"Post write hook {name!r} failed: {type(err).__name__}: {err}"
            ) from err


def hooks_for_config(config: Any) -> list[dict[str, Any]]:
    """The post-write hooks a :class:`~schemadiff.config.Config` configures."""
    return config.get_hooks_list()


def run_hooks_for_config(config: Any, path: str) -> None:
    """Run the hooks configured in ``config`` on the revision file ``path``."""
    _run_hooks(path, hooks_for_config(config))


# -- built-in runners -------------------------------------------------------


def _parse_cmdline_options(options: str, path: str) -> list[str]:
    """Split ``options`` like a shell would and put ``path`` in place of the
    REVISION_SCRIPT_FILENAME token (in front, when the token is absent)."""
    if REVISION_SCRIPT_TOKEN not in options:
        options = f"{REVISION_SCRIPT_TOKEN} {options}"
    parts = shlex.split(options, posix=os.name == "posix")
    return [p.replace(REVISION_SCRIPT_TOKEN, path) for p in parts]


def _required(options: Mapping[str, Any], key: str) -> str:
    value = options.get(key)
    if not value:
        name = options.get("_hook_name", "?")
        raise CommandError(f"Key {name}.{key} is required for post write hook {name!r}")
    return str(value)


def _run_process(argv: list[str], options: Mapping[str, Any]) -> None:
    name = options.get("_hook_name", "?")
    cwd = options.get("cwd") or None
    try:
        proc = subprocess.run(
            argv,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
    except OSError as err:
        raise CommandError(
            f"Post write hook {name!r} could not be started: {err}"
        ) from err
    _report(name, proc.returncode, proc.stdout or "")


def _report(name: str, status: int, output: str) -> None:
    """Raise for a failed hook (with its output); log a successful one's."""
    output = output.strip()
    if status != 0:
        detail = f":\n{output}" if output else ""
        raise CommandError(
            f"Post write hook {name!r} failed (exit status {status}){detail}"
        )
    if output:
        log.info("post write hook %r: %s", name, output)


@register("console_scripts")
def console_scripts(path: str, options: dict[str, Any]) -> None:
    """Run an installed console script (e.g. ``black``) with this interpreter."""
    entrypoint_name = _required(options, "entrypoint")
    matches = [
        ep
        for ep in importlib.metadata.entry_points(group="console_scripts")
        if ep.name == entrypoint_name
    ]
    if not matches:
        raise CommandError(
            f"Could not find entrypoint console_scripts.{entrypoint_name} "
            f"for post write hook {options.get('_hook_name')!r}"
        )
    ep = matches[0]
    args = _parse_cmdline_options(str(options.get("options", "")), path)
    done = run_in_process(ep.value, args, options.get("cwd") or None)
    if done is not None:
        _report(str(options.get("_hook_name", "?")), *done)
        return
    module, _, attr = ep.value.partition(":")
    attr = attr.strip() or "main"
    code = f"import sys, {module.strip()} as m; sys.exit(m.{attr}())"
    _run_process([sys.executable, "-c", code, *args], options)


@register("exec")
def exec_(path: str, options: dict[str, Any]) -> None:
    """Run an executable found on PATH (or given by path)."""
    executable = _required(options, "executable")
    argv = [executable]
    argv += _parse_cmdline_options(str(options.get("options", "")), path)
    _run_process(argv, options)


@register("module")
def module(path: str, options: dict[str, Any]) -> None:
    """Run ``python -m MODULE`` with this interpreter."""
    module_name = _required(options, "module")
    argv = [sys.executable, "-m", module_name]
    argv += _parse_cmdline_options(str(options.get("options", "")), path)
    _run_process(argv, options)
