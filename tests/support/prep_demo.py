"""Builds small real git repos for the prep tests: a slow function at base, a fast one at head."""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

from pydantic import BaseModel

from tests.support.git import git
from tests.support.repos import write

SLOW = '''\
"""A tiny package with one slow function (quadratic de-duplication)."""


def dedupe(items):
    out = []
    for x in items:
        if x not in out:
            out.append(x)
    return out
'''

FAST = '''\
"""A tiny package with one slow function (quadratic de-duplication)."""


def dedupe(items):
    seen = set()
    out = []
    for x in items:
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out
'''

BENCH = """\
from demo.core import dedupe


def test_benchmark_dedupe(benchmark):
    items = list(range(400)) * 2
    assert benchmark(dedupe, items) == list(range(400))
"""

RESULTS_HEADER = (
    "commit\ttarget\tdomain\tmetric\tbaseline\tcandidate\tdelta_pct\tstatus\tdescription\n"
)
DESCRIPTION = "CPU101 list-membership-in-loop: `x not in out` on a list -> a seen set"


class DemoRepo(BaseModel):
    """Where things are in a repo made by `make_repo`."""

    root: Path
    base: str
    head: str
    kept_commit: str


def make_repo(
    root: Path,
    *,
    bench_at_base: bool = True,
    bench_at_head: bool = True,
    python: str | None = None,
    corpus: bool = False,
) -> DemoRepo:
    """main: slow dedupe; codeflash/ds-test: the fast one (kept commit) + results.tsv."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    table = f'[tool.codeflash-bot]\npython = "{python or sys.executable}"\n'
    write(root, "pyproject.toml", '[project]\nname = "demo"\nversion = "0"\n\n' + table)
    write(root, "src/demo/__init__.py", "")
    write(root, "src/demo/core.py", SLOW)
    if bench_at_base:
        write(root, "tests/benchmarks/test_benchmark_dedupe.py", BENCH)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    git(root, "switch", "-q", "-c", "codeflash/ds-test")
    write(root, "src/demo/core.py", FAST)
    git(root, "commit", "-q", "-am", "⚡ demo.core:dedupe: CPU101 list-membership-in-loop")
    kept = git(root, "rev-parse", "--short", "HEAD")
    row = f"{kept}\tdemo.core:dedupe\tcpu\tseconds\t0.004\t0.0001\t-97.5\tkeep\t{DESCRIPTION}\n"
    discard = "-\tdemo.core:dedupe\tcpu\tseconds\t0.004\t0.0039\t-2.5\tdiscard\tCPU103 x: y\n"
    write(root, ".codeflash/results.tsv", RESULTS_HEADER + row + discard)
    if bench_at_head and not bench_at_base:
        write(root, "tests/benchmarks/test_benchmark_dedupe.py", BENCH)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "results")
    if corpus:
        common = Path(git(root, "rev-parse", "--git-common-dir"))
        cdir = (root / common if not common.is_absolute() else common) / "codeflash/corpus"
        cdir = cdir / "demo_core_dedupe"
        cdir.mkdir(parents=True)
        for i, n in enumerate((10, 300, 50)):
            data = {"args": ([j % (n // 2 or 1) for j in range(n)],), "kwargs": {}}
            (cdir / f"{i:04d}.pkl").write_bytes(pickle.dumps(data))
    return DemoRepo(root=root, base="main", head="codeflash/ds-test", kept_commit=kept)


def worktrees(root: Path) -> list[str]:
    """Paths listed by `git worktree list` (the main checkout first)."""
    out = git(root, "worktree", "list", "--porcelain")
    return [ln.removeprefix("worktree ") for ln in out.splitlines() if ln.startswith("worktree ")]
