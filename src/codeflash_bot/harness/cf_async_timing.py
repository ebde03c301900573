"""Latency of a coroutine under concurrent callers: original (A, and A') vs candidate (B).

Spec: {"module", "qualname", "candidate_file", "inputs": [paths], "fresh_args": bool,
"rounds": int, "min_round": float, "concurrency": int, "out"}.

One call-set = for every input in turn, `concurrency` calls of the coroutine with that input
started together on one event loop (`asyncio.gather`), waited for to the last. That is the
latency a caller sees when the coroutine serves several requests at once, which is where event-
loop blocking and sequential awaits cost; with concurrency 1 it is the plain latency of one
call. If concurrent calls raise where a single call does not (state shared between calls), the
run falls back to concurrency 1 and says so. Rounds are interleaved A/B/A' with the order
rotating, loops calibrated so one round lasts `min_round`, a warmup round dropped, gc off while
timed, min over rounds (MEASUREMENT.md). Besides the timing it reports, per side, the plain
latency of one call-set at concurrency 1 and how long the event loop was blocked: the longest
single callback and the total time spent in callbacks during one call-set.
"""

from __future__ import annotations

import asyncio
import asyncio.events
import gc
import os
import pickle
import sys
import time

from cf_harness_common import (
    load_sides,
    read_inputs,
    read_spec,
    shape,
    write_result,
)


def _loop_time(loop, side, batches) -> float:
    async def one(batch):
        await asyncio.gather(*(side(*a, **k) for a, k in batch), return_exceptions=True)

    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        for batch in batches:
            loop.run_until_complete(one(batch))
        return time.perf_counter() - start
    finally:
        gc.enable()


def _failures(loop, side, batch) -> int:
    async def one():
        return await asyncio.gather(*(side(*a, **k) for a, k in batch), return_exceptions=True)

    return sum(isinstance(r, BaseException) for r in loop.run_until_complete(one()))


def _blocking(loop, side, batches) -> dict:
    """Longest callback and total callback time while one call-set runs."""
    steps = []
    original = asyncio.events.Handle._run

    def timed_run(handle):
        start = time.perf_counter()
        try:
            original(handle)
        finally:
            steps.append(time.perf_counter() - start)

    asyncio.events.Handle._run = timed_run
    try:
        _loop_time(loop, side, batches)
    finally:
        asyncio.events.Handle._run = original
    return {"max": max(steps, default=0.0), "busy": sum(steps)}


def main() -> int:
    spec = read_spec()
    _, original, candidate = load_sides(spec)
    blobs, base_calls = read_inputs(spec["inputs"])
    fresh = bool(spec.get("fresh_args"))
    sides = {"A": original, "B": candidate, "C": original}
    concurrency = max(1, int(spec.get("concurrency", 8)))

    def batches_for(loops: int, k: int) -> list:
        out = []
        for _ in range(loops):
            for blob, call in zip(blobs, base_calls):
                if fresh:
                    batch = []
                    for _ in range(k):
                        d = pickle.loads(blob)
                        batch.append((tuple(d["args"]), dict(d["kwargs"])))
                    out.append(batch)
                else:
                    out.append([call] * k)
        return out

    loop = asyncio.new_event_loop()
    try:
        fallback = False
        for side in ("A", "B"):
            alone = sum(_failures(loop, sides[side], b) for b in batches_for(1, 1))
            together = sum(_failures(loop, sides[side], b) for b in batches_for(1, concurrency))
            if together > alone * concurrency:
                fallback = True
        if fallback:
            concurrency = 1
        one = max(_loop_time(loop, sides["A"], batches_for(1, concurrency)), 1e-6)
        loops = max(1, min(10_000, int(spec.get("min_round", 0.02) / one) + 1))
        order = ["A", "B", "C"]
        best = {k: float("inf") for k in sides}
        rounds = int(spec.get("rounds", 10))
        for r in range(rounds + 1):
            for side in order[r % 3 :] + order[: r % 3]:
                elapsed = _loop_time(loop, sides[side], batches_for(loops, concurrency))
                if r > 0:
                    best[side] = min(best[side], elapsed)
        single = {}
        blocking = {}
        for side in ("A", "B"):
            single[side] = min(_loop_time(loop, sides[side], batches_for(1, 1)) for _ in range(3))
            blocking[side] = _blocking(loop, sides[side], batches_for(1, concurrency))
    finally:
        loop.close()
    n = max(1, len(base_calls))
    write_result(
        spec,
        {
            "baseline": best["A"] / loops,
            "candidate": best["B"] / loops,
            "aa_ratio": best["A"] / best["C"],
            "rounds": rounds,
            "loops": loops,
            "per_call": best["A"] / loops / n,
            "sizes": [len(b) for b in blobs],
            "shapes": [", ".join(shape(a) for a in args) for args, _ in base_calls],
            "concurrency": concurrency,
            "fell_back": fallback,
            "single": single,
            "blocking": blocking,
            "pid": os.getpid(),
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
