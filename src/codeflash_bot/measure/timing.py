"""Timing of original vs candidate: interleaved A/B/A' in one fresh child process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from codeflash_bot.harness_runner import HarnessRunner
from codeflash_bot.models import InputSize, Measurement, Metric, Target

TIMING_INPUTS = 6
ROUNDS = 15
MIN_ROUND_SECONDS = 0.02


def select_inputs(corpus: Path, k: int = TIMING_INPUTS) -> list[Path]:
    """The `k` largest captured inputs (by pickled size): timing weighted toward real sizes."""
    files = sorted(corpus.glob("*.pkl"), key=lambda p: (-p.stat().st_size, p.name))
    return files[:k]


def measure(
    runner: HarnessRunner,
    target: Target,
    candidate_source: str,
    inputs: list[Path],
    *,
    fresh_args: bool,
    timeout: float,
    rounds: int = ROUNDS,
) -> Measurement:
    """Raises HarnessError on crash/timeout."""
    spec = {
        **target.harness_ref(runner.root),
        "inputs": [str(p) for p in inputs],
        "fresh_args": fresh_args,
        "rounds": rounds,
        "min_round": MIN_ROUND_SECONDS,
    }
    out = runner.run("cf_timing.py", spec, timeout=timeout, candidate=candidate_source)
    return measurement_from(out)


def measurement_from(out: dict[str, Any], metric: str = "seconds") -> Measurement:
    """An A/B/A' harness reply (cf_timing, cf_async_timing, cf_memtiming) as a Measurement;
    a reply without loops/per_call (peak bytes: one call per process) counts one loop. CPU
    times, when the harness took them, ride along as `Measurement.cpu`."""
    pairs = zip(out["sizes"], out["shapes"], strict=True)
    wall = Measurement(
        baseline=float(out["baseline"]),
        candidate=float(out["candidate"]),
        aa_ratio=float(out["aa_ratio"]),
        rounds=int(out["rounds"]),
        loops=int(out.get("loops", 1)),
        per_call=float(out.get("per_call", 0.0)),
        inputs=[InputSize(pickled_bytes=b, shape=s) for b, s in pairs],
        metric=metric,
    )
    return wall.model_copy(update={"cpu": cpu_view(out, wall)})


def cpu_view(out: dict[str, Any], wall: Measurement) -> Measurement | None:
    """The reply's CPU-time figures as a Measurement of their own, or None when absent or
    too coarse to read (a clock that did not tick during a block)."""
    if "cpu_baseline" not in out:
        return None
    base, cand = float(out["cpu_baseline"]), float(out["cpu_candidate"])
    if base <= 0 or cand <= 0:
        return None
    calls = wall.baseline / wall.per_call if wall.per_call > 0 else 1.0
    return wall.model_copy(
        update={
            "baseline": base,
            "candidate": cand,
            "aa_ratio": float(out["cpu_aa_ratio"]),
            "per_call": base / calls,
            "metric": Metric.CPU_SECONDS,
        }
    )
