"""MEM206 (`__slots__`): behaviour of the candidate CLASS, then the memory of many instances.

Spec: {"module", "qualname" ("Class.__init__"), "candidate_file", "inputs": [paths], "rounds",
"instances", "out"}.

Replaying `__init__` alone proves nothing for a slots change (the captured `self` is an
instance of the original class, which has a `__dict__`), so:
1. Behaviour: the candidate class is built from the candidate source (only the changed class
   statement is compiled, on a copy of the module's namespace). For every captured constructor
   call, `Orig(*args[1:], **kwargs)` and `Cand(*args[1:], **kwargs)` must raise the same
   exception type or end with equal attribute state (`__dict__` and slots); then every public
   method that takes no argument and every property is called on both, in the same order, and
   must give equal results (instances of Orig/Cand compare by state), equal exceptions (an
   AttributeError only on the candidate is the classic slots failure) and equal state after.
2. Memory: FRESH child processes (A, B, A' rotated per round, PYTHONHASHSEED pinned) keep
   `instances` objects alive, built by cycling through the captured calls (arguments unpickled
   before tracing); the figure is the tracemalloc high-water mark above the pre-build level.
   The same child first times building them untraced (best of 3), for the time check.
"""

from __future__ import annotations

import ast
import gc
import inspect
import json
import os
import pickle
import sys
import time
import tracemalloc

from cf_harness_common import (
    _state,
    describe,
    equal,
    load_original,
    read_inputs,
    read_spec,
    run_call,
    run_side,
    shape,
    write_result,
)

TIME_REPEATS = 7


def load_classes(spec: dict) -> tuple[type, type]:
    owner = spec["qualname"].split(".")[0]
    module, _ = load_original(spec["module"], spec["qualname"], spec.get("file"))
    original = getattr(module, owner)
    with open(spec["candidate_file"], encoding="utf-8") as fh:
        new_tree = ast.parse(fh.read())
    old_dumps = {
        ast.dump(s)
        for s in ast.parse(inspect.getsource(module)).body
        if isinstance(s, ast.ClassDef) and s.name == owner
    }
    cls_node = next(
        s
        for s in new_tree.body
        if isinstance(s, ast.ClassDef) and s.name == owner and ast.dump(s) not in old_dumps
    )
    namespace = dict(vars(module))
    code = compile(ast.Module(body=[cls_node], type_ignores=[]), module.__file__, "exec")
    exec(code, namespace)
    return original, namespace[owner]


def load_calls(paths: list[str]) -> list[tuple[tuple, dict]]:
    """Captured `__init__` calls as constructor calls (the recorded `self` dropped)."""
    return [(args[1:], kwargs) for args, kwargs in read_inputs(paths)[1]]


def _same(a: object, b: object, orig: type, cand: type) -> bool:
    if type(a) is orig and type(b) is cand:
        return _same_state(a, b, orig, cand)
    if isinstance(a, (list, tuple)) and type(a) is type(b) and len(a) == len(b):
        return all(_same(x, y, orig, cand) for x, y in zip(a, b))
    return equal(a, b)


def _same_state(a: object, b: object, orig: type, cand: type) -> bool:
    sa, sb = _state(a), _state(b)
    return sorted(sa) == sorted(sb) and all(_same(sa[k], sb[k], orig, cand) for k in sa)


def _same_outcome(x: tuple, y: tuple, orig: type, cand: type) -> bool:
    if x[0] != y[0]:
        return False
    if x[0] == "raise":
        return x[1] is y[1] and x[2] == y[2]
    return _same(x[1], y[1], orig, cand) and x[3] == y[3]


def _probes(orig: type) -> list[tuple[str, bool]]:
    """(name, is_property) of the public no-argument methods and properties, in order."""
    found = []
    for name, raw in vars(orig).items():
        if name.startswith("_"):
            continue
        if isinstance(raw, property):
            found.append((name, True))
        elif inspect.isfunction(raw):
            params = list(inspect.signature(raw).parameters.values())[1:]
            required = [
                p
                for p in params
                if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
            ]
            if not required:
                found.append((name, False))
    return found


def _probe(obj: object, name: str, is_prop: bool) -> object:
    return getattr(obj, name) if is_prop else getattr(obj, name)()


def behaviour(orig: type, cand: type, calls: list) -> tuple[int, str | None]:
    """(constructions compared, the first difference or None)."""
    probes = _probes(orig)
    for i, (args, kwargs) in enumerate(calls):
        a = run_call(orig, args, kwargs)
        b = run_call(cand, args, kwargs)
        if a[0] != b[0] or (a[0] == "raise" and not _same_outcome(a, b, orig, cand)):
            return i, f"input {i}: constructing gives {describe(a[:3])} vs {describe(b[:3])}"
        if a[0] == "raise":
            continue
        oa, ob = a[1], b[1]
        if not _same_state(oa, ob, orig, cand):
            return i, f"input {i}: state {describe(_state(oa))} vs {describe(_state(ob))}"
        for name, is_prop in probes:
            x = run_call(_probe, (oa, name, is_prop), {})
            y = run_call(_probe, (ob, name, is_prop), {})
            if not _same_outcome(x, y, orig, cand):
                what = f"{y[1].__name__}{y[2]}" if y[0] == "raise" else describe(y[1])
                return i, f"input {i}: {name}() gives {describe(x[1])} vs {what}"
            if not _same_state(oa, ob, orig, cand):
                return i, f"input {i}: state after {name}() differs"
    return len(calls), None


def child(side: str, spec_path: str) -> int:
    with open(spec_path, encoding="utf-8") as fh:
        spec = json.load(fh)
    orig, cand = load_classes(spec)
    cls = cand if side == "B" else orig
    calls = []
    for args, kwargs in load_calls(spec["inputs"]):
        try:
            orig(*args, **kwargs)
        except Exception:
            continue  # a failing construction keeps nothing alive
        calls.append((args, kwargs))
    n = int(spec["instances"])
    plan = [calls[i % len(calls)] for i in range(n)]
    best = float("inf")
    for _ in range(TIME_REPEATS):
        gc.collect()
        start = time.perf_counter()
        kept = [cls(*args, **kwargs) for args, kwargs in plan]
        best = min(best, time.perf_counter() - start)
        del kept
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    kept = [cls(*args, **kwargs) for args, kwargs in plan]
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    del kept
    json.dump({"peak": max(0, peak), "seconds": best}, sys.stdout)
    return 0


def main() -> int:
    spec = read_spec()
    spec_path = sys.argv[1]
    orig, cand = load_classes(spec)
    calls = load_calls(spec["inputs"])
    compared, problem = behaviour(orig, cand, calls)
    sizes, shapes = [], []
    for path in spec["inputs"]:
        with open(path, "rb") as fh:
            blob = fh.read()
        sizes.append(len(blob))
        shapes.append(", ".join(shape(a) for a in pickle.loads(blob)["args"][1:]))
    result: dict = {"compared": compared, "behaviour": problem, "sizes": sizes, "shapes": shapes}
    constructs = any(run_call(orig, a, k)[0] == "return" for a, k in calls)
    if problem is not None or not constructs:
        write_result(spec, result)
        return 0
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    rounds = max(1, int(spec.get("rounds", 3)))
    order = ["A", "B", "C"]  # C is A': the original again, for the A/A ratio
    taken: dict[str, list[dict]] = {k: [] for k in order}
    for r in range(rounds):
        for side in order[r % 3 :] + order[: r % 3]:
            taken[side].append(run_side(__file__, "A" if side == "C" else side, spec_path, env))
    peak = {k: min(x["peak"] for x in v) for k, v in taken.items()}
    secs = {k: min(x["seconds"] for x in v) for k, v in taken.items()}
    a, b, c = peak["A"], peak["B"], peak["C"]
    result |= {
        "baseline": a,
        "candidate": b,
        "aa_ratio": (a / c) if c else 1.0,
        "rounds": rounds,
        "seconds_baseline": secs["A"],
        "seconds_candidate": secs["B"],
        "seconds_aa_ratio": secs["A"] / secs["C"] if secs["C"] else 1.0,
        "instances": int(spec["instances"]),
    }
    write_result(spec, result)
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        sys.exit(child(sys.argv[2], sys.argv[3]))
    sys.exit(main())
