"""Run an asv benchmark suite once, as a workload: `python cf_asv.py BENCHMARK_DIR [SECONDS]`.

The bot runs the project's asv benchmarks for the inputs they pass to the project's code and
for where the time goes at their sizes, never for asv's timings: each benchmark (`time_*`,
`peakmem_*`, `mem_*`, `track_*` functions and methods; `timeraw_*` only return code for a fresh
interpreter and are skipped) is called once per parameter combination, between its `setup` and
`teardown`, with `setup_cache`'s result first when the class defines one. A setup raising
NotImplementedError skips that combination (asv's convention). The suite stops starting new
benchmarks after SECONDS (default 60). Modules are imported as asv does: the benchmark
directory's parent on sys.path, modules named `<dir>.<module>`. With `--strict` (the behaviour
gate of a repository whose only evidence is its asv suite) the exit code is 1 when a module
fails to import, a benchmark raises, or nothing ran.
"""

from __future__ import annotations

import importlib
import inspect
import itertools
import os
import sys
import time
import traceback

PREFIXES = ("time_", "peakmem_", "mem_", "track_")
DEFAULT_SECONDS = 60.0
STRICT = "--strict"  # as a gate: exit 1 when a module fails to import or a benchmark raises


def _modules(bench_dir: str) -> tuple:
    """(imported benchmark modules, how many failed to import)."""
    parent, package = os.path.split(os.path.abspath(bench_dir))
    if parent not in sys.path:
        sys.path.insert(0, parent)
    names = []
    for base, dirs, files in os.walk(bench_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__")))
        rel = os.path.relpath(base, bench_dir)
        prefix = package if rel == "." else package + "." + rel.replace(os.sep, ".")
        for name in sorted(files):
            if not name.endswith(".py") or name.startswith("test_") or name == "__init__.py":
                continue
            names.append(prefix + "." + name[:-3])
    modules = []
    for name in names:
        try:
            modules.append(importlib.import_module(name))
        except Exception:
            sys.stderr.write(f"codeflash asv: cannot import {name}:\n{traceback.format_exc()}")
    return modules, len(names) - len(modules)


def _param_sets(owner) -> list:
    params = getattr(owner, "params", None)
    if params is None or params == []:
        return [()]
    names = getattr(owner, "param_names", None) or []
    nested = isinstance(params, (list, tuple)) and params and isinstance(params[0], (list, tuple))
    if nested and (len(names) > 1 or len(params) > 1):
        return list(itertools.product(*params))
    values = params[0] if nested else params
    return [(v,) for v in values]


def _benchmarks(module) -> list:
    """(owner class or None, function) for every benchmark of the module, in source order."""
    found = []
    for name, value in vars(module).items():
        if getattr(value, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(value) and name.startswith(PREFIXES):
            found.append((None, value))
        elif inspect.isclass(value):
            for attr, member in vars(value).items():
                if attr.startswith(PREFIXES) and callable(member):
                    found.append((value, attr))
    return found


def _run_one(module, owner, bench, params: tuple, cache: list) -> None:
    holder = owner() if owner is not None else module
    func = getattr(holder, bench) if owner is not None else bench
    setup = getattr(holder, "setup", None) if owner is not None else getattr(module, "setup", None)
    teardown = getattr(holder, "teardown", None) if owner is not None else None
    lead = tuple(cache)
    if setup is not None:
        try:
            setup(*lead, *params)
        except NotImplementedError:
            return
    try:
        func(*lead, *params)
    finally:
        if teardown is not None:
            teardown(*lead, *params)


def main(argv: list) -> int:
    strict = STRICT in argv
    argv = [a for a in argv if a != STRICT]
    bench_dir = argv[0]
    seconds = float(argv[1]) if len(argv) > 1 else DEFAULT_SECONDS
    deadline = time.monotonic() + seconds
    ran = 0
    modules, failed = _modules(bench_dir)
    for module in modules:
        caches: dict = {}
        for owner, bench in _benchmarks(module):
            source = owner if owner is not None else bench
            for params in _param_sets(source):
                if time.monotonic() > deadline:
                    sys.stderr.write(f"codeflash asv: stopped after {seconds:g} s ({ran} ran)\n")
                    return 0
                cache = []
                if owner is not None and hasattr(owner, "setup_cache"):
                    if owner not in caches:
                        caches[owner] = owner().setup_cache()
                    cache = [caches[owner]]
                try:
                    _run_one(module, owner, bench, params, cache)
                    ran += 1
                except Exception:
                    failed += 1
                    name = getattr(bench, "__name__", bench)
                    sys.stderr.write(f"codeflash asv: {name}{params} failed:\n")
                    sys.stderr.write(traceback.format_exc())
    sys.stderr.write(f"codeflash asv: {ran} benchmark calls ran, {failed} failed\n")
    return 1 if strict and (failed or not ran) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
