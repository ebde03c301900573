"""Structure engine parts: importtime parsing, the import graph, the scope gate, public names,
and the import profile + measurement on a tiny real package."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from codeflash_bot.config import Config
from codeflash_bot.domains.base import EngineContext
from codeflash_bot.domains.structure import (
    StructureEngine,
    descendants,
    import_move_problem,
    parse_importtime,
    public_names,
)
from codeflash_bot.harness_runner import HarnessRunner
from codeflash_bot.models import Candidate, Reason, Status
from codeflash_bot.progress import NullReporter
from codeflash_bot.session.setup import detect_setup
from codeflash_bot.verify.scope import ScopeProblem
from tests.support.paths import PYTHON

IMPORTTIME = """\
import time: self [us] | cumulative | imported package
import time:       120 |        120 |   _io
import time:      1000 |       1000 |   pkg
import time:     40000 |      40000 |     numpy.core
import time:      5000 |      45000 |   numpy
import time:       300 |      45300 | pkg.mod
"""

FILES = {
    "src/pkg/__init__.py": "",
    "src/pkg/slow.py": (
        "total = 0\nfor i in range(300_000):\n    total += i\n\n\ndef size():\n    return total\n"
    ),
    "src/pkg/a.py": "from pkg import b\n\n\ndef ping():\n    return b.pong()\n",
    "src/pkg/b.py": (
        "from pkg import a\n\n\ndef pong():\n    return 'pong'\n\n\n"
        "def again():\n    return a.ping()\n"
    ),
    "src/pkg/api.py": (
        '"""API."""\n\nfrom pkg import slow\n\nVERSION = "1"\n\n\n'
        "def size():\n    return slow.size()\n"
    ),
    "tests/test_api.py": "from pkg import api\n\n\ndef test_size():\n    assert api.size() > 0\n",
}


@pytest.fixture
def ctx(tmp_path: Path) -> EngineContext:
    root = tmp_path / "proj"
    for rel, text in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    config = Config(python=PYTHON)
    setup = detect_setup(root, config)
    runner = HarnessRunner.for_project(setup, root, config.memory_limit_mb)
    return EngineContext(root, setup, config, tmp_path / "c", NullReporter(), runner=runner)


def test_importtime_lines_and_what_a_module_imported() -> None:
    lines = parse_importtime(IMPORTTIME)
    assert [ln.name for ln in lines] == ["_io", "pkg", "numpy.core", "numpy", "pkg.mod"]
    assert lines[3].cumulative == pytest.approx(0.045) and lines[3].depth == 1
    assert [ln.name for ln in descendants(lines, "pkg.mod")] == [
        "numpy",
        "numpy.core",
        "pkg",
        "_io",
    ]
    assert [ln.name for ln in descendants(lines, "numpy")] == ["numpy.core"]


def test_scope_gate_allows_moving_imports_only() -> None:
    original = "import json\n\ndef f(x):\n    return json.dumps(x)\n"
    moved = "def f(x):\n    import json\n    return json.dumps(x)\n"
    assert import_move_problem(original, moved) is None
    changed = "def f(x):\n    import json\n    return json.dumps(x, indent=1)\n"
    assert import_move_problem(original, changed) == ScopeProblem(
        reason=Reason.SCOPE, detail="changed code other than moving import statements"
    )
    dropped = import_move_problem(original, "def f(x):\n    return json.dumps(x)\n")
    assert dropped == ScopeProblem(reason=Reason.SCOPE, detail="dropped an import")
    guarded = textwrap.dedent("""
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            import json
        def f(x):
            return json.dumps(x)
    """)
    assert import_move_problem(original, guarded) is None
    unparsable = import_move_problem(original, "def f(:\n")
    assert unparsable is not None and unparsable.reason is Reason.UNPARSABLE
    assert unparsable.detail.startswith("does not parse")


def test_public_names_are_all_or_own_definitions() -> None:
    assert public_names("import os\nfrom x import y\nA = 1\n_b = 2\ndef f(): pass\n") == [
        "A",
        "f",
    ]
    assert public_names("__all__ = ['y']\nfrom x import y\n") == ["y"]


def test_profile_finds_heavy_imports_and_cycles(ctx: EngineContext) -> None:
    engine = StructureEngine()
    profiles = engine.profile(ctx)
    assert set(profiles) == {"pkg", "pkg.slow", "pkg.a", "pkg.b", "pkg.api"}
    assert profiles["pkg.a"].cyclic == {"pkg.b"} and profiles["pkg.b"].cyclic == {"pkg.a"}
    assert "pkg.slow" in profiles["pkg.api"].heavy
    assert profiles["pkg.api"].children["pkg.slow"] > 0.005
    score = engine.score(ctx)
    assert 0.1 < score.share < 1.0 and "top pkg.api" in score.detail
    assert score.matches >= 1


def test_targets_and_a_kept_lazy_import(ctx: EngineContext) -> None:
    engine = StructureEngine()
    targets = engine.find_targets(ctx, [engine.proposer()])
    assert targets[0].ref == "pkg.api:<module>"
    assert {t.module for t in targets} >= {"pkg.api", "pkg.a", "pkg.b"}
    source = (ctx.project / targets[0].file).read_text(encoding="utf-8")
    candidate = engine.proposer().next_candidate(targets[0], source, set())
    assert candidate is not None and candidate.rule == "STR401"
    assert engine.scope_problem(source, candidate) is None
    verdict = engine.evaluate(ctx, candidate)
    assert verdict.status is Status.KEEP, verdict.detail
    assert verdict.measurements[0].metric == "import_seconds"
    assert verdict.measurements[0].gain > 1.0


def test_a_lost_public_name_is_a_behaviour_discard(ctx: EngineContext) -> None:
    engine = StructureEngine()
    target = engine.find_targets(ctx, [engine.proposer()])[0]
    source = (ctx.project / target.file).read_text(encoding="utf-8")
    broken = source.replace('VERSION = "1"\n', "")
    candidate = Candidate(target=target, proposer="t", rule="T", description="t", source=broken)
    verdict = engine.evaluate(ctx, candidate)
    assert verdict.status is Status.DISCARD
    assert verdict.detail == "public names changed: VERSION (str -> None)"
