"""The memory engine on a size ladder: peak at every rung, and time checked at the top rung."""

from __future__ import annotations

import pickle
import sys
import textwrap
from pathlib import Path

import pytest

from codeflash_bot.capture import corpus_dir
from codeflash_bot.config import Config
from codeflash_bot.domains.base import EngineContext
from codeflash_bot.domains.memory import MemoryEngine
from codeflash_bot.harness_runner import HarnessRunner
from codeflash_bot.measure.decide import peak_reduction
from codeflash_bot.models import Candidate, Reason, Status, Target
from codeflash_bot.progress import NullReporter
from tests.support.setup_info import configured_setup

pytestmark = pytest.mark.slow

MODULE = """
def first_repeat(xs):
    seen = set()
    for x in xs:
        if x in seen:
            return x
        seen.add(x)
    return None
"""

# No set at all (the peak drops at every size), but a scan per element: quadratic time.
SCANNING = """
def first_repeat(xs):
    for i, x in enumerate(xs):
        if xs.index(x) != i:
            return x
    return None
"""


def _context(tmp_path: Path) -> tuple[EngineContext, Target]:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "mod.py").write_text(textwrap.dedent(MODULE), encoding="utf-8")
    setup = configured_setup()
    config = Config(python=sys.executable)
    runner = HarnessRunner.for_project(setup, root, config.memory_limit_mb)
    ctx = EngineContext(root, setup, config, tmp_path / "corpus", NullReporter(), runner=runner)
    target = Target(file=Path("mod.py"), module="mod", qualname="first_repeat", lineno=2)
    corpus = corpus_dir(ctx.corpus_root, target)
    corpus.mkdir(parents=True)
    for i, xs in enumerate((list(range(60)), [3, 1, 4, 1, 5])):
        (corpus / f"{i:04d}.pkl").write_bytes(pickle.dumps({"args": [xs], "kwargs": {}}))
    return ctx, target


def test_a_peak_win_that_is_far_slower_at_the_top_rung_is_too_slow(tmp_path: Path) -> None:
    ctx, target = _context(tmp_path)
    source = (ctx.project / "mod.py").read_text(encoding="utf-8")
    new = source.replace(textwrap.dedent(MODULE).strip(), SCANNING.strip())
    cand = Candidate(target=target, proposer="test", rule="X", description="", source=new)
    verdict = MemoryEngine().evaluate(ctx, cand)
    assert verdict.status is Status.DISCARD and verdict.reason is Reason.TOO_SLOW, verdict.detail
    assert verdict.scale is not None  # the peak was judged on the ladder, and won there
    top = [r for r in verdict.scale.rungs if not r.variant][-1]
    assert peak_reduction(top.measurement) > 0.5
    assert f"time at {top.size} +" in verdict.detail
