"""Repositories whose only evidence is their benchmarks: those gate, feed inputs and keep."""

from __future__ import annotations

from pathlib import Path

import pytest

from codeflash_bot.capture.benchmarks import asv_gate
from codeflash_bot.config import Config
from codeflash_bot.models import Status
from codeflash_bot.session.setup import detect_setup
from codeflash_bot.session.state import parse_results
from codeflash_bot.verify.gate import BENCHMARKS_GATE
from codeflash_bot.verify.tests import BENCHMARKS_UNTIMED, run_guard
from tests.support.cli import run_bot
from tests.support.git import git
from tests.support.paths import PYTHON, ROOT
from tests.support.repos import branch_file, make_repo

pytestmark = pytest.mark.slow

FIXTURE = ROOT / "tests" / "fixtures" / "benchonly"
TARGET = "benchonly.tags:shared_tags"
ASV_FIXTURE = ROOT / "tests" / "fixtures" / "asvonly"
ASV_WORDS = "the asv suite in benchmarks/ (each benchmark run once, none may raise)"


def test_benchmarks_without_tests_gate_feed_and_keep(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", copy_from=FIXTURE)
    assert not (repo / "tests").exists()
    proc = run_bot(
        "optimize", str(repo), "--domain", "cpu", "--python", PYTHON, "--max-experiments", "1"
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert BENCHMARKS_GATE in " ".join((proc.stdout + proc.stderr).split())
    setup_md = branch_file(repo, "setup.md")
    assert f"- Gate: {BENCHMARKS_GATE}" in setup_md
    assert f"- Note: {BENCHMARKS_UNTIMED}" in setup_md
    assert "1. benchmark: 1 pytest-benchmark test file in benchmarks/" in setup_md
    [row] = parse_results(branch_file(repo, "results.tsv"))
    assert row.target == TARGET and row.status is Status.KEEP, row.description
    assert "benchmark" in row.description.rsplit("inputs:", 1)[-1].lower()
    source = git(repo, "show", f"{row.commit}:src/benchonly/tags.py")
    assert "in allowed" not in source.replace("in allowed_", "")  # the list scan is gone


def test_an_asv_suite_without_tests_is_the_check_of_every_change(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", copy_from=ASV_FIXTURE)
    proc = run_bot(
        "optimize", str(repo), "--domain", "cpu", "--python", PYTHON, "--max-experiments", "1"
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    said = " ".join((proc.stdout + proc.stderr).split())
    assert (
        "no tests: the asv suite in benchmarks/ (each benchmark run once, none may raise)" in said
    )
    setup_md = branch_file(repo, "setup.md")
    assert f"only {ASV_WORDS} plus replay" in setup_md
    assert "1. benchmark: asv suite in benchmarks/" in setup_md
    [row] = parse_results(branch_file(repo, "results.tsv"))
    assert row.target == "asvonly.tags:shared_tags" and row.status is Status.KEEP, row.description


def test_the_asv_gate_fails_when_a_benchmark_raises(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", copy_from=ASV_FIXTURE)
    gate = asv_gate(repo)
    assert gate is not None and gate[1] == ASV_WORDS
    setup = detect_setup(repo, Config(python=PYTHON))
    assert run_guard(gate[0], setup, repo, timeout=120, memory_mb=2048)[0]
    tags = repo / "src" / "asvonly" / "tags.py"
    tags.write_text(tags.read_text().replace("out = []", "out = None"), encoding="utf-8")
    ok, tail = run_guard(gate[0], setup, repo, timeout=120, memory_mb=2048)
    assert not ok and "0 benchmark calls ran, 2 failed" in tail, tail
