"""Benchmark: a full `codeflash-bot optimize` on a fresh copy of examples/slowdemo.

Prints per-target speedup (time per call-set before/after), keeps/discards/crashes and the
total wall time of the run. Run with `.venv/bin/python benchmarks/run_slowdemo.py` (after
scripts/setup.sh). Not a test: figures only.
"""

from __future__ import annotations

from _slowdemo import optimize_slowdemo, print_rows

if __name__ == "__main__":
    rows, wall = optimize_slowdemo("--domain", "cpu")
    print_rows(rows, wall, unit=1e6, label="us")
