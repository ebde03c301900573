"""Replay captured inputs through the original and the candidate; report any difference.

Spec: {"module", "qualname", "candidate_file", "corpus", "max_inputs", "out"}.
When fewer than GENERATE_BELOW inputs were captured, variants of the captured ones are added
(type-preserving: a prefix half, reversed order, one element, duplicated elements of each
list/tuple/str argument; never empty, since only real shapes are known).
Per input the original runs twice (a differing second run marks the input nondeterministic
and it is skipped), then the candidate once, each on a fresh unpickled copy of the arguments.
Compared: outcome (return/raise), value or exception type+args, arguments after the call
(in-place mutation), printed output, and what the call left in its module's data (cf_module_
state: each call starts from the module as imported and is put back after). Output:
{"compared", "nondeterministic", "mismatches", "mutates_args", "inputs", "generated"}.
Inputs generated from type hints (source "generated", capture/generate.py) are guesses at the
function's domain: where the ORIGINAL raises on one, the input lies outside what the function
accepts, and the candidate need only raise too (any exception); where the original returns,
everything is compared as for captured calls.
"""

from __future__ import annotations

import os
import pickle
import sys

from cf_harness_common import (
    describe,
    equal,
    list_inputs,
    load_sides,
    read_spec,
    run_call,
    write_result,
)
from cf_module_state import Snapshot, candidate_reading, difference

GENERATE_BELOW = 8
MAX_GENERATED = 32


def _globals_of(func) -> dict | None:
    """The globals a (possibly wrapped or descriptor) function runs in."""
    for _ in range(8):
        if hasattr(func, "__globals__"):
            return func.__globals__
        func = getattr(func, "__func__", None) or getattr(func, "__wrapped__", None)
        if func is None:
            return None
    return None


class Module:
    """The module data both sides run against: read after each call, then put back."""

    def __init__(self, module, candidate) -> None:
        self.globs = vars(module)
        self.before = Snapshot(self.globs)
        cand = _globals_of(candidate)
        self.cand_globs = cand if cand is not None and cand is not self.globs else None
        self.cand_before = Snapshot(cand, self.before) if self.cand_globs is not None else None

    def effects(self, candidate: bool) -> dict:
        """What the call just made left, after which the module is put back."""
        if candidate and self.cand_before is not None:
            reading = candidate_reading(self.before, self.cand_before, self.globs, self.cand_globs)
            found = self.cand_before.effects(reading, equal)
        else:
            found = self.before.effects(self.before.reading(self.globs), equal)
        self.before.restore(self.globs, found)
        if self.cand_before is not None:
            self.cand_before.restore(self.cand_globs, found)
        return found


def _observed(func, blob: bytes, module: Module, candidate: bool = False) -> tuple:
    data = pickle.loads(blob)
    args, kwargs = tuple(data["args"]), dict(data["kwargs"])
    outcome = run_call(func, args, kwargs)
    return outcome, args, kwargs, module.effects(candidate)


def _variants(value):
    if isinstance(value, (list, tuple, str)) and len(value) > 1:
        n = len(value)
        out = [value[: max(1, n // 2)], value[::-1], value[:1], value + value[: max(1, n // 4)]]
        return [v for v in out if type(v) is type(value)]
    return []


def _generated(blobs: list) -> list:
    """Extra (name, blob) inputs derived from the captured ones, one argument varied at a time."""
    out = []
    for name, blob in blobs:
        data = pickle.loads(blob)
        args = list(data["args"])
        for i, arg in enumerate(args):
            for j, variant in enumerate(_variants(arg)):
                new = [*args[:i], variant, *args[i + 1 :]]
                try:
                    payload = pickle.dumps({"args": tuple(new), "kwargs": data["kwargs"]})
                except Exception:
                    continue
                out.append((f"{name}~arg{i}v{j}", payload))
                if len(out) >= MAX_GENERATED:
                    return out
    return out


def _same(a: tuple, b: tuple) -> str | None:
    (oa, args_a, kw_a, state_a), (ob, args_b, kw_b, state_b) = a, b
    if oa[0] != ob[0]:
        return f"original {oa[0]}s {describe(oa[1])}, candidate {ob[0]}s {describe(ob[1])}"
    if oa[0] == "raise":
        if oa[1] is not ob[1] or oa[2] != ob[2]:
            return f"exception {oa[1].__name__}{oa[2]} vs {ob[1].__name__}{ob[2]}"
    elif not equal(oa[1], ob[1]):
        return f"returned {describe(oa[1])} vs {describe(ob[1])}"
    if not equal(args_a, args_b) or not equal(kw_a, kw_b):
        return "arguments were mutated differently"
    if oa[3] != ob[3]:
        return f"printed {describe(oa[3])} vs {describe(ob[3])}"
    return difference(state_a, state_b, equal, describe)


def main() -> int:
    spec = read_spec()
    module, original, candidate = load_sides(spec)
    state = Module(module, candidate)
    inputs = list_inputs(spec["corpus"])[: spec.get("max_inputs", 256)]
    blobs = []
    for path in inputs:
        with open(path, "rb") as fh:
            blobs.append((os.path.basename(path), fh.read()))
    generated = _generated(blobs) if len(blobs) < GENERATE_BELOW else []
    compared, nondeterministic, mutates = 0, 0, False
    mismatches: list[dict] = []
    for name, blob in blobs + generated:
        first = _observed(original, blob, state)
        second = _observed(original, blob, state)
        if _same(first, second) is not None:
            nondeterministic += 1
            continue
        data = pickle.loads(blob)
        pristine = tuple(data["args"])
        if not equal(pristine, first[1]):
            mutates = True
        observed = _observed(candidate, blob, state, candidate=True)
        outside = data.get("source") == "generated" and first[0][0] == "raise"
        diff = None if outside and observed[0][0] == "raise" else _same(first, observed)
        compared += 1
        if diff is not None:
            mismatches.append({"input": name, "detail": diff})
            if len(mismatches) >= 5:
                break
    write_result(
        spec,
        {
            "compared": compared,
            "nondeterministic": nondeterministic,
            "mismatches": mismatches,
            "mutates_args": mutates,
            "inputs": len(inputs),
            "generated": len(generated),
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
