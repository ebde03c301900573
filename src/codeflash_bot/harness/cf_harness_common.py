"""Shared by the harness scripts, which run in the TARGET's interpreter (stdlib only).

The file names carry a `cf_` prefix because this directory is sys.path[0] of those scripts and
must never shadow a module of the user's project.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import copy
import importlib
import inspect
import io
import json
import math
import os
import pickle
import subprocess
import sys
import types

MAX_ITEMS = 10_000  # generator items consumed per call when comparing


def read_spec() -> dict:
    with open(sys.argv[1], encoding="utf-8") as fh:
        return json.load(fh)


def write_result(spec: dict, result: dict) -> None:
    tmp = spec["out"] + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(result, fh)
    os.replace(tmp, spec["out"])


def resolve(obj: object, qualname: str) -> object:
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def same_file(a, b) -> bool:
    return bool(a) and bool(b) and os.path.realpath(a) == os.path.realpath(b)


def loaded_from(path: str) -> list:
    """Every module object in sys.modules loaded from `path` (one per dotted name used)."""
    return [
        m
        for m in list(sys.modules.values())
        if isinstance(m, types.ModuleType) and same_file(getattr(m, "__file__", None), path)
    ]


def import_names(path: str) -> list:
    """Dotted names under which `path` is importable from sys.path, in sys.path order.

    Names through regular packages (every level has __init__.py) come before names that only
    resolve through namespace packages.
    """
    real = os.path.realpath(path)
    found = []
    for entry in sys.path:
        base = os.path.realpath(entry or os.getcwd())
        if not os.path.isdir(base):
            continue
        rel = os.path.relpath(real, base)
        if rel.startswith(os.pardir) or not rel.endswith(".py"):
            continue
        parts = rel[:-3].split(os.sep)
        if parts[-1] == "__init__":
            parts.pop()
        if not parts or not all(p.isidentifier() for p in parts):
            continue
        regular = all(
            os.path.isfile(os.path.join(base, *parts[:i], "__init__.py"))
            for i in range(1, len(parts))
        )
        name = ".".join(parts)
        if name not in [n for _, n in found]:
            found.append((not regular, name))
    return [name for _, name in sorted(found, key=lambda item: item[0])]


def load_module(path, hint: str):
    """The module object of file `path`, whatever dotted name the project imports it under.

    An already-imported module from that file wins; else `hint`, then every name the file is
    importable as, keeping the first whose __file__ really is `path`. The module is also
    registered under its other importable names, so pickled inputs that name a class by the
    module path the tests used resolve to the same class objects.
    """
    if not path:
        return importlib.import_module(hint)
    loaded = loaded_from(path)
    if loaded:
        return next((m for m in loaded if m.__name__ == hint), loaded[0])
    names = import_names(path)
    if hint in names:
        names.remove(hint)
        names.insert(0, hint)
    first_error = None
    module = None
    for name in names:
        try:
            candidate = importlib.import_module(name)
        except ImportError as exc:
            first_error = first_error or exc
            continue
        if same_file(getattr(candidate, "__file__", None), path):
            module = candidate
            break
    if module is None:
        if first_error is not None:
            raise first_error
        raise ImportError(f"{path} is not importable from sys.path")
    for name in names:
        sys.modules.setdefault(name, module)
    return module


def load_original(module_name: str, qualname: str, path=None):
    module = load_module(path, module_name)
    owner = module
    parts = qualname.split(".")
    for part in parts[:-1]:
        owner = getattr(owner, part)
    raw = owner.__dict__[parts[-1]] if isinstance(owner, type) else getattr(owner, parts[-1])
    return module, _unwrap_descriptor(raw)


def _unwrap_descriptor(raw: object) -> object:
    if isinstance(raw, staticmethod):
        return raw.__func__
    return raw


def load_candidate(module, qualname: str, candidate_source: str):
    """Compile only what the candidate changed or added, on top of the original's globals.

    Classes and helpers the candidate did not touch stay the ORIGINAL objects, so results are
    compared type-strictly against the same classes.
    """
    original_tree = ast.parse(inspect.getsource(module))
    new_tree = ast.parse(candidate_source)
    seen = {}
    for stmt in original_tree.body:
        key = ast.dump(stmt)
        seen[key] = seen.get(key, 0) + 1
    patch = []
    for stmt in new_tree.body:
        key = ast.dump(stmt)
        if seen.get(key):
            seen[key] -= 1
            continue
        patch.append(stmt)
    namespace = dict(vars(module))
    parts = qualname.split(".")
    if len(parts) > 1:
        others = [s for s in patch if not (isinstance(s, ast.ClassDef) and s.name == parts[0])]
        patch = [*others, _method_from(patch, parts)]
    filename = module.__file__ or "<candidate>"
    code = compile(ast.Module(body=patch, type_ignores=[]), filename, "exec")
    exec(code, namespace)
    return _unwrap_descriptor(namespace[parts[-1]])


def load_sides(spec: dict):
    """(module, original, candidate) for a spec naming `file`, `module`, `qualname` and
    `candidate_file`; the file is the identity, `module` only the preferred dotted name."""
    module, original = load_original(spec["module"], spec["qualname"], spec.get("file"))
    with open(spec["candidate_file"], encoding="utf-8") as fh:
        candidate = load_candidate(module, spec["qualname"], fh.read())
    return module, original, candidate


SYS_PATH_FILE = "sys_path.json"  # written by cf_capture_plugin next to the inputs


def extend_sys_path(corpus_dir: str) -> None:
    """Append the project directories the tests had on sys.path when the inputs were captured.

    Only directories inside the project (the harness runs with the project as cwd) that exist
    and are not on the path yet; appended, so they never shadow anything already importable.
    """
    try:
        with open(os.path.join(corpus_dir, SYS_PATH_FILE), encoding="utf-8") as fh:
            recorded = json.load(fh)
    except (OSError, ValueError):
        return
    root = os.path.realpath(os.getcwd())
    present = {os.path.realpath(p) for p in sys.path if p}
    for entry in recorded:
        real = os.path.realpath(entry)
        inside = real == root or real.startswith(root + os.sep)
        if inside and real not in present and os.path.isdir(real):
            sys.path.append(real)
            present.add(real)


def read_inputs(paths: list) -> tuple:
    """(raw pickles, decoded (args, kwargs) calls) of captured inputs, in order."""
    for directory in dict.fromkeys(os.path.dirname(p) for p in paths):
        extend_sys_path(directory)
    blobs = []
    for path in paths:
        with open(path, "rb") as fh:
            blobs.append(fh.read())
    calls = []
    for blob in blobs:
        data = pickle.loads(blob)
        calls.append((tuple(data["args"]), dict(data["kwargs"])))
    return blobs, calls


def run_side(script: str, side: str, spec_path: str, env: dict) -> dict:
    """Run `script --child SIDE SPEC` in a fresh interpreter; its JSON stdout.

    A child that hit the memory limit raises MemoryError (a crash, not a measurement).
    """
    proc = subprocess.run(
        [sys.executable, os.path.abspath(script), "--child", side, spec_path],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines()
        if any("MemoryError" in line for line in lines[-3:]):
            raise MemoryError(f"side {side} ran out of memory")
        raise RuntimeError(f"side {side}: " + (lines[-1] if lines else f"exit {proc.returncode}"))
    return json.loads(proc.stdout)


def _method_from(patch: list, parts: list):
    node = None
    body = patch
    for part in parts:
        node = next(
            s
            for s in body
            if isinstance(s, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and s.name == part
        )
        body = node.body
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        node.decorator_list = [d for d in node.decorator_list if not _is_staticmethod(d)]
    return node


def _is_staticmethod(decorator: ast.expr) -> bool:
    return isinstance(decorator, ast.Name) and decorator.id == "staticmethod"


def list_inputs(corpus_dir: str) -> list[str]:
    """The captured inputs of a corpus, with the import path they need to unpickle."""
    if not os.path.isdir(corpus_dir):
        return []
    extend_sys_path(corpus_dir)
    return sorted(os.path.join(corpus_dir, n) for n in os.listdir(corpus_dir) if n.endswith(".pkl"))


def load_input(path: str) -> tuple[tuple, dict]:
    extend_sys_path(os.path.dirname(path))
    with open(path, "rb") as fh:
        data = pickle.load(fh)
    return tuple(data["args"]), dict(data["kwargs"])


def run_call(func, args: tuple, kwargs: dict) -> tuple:
    """Call and capture everything observable: outcome, value/exception, stdout."""
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            value = func(*args, **kwargs)
            if inspect.iscoroutine(value):
                value = asyncio.run(value)
            if inspect.isgenerator(value) or isinstance(value, (map, filter, zip, enumerate)):
                value = ("<iterator>", _drain(value))
    except MemoryError:
        raise  # hitting the sandbox's memory limit is a crash, not behaviour
    except Exception as exc:
        return ("raise", type(exc), _exc_args(exc), out.getvalue())
    return ("return", value, None, out.getvalue())


def _drain(it) -> list:
    items = []
    try:
        for item in it:
            items.append(item)
            if len(items) >= MAX_ITEMS:
                break
    except Exception as exc:
        items.append(("<raised>", type(exc), _exc_args(exc)))
    return items


def _exc_args(exc: BaseException) -> tuple:
    return tuple(repr(a) for a in exc.args)


def equal(a: object, b: object, depth: int = 0) -> bool:
    """Type-strict structural equality (codeflash-style comparator, MEASUREMENT.md)."""
    if depth > 50:
        return a == b
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9, abs_tol=0.0)
    if isinstance(a, (int, str, bytes, bool, type(None), complex, range, type)):
        return a == b
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(equal(x, y, depth + 1) for x, y in zip(a, b))
    if isinstance(a, dict):
        if list(a.keys()) != list(b.keys()):
            return False
        if getattr(a, "default_factory", None) != getattr(b, "default_factory", None):
            return False
        return all(equal(a[k], b[k], depth + 1) for k in a)
    if isinstance(a, (set, frozenset)):
        return a == b
    if isinstance(a, BaseException):
        return _exc_args(a) == _exc_args(b)
    if type(a).__eq__ is not object.__eq__:
        try:
            return bool(a == b)
        except Exception:
            return False
    if hasattr(a, "__dict__") or hasattr(type(a), "__slots__"):
        return equal(_state(a), _state(b), depth + 1)
    return a == b


def _state(obj: object) -> dict:
    state = dict(getattr(obj, "__dict__", {}))
    for cls in type(obj).__mro__:
        for slot in getattr(cls, "__slots__", ()):
            if hasattr(obj, slot):
                state[slot] = getattr(obj, slot)
    return state


def describe(value: object, limit: int = 120) -> str:
    """A short, safe repr for mismatch reports."""
    try:
        text = repr(value)
    except Exception:
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def shape(value: object) -> str:
    """A human hint of an argument's size: `list[2000]`, `str[512]`, `int`."""
    if isinstance(value, (list, tuple, set, frozenset, dict, str, bytes)):
        return f"{type(value).__name__}[{len(value)}]"
    return type(value).__name__


def copy_args(args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    return copy.deepcopy(args), copy.deepcopy(kwargs)


def is_generator_function(func) -> bool:
    return inspect.isgeneratorfunction(func) or inspect.isasyncgenfunction(func)


def consumer(func):
    """`func` as a plain call that does all its work when timed: a coroutine function is run
    to completion, a generator function drained into a list."""
    if inspect.iscoroutinefunction(func):
        return lambda *a, **k: asyncio.run(func(*a, **k))
    if is_generator_function(func):
        return lambda *a, **k: list(func(*a, **k))
    return func


def as_module(name: str) -> types.ModuleType:
    return importlib.import_module(name)
