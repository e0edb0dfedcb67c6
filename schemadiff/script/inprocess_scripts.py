"""Console scripts that a post-write hook can run inside this interpreter.

The ``console_scripts`` hook type starts ``python -c "import black; ..."`` for
every new revision; for black (a dependency of schemadiff, so always
importable here) that costs an interpreter start and black's imports, about
half a second per ``revision`` command. Black's command line is a click
command that can be called with ``standalone_mode=False``, so it runs here
instead: same arguments, same configuration discovery (``pyproject.toml`` is
found from the file's own directory), same exit status, output captured the
same way. Any other console script still runs as a child process.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator

#: black's console-script entry point values (``module:attr``)
_BLACK_ENTRY_POINTS = frozenset({"black:patched_main", "black:main"})


@contextlib.contextmanager
def _working_directory(cwd: str | None) -> Iterator[None]:
    if not cwd:
        yield
        return
    old = os.getcwd()
    os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(old)


def _black(argv: list[str]) -> tuple[int, str]:
    """Run black's click command on ``argv`` without leaving the process."""
    import click
    from black import main as black_main

    captured = io.StringIO()
    with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
        try:
            status = black_main.main(
                args=argv, prog_name="black", standalone_mode=False
            )
        except click.exceptions.Exit as done:
            status = done.exit_code
        except click.ClickException as err:
            err.show(file=captured)
            status = err.exit_code
        except click.Abort:
            status = 1
    return (status if isinstance(status, int) else 0), captured.getvalue()


def run_in_process(
    entrypoint_value: str, argv: list[str], cwd: str | None
) -> tuple[int, str] | None:
    """(exit status, output) of the console script named by its entry point
    value (``module:attr``), or None when it must run as a child process."""
    if entrypoint_value.replace(" ", "") not in _BLACK_ENTRY_POINTS:
        return None
    with _working_directory(cwd):
        return _black(argv)
