"""Benchmark: `codeflash-bot optimize --domain async` on a fresh copy of examples/slowdemo.

Prints each experiment with its measured latency (8 concurrent callers per input, see
domains/asyncio_engine.py) before and after, and the gain. Run with
`.venv/bin/python benchmarks/run_async.py`. Not a test: figures only.
"""

from __future__ import annotations

from _slowdemo import optimize_slowdemo, print_rows

if __name__ == "__main__":
    rows, wall = optimize_slowdemo("--domain", "async")
    print_rows(rows, wall, unit=1e3, label="ms")
