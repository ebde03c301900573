"""Interleaved A/B/A' timing of original (A, and again as A') vs candidate (B) in one process.

Spec: {"module", "qualname", "candidate_file", "inputs": [paths], "fresh_args": bool,
"rounds": int, "min_round": float, "out"}. Loops are calibrated so one round (every input, `loops`
times) lasts at least `min_round` seconds; the order of A, B, A' rotates every round; gc is off
inside each timed block; one warmup round per side is dropped. Statistic: min over rounds
(MEASUREMENT.md). A' gives the A/A ratio of this very run, i.e. the noise the decision must beat.
Each block is timed twice, in wall time and in this process's CPU time: on a machine with more
runnable jobs than cores, a side whose blocks happened to run undisturbed looks faster in wall
time than it is, while its CPU time does not count the time it spent descheduled.
"""

from __future__ import annotations

import gc
import os
import pickle
import sys
import time

from cf_harness_common import (
    consumer,
    load_sides,
    read_inputs,
    read_spec,
    shape,
    write_result,
)

MAX_LOOPS = 1_000_000
MAX_FRESH_COPIES = 4_000


def _timed(func, calls: list[tuple]) -> tuple[float, float]:
    """(wall seconds, process CPU seconds) of one block."""
    gc.collect()
    gc.disable()
    try:
        start, cpu = time.perf_counter(), time.process_time()
        for args, kwargs in calls:
            try:
                func(*args, **kwargs)
            except Exception:
                pass
        return time.perf_counter() - start, time.process_time() - cpu
    finally:
        gc.enable()


def main() -> int:
    spec = read_spec()
    _, original, candidate = load_sides(spec)
    blobs, base_calls = read_inputs(spec["inputs"])
    fresh = bool(spec.get("fresh_args"))
    sides = {"A": consumer(original), "B": consumer(candidate), "C": consumer(original)}

    def calls_for(loops: int) -> list[tuple]:
        if not fresh:
            return base_calls * loops
        out = []
        for _ in range(loops):
            for blob in blobs:
                d = pickle.loads(blob)
                out.append((tuple(d["args"]), dict(d["kwargs"])))
        return out

    # Calibrated on the slower side: a candidate 1000x slower than the original (a rewrite that
    # loses at scale) must not turn each round into minutes.
    one = max(_timed(sides["A"], calls_for(1))[0], _timed(sides["B"], calls_for(1))[0], 1e-7)
    loops = max(1, min(MAX_LOOPS, int(spec.get("min_round", 0.02) / one) + 1))
    if fresh:
        loops = max(1, min(loops, MAX_FRESH_COPIES // max(1, len(blobs))))
    order = ["A", "B", "C"]
    best = {k: float("inf") for k in sides}
    best_cpu = {k: float("inf") for k in sides}
    rounds = int(spec.get("rounds", 15))
    for r in range(rounds + 1):
        rotation = order[r % 3 :] + order[: r % 3]
        for side in rotation:
            elapsed, cpu = _timed(sides[side], calls_for(loops))
            if r > 0:
                best[side] = min(best[side], elapsed)
                best_cpu[side] = min(best_cpu[side], cpu)
    n = max(1, len(base_calls))
    shapes = [", ".join(shape(a) for a in args) for args, _ in base_calls]
    write_result(
        spec,
        {
            "baseline": best["A"] / loops,
            "candidate": best["B"] / loops,
            "aa_ratio": best["A"] / best["C"],
            "rounds": rounds,
            "loops": loops,
            "per_call": best["A"] / loops / n,
            "cpu_baseline": best_cpu["A"] / loops,
            "cpu_candidate": best_cpu["B"] / loops,
            "cpu_aa_ratio": best_cpu["A"] / best_cpu["C"] if best_cpu["C"] > 0 else 1.0,
            "sizes": [len(b) for b in blobs],
            "shapes": shapes,
            "pid": os.getpid(),
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
