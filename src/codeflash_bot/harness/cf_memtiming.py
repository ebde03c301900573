"""Peak memory of original (A, and again as A') vs candidate (B) on captured inputs.

Spec: {"module", "qualname", "candidate_file", "inputs": [paths], "rounds": int, "out"}.

Method: every measurement is a FRESH child process (this script with `--child`) that loads
both original and candidate the same way, unpickles every input BEFORE tracing starts, then
starts tracemalloc and calls ONE side on every input in order, dropping each result before the
next call. The figure is the high-water mark of traced memory above what was traced before the
first call: the largest temporary of any call plus whatever the calls retain (a growing cache
shows up). Generators are consumed item by item and coroutines run to completion, never
collected into a list. Sides run interleaved (A, B, A' with the order rotating each round) and
PYTHONHASHSEED is pinned, so nothing but the code differs between A and B: tracemalloc counts
Python-level allocations deterministically, which puts the A/A ratio at 1.0 (measured, not
assumed: A' is reported). Statistic: the minimum over rounds, as for timing.
Why not memray here: its figures include allocator arenas (pymalloc hands out 256 KiB
arenas), which is noise at the size of one call's temporaries.
"""

from __future__ import annotations

import asyncio
import gc
import inspect
import json
import os
import pickle
import sys
import tracemalloc

from cf_harness_common import (
    is_generator_function,
    load_sides,
    read_inputs,
    read_spec,
    run_side,
    shape,
    write_result,
)


def _consume(func, args: tuple, kwargs: dict) -> None:
    try:
        value = func(*args, **kwargs)
        if inspect.iscoroutine(value):
            value = asyncio.run(value)
        elif inspect.isgenerator(value) or is_generator_function(func):
            for _item in value:
                pass
        del value
    except MemoryError:
        raise
    except Exception:
        pass  # behaviour was compared by replay already; an exception's memory still counts


def child(side: str, spec_path: str) -> int:
    with open(spec_path, encoding="utf-8") as fh:
        spec = json.load(fh)
    _, original, candidate = load_sides(spec)
    func = candidate if side == "B" else original
    _, calls = read_inputs(spec["inputs"])
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    per_input = []
    high = 0
    for args, kwargs in calls:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        _consume(func, args, kwargs)
        peak = tracemalloc.get_traced_memory()[1]
        per_input.append(max(0, peak - before))
        high = max(high, peak - base)
    tracemalloc.stop()
    json.dump({"peak": max(0, high), "per_input": per_input}, sys.stdout)
    return 0


def main() -> int:
    spec = read_spec()
    spec_path = sys.argv[1]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    rounds = max(1, int(spec.get("rounds", 3)))
    order = ["A", "B", "C"]  # C is A': the original again, for the A/A ratio
    taken: dict[str, list[dict]] = {k: [] for k in order}
    for r in range(rounds):
        for side in order[r % 3 :] + order[: r % 3]:
            taken[side].append(run_side(__file__, "A" if side == "C" else side, spec_path, env))
    best = {k: min(v, key=lambda x: x["peak"]) for k, v in taken.items()}
    spread = {k: max(x["peak"] for x in v) - min(x["peak"] for x in v) for k, v in taken.items()}
    sizes, shapes = [], []
    for path in spec["inputs"]:
        with open(path, "rb") as fh:
            blob = fh.read()
        sizes.append(len(blob))
        data = pickle.loads(blob)
        shapes.append(", ".join(shape(a) for a in data["args"]))
    a, b, c = best["A"]["peak"], best["B"]["peak"], best["C"]["peak"]
    write_result(
        spec,
        {
            "baseline": a,
            "candidate": b,
            "aa_ratio": (a / c) if c else (1.0 if a == 0 else float("inf")),
            "rounds": rounds,
            "per_input_baseline": best["A"]["per_input"],
            "per_input_candidate": best["B"]["per_input"],
            "spread": spread,
            "sizes": sizes,
            "shapes": shapes,
            "method": "tracemalloc",
        },
    )
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        sys.exit(child(sys.argv[2], sys.argv[3]))
    sys.exit(main())
