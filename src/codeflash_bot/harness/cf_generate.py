"""Generate inputs for target functions from their type hints, with hypothesis (if installed).

Spec: {"targets": [{"file", "module", "qualname", "dir"}], "max_examples": int,
"max_size": int, "call_seconds": float, "out"}.
Per target: a strategy per parameter from its type hint (containers bounded to max_size
elements, numbers to small ranges; other classes through `st.from_type`/`st.builds`), drawn
with `derandomize=True` so the same code gets the same inputs on every run; then edge cases,
one parameter varied at a time: empty, one element, duplicated elements, negatives, unicode.
Each call is tried once on the original; one that takes longer than call_seconds (a recursion
depth or range size too big for it) is dropped. Inputs are stored like captured ones
(`NNNN.pkl` = {"args", "kwargs", "source": "generated"}, plus an index line), after those
already in the directory.
Output: {"hypothesis": bool, "targets": {qualified ref: {"generated": n, "reason": str}}};
reason is why nothing could be generated (no hints, a method, ...).
"""

from __future__ import annotations

import collections.abc as cabc
import hashlib
import inspect
import json
import os
import pickle
import signal
import sys
import typing

from cf_harness_common import load_module, read_spec, resolve, write_result

INDEX = "index.jsonl"
UNICODE = "é✓𝄞 ü"


class Unusable(Exception):
    """A parameter whose hint gives no strategy: nothing can be generated for the function."""


class _TooSlow(Exception):
    pass


def strategy_for(hint, st, max_size: int):
    """A bounded strategy for one type hint, or Unusable."""
    if hint is typing.Any or hint is inspect.Parameter.empty:
        raise Unusable("no type hint")
    if hint is type(None) or hint is None:
        return st.none()
    if hint is bool:
        return st.booleans()
    if hint is int:
        return st.integers(min_value=-50, max_value=200)
    if hint is float:
        return st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
    if hint is str:
        return st.text(max_size=max_size)
    if hint is bytes:
        return st.binary(max_size=max_size)
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Union or (sys.version_info >= (3, 10) and _is_union_type(hint)):
        return st.one_of(*[strategy_for(a, st, max_size) for a in args])
    if origin is typing.Literal:
        return st.sampled_from(list(args))
    if origin in (list, cabc.Sequence, cabc.MutableSequence, cabc.Iterable, cabc.Collection):
        inner = strategy_for(args[0], st, max_size) if args else st.integers()
        return st.lists(inner, max_size=max_size)
    if origin in (set, cabc.Set, cabc.MutableSet):
        inner = strategy_for(args[0], st, max_size) if args else st.integers()
        return st.sets(inner, max_size=max_size)
    if origin is frozenset:
        inner = strategy_for(args[0], st, max_size) if args else st.integers()
        return st.frozensets(inner, max_size=max_size)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return st.lists(strategy_for(args[0], st, max_size), max_size=max_size).map(tuple)
        if args == ((),):
            return st.just(())
        return st.tuples(*[strategy_for(a, st, max_size) for a in args])
    if origin in (dict, cabc.Mapping, cabc.MutableMapping):
        if not args:
            raise Unusable("an unparameterised dict")
        keys, values = strategy_for(args[0], st, max_size), strategy_for(args[1], st, max_size)
        return st.dictionaries(keys, values, max_size=max_size)
    if hint in (list, set, tuple, dict, frozenset, object) or origin is not None:
        raise Unusable(f"the hint {_name(hint)} says too little")
    try:
        return st.from_type(hint)
    except Exception as exc:
        raise Unusable(f"no strategy for {_name(hint)} ({type(exc).__name__})") from exc


def _is_union_type(hint) -> bool:
    import types

    return isinstance(hint, types.UnionType)


def _name(hint) -> str:
    return getattr(hint, "__name__", None) or str(hint)


def edge_values(value):
    """Edge cases shaped like one drawn value: empty, one element, duplicates, negatives,
    unicode (only values of the same type, so a hint is never violated)."""
    out = []
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, int):
        return [0, 1, -1, -value if value else -7]
    if isinstance(value, float):
        return [0.0, -1.5]
    if isinstance(value, str):
        return ["", value[:1] or "a", (value[:1] or "a") * 2, UNICODE, value + value]
    if isinstance(value, (list, tuple)):
        kind = type(value)
        out.append(kind())
        if value:
            out += [kind(value[:1]), kind([*value, *value[:1]]), kind([value[0]] * 3)]
        return [v for v in out if type(v) is type(value)]
    if isinstance(value, (set, frozenset, dict)):
        return [type(value)()]
    return out


def _collect(strategy, st, max_examples: int) -> list:
    from hypothesis import HealthCheck, Phase, given, settings

    drawn: list = []

    @settings(
        max_examples=max_examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(value) -> None:
        drawn.append(value)

    collect()
    return drawn


def _parameters(func, owner_is_class: bool) -> list:
    params = list(inspect.signature(func).parameters.values())
    if owner_is_class:
        raise Unusable("a method: no captured instance to call it on")
    return [p for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


def _function(target: dict):
    module = load_module(target.get("file"), target["module"])
    parts = target["qualname"].split(".")
    owner = resolve(module, ".".join(parts[:-1])) if len(parts) > 1 else module
    raw = owner.__dict__.get(parts[-1]) if isinstance(owner, type) else getattr(owner, parts[-1])
    if isinstance(raw, staticmethod):
        return raw.__func__, False
    if isinstance(raw, (classmethod, property)):
        raise Unusable("a classmethod or property: no captured owner to call it on")
    return raw, isinstance(owner, type)


def _calls(func, owner_is_class: bool, st, spec: dict) -> list:
    params = _parameters(func, owner_is_class)
    try:
        hints = typing.get_type_hints(func)
    except Exception as exc:
        raise Unusable(f"its type hints do not resolve ({type(exc).__name__}: {exc})") from exc
    chosen = []
    gap = False  # after a parameter left to its default, the rest go by keyword
    for p in params:
        if p.name not in hints:
            if p.default is not p.empty:
                gap = True
                continue  # the default is used
            raise Unusable(f"parameter `{p.name}` has no type hint")
        by_keyword = gap or p.kind is p.KEYWORD_ONLY
        if by_keyword and p.kind is p.POSITIONAL_ONLY:
            raise Unusable(f"parameter `{p.name}` follows an unhinted positional-only one")
        try:
            strategy = strategy_for(hints[p.name], st, spec.get("max_size", 20))
            chosen.append((p, strategy, by_keyword))
        except Unusable as exc:
            raise Unusable(f"parameter `{p.name}`: {exc}") from exc
    if not chosen:
        return [((), {})]
    names = [p.name for p, _, _ in chosen]
    drawn = _collect(st.tuples(*[s for _, s, _ in chosen]), st, spec.get("max_examples", 30))
    rows = [list(values) for values in drawn]
    base = next((r for r in rows if all(_nonempty(v) for v in r)), rows[0] if rows else None)
    if base is not None:
        for i in range(len(names)):
            for edge in edge_values(base[i]):
                rows.append([*base[:i], edge, *base[i + 1 :]])
    calls = []
    for row in rows:
        args, kwargs = [], {}
        for (p, _, by_keyword), value in zip(chosen, row):
            if by_keyword:
                kwargs[p.name] = value
            else:
                args.append(value)
        calls.append((tuple(args), kwargs))
    return calls


def _nonempty(value) -> bool:
    try:
        return len(value) > 1
    except TypeError:
        return True


def _alarm(_signum, _frame):
    raise _TooSlow()


def _quick(func, args: tuple, kwargs: dict, seconds: float) -> bool:
    """The original finishes this call within `seconds` (raising counts as finishing)."""
    import copy

    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        a, k = copy.deepcopy((args, kwargs))
        result = func(*a, **k)
        if inspect.iscoroutine(result):
            result.close()
        return True
    except _TooSlow:
        return False
    except RecursionError:
        return False
    except Exception:
        return True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _store(directory: str, calls: list) -> int:
    os.makedirs(directory, exist_ok=True)
    index = os.path.join(directory, INDEX)
    seen, n = set(), 0
    if os.path.exists(index):
        with open(index, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    seen.add(json.loads(line).get("digest"))
                    n += 1
    stored = 0
    for args, kwargs in calls:
        try:
            digest = hashlib.sha256(
                pickle.dumps({"args": args, "kwargs": kwargs}, protocol=4)
            ).hexdigest()
            blob = pickle.dumps({"args": args, "kwargs": kwargs, "source": "generated"}, protocol=4)
            pickle.loads(blob)
        except Exception:
            continue
        if digest in seen:
            continue
        seen.add(digest)
        name = "%04d.pkl" % n
        with open(os.path.join(directory, name + ".part"), "wb") as fh:
            fh.write(blob)
        os.replace(os.path.join(directory, name + ".part"), os.path.join(directory, name))
        row = {"name": name, "source": "generated", "digest": digest, "bytes": len(blob)}
        with open(index, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(row) + "\n")
        n += 1
        stored += 1
    return stored


def main() -> int:
    spec = read_spec()
    try:
        from hypothesis import strategies as st
    except ImportError:
        write_result(spec, {"hypothesis": False, "targets": {}})
        return 0
    out = {}
    for target in spec["targets"]:
        ref = target["module"] + ":" + target["qualname"]
        try:
            func, owner_is_class = _function(target)
            calls = _calls(func, owner_is_class, st, spec)
        except Unusable as exc:
            out[ref] = {"generated": 0, "reason": str(exc)}
            continue
        except Exception as exc:
            out[ref] = {"generated": 0, "reason": f"generation failed ({type(exc).__name__})"}
            continue
        seconds = float(spec.get("call_seconds", 0.2))
        quick = [c for c in calls if _quick(func, c[0], c[1], seconds)]
        stored = _store(target["dir"], quick)
        reason = "" if stored else "every generated call was too slow for the original"
        out[ref] = {"generated": stored, "reason": reason}
    write_result(spec, {"hypothesis": True, "targets": out})
    return 0


if __name__ == "__main__":
    sys.exit(main())
