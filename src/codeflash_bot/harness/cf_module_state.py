"""What a call leaves behind in its module's data: read it, compare it, put it back.

A function that appends to a module-level registry, fills a module cache or bumps a global
counter has an effect its return value does not show. Replay compares that effect too: every
call starts from the module data as imported, what the call changed (its *effects*: the names
it rebound or mutated, and the data names it added) is copied, and the module is put back.

Watched are a module's plain data: builtin containers and scalars, up to MAX_WATCHED elements
in all, smallest first. Instances of the project's own classes, modules and functions are not:
copying them per call is neither cheap nor always possible.

The candidate's functions run in a copy of the module's globals (cf_harness_common.
load_candidate): mutable objects are shared, but a `global x` rebinding in the candidate lands
in the copy while an unchanged helper it calls rebinds in the module; `candidate_reading`
looks in whichever dict the name was rebound in. Runs under the target's Python (>= 3.9).
"""

from __future__ import annotations

import collections
import copy

CONTAINERS = (list, dict, set, frozenset, tuple, bytearray, collections.deque)
DATA_TYPES = (
    *CONTAINERS,
    int,
    float,
    complex,
    str,
    bytes,
    bool,
    type(None),
)
MAX_WATCHED = 5_000  # elements copied once per module; beyond this the biggest go unwatched
MISSING = object()


def _size(value: object) -> int:
    try:
        return len(value) if isinstance(value, CONTAINERS) else 1  # type: ignore[arg-type]
    except Exception:
        return 1


def _data(name: str, value: object) -> bool:
    return not (name.startswith("__") and name.endswith("__")) and isinstance(value, DATA_TYPES)


def _copied(value: object) -> object:
    try:
        return copy.deepcopy(value)
    except Exception:
        return value


def _refill(obj, saved) -> None:
    """Give a mutable container `saved`'s contents; immutable values need only rebinding."""
    if isinstance(obj, (list, bytearray)):
        obj[:] = saved
    elif isinstance(obj, (dict, set)):
        obj.clear()
        obj.update(saved)
    elif isinstance(obj, collections.deque):
        obj.clear()
        obj.extend(saved)


class Snapshot:
    """The watched data of one globals dict before any call: its objects and deep copies."""

    def __init__(self, globs: dict, like: Snapshot | None = None) -> None:
        """`like`: a snapshot whose watched names this one watches too, whatever their size
        (a candidate's copy of the globals watches what the module's snapshot watches)."""
        self.names = set(globs)
        self.objects: dict = {}
        self.copies: dict = {}
        budget = MAX_WATCHED
        first = set(like.objects) if like is not None else set()
        data = [(n, v) for n, v in globs.items() if _data(n, v)]
        for name, value in sorted(data, key=lambda item: (item[0] not in first, _size(item[1]))):
            if name not in first and _size(value) > budget:
                continue
            try:
                self.copies[name] = copy.deepcopy(value)
            except Exception:
                continue
            self.objects[name] = value
            budget -= _size(value)

    def added(self, globs: dict) -> dict:
        """Data names bound since the snapshot."""
        return {n: v for n, v in globs.items() if n not in self.names and _data(n, v)}

    def reading(self, globs: dict) -> dict:
        """The live value of every watched name, and the data names added since."""
        out = {name: globs.get(name, MISSING) for name in self.objects}
        out.update(self.added(globs))
        return out

    def effects(self, reading: dict, equal) -> dict:
        """Copies of the values in `reading` that differ from the snapshot: the call's effect."""
        out = {}
        for name, value in reading.items():
            if name in self.copies and value is not MISSING and equal(self.copies[name], value):
                continue
            out[name] = MISSING if value is MISSING else _copied(value)
        return out

    def restore(self, globs: dict, names) -> None:
        """Put `names` back: rebound to the original object, containers refilled in place
        (other references to them see the old contents again), added names removed."""
        for name in names:
            if name in self.objects:
                obj = self.objects[name]
                _refill(obj, copy.deepcopy(self.copies[name]))
                globs[name] = obj
            elif name not in self.names:
                globs.pop(name, None)


def candidate_reading(module: Snapshot, own: Snapshot, module_globs: dict, cand_globs: dict):
    """`reading` for a candidate whose globals `cand_globs` (snapshot `own`) are a copy of
    the module's: a shared name rebound by an unchanged helper is read from the module."""
    out = {}
    for name, obj in own.objects.items():
        value = cand_globs.get(name, MISSING)
        shared = obj is module.objects.get(name, MISSING)
        if value is obj and shared and module_globs.get(name, MISSING) is not obj:
            value = module_globs.get(name, MISSING)
        out[name] = value
    out.update(module.added(module_globs))
    out.update(own.added(cand_globs))
    return out


def difference(original: dict, candidate: dict, equal, describe) -> str | None:
    """How two sides' effects differ (the first name that does), or None."""

    def left(effects: dict, name: str) -> str:
        if name not in effects:
            return "it as it was"
        return "it deleted" if effects[name] is MISSING else describe(effects[name])

    for name in sorted(set(original) | set(candidate)):
        if name in original and name in candidate:
            a, b = original[name], candidate[name]
            if (a is MISSING) == (b is MISSING) and (a is MISSING or equal(a, b)):
                continue
        return (
            f"module global `{name}`: original left {left(original, name)},"
            f" candidate {left(candidate, name)}"
        )
    return None
