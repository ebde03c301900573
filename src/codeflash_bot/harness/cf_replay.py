"""Replay captured inputs through the original and the candidate; report any difference.

Spec: {"module", "qualname", "candidate_file", "corpus", "max_inputs", "out"}.
Per input the original runs twice (a differing second run marks the input nondeterministic and
it is skipped), then the candidate once, each on a fresh unpickled copy of the arguments.
Compared: outcome (return/raise), value or exception type+args, arguments after the call
(in-place mutation), printed output. Output: {"compared", "nondeterministic", "mismatches",
"mutates_args", "inputs"}.
"""

from __future__ import annotations

import sys

from cf_harness_common import (
    describe,
    equal,
    list_inputs,
    load_candidate,
    load_input,
    load_original,
    read_spec,
    run_call,
    write_result,
)


def _observed(func, path: str) -> tuple:
    args, kwargs = load_input(path)
    outcome = run_call(func, args, kwargs)
    return outcome, args, kwargs


def _same(a: tuple, b: tuple) -> str | None:
    (oa, args_a, kw_a), (ob, args_b, kw_b) = a, b
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
    return None


def main() -> int:
    spec = read_spec()
    module, original = load_original(spec["module"], spec["qualname"])
    with open(spec["candidate_file"], encoding="utf-8") as fh:
        candidate = load_candidate(module, spec["qualname"], fh.read())
    inputs = list_inputs(spec["corpus"])[: spec.get("max_inputs", 256)]
    compared, nondeterministic, mutates = 0, 0, False
    mismatches: list[dict] = []
    for path in inputs:
        first = _observed(original, path)
        second = _observed(original, path)
        if _same(first, second) is not None:
            nondeterministic += 1
            continue
        pristine, _ = load_input(path)
        if not equal(pristine, first[1]):
            mutates = True
        diff = _same(first, _observed(candidate, path))
        compared += 1
        if diff is not None:
            mismatches.append({"input": path.rsplit("/", 1)[-1], "detail": diff})
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
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
