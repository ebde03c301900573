"""Benchmark: does `--budget-minutes N` bound the whole run? Wall time of a real run vs N.

Runs `codeflash-bot optimize` as a real subprocess on a fresh git copy of a repository
(examples/slowdemo by default, or `--repo DIR`, copied first so the original is never touched)
and prints the bot's own phase line, the wall time measured from outside (interpreter start-up
and publishing included) and the overrun against the budget. Not a test: the overrun depends on
the machine, so it is reported here, never asserted in the suite.

    .venv/bin/python benchmarks/run_budget.py --budget-minutes 1
    .venv/bin/python benchmarks/run_budget.py --repo /path/to/pkg --budget-minutes 5 -- --domain cpu
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.helpers import SLOWDEMO, make_repo, run_bot  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=SLOWDEMO, help="copied, never changed")
    parser.add_argument("--budget-minutes", type=float, default=1.0)
    parser.add_argument("--python", default=sys.executable, help="the project's interpreter")
    parser.add_argument("flags", nargs="*", help="more optimize flags, after --")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-budget-") as tmp:
        repo = make_repo(Path(tmp) / args.repo.name, copy_from=args.repo)
        start = time.monotonic()
        proc = run_bot(
            "optimize",
            str(repo),
            "--python",
            args.python,
            "--budget-minutes",
            f"{args.budget_minutes:g}",
            *args.flags,
            timeout=args.budget_minutes * 60 * 3 + 300,
        )
        wall = time.monotonic() - start
    if proc.returncode != 0:
        print(proc.stderr[-3000:], file=sys.stderr)
        return proc.returncode
    out = " ".join(proc.stdout.split())
    for key in ("stopped: ", "time: "):
        if key in out:
            print(key + out.split(key, 1)[1].split(" time: ")[0])
    budget = args.budget_minutes * 60
    print(
        f"budget {budget:.0f} s; wall time seen from outside {wall:.1f} s;"
        f" overrun {wall - budget:+.1f} s ({(wall / budget - 1) * 100:+.1f}%)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
