"""Measured peak reduction and time delta of slowdemo's memory case (MEM202 on column_total).

Run: `python benchmarks/run_memory.py` (from the repo root, in the bot's venv). It copies
examples/slowdemo into a temp git repo, captures the inputs the tests pass to
`slowdemo.memory:column_total`, applies MEM202 and asks the memory engine for its verdict:
peak bytes of original vs candidate (fresh process per side, tracemalloc, A/B/A') and the
interleaved time delta.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from codeflash_bot.config import Config
from codeflash_bot.domains.base import EngineContext
from codeflash_bot.domains.memory import MemoryEngine, human_bytes, peak_reduction
from codeflash_bot.harness_runner import HarnessRunner
from codeflash_bot.models import Candidate
from codeflash_bot.profile.cpu import resolve_target
from codeflash_bot.progress import NullReporter
from codeflash_bot.propose.rule import apply_rule
from codeflash_bot.propose.rules.list_built_to_iterate_once import ListBuiltToIterateOnce
from codeflash_bot.session.setup import detect_setup

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.paths import SLOWDEMO  # noqa: E402
from tests.support.repos import make_repo  # noqa: E402


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="codeflash-bench-mem-") as tmp:
        repo = make_repo(Path(tmp) / "repo", copy_from=SLOWDEMO)
        config = Config(python=sys.executable)
        setup = detect_setup(repo, config)
        runner = HarnessRunner.for_project(setup, repo, config.memory_limit_mb)
        ctx = EngineContext(
            repo, setup, config, Path(tmp) / "corpus", NullReporter(), runner=runner
        )
        target = resolve_target("slowdemo.memory:column_total", repo, setup)
        engine = MemoryEngine()
        if not engine.prepare(ctx, [target]):
            print("no inputs captured", file=sys.stderr)
            return 1
        source = (repo / target.file).read_text(encoding="utf-8")
        new = apply_rule(ListBuiltToIterateOnce(), source, target.qualname)
        assert new is not None
        cand = Candidate(target=target, proposer="rules", rule="MEM202", description="", source=new)
        verdict = engine.evaluate(ctx, cand)
        (m,) = verdict.measurements
        print(
            f"memory  column_total MEM202: peak {human_bytes(m.baseline)} ->"
            f" {human_bytes(m.candidate)} (-{peak_reduction(m) * 100:.1f}%),"
            f" A/A {m.aa_ratio:.3f}; {verdict.status.value}: {verdict.detail}"
        )
        noop = engine.evaluate(ctx, cand.model_copy(update={"source": source}))
        print(f"memory  no-op candidate: {noop.status.value} ({noop.detail})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
