"""Timing of original vs candidate: interleaved A/B/A' in one fresh child process."""

from __future__ import annotations

import tempfile
from pathlib import Path

from codeflash_bot.models import InputSize, Measurement, Target
from codeflash_bot.sandbox import run_harness
from codeflash_bot.session.setup import SetupInfo

TIMING_INPUTS = 6
ROUNDS = 15
MIN_ROUND_SECONDS = 0.02


def select_inputs(corpus: Path, k: int = TIMING_INPUTS) -> list[Path]:
    """The `k` largest captured inputs (by pickled size): timing weighted toward real sizes."""
    files = sorted(corpus.glob("*.pkl"), key=lambda p: (-p.stat().st_size, p.name))
    return files[:k]


def measure(
    setup: SetupInfo,
    root: Path,
    target: Target,
    candidate_source: str,
    inputs: list[Path],
    *,
    fresh_args: bool,
    timeout: float,
    memory_mb: int,
    rounds: int = ROUNDS,
) -> Measurement:
    """Raises HarnessError on crash/timeout."""
    with tempfile.TemporaryDirectory(prefix="codeflash-cand-") as tmp:
        cand = Path(tmp) / "candidate.py"
        cand.write_text(candidate_source, encoding="utf-8")
        spec = {
            **target.harness_ref(root),
            "candidate_file": str(cand),
            "inputs": [str(p) for p in inputs],
            "fresh_args": fresh_args,
            "rounds": rounds,
            "min_round": MIN_ROUND_SECONDS,
        }
        out = run_harness(
            "cf_timing.py",
            spec,
            python=setup.python,
            cwd=root,
            env=setup.env(root),
            timeout=timeout,
            memory_mb=memory_mb,
        )
    pairs = zip(out["sizes"], out["shapes"], strict=True)
    sizes = [InputSize(pickled_bytes=b, shape=s) for b, s in pairs]
    return Measurement(
        baseline=out["baseline"],
        candidate=out["candidate"],
        aa_ratio=out["aa_ratio"],
        rounds=out["rounds"],
        loops=out["loops"],
        per_call=out["per_call"],
        inputs=sizes,
    )
