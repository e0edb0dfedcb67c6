"""Importing a revision file for its code: the module the import system
would make, from a file read only once when Python keeps no bytecode."""

from __future__ import annotations

import _io
import builtins
import importlib.util
import io
import os
import py_compile
import sys
from pathlib import Path

import pytest

from schemadiff.config import Config
from schemadiff.script import ScriptDirectory
from schemadiff.util import CommandError
from tests.script._seed import project

REVISION = '''"""make a mark"""
revision = "aaaa0001"
down_revision = None
branch_labels = None
depends_on = None
MARK = "{mark}"


def upgrade():
    pass


def downgrade():
    pass
'''


def _script(proj: Path):
    config = Config(str(proj / "schemadiff.ini"), stdout=io.StringIO())
    return ScriptDirectory.from_config(config).get_revision("aaaa0001")


def _write(proj: Path, mark: str) -> Path:
    path = proj / "foo" / "versions" / "aaaa0001_mark.py"
    path.write_text(REVISION.format(mark=mark), "utf-8")
    return path


def _count_opens(monkeypatch, path: Path) -> list[str]:
    """Every opening of ``path`` (by ``open`` or by the import system)."""
    seen: list[str] = []
    real_open, real_open_code = builtins.open, _io.open_code

    def counting_open(file, *args, **kw):
        if os.fspath(file) == str(path):
            seen.append("open")
        return real_open(file, *args, **kw)

    def counting_open_code(file):
        if os.fspath(file) == str(path):
            seen.append("open_code")
        return real_open_code(file)

    monkeypatch.setattr(builtins, "open", counting_open)
    monkeypatch.setattr(_io, "open_code", counting_open_code)
    return seen


def test_read_once_when_no_bytecode_is_kept(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    proj = project(tmp_path)
    path = _write(proj, "source")
    seen = _count_opens(monkeypatch, path)
    module = _script(proj).module
    assert seen == ["open"]
    assert module.MARK == "source"
    assert module.__file__ == str(path)
    assert module.__spec__.origin == str(path)
    assert module.__cached__ == importlib.util.cache_from_source(str(path))
    assert module.__name__.startswith("_schemadiff_aaaa0001_mark_")
    assert sys.modules[module.__name__] is module
    assert not os.path.exists(module.__cached__)


def test_bytecode_is_written_when_python_keeps_it(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    proj = project(tmp_path)
    path = _write(proj, "source")
    module = _script(proj).module
    assert module.MARK == "source"
    assert os.path.exists(importlib.util.cache_from_source(str(path)))


def test_cached_bytecode_is_used_as_the_import_system_would(
    tmp_path: Path, monkeypatch
) -> None:
    """A valid cached .pyc wins over the source, even with
    PYTHONDONTWRITEBYTECODE (which only stops writing)."""
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    proj = project(tmp_path)
    path = _write(proj, "cached")
    stat = path.stat()
    py_compile.compile(str(path), cfile=importlib.util.cache_from_source(str(path)))
    _write(proj, "edited")  # same size; the old mtime put back below
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert _script(proj).module.MARK == "cached"


def test_import_errors_read_as_before(tmp_path: Path, monkeypatch) -> None:
    """The one-line error of a file that fails to compile is the one the
    import system's own compile gives."""
    from schemadiff.script.base import _import_revision

    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    proj = project(tmp_path)
    path = _write(proj, "source")
    path.write_text(path.read_text() + "\ndef broken(:\n", "utf-8")
    with pytest.raises(CommandError) as via_import_system:
        _import_revision(str(path))
    with pytest.raises(CommandError) as from_header_bytes:
        _ = _script(proj).module
    assert str(from_header_bytes.value) == str(via_import_system.value)
    assert "SyntaxError" in str(from_header_bytes.value)
