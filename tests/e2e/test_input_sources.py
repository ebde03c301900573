"""Inputs in order of trust: the repo's own benchmarks (pytest-benchmark, asv) are found without
configuration and tag their inputs source=benchmark; functions nothing calls get hypothesis
inputs from their type hints (a differential replay), or are skipped with the reason."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from codeflash_bot.config import Config
from codeflash_bot.loop import optimize
from codeflash_bot.models import Candidate, Domain, Request, Target
from codeflash_bot.prep.draft import draft_pull_request
from codeflash_bot.propose import BaseProposer
from codeflash_bot.session.state import parse_results
from tests.support.git import git
from tests.support.paths import PYTHON
from tests.support.repos import SMALL, bot_branch, branch_file, make_repo, snapshot

pytestmark = pytest.mark.slow

# SMALL whose only test calls `lowest` on three elements: the large inputs come from benchmarks
BASE = {
    **SMALL,
    "tests/test_core.py": """
        from small.core import lowest

        def test_lowest_tiny():
            assert lowest([3, 1, 2]) == 1
    """,
}

PYTEST_BENCHMARK = {
    "benchmarks/test_bench_core.py": """
        from small.core import lowest

        def test_lowest_large(benchmark):
            xs = [(i * 7919) % 5001 + 1 for i in range(5000)]
            assert benchmark(lowest, xs) == 1
    """,
}

ASV = {
    "asv.conf.json": """
        {
            // asv allows comments here
            "version": 1,
            "project": "small",
            "benchmark_dir": "benchmarks"
        }
    """,
    "benchmarks/__init__.py": "",
    "benchmarks/bench_core.py": """
        from small.core import lowest


        class Lowest:
            params = [10, 6000]
            param_names = ["n"]

            def setup(self, n):
                self.xs = [(i * 7919) % (n + 1) + 1 for i in range(n)]

            def time_lowest(self, n):
                lowest(self.xs)

            def peakmem_lowest(self, n):
                lowest(list(self.xs))
    """,
}


def _sources(repo: Path) -> list[str]:
    """The source of every stored input of `small.core:lowest`, from the corpus index."""
    corpus = repo / ".git" / "codeflash" / "corpus"
    index = next(corpus.rglob("small_core_lowest/index.jsonl"))
    return [json.loads(line)["source"] for line in index.read_text().splitlines()]


@pytest.mark.parametrize(
    ("extra", "label"),
    [
        (PYTEST_BENCHMARK, "1 pytest-benchmark test file in benchmarks/"),
        (ASV, "asv suite in benchmarks/"),
    ],
    ids=["pytest-benchmark", "asv"],
)
def test_repo_benchmarks_are_discovered_and_tag_their_inputs(
    tmp_path: Path, extra: dict[str, str], label: str
) -> None:
    repo = make_repo(tmp_path / "r", {**BASE, **extra})
    before = snapshot(repo)
    config = Config(python=PYTHON, budget_minutes=8)
    optimize(Request(repo=repo, domain=Domain.CPU), config)
    assert snapshot(repo) == before
    sources = _sources(repo)
    assert sources[0] == "benchmark" and "test" in sources, sources
    setup_md = branch_file(repo, "setup.md")
    assert f"1. benchmark: {label}" in setup_md
    assert "2. test: the test suite" in setup_md
    rows = parse_results(branch_file(repo, "results.tsv") + "\n")
    kept = [r for r in rows if r.target == "small.core:lowest" and r.status.value == "keep"]
    assert kept, rows
    assert "from the repository's benchmarks" in kept[0].description
    handoff = branch_file(repo, "HANDOFF.md")
    assert "from the repository's benchmarks" in handoff
    message = git(repo, "log", "-1", "--format=%B", kept[0].commit)
    assert "Inputs: " in message and "from the repository's benchmarks" in message
    # timed on the benchmark's large input, not the test's three elements
    assert "list[5,000]" in message or "list[6,000]" in message
    draft = draft_pull_request(repo, "main", bot_branch(repo), run_compare=False, commit=False)
    assert "from the repository's benchmarks" in draft.body


FUNCS = {
    "pyproject.toml": BASE["pyproject.toml"],
    "src/small/__init__.py": "",
    "src/small/core.py": """
        def total(xs):
            s = 0
            for x in xs:
                s += x
            return s


        def dedupe(items: list[int]) -> list[int]:
            out = []
            for x in items:
                if x not in out:
                    out.append(x)
            return out


        def scale(xs, k):
            return [x * k for x in xs]
    """,
    "tests/test_core.py": """
        from small.core import total

        def test_total():
            assert total([1, 2, 3]) == 6
    """,
}


class Rewrites(BaseProposer):
    """A Proposer offering one fixed rewrite per function (by qualname), wanting every target."""

    name = "test"

    def __init__(self, rewrites: dict[str, tuple[str, Callable[[str], str]]]) -> None:
        self.rewrites = rewrites

    def wants(self, module, target) -> bool:
        return True

    def next_candidate(self, target: Target, source: str, tried: set[str]) -> Candidate | None:
        if target.qualname not in self.rewrites:
            return None
        code, rewrite = self.rewrites[target.qualname]
        if code in tried:
            return None
        return Candidate(
            target=target,
            proposer=self.name,
            rule=code,
            description=f"{code} test idea",
            source=rewrite(source),
        )


# Same result for every non-empty list, IndexError on the empty one: only an edge case shows it.
SEEDED = (
    "T101",
    lambda s: s.replace(
        "    out = []\n    for x in items:\n",
        "    out = [items[0]]\n    for x in items[1:]:\n",
    ),
)


def test_untested_functions_get_generated_inputs_or_a_skip_row(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", FUNCS)
    before = snapshot(repo)
    config = Config(python=PYTHON, candidate_timeout=30)
    proposer = Rewrites({"dedupe": SEEDED})
    optimize(Request(repo=repo, domain=Domain.CPU), config, proposers=[proposer])
    assert snapshot(repo) == before
    rows = parse_results(branch_file(repo, "results.tsv") + "\n")
    by_target = {r.target: r for r in rows}
    # the typed function no test calls: generated inputs, and the empty list exposes the bug
    dedupe = by_target["small.core:dedupe"]
    assert dedupe.status.value == "discard", dedupe
    assert "behaviour differs" in dedupe.description
    assert "IndexError" in dedupe.description
    assert "generated from type hints" in dedupe.description
    assert "from the tests" not in dedupe.description
    # the untyped one no test calls: skipped, with the reason, in results.tsv and HANDOFF.md
    scale = by_target["small.core:scale"]
    assert scale.status.value == "skip", scale
    assert "parameter `xs` has no type hint" in scale.description
    handoff = branch_file(repo, "HANDOFF.md")
    assert "## Skipped" in handoff and "parameter `xs` has no type hint" in handoff
    assert "Experiments: 1 " in handoff  # a skip is no experiment
    branch = bot_branch(repo)
    assert "items[0]" not in git(repo, "show", f"{branch}:src/small/core.py")


SCALE = {
    "pyproject.toml": BASE["pyproject.toml"],
    "src/small/__init__.py": "",
    "src/small/core.py": """
        def repeats(xs):
            return [x for i, x in enumerate(xs) if x in xs[:i]]


        def squares(n):
            total = 0
            for i in range(n):
                total += i * i
            return total
    """,
    "tests/test_core.py": """
        from small.core import repeats, squares

        def test_repeats_tiny():
            assert repeats([1, 2, 1]) == [1]

        def test_squares():
            for _ in range(20):
                assert squares(100_000) > 0
    """,
}
SCALE_BENCH = {
    "benchmarks/test_bench_repeats.py": """
        from small.core import repeats

        def test_repeats_at_scale(benchmark):
            xs = list(range(4000))
            assert benchmark(repeats, xs) == []
    """,
}


def _hot_order(repo: Path) -> list[str]:
    learnings = branch_file(repo, "learnings.md")
    return [line.split("`")[1] for line in learnings.splitlines() if line.startswith("- `small.")]


def test_benchmarks_rank_the_targets(tmp_path: Path) -> None:
    """A function the tests call with 3 elements is the hot spot at the benchmark's size."""
    config = Config(python=PYTHON)
    quiet = Rewrites({})  # every target wanted, nothing proposed: the run stops after ranking
    plain = make_repo(tmp_path / "plain", SCALE)
    optimize(Request(repo=plain, domain=Domain.CPU), config, proposers=[quiet])
    assert _hot_order(plain)[0] == "small.core:squares"
    assert "ranked by the tests" in branch_file(plain, "HANDOFF.md")
    benched = make_repo(tmp_path / "benched", {**SCALE, **SCALE_BENCH})
    optimize(Request(repo=benched, domain=Domain.CPU), config, proposers=[quiet])
    assert _hot_order(benched)[0] == "small.core:repeats"
    ranked = "targets ranked by the repository's benchmarks (1 pytest-benchmark test file in"
    assert ranked in branch_file(benched, "HANDOFF.md")
    assert "Targets ranked by: the repository's benchmarks" in branch_file(benched, "setup.md")
