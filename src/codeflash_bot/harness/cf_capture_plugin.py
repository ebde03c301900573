"""pytest plugin (`-p cf_capture_plugin`) recording real inputs of the target functions.

Spec (JSON path in $CODEFLASH_CAPTURE_SPEC): {"targets": [{"file", "module", "qualname", "dir"}],
"max_calls": int, "max_bytes": int, "max_total_bytes": int, "budget": seconds, "grace": seconds,
"coverage_out": path}. The tests run within the budget like the profiles (cf_suite.Budget,
registered here, also makes xdist/randomly/timeout harmless); a test or workload still running
at 2 x budget + grace is interrupted (inputs already stored are kept); how much of the suite
ran is written to coverage_out.
Only the outermost call of a target is recorded (recursion would flood the corpus with tiny
inputs); identical inputs are stored once.
Each input is `NNNN.pkl` = pickle of {"args": tuple, "kwargs": dict, "source": str}, taken
BEFORE the call so in-place mutation by the function does not corrupt it. "source" (spec key,
default "test") says what ran: workload, benchmark or test (capture/sources.py); every input is
also listed in the directory's INDEX with its source and digest, so a later capture pass (the
next source in order of trust) continues the numbering and stores no call twice.

A target is its FILE plus qualname: the tests may import that file under any dotted name (even
two, e.g. `algorithms.string` and `src.algorithms.string`), so the wrapper goes on every module
object loaded from the file: those already imported now, and later ones through a meta-path
finder that wraps the loader of that file only. The target's module is never imported here.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
import sys
import threading

from cf_harness_common import SYS_PATH_FILE

_state = threading.local()


_RECORDS: dict = {}  # target dir -> (seen digests, counters), shared by every module copy
INDEX = "index.jsonl"  # capture/sources.py reads it


def _write_sys_path(directory: str) -> None:
    """The import path as the tests had it (pytest adds test dirs): replay needs it to unpickle
    inputs built from test-module classes (jmespath's tests import each other top-level).
    A later pass (another source) adds its entries to those already recorded."""
    path = os.path.join(directory, SYS_PATH_FILE)
    try:
        with open(path, encoding="utf-8") as fh:
            entries = list(json.load(fh))
    except (OSError, ValueError, TypeError):
        entries = []
    entries += [p for p in sys.path if p and p not in entries]
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(entries, fh)


def _previous(directory: str) -> tuple:
    """(digests, counters) of the inputs earlier passes stored in `directory`."""
    seen: set = set()
    counters = {"n": 0, "bytes": 0, "skipped": 0, "pass_n": 0}
    try:
        with open(os.path.join(directory, INDEX), encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh if line.strip()]
    except (OSError, ValueError):
        rows = []
    for row in rows:
        seen.add(row.get("digest"))
        counters["n"] += 1
        counters["bytes"] += int(row.get("bytes", 0))
    return seen, counters


def _recorder(func, target: dict, limits: dict):
    directory = target["dir"]
    os.makedirs(directory, exist_ok=True)
    if directory not in _RECORDS:
        _RECORDS[directory] = _previous(directory)
    seen, counters = _RECORDS[directory]
    source = limits.get("source", "test")

    def record(args: tuple, kwargs: dict) -> None:
        if counters["n"] >= limits["max_calls"]:
            return
        try:
            call = pickle.dumps({"args": args, "kwargs": kwargs}, protocol=4)
            blob = pickle.dumps({"args": args, "kwargs": kwargs, "source": source}, protocol=4)
        except Exception:
            counters["skipped"] += 1
            return
        if len(blob) > limits["max_bytes"] or counters["bytes"] + len(blob) > limits["max_total"]:
            counters["skipped"] += 1
            return
        digest = hashlib.sha256(call).hexdigest()  # the call, whichever source made it
        if digest in seen:
            return
        seen.add(digest)
        try:
            # an input that does not unpickle can never be replayed (a list subclass whose
            # overridden append needs state pickle restores later): drop it here, not as a crash
            pickle.loads(blob)
        except Exception:
            counters["skipped"] += 1
            return
        if counters["pass_n"] == 0:
            _write_sys_path(directory)
        name = f"{counters['n']:04d}.pkl"
        path = os.path.join(directory, name)
        # whole files only: a run killed at its timeout must not leave a truncated input
        with open(path + ".part", "wb") as fh:
            fh.write(blob)
        os.replace(path + ".part", path)
        row = {"name": name, "source": source, "digest": digest, "bytes": len(blob)}
        with open(os.path.join(directory, INDEX), "a", encoding="utf-8") as fh:
            fh.write(json.dumps(row) + "\n")
        counters["n"] += 1
        counters["pass_n"] += 1
        counters["bytes"] += len(blob)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        active = getattr(_state, "active", None)
        if active is None:
            _state.active = active = set()
        key = directory  # outermost call only, across every module copy of the target
        if key not in active:
            active.add(key)
            try:
                record(args, kwargs)
                return func(*args, **kwargs)
            finally:
                active.discard(key)
        return func(*args, **kwargs)

    wrapper.__codeflash_counters__ = counters  # type: ignore[attr-defined]
    wrapper.__codeflash_capture__ = True  # type: ignore[attr-defined]
    return wrapper


def _install(module, target: dict, limits: dict) -> None:
    """Put the recording wrapper on `target` inside one module object."""
    parts = target["qualname"].split(".")
    owner = module
    for part in parts[:-1]:
        owner = getattr(owner, part)
    name = parts[-1]
    raw = owner.__dict__.get(name) if isinstance(owner, type) else getattr(owner, name, None)
    if raw is None or getattr(raw, "__codeflash_capture__", False):
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


def _install_all(module, targets: list, limits: dict) -> None:
    for target in targets:
        try:
            _install(module, target, limits)
        except Exception as exc:
            where = f"{module.__name__}:{target['qualname']}"
            sys.stderr.write(f"codeflash capture: {where}: {exc}\n")


class _WrappingLoader:
    """Runs the real loader, then wraps the targets in the fresh module object."""

    def __init__(self, loader, targets: list, limits: dict) -> None:
        self._loader = loader
        self._targets = targets
        self._limits = limits

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module) -> None:
        self._loader.exec_module(module)
        _install_all(module, self._targets, self._limits)

    def __getattr__(self, name: str):
        return getattr(self._loader, name)


class _TargetFinder:
    """A meta-path finder that only answers for the target files, with a wrapping loader."""

    def __init__(self, by_file: dict, limits: dict) -> None:
        self._by_file = by_file
        self._limits = limits

    def find_spec(self, name, path=None, target=None):
        from importlib.machinery import PathFinder

        spec = PathFinder.find_spec(name, path)
        if spec is None or not spec.origin or spec.loader is None:
            return None
        targets = self._by_file.get(os.path.realpath(spec.origin))
        if not targets:
            return None
        spec.loader = _WrappingLoader(spec.loader, targets, self._limits)
        return spec

    def invalidate_caches(self) -> None:
        pass


def install(targets: list, limits: dict) -> None:
    """Wrap the targets in every module loaded from their files, now and on later imports."""
    by_file: dict = {}
    for target in targets:
        if target.get("file"):
            by_file.setdefault(os.path.realpath(target["file"]), []).append(target)
        else:  # a spec without a file: the dotted name is all there is
            import importlib

            try:
                _install_all(importlib.import_module(target["module"]), [target], limits)
            except Exception as exc:
                sys.stderr.write(f"codeflash capture: {target['module']}: {exc}\n")
    for module in list(sys.modules.values()):
        origin = getattr(module, "__file__", None)
        if origin and os.path.realpath(origin) in by_file:
            _install_all(module, by_file[os.path.realpath(origin)], limits)
    if by_file:
        sys.meta_path.insert(0, _TargetFinder(by_file, limits))


def _spec() -> dict | None:
    path = os.environ.get("CODEFLASH_CAPTURE_SPEC")
    if not path:
        return None
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def pytest_addoption(parser, pluginmanager) -> None:
    """Runs as soon as this plugin is registered: early enough to add the budget plugin."""
    spec = _spec()
    if spec is None or pluginmanager.has_plugin("cf_budget"):
        return
    from cf_suite import shield_clocks

    shield_clocks()
    pluginmanager.register(_budget(spec), "cf_budget")
    if spec.get("benchmarks_only"):
        from cf_benchmarks import register

        register(pluginmanager)


def _budget(spec: dict):
    from cf_suite import Budget

    report = spec.get("coverage_out", "")
    return Budget(spec.get("budget"), report_path=report, grace=spec.get("grace"))


def pytest_configure(config) -> None:
    spec = _spec()
    if spec is None:
        return
    limits = {
        "max_calls": spec.get("max_calls", 256),
        "max_bytes": spec.get("max_bytes", 4 << 20),
        "max_total": spec.get("max_total_bytes", 64 << 20),
        "source": spec.get("source", "test"),
    }
    install(spec["targets"], limits)


def main() -> int:
    """Workload mode: `python cf_capture_plugin.py script.py args...` with the spec in env."""
    from cf_suite import BudgetStop, run_workload

    spec = _spec()
    pytest_configure(None)
    budget = _budget(spec or {})
    try:
        code = run_workload(sys.argv[1:], budget)
    except BudgetStop:
        code = 0  # stopped at the budget: the inputs stored so far are the result
    finally:
        budget.disarm_stop()
    budget.pytest_sessionfinish(None)
    return code


if __name__ == "__main__":
    sys.exit(main())
