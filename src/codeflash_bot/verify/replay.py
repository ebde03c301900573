"""Behaviour check: original vs candidate on the captured inputs, in a sandboxed child."""

from __future__ import annotations

from pathlib import Path

from codeflash_bot.harness_runner import HarnessRunner
from codeflash_bot.models import Frozen, Target


class ReplayResult(Frozen):
    """How many inputs were compared and what differed (first few mismatches)."""

    inputs: int
    generated: int = 0
    compared: int
    nondeterministic: int
    mismatches: list[dict[str, str]]
    mutates_args: bool

    @property
    def ok(self) -> bool:
        return self.compared > 0 and not self.mismatches


def replay(
    runner: HarnessRunner,
    target: Target,
    candidate_source: str,
    corpus: Path,
    *,
    timeout: float,
) -> ReplayResult:
    """Raises HarnessError on crash/timeout; the original's file on disk must be unchanged."""
    spec = {**target.harness_ref(runner.root), "corpus": str(corpus), "max_inputs": 256}
    result = runner.run("cf_replay.py", spec, timeout=timeout, candidate=candidate_source)
    return ReplayResult.model_validate(result)
