"""`register(app)` adds the `action` command: the docker entrypoint `codeflash-bot action`."""

from __future__ import annotations

import os

import pytest
import typer
from typer.testing import CliRunner

from codeflash_bot.github import commands_cli
from tests.support.action import EnvFactory, comment_event
from tests.support.fake_github import FakeGitHub


def make_app() -> typer.Typer:
    app = typer.Typer()

    @app.command()
    def other() -> None:  # a second command, so `action` is addressed by name as in cli.py
        pass

    commands_cli.register(app)
    return app


def test_action_command_runs_the_event(
    fake: FakeGitHub, action_env: EnvFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("signal.signal", lambda *a: None)
    env = action_env("issue_comment", comment_event("/codeflash help"))
    for key in ("GIT_CONFIG_COUNT", "GIT_CONFIG_KEY_0", "GIT_CONFIG_VALUE_0"):
        monkeypatch.setenv(key, "0" if key == "GIT_CONFIG_COUNT" else "")  # restored after
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = CliRunner().invoke(make_app(), ["action"])
    assert result.exit_code == 0, result.output
    assert fake.summary()[-1] == "POST R/issues/1/comments"
    # the mounted workspace is trusted for git through the environment, not a config file
    assert os.environ["GIT_CONFIG_KEY_0"] == "safe.directory"
    assert os.environ["GIT_CONFIG_VALUE_0"] == env["GITHUB_WORKSPACE"]


def test_action_command_exit_code_on_bad_event(
    action_env: EnvFactory, fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("signal.signal", lambda *a: None)
    for key, value in action_env("issue_comment", "{truncated").items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("GITHUB_ACTIONS", "false")
    result = CliRunner().invoke(make_app(), ["action"])
    assert result.exit_code == 2
