"""The history benchmark's generator writes a well-formed graph (a smoke test
so the hand-run benchmark doesn't rot)."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

from schemadiff.config import Config
from schemadiff.script import ScriptDirectory

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_history.py"


def test_generated_history_loads(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("bench_history", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    project, shape = bench.make_project(tmp_path, 600)
    assert shape["revisions"] == 600 and shape["merges"] >= 10
    script = ScriptDirectory.from_config(
        Config(str(project / "schemadiff.ini"), stdout=io.StringIO())
    )
    rmap = script.revision_map
    assert len(rmap) == 600
    assert len(rmap.resolve("heads")) == 1
    assert len(script.get_heads()) == 2  # the main line + the depended-on base
    assert all(r._module is None for r in rmap)  # headers only, nothing imported
    history = list(script.walk_revisions())
    assert len(history) == 600 and history[-1].is_base
