"""Shared by the benchmark scripts: a full `optimize` on a fresh git copy of examples/slowdemo."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from codeflash_bot.models import ExperimentRecord  # noqa: E402
from codeflash_bot.session.state import parse_results  # noqa: E402
from tests.support.cli import run_bot  # noqa: E402
from tests.support.git import git  # noqa: E402
from tests.support.paths import SLOWDEMO  # noqa: E402
from tests.support.repos import make_repo  # noqa: E402


def optimize_slowdemo(*flags: str) -> tuple[list[ExperimentRecord], float]:
    """Run the bot (a real subprocess) with `flags`; its results.tsv rows and wall seconds.

    Exits with the bot's stderr tail if the run fails.
    """
    with tempfile.TemporaryDirectory(prefix="bench-slowdemo-") as tmp:
        repo = make_repo(Path(tmp) / "slowdemo", copy_from=SLOWDEMO)
        start = time.perf_counter()
        proc = run_bot("optimize", str(repo), "--python", sys.executable, *flags)
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            sys.exit(proc.stderr[-3000:])
        branch = git(repo, "for-each-ref", "--format=%(refname:short)", "refs/heads/codeflash/")
        rows = parse_results(git(repo, "show", f"{branch}:.codeflash/results.tsv") + "\n")
    return rows, wall


def print_rows(rows: list[ExperimentRecord], wall: float, *, unit: float, label: str) -> None:
    """One line per experiment: before/after in `label` units (seconds x `unit`) and the gain."""
    width = max((len(r.target) for r in rows), default=6) + 2
    print(f"{'target':<{width}} {'rule':<7} {'status':<8} {'before':>11} {'after':>11} {'gain':>9}")
    for r in rows:
        if r.baseline and r.candidate:
            before = f"{r.baseline * unit:.2f} {label}"
            after = f"{r.candidate * unit:.2f} {label}"
            gain = f"{r.baseline / r.candidate:.2f}x"
        else:
            before = after = gain = "-"
        rule = r.description.split()[0]
        print(
            f"{r.target:<{width}} {rule:<7} {r.status.value:<8} {before:>11} {after:>11} {gain:>9}"
        )
    count = {s: sum(r.status.value == s for r in rows) for s in ("keep", "discard", "crash")}
    print(
        f"experiments {len(rows)}: kept {count['keep']}, discarded {count['discard']},"
        f" crashed {count['crash']}; total wall time {wall:.1f} s"
    )
