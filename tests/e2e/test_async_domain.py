"""The async domain through the real loop on a fresh copy of examples/slowdemo."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from codeflash_bot.config import Config
from codeflash_bot.loop import optimize
from codeflash_bot.models import Domain, Request, Status
from codeflash_bot.session.state import parse_results

from ..helpers import PYTHON, SLOWDEMO, git, make_repo, snapshot

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def async_run(tmp_path_factory: pytest.TempPathFactory):
    repo = make_repo(tmp_path_factory.mktemp("slowdemo-async") / "repo", copy_from=SLOWDEMO)
    before = snapshot(repo)
    summary = optimize(Request(repo=repo, domain=Domain.ASYNC), Config(python=PYTHON))
    rows = parse_results(git(repo, "show", f"{summary.branch}:.codeflash/results.tsv") + "\n")
    return repo, before, summary, {r.target.split(":")[1]: r for r in rows}


def test_the_run_leaves_the_checkout_alone(async_run) -> None:
    repo, before, summary, _ = async_run
    assert summary.branch.startswith("codeflash/async-")
    assert snapshot(repo) == before


def test_independent_awaits_are_gathered_with_a_measured_gain(async_run) -> None:
    repo, _, _, rows = async_run
    row = rows["fetch_all"]
    assert row.status is Status.KEEP
    assert row.description.startswith("ASY302")
    assert row.metric == "seconds"
    assert row.candidate is not None and row.baseline is not None
    assert row.candidate < row.baseline / 2  # ten round trips overlap
    code = git(repo, "show", f"{row.commit}:src/slowdemo/aio.py")
    assert "await asyncio.gather(*(fetch_record(record_id) for record_id in ids))" in code


def test_blocking_sleep_is_replaced_with_a_measured_gain(async_run) -> None:
    _, _, _, rows = async_run
    row = rows["refresh_token"]
    assert row.status is Status.KEEP
    assert row.description.startswith("ASY301")
    assert row.candidate is not None and row.baseline is not None
    assert row.candidate < row.baseline / 2  # concurrent callers no longer queue


def test_dependent_awaits_stay_sequential(async_run) -> None:
    repo, _, summary, rows = async_run
    assert "follow_chain" not in rows  # no rule fires: each lookup needs the previous answer
    code = git(repo, "show", f"{summary.branch}:src/slowdemo/aio.py")
    assert "path[step] = await next_hop(path[step - 1])" in code


def test_shared_state_trap_is_discarded_by_replay(async_run) -> None:
    repo, _, summary, rows = async_run
    row = rows["deposit_all"]
    assert row.status is Status.DISCARD
    assert "behaviour differs" in row.description
    code = git(repo, "show", f"{summary.branch}:src/slowdemo/aio.py")
    assert "[await ledger.deposit(amount) for amount in amounts]" in code


def test_branch_head_passes_the_slowdemo_tests(async_run, tmp_path: Path) -> None:
    repo, _, summary, _ = async_run
    wt = tmp_path / "head"
    git(repo, "worktree", "add", "--detach", str(wt), summary.branch)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
            cwd=wt,
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, proc.stdout[-2000:]
    finally:
        git(repo, "worktree", "remove", "--force", str(wt))
