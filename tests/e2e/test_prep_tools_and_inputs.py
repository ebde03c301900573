"""prepare-pr/compare on a clone with nothing of the run: inputs captured again, tools installed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from codeflash_bot.errors import BotError
from codeflash_bot.git import Git
from codeflash_bot.prep import compare, draft_pull_request
from codeflash_bot.prep.benchgen import corpus_dirs
from tests.support.git import git
from tests.support.prep_demo import make_repo
from tests.support.repos import write

pytestmark = pytest.mark.slow

TEST_AT_BASE = """\
from demo.core import dedupe


def test_dedupe_keeps_first_occurrences():
    assert dedupe([j % 40 for j in range(400)]) == list(range(40))
"""


def test_prepare_pr_recaptures_inputs_at_base_when_the_corpus_is_missing(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", bench_at_base=False, bench_at_head=False)
    git(repo.root, "switch", "-q", "main")
    write(repo.root, "tests/test_core.py", TEST_AT_BASE)
    write(repo.root, "pyproject.toml", (repo.root / "pyproject.toml").read_text()
          + '\n[tool.pytest.ini_options]\npythonpath = ["src"]\n')  # fmt: skip
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-q", "-m", "tests")
    assert corpus_dirs(Git(repo.root), repo.head, "demo.core:dedupe") == []
    draft = draft_pull_request(repo.root, repo.base, repo.head, passes=1)
    assert draft.recaptured is not None
    assert draft.recaptured.counts == {"demo.core:dedupe": 1}
    assert "re-captured at main" in draft.recaptured.line() and "1 input" in draft.recaptured.line()
    [bench] = draft.benchmarks
    assert bench.skipped is None and bench.input_form == "source"
    source = git(repo.root, "show", f"{repo.head}:{bench.test_file}")
    assert "list(range(40)) * 10," in source  # the captured call, as source
    assert draft.compare is not None and draft.compare.rows  # compare ran: its table is in
    assert "| `test_benchmark_dedupe` |" in draft.body


def _venv_with_pip(path: Path) -> str:
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    return str(path / "bin" / "python")


def test_compare_installs_pytest_benchmark_where_the_bot_may(tmp_path: Path) -> None:
    python = _venv_with_pip(tmp_path / "env")
    repo = make_repo(tmp_path / "r", python=python)
    pyproject = repo.root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "install-tools = true\n", encoding="utf-8")
    result = compare(repo.root, repo.base, repo.head, passes=1)
    assert [r.name for r in result.rows] == ["test_benchmark_dedupe"]
    probe = "import pytest_benchmark"
    assert subprocess.run([python, "-c", probe], check=False).returncode == 0


def test_user_named_env_keeps_the_one_line_error(tmp_path: Path) -> None:
    python = _venv_with_pip(tmp_path / "env")
    repo = make_repo(tmp_path / "r", python=python)
    with pytest.raises(BotError) as exc:
        compare(repo.root, repo.base, repo.head, passes=1)
    assert "pytest-benchmark" in str(exc.value) and "\n" not in str(exc.value)
    assert subprocess.run([python, "-c", "import pytest"], check=False).returncode != 0
