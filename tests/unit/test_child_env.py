"""The environment children get is an allow-list (issue 12, item 2), checked in real children."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from codeflash_bot.config import Config
from codeflash_bot.git import Git
from codeflash_bot.sandbox import run_command
from codeflash_bot.session import child_env as ce
from codeflash_bot.session.setup import detect_setup

SECRETS = {
    "INPUT_GITHUB-TOKEN": "ghs_in",
    "GITHUB_TOKEN": "ghs_tok",
    "ACTIONS_RUNTIME_TOKEN": "rt",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "oidc",
    "ANTHROPIC_API_KEY": "sk-ant",
    "OPENAI_API_KEY": "sk-oa",
    "GITHUB_ENV": "/tmp/env",
    "GITHUB_OUTPUT": "/tmp/out",
    "SOME_NEW_SECRET": "s3",
}
DUMP = "import json, os; print(json.dumps(dict(os.environ)))"


@pytest.fixture
def hostile_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in SECRETS.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    monkeypatch.setenv("PIP_INDEX_URL", "https://mirror.example/simple")
    monkeypatch.setattr(ce, "_extra", ())


def test_sandbox_children_see_only_the_allow_list(hostile_env: None, tmp_path: Path) -> None:
    result = run_command([sys.executable, "-c", DUMP], cwd=tmp_path, timeout=60)
    seen = json.loads(result.stdout)
    assert not set(SECRETS) & set(seen)
    assert seen["LC_ALL"] == "C.UTF-8" and seen["PIP_INDEX_URL"].startswith("https://mirror")
    assert "PATH" in seen


def test_setup_env_and_pass_env(
    hostile_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The target's env (tests, harness) holds no secret; `pass-env` adds named variables
    but never a token, a key or a runner command file."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname='x'\nversion='0'\n")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    monkeypatch.setenv("DATABASE_URL", "postgres://db")
    names = ["DATABASE_URL", "GITHUB_TOKEN", "ACTIONS_RUNTIME_TOKEN"]
    setup = detect_setup(
        tmp_path, Config.model_validate({"python": sys.executable, "pass-env": names})
    )
    env = setup.env(tmp_path)
    proc = subprocess.run([sys.executable, "-c", DUMP], env=env, capture_output=True, text=True)
    seen = json.loads(proc.stdout)
    assert not set(SECRETS) & set(seen)
    assert seen["PYTHONHASHSEED"] == "0" and seen["DATABASE_URL"] == "postgres://db"
    assert ce.is_allowed("DATABASE_URL") and not ce.is_allowed("GITHUB_TOKEN")


def test_bot_git_never_runs_repository_hooks(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    repo.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    hooks = repo / "evil"
    hooks.mkdir()
    ran = tmp_path / "ran"
    for name in ("pre-commit", "post-commit", "reference-transaction"):
        (hooks / name).write_text(f"#!/bin/sh\necho {name} >> {ran}\n")
        (hooks / name).chmod(0o755)
    subprocess.run(["git", "config", "core.hooksPath", str(hooks)], cwd=repo, check=True)
    subprocess.run(["git", "config", "core.fsmonitor", str(hooks / "post-commit")], cwd=repo)
    (repo / "a.py").write_text("x = 1\n")
    git = Git(repo)
    git.commit_paths("one", ["a.py"])
    git.run("status", "--porcelain")
    assert not ran.exists()
    # the same commit through plain git does run them: the test would catch a regression
    (repo / "a.py").write_text("x = 2\n")
    subprocess.run(["git", "commit", "-qam", "two"], cwd=repo, env=plain_git_env())
    assert ran.exists()


def plain_git_env() -> dict[str, str]:
    from codeflash_bot.git import GIT_ENV

    return {"PATH": "/usr/bin:/bin", "HOME": "/", **GIT_ENV}


def test_the_calling_pytest_s_own_state_is_not_passed_on() -> None:
    """The bot run by a pytest (an xdist worker): the project's pytest must not think it is one."""
    base = {
        "PYTEST_ADDOPTS": "-x",
        "PYTEST_XDIST_WORKER": "gw0",
        "PYTEST_XDIST_WORKER_COUNT": "2",
        "PYTEST_CURRENT_TEST": "tests/test_a.py::test_b (call)",
        "PYTEST_VERSION": "9.0",
    }
    assert ce.child_env(base) == {"PYTEST_ADDOPTS": "-x"}
    assert ce.child_env(base, extra=["PYTEST_VERSION"]) == {
        "PYTEST_ADDOPTS": "-x",
        "PYTEST_VERSION": "9.0",
    }
