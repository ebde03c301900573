"""Adds `codeflash-bot action` to the CLI (the docker entrypoint); cli.py calls `register`."""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType

import typer


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """A cancelled workflow sends SIGTERM: unwind so the status comment says "stopped"."""
    raise KeyboardInterrupt


def _trust_workspace(env: dict[str, str]) -> None:
    """The container runs as another uid than the runner that checked the repo out; without
    this, git refuses the workspace ("dubious ownership"). Set through GIT_CONFIG_* for this
    process only, never written to a config file."""
    workspace = env.get("GITHUB_WORKSPACE")
    if env.get("GITHUB_ACTIONS") != "true" or not workspace:
        return
    index = int(env.get("GIT_CONFIG_COUNT", "0") or 0)
    os.environ["GIT_CONFIG_COUNT"] = str(index + 1)
    os.environ[f"GIT_CONFIG_KEY_{index}"] = "safe.directory"
    os.environ[f"GIT_CONFIG_VALUE_{index}"] = workspace


def action() -> None:
    """Run as the GitHub Action: handle the event in GITHUB_EVENT_PATH (docker entrypoint)."""
    from codeflash_bot.github.action import run_action

    signal.signal(signal.SIGTERM, _interrupt)
    _trust_workspace(dict(os.environ))
    code = run_action(dict(os.environ))
    if code:
        # sys.exit, not typer.Exit: cli.main runs the app with standalone_mode=False, where a
        # typer.Exit code is returned instead of becoming the process's exit status.
        sys.exit(code)


def register(app: typer.Typer) -> None:
    app.command(name="action")(action)
