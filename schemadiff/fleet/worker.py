"""A fleet worker process: takes targets one at a time and runs the command.

Each worker loads the configuration and the revision files once, then for
every target points a fresh Config at it (``sqlalchemy.url`` and, for a
schema target, ``version_table_schema``) and runs the user's env.py, exactly
as ``schemadiff upgrade`` would.  What env.py and the migrations print is
captured per target; the connection pools a target opened are disposed of
before the next one starts, so a worker never holds more than its current
target's connections.
"""

from __future__ import annotations

import io
import os
import signal
import sys
import time
import traceback
import weakref
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from schemadiff.fleet.targets import Target

#: lines of a failed target's captured output kept in its result
LOG_TAIL = 30


@dataclass
class ConfigSpec:
    """Enough to rebuild the parent's Config in another process."""

    file_: str | None
    toml_file: str | None
    ini_section: str
    config_args: dict[str, Any]
    main_options: dict[str, str]
    cmd_opts: Any = None
    #: the parent's working directory and environment: a fork server's
    #: children would otherwise keep those of the run that started it
    cwd: str = ""
    environ: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, config: Any) -> ConfigSpec:
        parser = config.file_config
        section = config.config_ini_section
        defaults = parser.defaults()
        options = {
            key: value
            for key, value in parser.items(section, raw=True)
            if key not in defaults
        }
        opts = getattr(config, "cmd_opts", None)
        x = list(getattr(opts, "x", None) or [])
        return cls(
            _absolute(config.config_file_name),
            _absolute(config.toml_file_name),
            section,
            dict(config.config_args),
            options,
            SimpleNamespace(x=x, quiet=False, raiseerr=False, cmd="fleet"),
            os.getcwd(),
            {k: v for k, v in os.environ.items() if k not in _NOT_PASSED},
        )

    def enter(self) -> None:
        """Take the parent's working directory and environment."""
        if self.cwd:
            os.chdir(self.cwd)
        if self.environ:
            os.environ.clear()
            os.environ.update(self.environ)

    def build(self, stdout: Any) -> Any:
        from schemadiff.config import Config

        config = Config(
            file_=self.file_,
            toml_file=self.toml_file,
            ini_section=self.ini_section,
            stdout=stdout,
            cmd_opts=SimpleNamespace(**vars(self.cmd_opts)),
            config_args=self.config_args,
        )
        for key, value in self.main_options.items():
            config.set_main_option(key, value)
        return config


#: The templates' env.py lets SCHEMADIFF_URL replace sqlalchemy.url; in a
#: fleet the targets file names every URL, so workers never see it.
_NOT_PASSED = ("SCHEMADIFF_URL",)


def _absolute(path: str | None) -> str | None:
    return os.path.abspath(path) if path else path


@dataclass
class Result:
    """What happened on one target (sent back to the parent, pickled)."""

    name: str
    url: str
    schema: str | None
    status: str
    seconds: float = 0.0
    before: list[str] | None = None
    after: list[str] | None = None
    applied: int = 0
    planned: int = 0
    error: str | None = None
    log: list[str] = field(default_factory=list)
    diffs: list[dict[str, Any]] = field(default_factory=list)


class _Capture(io.TextIOBase):
    """sys.stdout/sys.stderr of a worker: writes go to the current target's
    buffer (logging handlers made by one target's env.py keep working for
    the next target, and nothing reaches the parent's terminal)."""

    def __init__(self) -> None:
        self.target = io.StringIO()

    def write(self, text: str) -> int:
        return self.target.write(text)

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False


class _Observer:
    """Told of each step by the MigrationContext; asks it to stop between
    revisions once the parent has been interrupted."""

    def __init__(self, stop: Any) -> None:
        self.stop = stop
        self.before: tuple[str, ...] | None = None
        self.after: tuple[str, ...] | None = None
        self.planned_steps = 0
        self.applied_steps = 0
        self.stopped = False

    def planned(self, heads: tuple[str, ...], steps: list[Any]) -> None:
        if self.before is None:
            self.before = tuple(heads)
        self.after = tuple(heads)
        self.planned_steps += len(steps)

    def applied(self, step: Any, heads: Any) -> None:
        self.applied_steps += 1
        self.after = tuple(heads)

    def should_stop(self) -> bool:
        if self.stop is not None and self.stop.is_set():
            self.stopped = True
        return self.stopped


class _Pools:
    """Every connection pool opened while a target runs, to close them after."""

    def __init__(self) -> None:
        self.pools: weakref.WeakSet[Any] = weakref.WeakSet()
        self.connects = 0

    def install(self) -> None:
        from sqlalchemy import event
        from sqlalchemy.pool import Pool

        event.listen(Pool, "connect", self._on_connect)

    def _on_connect(self, dbapi_connection: Any, record: Any) -> None:
        self.connects += 1
        pool = getattr(record, "_pool", None)
        if pool is not None:
            self.pools.add(pool)

    def close_all(self) -> None:
        for pool in list(self.pools):
            try:
                pool.dispose()
            except Exception:  # closing is best effort; the target is done
                pass
        self.pools = weakref.WeakSet()
        self.connects = 0


class Worker:
    """The state a worker keeps between targets."""

    def __init__(self, spec: ConfigSpec, action: str, revision: str | None) -> None:
        self.spec = spec
        self.action = action
        self.revision = revision
        self.capture = _Capture()
        self.pools = _Pools()
        self._script: Any = None

    def script(self, config: Any) -> Any:
        if self._script is None:
            from schemadiff.script import ScriptDirectory

            self._script = ScriptDirectory.from_config(config)
            self._script.get_heads()  # load the revision files once
        return self._script

    def run(self, target: Target, stop: Any) -> Result:
        from schemadiff.util import CommandError

        started = time.perf_counter()
        buffer = io.StringIO()
        self.capture.target = buffer
        result = Result(target.name, target.display_url, target.schema, "failed")
        observer = _Observer(stop)
        config = None
        try:
            url, version_schema = target.run_url()
            config = self.spec.build(self.capture)
            config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
            if version_schema is not None:
                config.set_main_option("version_table_schema", version_schema)
            config.attributes["fleet_target"] = target
            config.pinned_script = self.script(config)
            self._run_action(config, observer, result)
        except BaseException as err:  # one target's failure is only its own
            if isinstance(err, KeyboardInterrupt):
                err = CommandError("interrupted")
            unreachable = self.pools.connects == 0 and _is_connection_error(err)
            result.status = "unreachable" if unreachable else "failed"
            result.error = _scrub(_error_line(err), target)
            if not isinstance(err, CommandError) or err.__cause__ is not None:
                buffer.write("".join(traceback.format_exception(err)))
            if config is not None and not unreachable and self.action != "current":
                result.after = self._heads_after_failure(config)
        finally:
            self.pools.close_all()
        if observer.before is not None:
            result.before = list(observer.before)
            if result.after is None:
                result.after = list(observer.after or ())
        result.applied = observer.applied_steps
        result.planned = observer.planned_steps
        if result.status in ("failed", "unreachable"):
            lines = _scrub(buffer.getvalue(), target).splitlines()
            result.log = lines[-LOG_TAIL:]
        elif observer.stopped and observer.applied_steps < observer.planned_steps:
            result.status = "interrupted"
        result.seconds = round(time.perf_counter() - started, 4)
        return result

    def _run_action(self, config: Any, observer: _Observer, result: Result) -> None:
        from schemadiff import command

        script = config.pinned_script
        if self.action in ("upgrade", "downgrade"):
            assert self.revision is not None
            command._fleet_migrate(config, script, self.action, self.revision, observer)
            result.status = "migrated" if observer.applied_steps else "up-to-date"
        elif self.action == "current":
            heads = command._fleet_heads(config, script)
            result.before = result.after = list(heads)
            result.status = "ok"
        else:
            self._check(config, result)

    def _check(self, config: Any, result: Result) -> None:
        import json

        from schemadiff import command
        from schemadiff.util import AutogenerateDiffsDetected

        out = io.StringIO()
        config.stdout = out
        try:
            command.check(config, output_format="json")
        except AutogenerateDiffsDetected:
            result.status = "drift"
        else:
            result.status = "clean"
        finally:
            config.stdout = self.capture
        text = out.getvalue()
        document = json.loads(text[text.index("{") :]) if "{" in text else {}
        result.diffs = list(document.get("differences", []))
        heads = command._fleet_heads(config, config.pinned_script)
        result.before = result.after = list(heads)

    def _heads_after_failure(self, config: Any) -> list[str] | None:
        """Where a failed target was left (MariaDB keeps the revisions that
        completed; a transactional backend rolled the run back)."""
        from schemadiff import command

        try:
            return list(command._fleet_heads(config, config.pinned_script))
        except Exception:
            return None


def _error_line(err: BaseException) -> str:
    from schemadiff.util import CommandError

    text = str(err).strip()
    if isinstance(err, CommandError):
        return " ".join(text.split()) or type(err).__name__
    first = text.splitlines()[0] if text else ""
    return f"{type(err).__name__}: {' '.join(first.split())}".rstrip(": ")


def _is_connection_error(err: BaseException) -> bool:
    """A database error raised before any connection was made: the server
    (or the file's folder) can't be reached."""
    from schemadiff.util import is_database_error

    while err is not None:
        if is_database_error(err):
            return True
        err = err.__cause__  # type: ignore[assignment]
    return False


def _scrub(text: str, target: Target) -> str:
    """Never let a password reach a report, even quoted in an error."""
    from sqlalchemy.engine import make_url

    try:
        password = make_url(target.url).password
    except Exception:
        return text
    if password:
        text = text.replace(str(password), "***")
    return text


def main(
    spec: ConfigSpec,
    action: str,
    revision: str | None,
    tasks: Any,
    results: Any,
    stop: Any,
    worker_id: int,
) -> None:
    """The worker process: Ctrl-C is the parent's to handle (it sets ``stop``)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    spec.enter()
    worker = Worker(spec, action, revision)
    sys.stdout = sys.stderr = worker.capture  # type: ignore[assignment]
    worker.pools.install()
    while True:
        target = tasks.get()
        if target is None:
            break
        if stop.is_set():
            skipped = Result(target.name, target.display_url, target.schema, "skipped")
            results.put(("done", worker_id, skipped))
            continue
        results.put(("start", worker_id, target.name))
        results.put(("done", worker_id, worker.run(target, stop)))
