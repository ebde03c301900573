"""The CPU engine judging candidates on a size ladder (real harness children, a real project)."""

from __future__ import annotations

import pickle
import sys
import textwrap
from pathlib import Path

import pytest

from codeflash_bot.capture import corpus_dir
from codeflash_bot.config import Config
from codeflash_bot.domains.base import EngineContext
from codeflash_bot.domains.cpu import CpuEngine
from codeflash_bot.harness_runner import HarnessRunner
from codeflash_bot.measure.growth import speedup
from codeflash_bot.models import Candidate, Reason, Status, Target
from codeflash_bot.progress import NullReporter
from codeflash_bot.propose.rule import apply_rule
from codeflash_bot.propose.rules.pure_recursion_without_memo import PureRecursionWithoutMemo
from tests.support.setup_info import configured_setup

pytestmark = pytest.mark.slow

MODULE = """
def ways(n):
    if n < 2:
        return 1
    return ways(n - 1) + ways(n - 2)


def total(xs):
    out = 0
    for x in xs:
        out += x
    return out
"""

# Same results, far faster on a handful of elements, quadratic at scale.
QUADRATIC_TOTAL = """
def total(xs):
    return sum(x for x in xs if xs.count(x) > 0)
"""


def _context(tmp_path: Path, **config) -> EngineContext:
    root = tmp_path / "proj"
    root.mkdir(exist_ok=True)
    (root / "mod.py").write_text(textwrap.dedent(MODULE), encoding="utf-8")
    setup = configured_setup()
    cfg = Config(python=sys.executable, **config)
    runner = HarnessRunner.for_project(setup, root, cfg.memory_limit_mb)
    return EngineContext(root, setup, cfg, tmp_path / "corpus", NullReporter(), runner=runner)


def _target(ctx: EngineContext, qualname: str, calls: list[list]) -> Target:
    target = Target(file=Path("mod.py"), module="mod", qualname=qualname, lineno=1)
    corpus = corpus_dir(ctx.corpus_root, target)
    corpus.mkdir(parents=True, exist_ok=True)
    for i, args in enumerate(calls):
        (corpus / f"{i:04d}.pkl").write_bytes(pickle.dumps({"args": args, "kwargs": {}}))
    return target


def test_memoisation_tested_at_a_tiny_size_is_kept_at_scale(tmp_path: Path) -> None:
    ctx = _context(tmp_path)
    target = _target(ctx, "ways", [[3], [5]])
    source = (ctx.project / "mod.py").read_text(encoding="utf-8")
    new = apply_rule(PureRecursionWithoutMemo(), source, "ways")
    assert new is not None
    cand = Candidate(target=target, proposer="rules", rule="CPU109", description="", source=new)
    verdict = CpuEngine().evaluate(ctx, cand)
    assert verdict.status is Status.KEEP, verdict.detail
    assert verdict.scale is not None
    sizes = [r.size for r in verdict.scale.rungs]
    assert sizes[0] == "int 5 (captured)" and len(sizes) >= 3
    assert speedup(verdict.scale.rungs[-1].measurement) > 5
    assert "sizes: int 5 (captured)" in verdict.detail
    assert (ctx.project / "mod.py").read_text(encoding="utf-8") == source


def test_a_rewrite_that_wins_small_and_loses_large_is_discarded(tmp_path: Path) -> None:
    ctx = _context(tmp_path)
    target = _target(ctx, "total", [[list(range(40))]])
    new = (
        (ctx.project / "mod.py")
        .read_text(encoding="utf-8")
        .replace(textwrap.dedent(MODULE).split("\n\n\n")[1], QUADRATIC_TOTAL.strip() + "\n")
    )
    cand = Candidate(target=target, proposer="rules", rule="X", description="", source=new)
    verdict = CpuEngine().evaluate(ctx, cand)
    assert verdict.status is Status.DISCARD
    assert verdict.reason in (Reason.NOT_FASTER, Reason.SCALE)
    assert verdict.scale is not None and "list[" in verdict.scale.rungs[-1].size


def test_a_no_op_is_discarded_on_the_ladder(tmp_path: Path) -> None:
    ctx = _context(tmp_path)
    target = _target(ctx, "ways", [[5]])
    source = (ctx.project / "mod.py").read_text(encoding="utf-8")
    cand = Candidate(target=target, proposer="rules", rule="X", description="", source=source)
    verdict = CpuEngine().evaluate(ctx, cand)
    assert verdict.status is Status.DISCARD and verdict.reason is Reason.NOT_FASTER
    assert verdict.scale is not None


def test_slowdemo_win_at_the_tests_size_only_is_discarded_with_its_rungs(tmp_path: Path) -> None:
    from codeflash_bot.session.state import parse_results
    from tests.support.cli import run_bot
    from tests.support.paths import PYTHON, SLOWDEMO
    from tests.support.repos import branch_file, make_repo

    repo = make_repo(tmp_path / "repo", copy_from=SLOWDEMO)
    target = "slowdemo.scale:stopword_share"
    proc = run_bot("optimize", str(repo), "--domain", "cpu", "--python", PYTHON, "--target", target)
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = [r for r in parse_results(branch_file(repo, "results.tsv")) if r.target == target]
    [row] = [r for r in rows if r.description.startswith("CPU130")]
    assert row.status is Status.DISCARD and row.commit == "-"
    assert f"{Reason.SCALE.value}: wins " in row.description
    assert "at list[16] (captured) but not at scale: at list[1,024]:" in row.description
