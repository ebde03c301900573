"""Build a size ladder from a captured call: which arguments carry size, and larger calls.

The seed is the captured call (of those given) on which the original takes longest; it is the
first rung. When some captured call already takes more than the cap, nothing is grown: the
captured calls of distinct sizes are the rungs.
Spec: {"file", "module", "qualname", "seeds": [paths], "out_dir", "cap": s, "budget": s,
"max_rungs": int, "out"}. An argument carries size when growing it alone makes the ORIGINAL
slower (SIZE_BEARING x, measured). Rung k grows every size-bearing argument to rung k
(cf_grow.py; distinct elements first, repeated when an element cannot be made distinct); the
ladder stops at the first rung whose call takes more than `cap` seconds, raises, cannot be
pickled, or whose arguments pickle to more than MAX_RUNG_BYTES, or when `budget` is spent.
A repeated-element variant of the top rung is added when it differs (duplicates change
dedupe/set behaviour). Rungs are written as new pickles in out_dir; the seed is never modified.
Memory is bounded as well as time: the fresh argument copies one timing makes are limited to
COPY_BYTES pickled in all (a cheap call on a big argument was copied a thousand times: 4 GB
on a real package).
"""

from __future__ import annotations

import copy
import gc
import os
import pickle
import shutil
import signal
import sys
import time

from cf_grow import DISTINCT, REPEATED, describe, grow, size_of
from cf_harness_common import (
    SYS_PATH_FILE,
    consumer,
    load_input,
    load_original,
    read_spec,
    write_result,
)

SIZE_BEARING = 1.5  # growing an argument must make the original at least this much slower
MIN_TIMED = 0.005  # loops per timing so one measurement lasts at least this long
PROBE_RUNG = 2
WALL_SLACK = 3  # a timed block is stopped at this many times its CPU-time cap in wall time
OVER = float("inf")  # a call that ran past the cap
MAX_RUNG_BYTES = 16 * 2**20  # a rung's arguments, pickled: larger is not "a realistic size"
COPY_BYTES = 16 * 2**20  # pickled bytes of all the argument copies one timing makes


class _Overrun(Exception):
    """One call took longer than the ladder's cap."""


def _on_alarm(signum, frame):
    raise _Overrun


def per_call(func, args: tuple, kwargs: dict, cap: float) -> float | None:
    """Min CPU seconds per call on fresh copies of the arguments: OVER past `cap` (or past
    WALL_SLACK times it in wall time: a call that waits), None on a raise.

    CPU time, not wall time: on a machine with more runnable jobs than cores a 5 ms block is
    often descheduled, and a seed timed long makes a size-bearing argument look size-less
    (`size_bearing` then builds no ladder and a win at the tests' tiny inputs is judged alone).
    """
    signal.signal(signal.SIGALRM, _on_alarm)
    best = OVER
    loops = 1
    most = max(1, COPY_BYTES // max(1, pickled_size(args, kwargs)))
    for _ in range(3):
        copies = [copy.deepcopy((args, kwargs)) for _ in range(loops)]
        gc.collect()
        gc.disable()
        signal.setitimer(signal.ITIMER_REAL, WALL_SLACK * cap * loops + 0.05)
        try:
            start = time.process_time()
            for a, k in copies:
                func(*a, **k)
            elapsed = (time.process_time() - start) / loops
        except _Overrun:
            return OVER
        except Exception:
            return None
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            gc.enable()
        best = min(best, elapsed)
        if best > cap:
            return OVER
        loops = max(1, min(1000, most, int(MIN_TIMED / max(best, 1e-7))))
    return best


def pickled_size(args, kwargs) -> int:
    """Bytes of the arguments pickled (a stand-in for their size in memory); 0 if they don't."""
    try:
        return len(pickle.dumps((args, kwargs), protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:
        return 0


def _grown(args, kwargs, keys, k, mode, workdir):
    """(args, kwargs) with every key in `keys` grown to rung k, or None if one cannot be."""
    args, kwargs = list(args), dict(kwargs)
    for key in keys:
        holder = args if isinstance(key, int) else kwargs
        value = holder[key]
        made = grow(value, k, mode, workdir)
        if made is None and mode == DISTINCT:
            made = grow(value, k, REPEATED, workdir)
        if made is None:
            return None
        holder[key] = made
    return tuple(args), kwargs


def _keys(args, kwargs) -> list:
    return list(range(len(args))) + list(kwargs)


def size_bearing(func, args, kwargs, base: float, cap: float, workdir: str) -> list:
    """The argument keys whose growth alone slows the original by SIZE_BEARING x."""
    found = []
    for key in _keys(args, kwargs):
        grown = _grown(args, kwargs, [key], PROBE_RUNG, DISTINCT, workdir)
        if grown is None or pickled_size(*grown) > MAX_RUNG_BYTES:
            continue
        t = per_call(func, grown[0], grown[1], cap)
        slowest_base = base
        if t is not None and t > SIZE_BEARING * base and t != OVER:
            # A load spike only ever slows a measurement: the smaller of two must still show it,
            # against the original input timed again beside it (a spike that lasts through both
            # grown timings slows that one too; the slower baseline counts).
            again = per_call(func, grown[0], grown[1], cap)
            t = OVER if again is None else min(t, again)
            now = per_call(func, args, kwargs, cap)
            if now is not None and now != OVER:
                slowest_base = max(base, now)
        if t is not None and t > SIZE_BEARING * slowest_base:
            found.append(key)  # past the cap counts: the argument clearly carries the work
    return found


def _words(args, kwargs, keys) -> tuple[str, float]:
    values = [(args if isinstance(k, int) else kwargs)[k] for k in keys]
    return ", ".join(describe(v) for v in values), max(size_of(v) for v in values)


def _save(path: str, args, kwargs) -> bool:
    try:
        blob = pickle.dumps({"args": list(args), "kwargs": kwargs})
    except Exception:
        return False
    with open(path, "wb") as fh:
        fh.write(blob)
    return True


def main() -> int:
    spec = read_spec()
    out_dir = spec["out_dir"]
    os.makedirs(out_dir, exist_ok=True)
    seed_dir = os.path.dirname(spec["seeds"][0])
    if os.path.isfile(os.path.join(seed_dir, SYS_PATH_FILE)):
        shutil.copy(os.path.join(seed_dir, SYS_PATH_FILE), os.path.join(out_dir, SYS_PATH_FILE))
    _, original = load_original(spec["module"], spec["qualname"], spec.get("file"))
    func = consumer(original)
    cap = float(spec["cap"])
    result = {"keys": [], "rungs": [], "stopped": ""}
    timed = _timed_seeds(func, spec["seeds"], cap)
    if not timed:
        result["stopped"] = "every captured call raises"
    elif any(t == OVER for *_, t in timed):
        result["rungs"] = _captured_rungs(timed, int(spec["max_rungs"]))
        result["stopped"] = "captured calls already reach the cap: the ladder is made of them"
    else:
        _grow_ladder(func, max(timed, key=lambda s: s[3]), spec, out_dir, result)
    write_result(spec, result)
    return 0


def _grow_ladder(func, seed, spec: dict, out_dir: str, result: dict) -> None:
    """Rungs grown from `seed` (path, args, kwargs, seconds), the seed itself first."""
    path, args, kwargs, base = seed
    cap = float(spec["cap"])
    deadline = time.monotonic() + float(spec["budget"])
    keys = size_bearing(func, args, kwargs, base, cap, out_dir)
    result["keys"] = [str(k) for k in keys]
    if not keys:
        result["stopped"] = "no argument carries size"
        return
    words, n = _words(args, kwargs, keys)
    result["rungs"].append({"path": path, "size": f"{words} (captured)", "n": n, "seconds": base})
    top = None
    for k in range(1, int(spec["max_rungs"]) + 1):
        if time.monotonic() > deadline:
            result["stopped"] = "ladder budget spent"
            break
        grown = _grown(args, kwargs, keys, k, DISTINCT, out_dir)
        if grown is None:
            result["stopped"] = "arguments cannot grow further"
            break
        if pickled_size(*grown) > MAX_RUNG_BYTES:
            result["stopped"] = f"rung {k}'s arguments exceed {MAX_RUNG_BYTES // 2**20} MB"
            break
        t = per_call(func, grown[0], grown[1], cap)
        if t is None or t == OVER:
            result["stopped"] = f"rung {k} exceeds the {cap:g} s cap per call (or raises)"
            break
        rung_path = os.path.join(out_dir, f"rung_{k:02d}.pkl")
        if not _save(rung_path, *grown):
            result["stopped"] = "grown arguments cannot be pickled"
            break
        words, n = _words(grown[0], grown[1], keys)
        result["rungs"].append({"path": rung_path, "size": words, "n": n, "seconds": t})
        top = k
    if top is not None:
        _repeated_variant(func, args, kwargs, keys, top, cap, out_dir, result)


def _timed_seeds(func, seeds: list, cap: float) -> list:
    """(path, args, kwargs, seconds) of every captured call that does not raise."""
    out = []
    for path in seeds:
        args, kwargs = load_input(path)
        t = per_call(func, args, kwargs, cap)
        if t is not None:
            out.append((path, args, kwargs, t))
    return out


def _captured_rungs(timed: list, max_rungs: int) -> list:
    """Captured calls of distinct sizes as rungs, smallest first: inputs that already reach the
    cap need no growth, but the smaller ones the program also makes still count (not empty
    ones: size 0 has no place on a growth fit, and a loss there is only fixed overhead)."""
    first = timed[0]
    keys = [k for k in _keys(first[1], first[2]) if _varies(timed, k)]
    sized = [k for k in keys if not isinstance(_value(first, k), int)]
    keys = sized or keys  # an int that varies next to a list is an index or a flag, not a size
    if not keys:
        return []
    by_size: dict = {}
    for path, args, kwargs, t in timed:
        words, n = _words(args, kwargs, keys)
        if n <= 0:
            continue  # an empty input is no size: its cost is the call's fixed overhead
        if n not in by_size or t > by_size[n]["t"]:
            by_size[n] = {"path": path, "size": f"{words} (captured)", "n": n, "t": t}
    rungs = sorted(by_size.values(), key=lambda r: (r["n"], r["t"]))
    if len(rungs) > max_rungs + 1:
        picks = sorted({round(i * (len(rungs) - 1) / max_rungs) for i in range(max_rungs + 1)})
        rungs = [rungs[i] for i in picks]
    out = []
    for r in rungs:
        t = r.pop("t")
        out.append(r | {"seconds": -1.0 if t == OVER else t})
    return out


def _value(call: tuple, key):
    return call[1][key] if isinstance(key, int) else call[2][key]


def _varies(timed: list, key) -> bool:
    """Whether argument `key` is present in every captured call, with sizes that differ."""
    values = []
    for _, args, kwargs, _ in timed:
        if isinstance(key, int):
            if key >= len(args):
                return False
            values.append(args[key])
        elif key in kwargs:
            values.append(kwargs[key])
        else:
            return False
    return len({size_of(v) for v in values}) > 1


def _repeated_variant(func, args, kwargs, keys, k, cap, out_dir, result) -> None:
    """The top rung again with repeated elements, when that is a different input."""
    distinct = _grown(args, kwargs, keys, k, DISTINCT, out_dir)
    repeated = _grown(args, kwargs, keys, k, REPEATED, out_dir)
    if repeated is None or distinct is None or repeated == distinct:
        return
    t = per_call(func, repeated[0], repeated[1], cap)
    path = os.path.join(out_dir, f"rung_{k:02d}_repeated.pkl")
    if t is None or not _save(path, *repeated):
        return
    words, n = _words(repeated[0], repeated[1], keys)
    rung = {"path": path, "size": words + " repeated", "n": n, "seconds": t, "k": k}
    result["rungs"].append(rung | {"variant": REPEATED})


if __name__ == "__main__":
    sys.exit(main())
