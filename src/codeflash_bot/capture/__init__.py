"""Record real inputs of the target functions while the repo's tests (or workload) run."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from codeflash_bot.capture.benchmarks import input_sources
from codeflash_bot.capture.sources import InputSource, SourceKind
from codeflash_bot.harness_runner import HarnessRunner
from codeflash_bot.models import Target
from codeflash_bot.profile.budget import ROBUST_ARGS, SuiteCoverage
from codeflash_bot.sandbox import HARNESS_DIR

MAX_CALLS = 256
MAX_INPUT_BYTES = 4 << 20
MAX_TOTAL_BYTES = 64 << 20


def corpus_dir(corpus_root: Path, target: Target) -> Path:
    """Where one target's inputs live: a name derived from `module:qualname`, nothing else."""
    return corpus_root / re.sub(r"[^A-Za-z0-9_]", "_", target.ref)


def count_inputs(directory: Path) -> int:
    return len(list(directory.glob("*.pkl"))) if directory.is_dir() else 0


def capture_inputs(
    runner: HarnessRunner,
    targets: list[Target],
    corpus_root: Path,
    *,
    sources: list[InputSource] | None = None,
    workload: str | None = None,
    timeout: float,
    budget: float | None = None,
    grace: float | None = None,
) -> tuple[dict[str, int], SuiteCoverage]:
    """Run each input source once, most trusted first, with recording wrappers on `targets`.

    Every pass adds to the same corpus (MAX_CALLS per target in all, so trusted sources fill it
    first; a call already stored is not stored again) and tags its inputs with its source.
    Returns the inputs kept per target and how much of the suite (the last pytest pass) ran:
    like the profiles, the tests run in a spread order and stop once `budget` seconds are used
    (harness/cf_suite.py); with a `grace`, a test or workload still running at 2 x budget +
    grace is interrupted and the inputs stored until then are kept. Without `sources`: the
    workload, else the tests.
    """
    root = runner.root
    if sources is None:
        sources = input_sources(root, workload=workload, benchmarks_root="", tests_found=[])
        sources = [s for s in sources if s.kind is not SourceKind.BENCHMARK]
    spec_targets = []
    for target in targets:
        directory = corpus_dir(corpus_root, target)
        shutil.rmtree(directory, ignore_errors=True)
        spec_targets.append({**target.harness_ref(root), "dir": str(directory)})
    coverage = SuiteCoverage(budget=budget)
    for source in sources:
        coverage = _capture_pass(runner, spec_targets, source, timeout, budget, grace)
    counts = {t.ref: count_inputs(corpus_dir(corpus_root, t)) for t in targets}
    return counts, coverage


def _capture_pass(
    runner: HarnessRunner,
    spec_targets: list[dict],
    source: InputSource,
    timeout: float,
    budget: float | None,
    grace: float | None = None,
) -> SuiteCoverage:
    spec = {
        "targets": spec_targets,
        "max_calls": MAX_CALLS,
        "max_bytes": MAX_INPUT_BYTES,
        "max_total_bytes": MAX_TOTAL_BYTES,
        "budget": budget,
        "source": source.kind.value,
        "benchmarks_only": source.benchmarks_only,
        "grace": grace,
    }
    with tempfile.TemporaryDirectory(prefix="codeflash-capture-") as tmp:
        spec_path = Path(tmp) / "capture.json"
        coverage_path = Path(tmp) / "coverage.json"
        spec["coverage_out"] = str(coverage_path)
        spec_path.write_text(json.dumps(spec), encoding="utf-8")
        env = dict(runner.env)
        env["PYTHONPATH"] = os.pathsep.join([env["PYTHONPATH"], str(HARNESS_DIR)])
        env["CODEFLASH_CAPTURE_SPEC"] = str(spec_path)
        if source.mode == "workload":
            args = [str(HARNESS_DIR / "cf_capture_plugin.py"), *source.argv]
        else:
            plugin = ["-p", "cf_capture_plugin", *ROBUST_ARGS]
            args = ["-m", "pytest", *plugin, *source.pytest_args]
        done = runner.command(args, timeout=timeout, env=env)
        coverage = SuiteCoverage(stopped=done.timed_out, budget=budget)
        if coverage_path.is_file():
            data = json.loads(coverage_path.read_text(encoding="utf-8"))
            coverage = SuiteCoverage.from_result({"tests": data})
    return coverage
