"""Benchmark: `codeflash-bot optimize --domain structure` on a fresh copy of examples/slowdemo.

Prints each experiment with the measured import time of the module (fresh interpreter per
import, min over rounds: domains/structure.py) before and after, and the gain. Run with
`.venv/bin/python benchmarks/run_structure.py`. Not a test: figures only.
"""

from __future__ import annotations

from _slowdemo import optimize_slowdemo, print_rows

if __name__ == "__main__":
    rows, wall = optimize_slowdemo("--domain", "structure")
    print_rows(rows, wall, unit=1e3, label="ms")
