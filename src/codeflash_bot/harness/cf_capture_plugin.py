"""pytest plugin (`-p cf_capture_plugin`) recording real inputs of the target functions.

Spec (JSON path in $CODEFLASH_CAPTURE_SPEC): {"targets": [{"module", "qualname", "dir"}],
"max_calls": int, "max_bytes": int, "max_total_bytes": int}. Only the outermost call of a target
is recorded (recursion would flood the corpus with tiny inputs); identical inputs are stored once.
Each input is `NNNN.pkl` = pickle of {"args": tuple, "kwargs": dict}, taken BEFORE the call so
in-place mutation by the function does not corrupt it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
import sys
import threading

_state = threading.local()


def _recorder(func, target: dict, limits: dict):
    directory = target["dir"]
    os.makedirs(directory, exist_ok=True)
    seen: set[str] = set()
    counters = {"n": 0, "bytes": 0, "skipped": 0}

    def record(args: tuple, kwargs: dict) -> None:
        if counters["n"] >= limits["max_calls"]:
            return
        try:
            blob = pickle.dumps({"args": args, "kwargs": kwargs}, protocol=4)
        except Exception:
            counters["skipped"] += 1
            return
        if len(blob) > limits["max_bytes"] or counters["bytes"] + len(blob) > limits["max_total"]:
            counters["skipped"] += 1
            return
        digest = hashlib.sha256(blob).hexdigest()
        if digest in seen:
            return
        seen.add(digest)
        path = os.path.join(directory, f"{counters['n']:04d}.pkl")
        # whole files only: a run killed at its timeout must not leave a truncated input
        with open(path + ".part", "wb") as fh:
            fh.write(blob)
        os.replace(path + ".part", path)
        counters["n"] += 1
        counters["bytes"] += len(blob)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        active = getattr(_state, "active", None)
        if active is None:
            _state.active = active = set()
        key = id(wrapper)
        if key not in active:
            active.add(key)
            try:
                record(args, kwargs)
                return func(*args, **kwargs)
            finally:
                active.discard(key)
        return func(*args, **kwargs)

    wrapper.__codeflash_counters__ = counters  # type: ignore[attr-defined]
    return wrapper


def _install(target: dict, limits: dict) -> None:
    import importlib

    module = importlib.import_module(target["module"])
    parts = target["qualname"].split(".")
    owner = module
    for part in parts[:-1]:
        owner = getattr(owner, part)
    name = parts[-1]
    raw = owner.__dict__.get(name) if isinstance(owner, type) else getattr(owner, name, None)
    if raw is None:
        return
    if isinstance(raw, staticmethod):
        setattr(owner, name, staticmethod(_recorder(raw.__func__, target, limits)))
        return
    if isinstance(raw, (classmethod, property)):
        return
    wrapped = _recorder(raw, target, limits)
    setattr(owner, name, wrapped)
    if owner is module:
        # Re-exports (`from .hot import f` in a package __init__) hold the original object.
        for other in list(sys.modules.values()):
            namespace = getattr(other, "__dict__", None)
            if not isinstance(namespace, dict) or other is module:
                continue
            for attr, value in list(namespace.items()):
                if value is raw:
                    namespace[attr] = wrapped


def pytest_configure(config) -> None:
    path = os.environ.get("CODEFLASH_CAPTURE_SPEC")
    if not path:
        return
    with open(path, encoding="utf-8") as fh:
        spec = json.load(fh)
    limits = {
        "max_calls": spec.get("max_calls", 256),
        "max_bytes": spec.get("max_bytes", 4 << 20),
        "max_total": spec.get("max_total_bytes", 64 << 20),
    }
    for target in spec["targets"]:
        try:
            _install(target, limits)
        except Exception as exc:
            sys.stderr.write(f"codeflash capture: {target['module']}:{target['qualname']}: {exc}\n")


def main() -> int:
    """Workload mode: `python cf_capture_plugin.py script.py args...` with the spec in env."""
    import runpy

    pytest_configure(None)
    sys.argv = sys.argv[1:]
    try:
        runpy.run_path(sys.argv[0], run_name="__main__")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
