"""Behaviour check: original vs candidate on the captured inputs, in a sandboxed child."""

from __future__ import annotations

import tempfile
from pathlib import Path

from codeflash_bot.models import Frozen, Target
from codeflash_bot.sandbox import run_harness
from codeflash_bot.session.setup import SetupInfo


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
    setup: SetupInfo,
    root: Path,
    target: Target,
    candidate_source: str,
    corpus: Path,
    *,
    timeout: float,
    memory_mb: int,
) -> ReplayResult:
    """Raises HarnessError on crash/timeout; the original's file on disk must be unchanged."""
    with tempfile.TemporaryDirectory(prefix="codeflash-cand-") as tmp:
        cand = Path(tmp) / "candidate.py"
        cand.write_text(candidate_source, encoding="utf-8")
        spec = {
            **target.harness_ref(root),
            "candidate_file": str(cand),
            "corpus": str(corpus),
            "max_inputs": 256,
        }
        result = run_harness(
            "cf_replay.py",
            spec,
            python=setup.python,
            cwd=root,
            env=setup.env(root),
            timeout=timeout,
            memory_mb=memory_mb,
        )
    return ReplayResult.model_validate(result)
