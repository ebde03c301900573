"""Candidates from a test proposer through the real loop: replay, timeouts, guard, A/A."""

from __future__ import annotations

from pathlib import Path

import pytest

from codeflash_bot.config import Config
from codeflash_bot.harness_runner import HarnessRunner
from codeflash_bot.loop import optimize
from codeflash_bot.measure.decide import judge
from codeflash_bot.measure.timing import measure
from codeflash_bot.models import Domain, Request, Target
from codeflash_bot.session.setup import SetupInfo
from codeflash_bot.session.state import parse_results
from tests.support.fakes import Ideas
from tests.support.git import git
from tests.support.paths import PYTHON
from tests.support.repos import bot_branch, make_repo, snapshot

pytestmark = pytest.mark.slow

FILES = {
    "pyproject.toml": """
        [project]
        name = "small"
        version = "0"
        [tool.pytest.ini_options]
        pythonpath = ["src"]
    """,
    "src/small/__init__.py": "",
    "src/small/core.py": """
        def normalize(words):
            out = []
            for w in words:
                out.append(w.strip().lower())
            return out


        SEEN = []


        def remember(word):
            SEEN.append(word)
            return word.upper()


        def work(n):
            total = 0
            for i in range(n):
                total += i * i
            return total
    """,
    "tests/test_core.py": """
        from small.core import normalize, remember, work

        def test_normalize_keeps_length():
            words = [f"  Word{i} " for i in range(2000)]
            assert len(normalize(words)) == 2000

        def test_remember():
            assert [remember(w) for w in ("a", "b", "c")] == ["A", "B", "C"]

        def test_work():
            assert work(20000) == sum(i * i for i in range(20000))
    """,
}


def run(repo: Path, ideas, **request) -> list:
    config = Config(python=PYTHON, candidate_timeout=5)
    optimize(Request(repo=repo, domain=Domain.CPU, **request), config, proposers=[Ideas(ideas)])
    branch = bot_branch(repo)
    return parse_results(git(repo, "show", f"{branch}:.codeflash/results.tsv") + "\n")


def test_behaviour_change_the_tests_miss_is_rejected_by_replay(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", FILES)
    before = snapshot(repo)
    wrong = ("T001", lambda s: s.replace("w.strip().lower()", "w.lower()"))
    rows = run(repo, [wrong], target="small.core:normalize")
    assert [r.status.value for r in rows] == ["discard"]
    assert "behaviour differs" in rows[0].description
    assert snapshot(repo) == before


def test_dropped_module_state_effect_the_tests_miss_is_rejected_by_replay(tmp_path: Path) -> None:
    # remember() returns the same without its append, and runs faster: only comparing what
    # the call leaves in the module tells the two apart.
    repo = make_repo(tmp_path / "r", FILES)
    before = snapshot(repo)
    forgetful = ("T005", lambda s: s.replace("    SEEN.append(word)\n", ""))
    rows = run(repo, [forgetful], target="small.core:remember")
    assert [r.status.value for r in rows] == ["discard"], rows[0].description
    assert "module global `SEEN`" in rows[0].description
    assert snapshot(repo) == before


def test_hanging_candidate_is_a_crash_row_and_the_run_goes_on(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", FILES)
    before = snapshot(repo)
    hang = ("T002", lambda s: s.replace("    total = 0\n", "    while True:\n        pass\n"))
    fast = (
        "T003",
        lambda s: s.replace(
            "    total = 0\n    for i in range(n):\n        total += i * i\n    return total",
            "    return (n - 1) * n * (2 * n - 1) // 6",
        ),
    )
    rows = run(repo, [hang, fast], target="small.core:work")
    assert [r.status.value for r in rows] == ["crash", "keep"]
    assert "timed out" in rows[0].description
    assert snapshot(repo) == before
    branch = bot_branch(repo)
    assert "(n - 1) * n" in git(repo, "show", f"{branch}:src/small/core.py")


def test_memory_exploding_candidate_is_a_crash_row(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", FILES)
    boom = (
        "T004",
        lambda s: s.replace("    total = 0\n", "    x = [0] * (10 ** 10)\n    total = 0\n"),
    )
    rows = run(repo, [boom], target="small.core:work")
    assert rows[0].status.value == "crash", rows[0].description
    assert "memory" in rows[0].description


def test_failing_guard_discards_and_restores(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", FILES)
    guard_script = repo / "guard.py"
    guard_script.write_text(
        "import pathlib, sys\n"
        "sys.exit('(n - 1)' in pathlib.Path('src/small/core.py').read_text())\n"
    )
    git(repo, "add", "guard.py")
    git(repo, "commit", "-qm", "guard")
    before = snapshot(repo)
    fast = (
        "T003",
        lambda s: s.replace(
            "    total = 0\n    for i in range(n):\n        total += i * i\n    return total",
            "    return (n - 1) * n * (2 * n - 1) // 6",
        ),
    )
    rows = run(repo, [fast], target="small.core:work", guard=f"{PYTHON} guard.py")
    assert [r.status.value for r in rows] == ["discard"]
    assert "guard command fails" in rows[0].description
    assert snapshot(repo) == before


def _setup(repo: Path) -> SetupInfo:
    return SetupInfo(
        python=PYTHON,
        python_version="3",
        pythonpath=["src", "."],
        test_command=[PYTHON, "-m", "pytest"],
        tests_found=["tests/test_core.py"],
        package_manager="pip",
        install_command="pip install -e .",
        env_source="configured",
    )


@pytest.mark.parametrize(
    ("label", "rewrite"),
    [
        ("no-op", lambda s: s),
        # ~3 % less work: the loop skips its last 3 % of iterations, identical result for n=0
        (
            "3% faster",
            lambda s: s.replace("for i in range(n):", "for i in range(n - n * 3 // 100):"),
        ),
    ],
)
def test_aa_no_op_and_3_percent_are_never_kept(tmp_path: Path, label: str, rewrite) -> None:
    import pickle

    repo = make_repo(tmp_path / "r", FILES)
    source = (repo / "src/small/core.py").read_text()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "0000.pkl").write_bytes(pickle.dumps({"args": (20000,), "kwargs": {}}))
    target = Target(module="small.core", qualname="work", file=Path("src/small/core.py"), lineno=17)
    setup = _setup(repo)
    keeps, gains, cpu_gains = 0, [], []
    for _ in range(20):

        def once():
            return measure(
                HarnessRunner.for_project(setup, repo, 2048),
                target,
                rewrite(source),
                [corpus / "0000.pkl"],
                fresh_args=False,
                timeout=60,
            )

        verdict = judge(once, 10.0, 3.0)
        first = verdict.measurements[0]
        gains.append(round(first.gain * 100, 1))
        cpu_gains.append(round(first.cpu.gain * 100, 1) if first.cpu else None)
        keeps += verdict.status.value == "keep"
    print(f"{label}: first-measurement gains % = {gains}, in CPU time = {cpu_gains}")
    assert None not in cpu_gains  # cf_timing reads both clocks
    assert keeps == 0
