"""Verdict and measured ratio at every rung of a size ladder, for slowdemo's scale cases.

Run: `python benchmarks/run_scale.py` (from the repo root, in the bot's venv). It copies
examples/slowdemo into a temp git repo, captures the inputs its tests pass, applies each case's
rule and asks the CPU engine for its verdict twice: judged at the captured sizes only
(`ladder-seconds = 0`, the rule before size ladders) and on the size ladder. Per case it prints
both verdicts and, for the ladder, each rung's size, original and candidate time per call-set
and the ratio, the fitted growth of each side and the crossover.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from codeflash_bot.config import Config
from codeflash_bot.domains.base import EngineContext
from codeflash_bot.domains.cpu import CpuEngine
from codeflash_bot.domains.memory import MemoryEngine
from codeflash_bot.harness_runner import HarnessRunner
from codeflash_bot.measure.growth import growth_words, speedup
from codeflash_bot.models import Candidate, Verdict
from codeflash_bot.profile.cpu import resolve_target
from codeflash_bot.progress import NullReporter
from codeflash_bot.propose.rule import Rule, apply_rule
from codeflash_bot.propose.rules.constant_container_per_call import ConstantContainerPerCall
from codeflash_bot.propose.rules.pure_recursion_without_memo import PureRecursionWithoutMemo
from codeflash_bot.propose.rules.readlines_to_iterate import ReadlinesToIterate
from codeflash_bot.propose.rules.sorted_slice_for_top_k import SortedSliceForTopK
from codeflash_bot.propose.rules.whole_file_read_to_iterate import WholeFileReadToIterate
from codeflash_bot.session.setup import detect_setup

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.paths import SLOWDEMO  # noqa: E402
from tests.support.repos import make_repo  # noqa: E402

CASES: list[tuple[str, Rule | None]] = [
    ("slowdemo.scale:stair_ways", PureRecursionWithoutMemo()),
    ("slowdemo.scale:count_matching", ReadlinesToIterate()),
    ("slowdemo.scale:stopword_share", ConstantContainerPerCall()),  # wins small only
    ("slowdemo.hot:grid_paths", PureRecursionWithoutMemo()),
    ("slowdemo.hot:top_scores", SortedSliceForTopK()),
    ("slowdemo.scale:stair_ways", None),  # the A/A no-op: the original as its own candidate
]
MEMORY_CASES: list[tuple[str, Rule | None]] = [
    ("slowdemo.scale:count_matching", WholeFileReadToIterate()),
    ("slowdemo.scale:count_matching", None),
]


def show(label: str, verdict: Verdict, unit: float = 1e6, name: str = "us") -> None:
    print(f"  {label}: {verdict.status.value} ({verdict.reason.value})")
    scale = verdict.scale
    if scale is None:
        for m in verdict.measurements:
            print(
                f"    captured inputs: {m.baseline * unit:11.1f} {name} ->"
                f" {m.candidate * unit:11.1f} {name}  {m.baseline / m.candidate:8.2f}x"
            )
        return
    for r in scale.rungs:
        m = r.measurement
        print(
            f"    {r.size:<28} {m.baseline * unit:11.1f} {name} ->"
            f" {m.candidate * unit:11.1f} {name}  {speedup(m):8.2f}x  (A/A {m.aa_noise * 100:.1f}%)"
        )
    growth = f"{growth_words(scale.slope_before)} -> {growth_words(scale.slope_after)}"
    print(f"    growth {growth}; {scale.crossover or 'no crossover'}")


def run_cases(ctx, flat_ctx, engine, fresh, cases, repo, setup, **units) -> None:
    """Each case judged at the captured sizes only and on the ladder, both printed."""
    for ref, rule in cases:
        target = resolve_target(ref, repo, setup)
        source = (repo / target.file).read_text(encoding="utf-8")
        new = source if rule is None else apply_rule(rule, source, target.qualname)
        assert new is not None, ref
        code = rule.code if rule else "no-op"
        cand = Candidate(target=target, proposer="rules", rule=code, description="", source=new)
        print(f"{ref} {code} ({engine.domain.value})")
        show("captured sizes only", fresh().evaluate(flat_ctx, cand), **units)
        start = time.perf_counter()
        verdict = engine.evaluate(ctx, cand)
        show(f"size ladder ({time.perf_counter() - start:.1f} s)", verdict, **units)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="codeflash-bench-scale-") as tmp:
        repo = make_repo(Path(tmp) / "repo", copy_from=SLOWDEMO)
        config = Config(python=sys.executable)
        setup = detect_setup(repo, config)
        flat = config.model_copy(update={"ladder_seconds": 0.0})
        corpus = Path(tmp) / "corpus"
        runner = HarnessRunner.for_project(setup, repo, config.memory_limit_mb)
        ctx = EngineContext(repo, setup, config, corpus, NullReporter(), runner=runner)
        flat_ctx = EngineContext(repo, setup, flat, corpus, NullReporter(), runner=runner)
        targets = [resolve_target(ref, repo, setup) for ref, _ in CASES + MEMORY_CASES]
        unique = list({t.ref: t for t in targets}.values())
        if len(CpuEngine().prepare(ctx, unique)) != len(unique):
            print("some case had no captured inputs", file=sys.stderr)
            return 1
        run_cases(ctx, flat_ctx, CpuEngine(), CpuEngine, CASES, repo, setup)
        kib = {"unit": 1 / 1024, "name": "KiB"}
        run_cases(ctx, flat_ctx, MemoryEngine(), MemoryEngine, MEMORY_CASES, repo, setup, **kib)
    return 0


if __name__ == "__main__":
    sys.exit(main())
