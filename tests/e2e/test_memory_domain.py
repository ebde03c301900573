"""The memory engine on examples/slowdemo: keeps the memory case, discards the traps and no-ops."""

from __future__ import annotations

from pathlib import Path

import pytest

from codeflash_bot.config import Config
from codeflash_bot.domains.memory import MemoryEngine, peak_reduction
from codeflash_bot.loop import optimize
from codeflash_bot.models import Candidate, Domain, Request, Status
from codeflash_bot.profile.cpu import resolve_target
from codeflash_bot.progress import NullReporter
from codeflash_bot.session.setup import detect_setup
from codeflash_bot.session.state import parse_results

from ..helpers import PYTHON, SLOWDEMO, git, make_repo, snapshot

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def memory_run(tmp_path_factory: pytest.TempPathFactory):
    repo = make_repo(tmp_path_factory.mktemp("slowdemo-mem") / "repo", copy_from=SLOWDEMO)
    before = snapshot(repo)
    summary = optimize(Request(repo=repo, domain=Domain.MEMORY), Config(python=PYTHON))
    rows = parse_results(git(repo, "show", f"{summary.branch}:.codeflash/results.tsv") + "\n")
    return repo, before, summary, {r.target.split(":")[1]: r for r in rows}


def test_memory_case_is_kept_with_its_measured_peak_reduction(memory_run) -> None:
    repo, before, summary, rows = memory_run
    assert summary.branch.startswith("codeflash/mem-")
    assert snapshot(repo) == before
    row = rows["column_total"]
    assert row.status is Status.KEEP and row.description.startswith("MEM202")
    assert row.metric == "peak_bytes"
    assert row.baseline > 1_000_000  # every parsed row alive at once
    assert row.candidate < row.baseline * 0.1
    changed = git(repo, "show", "--name-only", "--format=", row.commit).split()
    assert changed == ["src/slowdemo/memory.py"]
    source = git(repo, "show", f"{row.commit}:src/slowdemo/memory.py")
    assert 'rows = (line.split(",") for line in lines)' in source


def test_traps_are_discarded(memory_run) -> None:
    _, _, summary, rows = memory_run
    assert rows["all_valid"].status is Status.DISCARD
    assert "behaviour differs" in rows["all_valid"].description
    # Smaller but slower: sum(genexpr) over cheap ints loses the time check.
    assert rows["total_squares"].status is Status.DISCARD
    assert "slower than the time tolerance" in rows["total_squares"].description
    # A slot breaks `flag_outliers` (it sets `.outlier` on Samples): the repo's tests catch it.
    assert rows["Sample.__init__"].status is Status.DISCARD
    assert "repository tests fail" in rows["Sample.__init__"].description
    # Built once per `deposit_all`: too few instances for __slots__ to be worth measuring.
    assert rows["Ledger.__init__"].status is Status.DISCARD
    # slowdemo.scale's whole-file read is judged on grown copies of its tiny file (its time
    # check on the tiny file itself is within noise either way), so it is left out here.
    assert [r.target for r in summary.kept if ".scale:" not in r.target] == [
        "slowdemo.memory:column_total",
        "slowdemo.memory:Reading.__init__",
    ]


def test_slots_case_is_kept_with_the_peak_of_many_instances(memory_run) -> None:
    repo, _, _, rows = memory_run
    row = rows["Reading.__init__"]
    assert row.status is Status.KEEP and row.description.startswith("MEM206")
    assert row.metric == "peak_bytes"
    assert row.candidate < row.baseline * 0.8  # no per-instance dict
    source = git(repo, "show", f"{row.commit}:src/slowdemo/memory.py")
    assert '__slots__ = ("minute", "sensor", "value")' in source


def test_no_op_candidate_is_never_kept(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", copy_from=SLOWDEMO)
    config = Config(python=PYTHON)
    setup = detect_setup(repo, config)
    from codeflash_bot.domains.base import EngineContext

    ctx = EngineContext(repo, setup, config, tmp_path / "corpus", NullReporter())
    engine = MemoryEngine()
    target = resolve_target("slowdemo.memory:column_total", repo, setup)
    assert engine.prepare(ctx, [target]) == [target]
    source = (repo / target.file).read_text(encoding="utf-8")
    candidate = Candidate(
        target=target, proposer="test", rule="NOOP", description="no-op", source=source
    )
    verdicts = [engine.evaluate(ctx, candidate) for _ in range(10)]
    assert [v.status for v in verdicts].count(Status.KEEP) == 0
    for v in verdicts:
        (m,) = v.measurements
        assert m.metric == "peak_bytes" and m.aa_ratio == 1.0
        assert peak_reduction(m) == 0.0
