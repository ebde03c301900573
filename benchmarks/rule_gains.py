"""Each rule's typical gain: its example (rule_examples.py) measured before and after the rewrite.

For every rule with an example: apply the rule (it must fire), load both versions, and measure
them interleaved in this process (ABAB..., loops calibrated so a round takes >= 20 ms, gc off
in timed blocks, min over rounds, as MEASUREMENT.md recommends):
- cpu rules: time per call;
- memory rules: tracemalloc peak of one call in a fresh namespace (and time);
- async rules: wall time of 5 concurrent calls under `asyncio.run`.
Module-level (structure) rules change import time and are measured by run_structure.py.
Writes docs/rule_gains.json, which the catalog (docs/rules.md) shows per rule; regenerate the
catalog afterwards. Figures, not a test:

    .venv/bin/python benchmarks/rule_gains.py [CODE ...]
    .venv/bin/python -m codeflash_bot.propose.catalog > docs/rules.md
"""

from __future__ import annotations

import asyncio
import gc
import json
import platform
import sys
import textwrap
import time
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path

from rule_examples import CALL_OVERRIDES, EXAMPLES, QUALNAMES

from codeflash_bot.models import Domain
from codeflash_bot.propose.catalog import GAINS_FILE
from codeflash_bot.propose.rule import apply_rule
from codeflash_bot.propose.rules import all_rules

ROUNDS = 9
ROUND_SECONDS = 0.02


def load(source: str) -> dict[str, object]:
    namespace: dict[str, object] = {"__name__": "rule_example"}
    exec(compile(source, "<example>", "exec"), namespace)
    return namespace


def caller(namespace: dict[str, object], code: str, args_expr: str) -> Callable[[], object]:
    args = eval(args_expr, {})
    override = CALL_OVERRIDES.get(code)
    if override is not None:
        return lambda: eval(override, namespace)
    f = namespace["f"]
    return lambda: f(*args)  # type: ignore[operator]


def calibrate(call: Callable[[], object]) -> int:
    loops = 1
    while True:
        start = time.perf_counter()
        for _ in range(loops):
            call()
        if time.perf_counter() - start >= ROUND_SECONDS or loops >= 1 << 20:
            return loops
        loops *= 2


def timed(call: Callable[[], object], loops: int) -> float:
    gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(loops):
            call()
        return (time.perf_counter() - start) / loops
    finally:
        gc.enable()


def interleaved(a: Callable[[], object], b: Callable[[], object]) -> tuple[float, float]:
    """min seconds per call of a and b, rounds alternating which goes first."""
    a(), b()
    loops = max(calibrate(a), calibrate(b))
    ta, tb = [], []
    for i in range(ROUNDS):
        if i % 2:
            tb.append(timed(b, loops))
            ta.append(timed(a, loops))
        else:
            ta.append(timed(a, loops))
            tb.append(timed(b, loops))
    return min(ta), min(tb)


def peak(source: str, code: str, args_expr: str) -> int:
    """tracemalloc peak bytes of one call, in a fresh namespace (caches start empty)."""
    call = caller(load(source), code, args_expr)
    gc.collect()
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def async_caller(namespace: dict[str, object], args_expr: str) -> Callable[[], object]:
    args = eval(args_expr, {})
    f = namespace["f"]

    async def five() -> object:
        return await asyncio.gather(*(f(*args) for _ in range(5)))  # type: ignore[operator]

    return lambda: asyncio.run(five())


def measure(code: str, domain: Domain, before: str, after: str, args_expr: str) -> dict:
    if domain is Domain.ASYNC:
        tb, ta = interleaved(
            async_caller(load(before), args_expr), async_caller(load(after), args_expr)
        )
        return {"metric": "latency_s", "before": tb, "after": ta, "gain_pct": (tb - ta) / ta * 100}
    tb, ta = interleaved(
        caller(load(before), code, args_expr), caller(load(after), code, args_expr)
    )
    out = {"metric": "seconds", "before": tb, "after": ta, "gain_pct": (tb - ta) / ta * 100}
    if domain is Domain.MEMORY:
        pb, pa = peak(before, code, args_expr), peak(after, code, args_expr)
        out.update(
            {
                "metric": "peak_bytes",
                "peak_before": pb,
                "peak_after": pa,
                "peak_change_pct": (pa - pb) / pb * 100,
            }
        )
    return out


def main() -> None:
    sys.setrecursionlimit(10000)
    warnings.simplefilter("ignore")
    wanted = set(sys.argv[1:])
    path = Path(GAINS_FILE)
    results = json.loads(path.read_text()) if path.exists() and wanted else {}
    failed: list[str] = []
    for rule in all_rules():
        if wanted and rule.code not in wanted:
            continue
        if rule.code not in EXAMPLES:
            print(f"{rule.code:7} {rule.name:38} not measured here (import time: run_structure.py)")
            continue
        source, args_expr = EXAMPLES[rule.code]
        before = textwrap.dedent(source)
        after = apply_rule(rule, before, QUALNAMES.get(rule.code, "f"))
        if after is None:
            print(f"{rule.code:7} {rule.name:38} ERROR: the rule does not fire on its example")
            failed.append(rule.code)
            continue
        found = measure(rule.code, rule.domain, before, after, args_expr)
        results[rule.code] = found
        line = (
            f"{rule.code:7} {rule.name:38} {found['before'] * 1e6:11.1f} us -> "
            f"{found['after'] * 1e6:11.1f} us  {found['gain_pct']:+7.1f} %"
        )
        if "peak_before" in found:
            line += (
                f"   peak {found['peak_before'] / 1024:9.1f} -> {found['peak_after'] / 1024:9.1f}"
                f" KiB ({found['peak_change_pct']:+.1f} %)"
            )
        print(line, flush=True)
    results["_meta"] = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "command": "python benchmarks/rule_gains.py",
    }
    path.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    print(f"wrote {path}")
    if failed:
        raise SystemExit(f"examples that no longer fire: {', '.join(failed)}")


if __name__ == "__main__":
    main()
