"""kill -9 in the middle of a run, then run again: nothing half-applied, nothing redone.

The kill matrix stops the bot with SIGKILL at each named point of faults.POINTS (the test hook
CODEFLASH_FAULT_KILL_AT), optionally leaves what a git killed at that moment would leave, and
reruns: the rerun converges to the branch an uninterrupted run makes, and `cleanup` leaves nothing.
The points come in chains on one repo (each rerun killed at the next point), so the matrix costs a
few runs of the bot rather than two per point.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from codeflash_bot.faults import ENV as FAULT_ENV
from codeflash_bot.session.recovery import KEPT_BY_CLEANUP
from codeflash_bot.session.state import TMP_SUFFIX, parse_results
from tests.support.cli import run_bot
from tests.support.git import git
from tests.support.paths import PYTHON, SLOWDEMO
from tests.support.repos import make_repo, snapshot

pytestmark = pytest.mark.slow


# not a test of domain choice; 6 experiments: killed after 3, the rerun does the rest
CPU = ("--domain", "cpu", "--max-experiments", "6", "--python", PYTHON)
# nor of size ladders: every run here judges at the captured sizes (a third less work per run)
NO_LADDERS = """
[tool.codeflash-bot]
ladder-seconds = 0
"""


def mirror_rows(repo: Path) -> int:
    files = list((repo / ".git" / "codeflash" / "state").glob("*/.codeflash/results.tsv"))
    return max((len(f.read_text().splitlines()) - 1 for f in files), default=0)


def test_kill_9_then_resume(tmp_path: Path) -> None:
    pyproject = (SLOWDEMO / "pyproject.toml").read_text(encoding="utf-8") + NO_LADDERS
    repo = make_repo(tmp_path / "repo", {"pyproject.toml": pyproject}, copy_from=SLOWDEMO)
    before = snapshot(repo)
    proc = subprocess.Popen(
        [sys.executable, "-m", "codeflash_bot", "optimize", str(repo), *CPU],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 600
    while mirror_rows(repo) < 3 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert proc.poll() is None, "the run finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    killed_at = mirror_rows(repo)
    assert snapshot(repo) == before  # the user's checkout never saw the bot

    again = run_bot("optimize", str(repo), *CPU)
    assert again.returncode == 0, again.stderr[-2000:]
    branch = git(repo, "for-each-ref", "--format=%(refname:short)", "refs/heads/codeflash/")
    rows = parse_results(git(repo, "show", f"{branch}:.codeflash/results.tsv") + "\n")
    ideas = [(r.target, r.description.split()[0]) for r in rows]
    assert len(ideas) == len(set(ideas)), "an idea was tried twice"
    assert len(rows) >= killed_at
    kept = {r.commit for r in rows if r.status.value == "keep"}
    optimizations = [
        line.split()[0]
        for line in git(repo, "log", "--format=%h %s", f"main..{branch}").splitlines()
        if " ⚡ " in f" {line.split(' ', 1)[1]}"
    ]
    assert sorted(optimizations) == sorted(kept)  # one commit per kept row, none lost or doubled
    assert snapshot(repo) == before


# --- the kill matrix: SIGKILL at each named point of one run, then rerun -------------------------

TINY = {
    "pyproject.toml": """
        [project]
        name = "tiny"
        version = "0"
        [tool.pytest.ini_options]
        pythonpath = ["src"]
        [tool.codeflash-bot]
        ladder-seconds = 0  # as NO_LADDERS
    """,
    "src/tiny/__init__.py": "",
    "src/tiny/hot.py": """
        def common_tags(tags, allowed):
            return [tag for tag in tags if tag in allowed]


        def unique_in_order(items):
            out = []
            for item in items:
                if item not in out:
                    out.append(item)
            return out
    """,
    "tests/test_hot.py": """
        from tiny.hot import common_tags, unique_in_order

        def test_common_tags():
            tags = [f"t{i % 997}" for i in range(3000)]
            allowed = [f"t{i}" for i in range(0, 997, 2)]
            assert len(common_tags(tags, allowed)) == sum(int(t[1:]) % 2 == 0 for t in tags)

        def test_unique_in_order():
            items = [f"s{(i * 7) % 800}" for i in range(3000)]
            assert len(unique_in_order(items)) == 800
    """,
}
# Two quadratic functions a rule makes ~100x faster: both keeps are certain, whatever the load.
OPTIMIZE = ("optimize", ".", "--domain", "cpu", "--max-experiments", "4", "--python", PYTHON)


def bot_branch(repo: Path) -> str:
    branches = git(repo, "for-each-ref", "--format=%(refname:short)", "refs/heads/codeflash/")
    assert len(branches.split()) == 1, branches
    return branches


def kept_on_branch(repo: Path) -> list[tuple[str, str]]:
    """(target, rule) of every keep, after checking each idea was tried once and each keep row
    has exactly one optimization commit on the branch (none lost, none doubled)."""
    branch = bot_branch(repo)
    rows = parse_results(git(repo, "show", f"{branch}:.codeflash/results.tsv") + "\n")
    ideas = [(r.target, r.description.split()[0]) for r in rows]
    assert len(ideas) == len(set(ideas)), f"an idea was tried twice: {ideas}"
    commits = [
        line.split()[0]
        for line in git(repo, "log", "--format=%h %s", f"main..{branch}").splitlines()
        if line.split(" ", 1)[1].startswith("⚡ ")
    ]
    kept = [r for r in rows if r.status.value == "keep"]
    assert sorted(r.commit for r in kept) == sorted(commits)
    return sorted((r.target, r.description.split()[0]) for r in kept)


def worktree_admin(repo: Path) -> Path:
    """The admin dir git keeps for the bot's worktree (`.git/worktrees/<id>`)."""
    bots = (repo / ".git" / "codeflash" / "worktrees").resolve()
    (admin,) = [
        d
        for d in (repo / ".git" / "worktrees").iterdir()
        if Path((d / "gitdir").read_text().strip()).resolve().is_relative_to(bots)
    ]
    return admin


def half_added_worktree(repo: Path) -> None:
    """What `git worktree add` killed half-way leaves: the worktree locked as initializing."""
    (worktree_admin(repo) / "locked").write_text("initializing")


def worktree_dir_gone(repo: Path) -> None:
    """The worktree's directory removed behind git's back (tmp cleaner, rm -rf)."""
    (wt,) = (repo / ".git" / "codeflash" / "worktrees").iterdir()
    shutil.rmtree(wt)


def killed_commit(repo: Path) -> None:
    """What `git commit` killed half-way leaves: the worktree's index lock and the ref lock."""
    (worktree_admin(repo) / "index.lock").write_text("")
    ref = repo / ".git" / "refs" / "heads" / f"{bot_branch(repo)}.lock"
    ref.write_text("")


Leftover = Callable[[Path], None] | None

# Each chain kills one run at each of its points in turn (then leaves what a git killed there
# would leave), each run resuming what the killed one before it left; a last run goes to the end.
# The points of a chain come in the order a run reaches them, so every rerun gets at least as far
# as the next point: the chain shares one repo's runs instead of a whole fresh run per point.
# Chains stay short enough to end well within the per-test timeout on a loaded machine.
KILL_CHAINS: list[list[tuple[str, Leftover]]] = [
    [
        ("setup", half_added_worktree),  # the worktree dir present, locked as initializing
        ("claim-temp", None),
        ("state-temp", None),  # setup.md half-written in the mirror
        ("baseline", None),
    ],
    [
        ("profile", None),
        ("capture", worktree_dir_gone),  # the worktree registered, its directory missing
        ("replay", None),
        ("timing", None),
    ],
    [
        ("candidate-temp", None),  # the candidate half-written next to the target
        ("candidate-written", None),
    ],
    [
        ("commit", killed_commit),  # git commit killed: index and ref locks left
        ("results-temp", None),  # first keep committed, its row half-written
    ],
    [
        ("committed:2", None),  # second keep committed, no row yet
        ("publish", None),
        ("published", None),
    ],
]


def chain_id(chain: list[tuple[str, Leftover]]) -> str:
    return ",".join(f"{p}{'+' + f.__name__ if f else ''}" for p, f in chain)


def kill_in_turn(repo: Path, chain: list[tuple[str, Leftover]]) -> None:
    """Run the bot once per point of `chain`, each run killed with SIGKILL at its point."""
    for point, leftover in chain:
        killed = run_bot(*OPTIMIZE, cwd=repo, env={FAULT_ENV: point})
        assert killed.returncode == -signal.SIGKILL, (
            f"never reached {point}: {killed.stderr[-2000:]}"
        )
        if leftover is not None:
            leftover(repo)


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str]]:
    repo = make_repo(tmp_path_factory.mktemp("clean") / "repo", TINY)
    proc = run_bot(*OPTIMIZE, cwd=repo)
    assert proc.returncode == 0, proc.stderr[-2000:]
    kept = kept_on_branch(repo)
    assert len(kept) == 2, kept
    return kept


def assert_nothing_left(repo: Path) -> None:
    proc = run_bot("cleanup", ".", cwd=repo)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert len(git(repo, "worktree", "list", "--porcelain").split("\n\n")) == 1
    left = sorted(p.name for p in (repo / ".git" / "codeflash").iterdir())
    assert set(left) <= set(KEPT_BY_CLEANUP), left
    assert not list((repo / ".git").rglob("*.lock"))
    assert not list((repo / ".git").rglob(f"*{TMP_SUFFIX}"))


@pytest.mark.parametrize("chain", KILL_CHAINS, ids=chain_id)
def test_killed_at_any_point_rerun_converges(
    tmp_path: Path, uninterrupted: list[tuple[str, str]], chain: list[tuple[str, Leftover]]
) -> None:
    repo = make_repo(tmp_path / "repo", TINY)
    before = snapshot(repo)
    for point, leftover in chain:
        kill_in_turn(repo, [(point, leftover)])
        assert snapshot(repo) == before, f"the user's checkout changed by a kill at {point}"

    again = run_bot(*OPTIMIZE, cwd=repo)
    assert again.returncode == 0, again.stderr[-2000:]
    assert kept_on_branch(repo) == uninterrupted
    assert snapshot(repo) == before
    assert_nothing_left(repo)
    assert snapshot(repo) == before


def test_killed_while_choosing_the_domain_leaves_no_worktree(
    tmp_path: Path, uninterrupted: list[tuple[str, str]]
) -> None:
    """`--domain auto` estimates on a detached scratch worktree outside `.git/codeflash`: a kill
    there must not leave it registered in `git worktree list` after a rerun and `cleanup`."""
    repo = make_repo(tmp_path / "repo", TINY)
    before = snapshot(repo)
    auto = tuple("auto" if a == "cpu" else a for a in OPTIMIZE)
    killed = run_bot(*auto, cwd=repo, env={FAULT_ENV: "auto"})
    assert killed.returncode == -signal.SIGKILL, f"never reached auto: {killed.stderr[-2000:]}"
    assert len(git(repo, "worktree", "list", "--porcelain").split("\n\n")) == 2
    again = run_bot(*OPTIMIZE, cwd=repo)
    assert again.returncode == 0, again.stderr[-2000:]
    assert kept_on_branch(repo) == uninterrupted
    assert_nothing_left(repo)
    assert snapshot(repo) == before


def user_checkout_locks(repo: Path) -> None:
    """A `git commit` killed in place: the checkout's index lock and the branch's ref lock."""
    (repo / ".git" / "index.lock").write_text("")
    (repo / ".git" / "refs" / "heads" / f"{bot_branch(repo)}.lock").write_text("")


# Chains as KILL_CHAINS: each run killed at the next point, resuming what the last one left.
IN_PLACE_CHAINS: list[list[tuple[str, Leftover]]] = [
    [("candidate-temp", None), ("candidate-written", None)],
    [("commit", user_checkout_locks), ("publish", None)],
]


@pytest.mark.parametrize("chain", IN_PLACE_CHAINS, ids=chain_id)
def test_killed_in_place_rerun_converges(
    tmp_path: Path, uninterrupted: list[tuple[str, str]], chain: list[tuple[str, Leftover]]
) -> None:
    """On a `codeflash/*` branch the bot works in the checkout itself: what a kill left there
    (a half-written or written candidate, state files, git locks) is undone by the rerun."""
    repo = make_repo(tmp_path / "repo", TINY)
    git(repo, "checkout", "-q", "-b", "codeflash/ds-in-place")
    kill_in_turn(repo, chain)

    again = run_bot(*OPTIMIZE, cwd=repo)
    assert again.returncode == 0, again.stderr[-2000:]
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    assert kept_on_branch(repo) == uninterrupted
    assert_nothing_left(repo)
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""


def test_repair_never_touches_the_users_worktrees_branches_or_locks(tmp_path: Path) -> None:
    """Only what is demonstrably the bot's is repaired: the user's worktree (present or with its
    directory gone), their stale index lock and ref lock all survive a killed run, the rerun and
    `cleanup`."""
    repo = make_repo(tmp_path / "repo", TINY)
    git(repo, "worktree", "add", "-q", str(tmp_path / "mine"), "-b", "feature")
    git(repo, "worktree", "add", "-q", str(tmp_path / "gone"), "-b", "elsewhere")
    shutil.rmtree(tmp_path / "gone")
    users_locks = [repo / ".git" / "index.lock", repo / ".git" / "refs" / "heads" / "feature.lock"]
    for lock in users_locks:
        lock.write_text("")
    worktrees_before = git(repo, "worktree", "list", "--porcelain")

    killed = run_bot(*OPTIMIZE, cwd=repo, env={FAULT_ENV: "commit"})
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    killed_commit(repo)
    again = run_bot(*OPTIMIZE, cwd=repo)
    assert again.returncode == 0, again.stderr[-2000:]
    assert len(kept_on_branch(repo)) == 2
    proc = run_bot("cleanup", ".", cwd=repo)
    assert proc.returncode == 0, proc.stderr[-2000:]

    assert git(repo, "worktree", "list", "--porcelain") == worktrees_before
    assert all(lock.exists() for lock in users_locks)
    assert not list((repo / ".git" / "refs" / "heads" / "codeflash").glob("*.lock"))


@pytest.mark.parametrize("point", ["committed", "recorded"])
def test_cleanup_right_after_a_kill_keeps_the_keep_and_its_row(tmp_path: Path, point: str) -> None:
    """`cleanup` instead of a rerun: the first keep is committed and its row existed only in the
    state mirror (or only as the keep being committed); cleanup puts it in results.tsv before it
    removes the mirror, so no keep is lost."""
    repo = make_repo(tmp_path / "repo", TINY)
    before = snapshot(repo)
    killed = run_bot(*OPTIMIZE, cwd=repo, env={FAULT_ENV: point})
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert_nothing_left(repo)
    assert len(kept_on_branch(repo)) == 1
    assert snapshot(repo) == before
