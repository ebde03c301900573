"""Probe captured calls for a benchmark input (runs in the TARGET's interpreter, never the bot's).

For each captured call, largest first: does it unpickle, does the call succeed within the time
limit, does it mutate its arguments, what shape are the arguments, and can each argument be
written as Python source (cf_source_of). Stops at the first call whose arguments all have
source, or after `max_usable` usable calls; the bot picks among what is reported
(prep/benchgen.py `choose_input`).
Usage: python cf_bench_input.py SPEC.json  (spec: module, qualname, files, max_bytes,
max_seconds, max_usable, out).
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import json
import os
import pickle
import sys
import time

from cf_source_of import source_of


def resolve(module: str, qualname: str) -> object:
    obj = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def shape(value: object) -> str:
    kind = type(value).__name__
    if hasattr(value, "shape") and not isinstance(value, type):
        return f"{kind}{tuple(value.shape)}"
    if isinstance(value, (str, bytes, bytearray, list, tuple, set, frozenset, dict)):
        return f"{kind} of {len(value)}"
    return kind


def kind_of(func: object) -> str:
    if inspect.iscoroutinefunction(func):
        return "async"
    if inspect.isgeneratorfunction(func):
        return "generator"
    if inspect.isasyncgenfunction(func):
        return "asyncgen"
    return "plain"


def run_once(func, args: tuple, kwargs: dict) -> float:
    start = time.perf_counter()
    value = func(*args, **kwargs)
    if inspect.iscoroutine(value):
        asyncio.run(value)
    elif inspect.isgenerator(value):
        list(value)
    elif inspect.isasyncgen(value):

        async def drain(gen):
            return [x async for x in gen]

        asyncio.run(drain(value))
    return time.perf_counter() - start


def sources(args: tuple, kwargs: dict):
    """([source per arg], {name: source}) or None when any argument has no source."""
    arg_src = [source_of(a) for a in args]
    kw_src = {k: source_of(v) for k, v in kwargs.items()}
    if any(s is None for s in arg_src) or any(s is None for s in kw_src.values()):
        return None
    return {"args": arg_src, "kwargs": kw_src}


def probe(spec: dict) -> dict:
    result = {"usable": [], "tried": 0, "kind": "plain", "error": ""}
    try:
        func = resolve(spec["module"], spec["qualname"])
    except BaseException as exc:
        where = spec["module"] + ":" + spec["qualname"]
        result["error"] = f"cannot import {where}: {type(exc).__name__}: {exc}"
        return result
    result["kind"] = kind_of(func)
    for path in spec["files"]:
        size = os.path.getsize(path)
        if size > spec["max_bytes"]:
            continue
        result["tried"] += 1
        try:
            with open(path, "rb") as fh:
                call = pickle.load(fh)
            args, kwargs = tuple(call["args"]), dict(call["kwargs"])
            rendered = sources(args, kwargs)  # before the call: it may mutate them
            before = pickle.dumps((args, kwargs))
            seconds = run_once(func, args, kwargs)
        except BaseException:
            continue
        if seconds > spec["max_seconds"]:
            continue
        try:
            mutates = pickle.dumps((args, kwargs)) != before
        except BaseException:
            mutates = True
        shapes = [shape(a) for a in args] + [f"{k}={shape(v)}" for k, v in kwargs.items()]
        result["usable"].append(
            {
                "path": path,
                "bytes": size,
                "seconds": seconds,
                "mutates": mutates,
                "shape": ", ".join(shapes) or "no arguments",
                "source": rendered,
            }
        )
        if rendered is not None or len(result["usable"]) >= spec["max_usable"]:
            break
    return result


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as fh:
        spec = json.load(fh)
    result = probe(spec)
    with open(spec["out"], "w", encoding="utf-8") as fh:
        json.dump(result, fh)


if __name__ == "__main__":
    main()
