"""Adds `codeflash-bot action` to the CLI (the docker entrypoint); cli.py calls `register`."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

PHASES = ("", "run", "publish")
PHASE_HELP = (
    "run (read-only job: runs the repository's code, writes --artifact) or publish (write "
    "job: validates the artifact, pushes, talks to the API); default: the `phase` input, "
    "else both in one job"
)


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


def action(
    phase: Annotated[str, typer.Argument(help=PHASE_HELP)] = "",
    artifact: Annotated[
        Path | None,
        typer.Option("--artifact", help="directory the run phase writes, publish reads"),
    ] = None,
) -> None:
    """Run as the GitHub Action: handle the event in GITHUB_EVENT_PATH (docker entrypoint)."""
    from codeflash_bot.github.action import get_input, run_action
    from codeflash_bot.github.phases import publish_phase, run_phase
    from codeflash_bot.github.scrub import reexec_clean, restore_env

    chosen = (phase or get_input(os.environ, "phase") or "").lower()
    if chosen not in PHASES:
        print(
            f"codeflash-bot: error: unknown phase {chosen[:40]!r} (run or publish)", file=sys.stderr
        )
        sys.exit(2)
    if chosen == "run":
        reexec_clean(sys.argv[1:])  # from here on, /proc/<pid>/environ holds no secret
    env = restore_env()
    chosen = (phase or get_input(env, "phase") or "").lower()
    signal.signal(signal.SIGTERM, _interrupt)
    _trust_workspace(env)
    where = artifact or Path(get_input(env, "artifact") or "codeflash-artifact")
    if chosen == "run":
        export_model_keys(env)
        code = run_phase(env, where)
    elif chosen == "publish":
        code = publish_phase(env, where)
    else:
        export_model_keys(env)
        code = run_action(env)
    if code:
        # sys.exit, not typer.Exit: cli.main runs the app with standalone_mode=False, where a
        # typer.Exit code is returned instead of becoming the process's exit status.
        sys.exit(code)


def export_model_keys(env: dict[str, str]) -> None:
    """The model key, when the workflow passed one (env or the `llm-api-key` input), for the
    LLM client of this process only (children's environments are allow-listed)."""
    from codeflash_bot.github.action import get_input
    from codeflash_bot.github.scrub import export_model_keys as export
    from codeflash_bot.propose.llm.providers import ANTHROPIC_KEY_ENV, OPENAI_KEY_ENV

    env = dict(env)
    key = get_input(env, "llm-api-key")
    if key:
        openai = (get_input(env, "llm-provider") or "") == "openai"
        env[OPENAI_KEY_ENV if openai else ANTHROPIC_KEY_ENV] = key
    export(env, (ANTHROPIC_KEY_ENV, OPENAI_KEY_ENV))


def register(app: typer.Typer) -> None:
    app.command(name="action")(action)
