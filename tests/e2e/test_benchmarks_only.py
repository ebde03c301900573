"""A repository whose only evidence is its pytest-benchmark suite: it gates, feeds and keeps."""

from __future__ import annotations

from pathlib import Path

import pytest

from codeflash_bot.models import Status
from codeflash_bot.session.state import parse_results
from codeflash_bot.verify.gate import BENCHMARKS_GATE
from codeflash_bot.verify.tests import BENCHMARKS_UNTIMED

from ..helpers import PYTHON, ROOT, branch_file, git, make_repo, run_bot

pytestmark = pytest.mark.slow

FIXTURE = ROOT / "tests" / "fixtures" / "benchonly"
TARGET = "benchonly.tags:shared_tags"


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
