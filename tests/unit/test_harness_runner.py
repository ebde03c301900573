"""HarnessRunner: one way to run a harness child, every failure one HarnessError (real children)."""

from __future__ import annotations

import sys
import textwrap
import time
from pathlib import Path

import pytest

from codeflash_bot.harness_runner import CANDIDATE_FILE, HarnessRunner
from codeflash_bot.sandbox import HarnessError, set_deadline
from codeflash_bot.session.setup import SetupInfo
from tests.support.setup_info import configured_setup

# Each script gets the spec path as argv[1] and must write its reply to spec["out"].
SCRIPTS = {
    "echo.py": """
        import json, os, sys
        spec = json.load(open(sys.argv[1]))
        cand = spec.get("candidate_file")
        reply = {
            "spec": spec,
            "candidate": open(cand).read() if cand else None,
            "cwd": os.getcwd(),
            "env": sorted(os.environ),
        }
        json.dump(reply, open(spec["out"], "w"))
    """,
    "garbled.py": """
        import json, sys
        open(json.load(open(sys.argv[1]))["out"], "w").write('{"baseline": 1.0,')
    """,
    "listing.py": """
        import json, sys
        json.dump([1, 2], open(json.load(open(sys.argv[1]))["out"], "w"))
    """,
    "crash.py": """
        raise RuntimeError("the harness fell over")
    """,
    "silent.py": """
        pass
    """,
    "sleep.py": """
        import time
        time.sleep(600)
    """,
    "hog.py": """
        x = bytearray(4_000_000_000)
    """,
}


def setup_for() -> SetupInfo:
    return configured_setup()


@pytest.fixture
def runner(tmp_path: Path) -> HarnessRunner:
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    for name, text in SCRIPTS.items():
        (scripts / name).write_text(textwrap.dedent(text), encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    made = HarnessRunner.for_project(setup_for(), project, 1024)
    return HarnessRunner(made.python, made.root, made.env, made.memory_mb, scripts=scripts)


def test_spec_and_candidate_reach_the_child_in_the_project(runner: HarnessRunner) -> None:
    out = runner.run("echo.py", {"module": "m", "n": 3}, timeout=60, candidate="def f():\n")
    assert out["candidate"] == "def f():\n"
    assert Path(out["spec"]["candidate_file"]).name == CANDIDATE_FILE
    assert {k: out["spec"][k] for k in ("module", "n")} == {"module": "m", "n": 3}
    assert Path(out["cwd"]).resolve() == runner.root.resolve()
    # the candidate's temporary file is gone once the child has answered
    assert not Path(out["spec"]["candidate_file"]).exists()


def test_no_candidate_no_candidate_file(runner: HarnessRunner) -> None:
    out = runner.run("echo.py", {}, timeout=60)
    assert "candidate_file" not in out["spec"] and out["candidate"] is None


def test_the_child_gets_the_allow_listed_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_secret")
    monkeypatch.setenv("CODEFLASH_TEST_UNLISTED", "x")
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    (scripts / "echo.py").write_text(textwrap.dedent(SCRIPTS["echo.py"]), encoding="utf-8")
    made = HarnessRunner.for_project(setup_for(), tmp_path, None)
    out = HarnessRunner(made.python, made.root, made.env, scripts=scripts).run(
        "echo.py", {}, timeout=60
    )
    assert "GITHUB_TOKEN" not in out["env"] and "CODEFLASH_TEST_UNLISTED" not in out["env"]
    assert {"PYTHONPATH", "PYTHONHASHSEED"} <= set(out["env"])


@pytest.mark.parametrize(
    ("script", "message"),
    [
        ("garbled.py", "garbled.py wrote a malformed reply"),
        ("listing.py", "listing.py wrote a list, not a JSON object"),
        ("crash.py", "RuntimeError: the harness fell over"),
        ("silent.py", "exit code 0"),
        ("hog.py", "ran out of memory (memory limit)"),
    ],
)
def test_every_failure_is_one_harness_error(
    runner: HarnessRunner, script: str, message: str
) -> None:
    with pytest.raises(HarnessError) as info:
        runner.run(script, {}, timeout=60)
    assert message in str(info.value) and not info.value.timed_out


def test_a_hung_child_is_a_timeout(runner: HarnessRunner) -> None:
    with pytest.raises(HarnessError) as info:
        runner.run("sleep.py", {}, timeout=1)
    assert info.value.timed_out and "timed out after 1 s" in str(info.value)


def test_the_runs_deadline_cuts_a_longer_timeout(runner: HarnessRunner) -> None:
    set_deadline(time.monotonic() + 2)
    try:
        with pytest.raises(HarnessError) as info:
            runner.run("sleep.py", {}, timeout=600)
    finally:
        set_deadline(None)
    assert info.value.timed_out and "timed out after 600 s" not in str(info.value)


def test_command_runs_the_projects_interpreter_in_the_checkout(runner: HarnessRunner) -> None:
    done = runner.command(["-c", "import os, sys; print(sys.executable, os.getcwd())"], timeout=60)
    python, cwd = done.stdout.split()
    assert done.ok and python == sys.executable
    assert Path(cwd).resolve() == runner.root.resolve()
