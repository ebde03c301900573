"""Readable benchmark inputs: source size and lines vs the pickle, and the time to find the source.

Inputs shaped like the captured calls of examples/slowdemo's tests (5000 random tags, scores,
prices, a log, a graph). Prints one row per input: the form chosen, characters and lines of the
source once `ruff format` has laid it out, the pickle's size, and how long `source_of` took
(verification included). Run: `.venv/bin/python benchmarks/bench_inputs_source.py`.
"""

from __future__ import annotations

import ast
import pickle
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src" / "codeflash_bot" / "harness"))

from cf_source_of import source_of  # noqa: E402


def inputs() -> dict[str, object]:
    rng = random.Random(101)
    levels = ["INFO", "DEBUG", "WARN", "ERROR", "INFO", "INFO", "ERRORS"]
    vocab = [f"w{n}" for n in range(300)]
    return {
        "tags: 5000 random str": [f"tag{rng.randrange(1000)}" for _ in range(5000)],
        "scores: 5000 random int": [rng.randrange(100_000) for _ in range(5000)],
        "prices: 5000 float": [round(rng.uniform(1.0, 500.0), 2) for _ in range(5000)],
        "log: 3000 formatted str": [f"{levels[i % 7]} req={i} t={i % 97}ms" for i in range(3000)],
        "words joined: str": " ".join(rng.choice(vocab) for _ in range(5000)),
        "graph: dict[int, list[int]] 2000": {
            i: [c for c in (2 * i + 1, 2 * i + 2) if c < 2000] + [(i * 7919 + 13) % 2000]
            for i in range(2000)
        },
        "range: 4000 int": list(range(4000)),
        "periodic: 4000 int": [i % 150 for i in range(4000)],
        "n: int": 22,
    }


def formatted_lines(source: str) -> int:
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--isolated", "-"],
        input=f"X = {source}\n",
        capture_output=True,
        text=True,
        check=True,
    )
    return len(proc.stdout.splitlines())


def main() -> None:
    print(f"{'input':34} {'form':10} {'chars':>8} {'lines':>6} {'pickle B':>9} {'ms':>7}")
    for name, value in inputs().items():
        start = time.perf_counter()
        source = source_of(value)
        ms = (time.perf_counter() - start) * 1e3
        if source is None:
            print(f"{name:34} {'pickle':10} {'-':>8} {'-':>6} {len(pickle.dumps(value)):>9}")
            continue
        form = "builder"
        try:
            ast.literal_eval(source)
            form = "literal"
        except ValueError:
            pass
        if ".splitlines()" in source:
            form = "split lines"
        elif ".split()" in source:
            form = "split words"
        elif source.startswith("(\n"):
            form = "text lines"
        print(
            f"{name:34} {form:10} {len(source):>8} {formatted_lines(source):>6} "
            f"{len(pickle.dumps(value)):>9} {ms:>7.1f}"
        )


if __name__ == "__main__":
    main()
