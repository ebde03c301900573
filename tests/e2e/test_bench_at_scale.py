"""prepare-pr benchmarks a change kept on a size ladder at its top rung, as compact source."""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import pytest

from codeflash_bot.git import Git
from codeflash_bot.harness_runner import HarnessRunner
from codeflash_bot.measure.evidence import scale_key
from codeflash_bot.measure.ladder import build_ladder, ladder_dir
from codeflash_bot.models import Measurement, RungResult, Scale, Target
from codeflash_bot.prep import draft_pull_request
from codeflash_bot.session.setup import SetupInfo
from tests.support.git import git
from tests.support.prep_demo import make_repo
from tests.support.repos import write

pytestmark = pytest.mark.slow

TARGET = Target(file=Path("src/demo/core.py"), module="demo.core", qualname="dedupe", lineno=4)
MAX_BENCH_BYTES = 4096


def _setup() -> SetupInfo:
    return SetupInfo(
        python=sys.executable,
        python_version="3",
        pythonpath=["src"],
        test_command=[sys.executable, "-m", "pytest"],
        tests_found=[],
        package_manager="pip",
        install_command="pip install -e .",
        env_source="configured",
    )


def _scale_of(rungs: list) -> Scale:
    """scale.json's entry for a ladder (the timings are not what this test is about)."""
    m = Measurement(baseline=2.0, candidate=1.0, aa_ratio=1.0, rounds=15, loops=1, per_call=1e-3)
    return Scale(rungs=[RungResult(size=r.size, n=r.n, measurement=m) for r in rungs])


def test_prepare_pr_benchmarks_the_top_rung_as_a_small_builder(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", bench_at_base=False, bench_at_head=False, corpus=True)
    corpus_root = Git(repo.root).common_dir() / "codeflash" / "corpus"
    ladder = build_ladder(
        HarnessRunner.for_project(_setup(), repo.root, 2048),
        TARGET,
        sorted((corpus_root / "demo_core_dedupe").glob("*.pkl")),
        ladder_dir(corpus_root, TARGET),
        timeout=120.0,
        cap=0.02,
        budget=20.0,
    )
    fitted = ladder.fitted
    assert ladder.usable and ladder.grown_dir is not None, ladder.stopped
    top = fitted[-1]
    assert top.n > 300  # larger than any captured call
    entry = {scale_key("demo.core:dedupe", "CPU101"): _scale_of(ladder.rungs).model_dump()}
    write(repo.root, ".codeflash/scale.json", json.dumps(entry))
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-q", "-m", "scale evidence")

    draft = draft_pull_request(repo.root, repo.base, repo.head, run_compare=False)

    [bench] = draft.benchmarks
    assert bench.skipped is None and bench.input_form == "source", bench
    assert bench.rung == top.size
    assert bench.input_shape == f"list of {int(top.n)}"
    text = git(repo.root, "show", f"{repo.head}:{bench.test_file}")
    assert len(text.encode()) < MAX_BENCH_BYTES  # a builder, not a literal of every element
    assert f"the rung {top.size} of the size ladder" in text
    namespace: dict = {}
    loader = ast.parse(text).body
    funcs = [n for n in loader if isinstance(n, ast.FunctionDef) and n.name == "load_inputs"]
    exec(compile(ast.Module(body=funcs, type_ignores=[]), "bench", "exec"), namespace)
    args, kwargs = namespace["load_inputs"]()
    assert len(args[0]) == int(top.n) and not kwargs
    assert f"size ladder's rung {top.size}" in draft.body
