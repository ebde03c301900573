"""Targets and verdicts at the scale the repository's own benchmarks use, against the tests alone.

A tree recursion the tests call on tiny grids, and a quadratic scan the tests call on three
elements, in a fresh git repo; the bot runs (a real subprocess, `--domain cpu`) once on the repo
as is and once with a pytest-benchmark test that calls both at realistic sizes. Printed per
run: wall time, the order the profile ranked the targets in, and per experiment the verdict,
the measured before/after and the sources of the inputs behind it.

    python benchmarks/input_sources.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from codeflash_bot.capture.sources import inputs_in  # noqa: E402
from codeflash_bot.session.state import parse_results  # noqa: E402
from tests.support.cli import run_bot  # noqa: E402
from tests.support.git import git  # noqa: E402
from tests.support.repos import make_repo  # noqa: E402

FILES = {
    "pyproject.toml": """
        [project]
        name = "demo"
        version = "0"
        [tool.pytest.ini_options]
        pythonpath = ["src"]
    """,
    "src/demo/__init__.py": "",
    "src/demo/core.py": """
        def paths(rows, cols):
            if rows == 0 or cols == 0:
                return 1
            return paths(rows - 1, cols) + paths(rows, cols - 1)


        def cheapest(prices):
            return sorted(prices)[0]


        def busy(n):
            total = 0
            for i in range(n):
                total += i * i
            return total
    """,
    "tests/test_core.py": """
        from demo.core import busy, cheapest, paths

        def test_paths_tiny():
            assert paths(1, 1) == 2
            assert paths(2, 1) == 3

        def test_cheapest_tiny():
            assert cheapest([3.0, 1.0, 2.0]) == 1.0

        def test_busy():
            for _ in range(10):
                assert busy(100_000) > 0
    """,
}
BENCHMARK = {
    "benchmarks/test_bench_core.py": """
        from demo.core import cheapest, paths

        def test_paths_at_scale(benchmark):
            assert benchmark(paths, 11, 11) == 705432

        def test_cheapest_at_scale(benchmark):
            prices = [float((i * 7919) % 20011) for i in range(20000)]
            assert benchmark(cheapest, prices) == 0.0
    """,
}


def run(files: dict[str, str], label: str) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-sources-") as tmp:
        repo = make_repo(Path(tmp) / "demo", files)
        start = time.perf_counter()
        proc = run_bot("optimize", str(repo), "--python", sys.executable, "--domain", "cpu")
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            sys.exit(proc.stderr[-3000:])
        branch = git(repo, "for-each-ref", "--format=%(refname:short)", "refs/heads/codeflash/")
        rows = parse_results(git(repo, "show", f"{branch}:.codeflash/results.tsv") + "\n")
        handoff = git(repo, "show", f"{branch}:.codeflash/HANDOFF.md")
        learnings = git(repo, "show", f"{branch}:.codeflash/learnings.md")
    funnel = next((x for x in handoff.splitlines() if x.startswith("- Funnel:")), "")
    hot = learnings.split("## Hot functions", 1)[1].split("\n## ", 1)[0]
    order = [x.split("`")[1] for x in hot.splitlines() if x.startswith("- `demo.")]
    print(f"== {label}: {wall:.0f} s wall")
    print(f"   {funnel[2:]}")
    print(f"   targets in rank order: {', '.join(order)}")
    for r in rows:
        figures = ""
        if r.baseline and r.candidate:
            ratio = r.baseline / r.candidate
            figures = f"{r.baseline * 1e6:10.1f} us -> {r.candidate * 1e6:10.1f} us ({ratio:.2f}x)"
        inputs = inputs_in(r.description)
        print(f"   {r.target:<18} {r.status.value:<8} {figures:<42} inputs: {inputs}")


def main() -> None:
    run(FILES, "tests only")
    run({**FILES, **BENCHMARK}, "with the repository's pytest-benchmark tests")


if __name__ == "__main__":
    main()
