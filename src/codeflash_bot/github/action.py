"""`codeflash-bot action`: the docker entrypoint's logic, callable with any environment.

Reads what the runner provides (GITHUB_EVENT_NAME, GITHUB_EVENT_PATH, GITHUB_REPOSITORY,
GITHUB_WORKSPACE, GITHUB_API_URL, INPUT_*), routes the event, and reports through step
outputs and the job summary. The token is masked before anything else is printed.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import github_action_utils as gha
from pydantic import ValidationError

from codeflash_bot.errors import BotError
from codeflash_bot.github.client import DEFAULT_API_URL, api_errors, make_client
from codeflash_bot.github.commands import CommandError, parse_domain
from codeflash_bot.github.context import Context, Inputs, Optimize, Outcome
from codeflash_bot.github.events import load_event
from codeflash_bot.github.outbox import PLACEHOLDER_URL
from codeflash_bot.github.router import router
from codeflash_bot.loop import optimize as run_loop

_REPO = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
_FILES = ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY")


def get_input(env: Mapping[str, str], name: str) -> str | None:
    """`INPUT_<NAME>` as the runner sets it (hyphens kept), `_` spelling as a fallback."""
    for key in (f"INPUT_{name.upper()}", f"INPUT_{name.upper().replace('-', '_')}"):
        value = env.get(key)
        if value is not None and value.strip():
            return value.strip()
    return None


def token_of(env: Mapping[str, str]) -> str | None:
    return get_input(env, "github-token") or env.get("GITHUB_TOKEN") or None


def parse_inputs(env: Mapping[str, str]) -> Inputs:
    """The action inputs; a bad value is a one-line error naming the input."""
    pr_mode = get_input(env, "pr-mode") or "false"
    raw = {
        "domain": get_input(env, "domain"),
        "target": get_input(env, "target"),
        "budget_minutes": get_input(env, "budget-minutes"),
        "min_improvement": get_input(env, "min-improvement"),
        "max_experiments": get_input(env, "max-experiments"),
        "guard": get_input(env, "guard"),
        "python_version": get_input(env, "python-version"),
        "pr_mode": pr_mode,
        "pr_budget_minutes": get_input(env, "pr-budget-minutes") or "10",
        "proposer": get_input(env, "proposer"),
        "llm_provider": get_input(env, "llm-provider"),
        "llm_model": get_input(env, "llm-model"),
        "llm_base_url": get_input(env, "llm-base-url"),
        "allow_bot_prs": get_input(env, "allow-bot-prs") or "false",
    }
    try:
        if pr_mode.lower() not in ("true", "false"):
            raise BotError(f"input pr-mode: expected true or false, got {pr_mode[:20]!r}")
        if raw["domain"] is not None:
            raw["domain"] = parse_domain(raw["domain"]).value
        return Inputs.model_validate(raw)
    except CommandError as exc:
        raise BotError(f"input domain: {str(exc).splitlines()[0]}") from exc
    except ValidationError as exc:
        err = exc.errors()[0]
        name = str(err["loc"][0]).replace("_", "-") if err["loc"] else "input"
        raise BotError(f"input {name}: {err['msg']}") from exc


def _required(env: Mapping[str, str], key: str) -> str:
    value = env.get(key, "").strip()
    if not value:
        raise BotError(f"{key} is not set; `codeflash-bot action` runs inside GitHub Actions")
    return value


@contextlib.contextmanager
def _runner_files(env: Mapping[str, str]) -> Iterator[None]:
    """github-action-utils reads os.environ: point it at `env`'s output/summary files."""
    saved = {key: os.environ.get(key) for key in _FILES}
    try:
        for key in _FILES:
            if env.get(key):
                os.environ[key] = env[key]
            else:
                os.environ.pop(key, None)
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _report(outcome: Outcome, event: str, error: str | None = None) -> None:
    """Step outputs and job summary (skipped when the runner files are absent)."""
    if os.environ.get("GITHUB_OUTPUT"):
        best = outcome.best_improvement
        gha.set_output("branch", outcome.branch)
        if not outcome.pr_url.startswith(PLACEHOLDER_URL):  # run phase: publish sets it
            gha.set_output("pr-url", outcome.pr_url)
        gha.set_output("kept", str(outcome.kept))
        gha.set_output("best-improvement", "" if best is None else f"{best:.1f}")
    if os.environ.get("GITHUB_STEP_SUMMARY"):
        lines = [f"## ⚡ codeflash-bot ({event})", ""]
        if error:
            lines.append(f"❌ {error}")
        lines += outcome.summary or ([] if error else ["Nothing to do for this event."])
        text = re.sub(
            re.escape(PLACEHOLDER_URL) + r"\d+", "(opened by the publish job)", "\n".join(lines)
        )
        gha.append_job_summary(text)


def run_action(
    env: Mapping[str, str],
    *,
    on_context: Callable[[Context], None] | None = None,
    outcome: Outcome | None = None,
    optimize: Optimize = run_loop,
) -> int:
    """Handle the event described by `env`; returns the process exit code.

    `on_context` sees the job's Context before any handler runs (the run phase uses it to
    record API writes instead of sending them); `outcome` receives what the run did;
    `optimize` is the experiment loop a trigger runs (tests pass a fake one)."""
    token = token_of(env)
    if token:
        gha.add_mask(token)
    outcome = outcome if outcome is not None else Outcome()
    event = env.get("GITHUB_EVENT_NAME", "?")
    with _runner_files(env):
        try:
            _handle(env, token, outcome, on_context, optimize)
        except BotError as exc:
            message = str(exc).replace(token, "***") if token else str(exc)
            gha.error(message, title="codeflash-bot")
            print(f"codeflash-bot: error: {message}", file=sys.stderr)
            outcome.error = message
            _report(outcome, event, message)
            return exc.exit_code
        _report(outcome, event)
    return 0


def _handle(
    env: Mapping[str, str],
    token: str | None,
    outcome: Outcome,
    on_context: Callable[[Context], None] | None = None,
    optimize: Optimize = run_loop,
) -> None:
    name = _required(env, "GITHUB_EVENT_NAME")
    path = Path(_required(env, "GITHUB_EVENT_PATH"))
    full_name = _required(env, "GITHUB_REPOSITORY")
    if not _REPO.fullmatch(full_name):
        raise BotError(f"GITHUB_REPOSITORY {full_name[:80]!r} is not owner/name")
    payload = load_event(name, path)
    if payload is None:
        gha.notice(f"codeflash-bot does not handle {name} events; nothing to do")
        return
    if not token:
        raise BotError("no token: set the action's `github-token` input")
    inputs = parse_inputs(env)
    if inputs.python_version and not sys.version.startswith(inputs.python_version):
        gha.warning(
            f"python-version {inputs.python_version} asked, but the action's image runs "
            f"Python {sys.version.split()[0]}; set `python` in [tool.codeflash-bot] to point "
            "at another interpreter"
        )
    repository = getattr(payload, "repository", None)
    ctx = Context(
        gh=make_client(token, env.get("GITHUB_API_URL") or DEFAULT_API_URL),
        full_name=full_name,
        workspace=Path(env.get("GITHUB_WORKSPACE") or ".").resolve(),
        token=token,
        api_url=env.get("GITHUB_API_URL") or DEFAULT_API_URL,
        server_url=(env.get("GITHUB_SERVER_URL") or "https://github.com").rstrip("/"),
        run_id=env.get("GITHUB_RUN_ID") or None,
        event_name=name,
        default_branch=(repository.default_branch if repository else None)
        or env.get("GITHUB_REF_NAME")
        or None,
        inputs=inputs,
        outcome=outcome,
        bot_login=get_input(env, "bot-login") or "github-actions[bot]",
        optimize=optimize,
    )
    if on_context is not None:
        on_context(ctx)
    with api_errors():
        if not router.dispatch(ctx, name, payload):
            action = getattr(payload, "action", None)
            gha.echo(f"codeflash: {name}{'.' + action if action else ''} is not a trigger")
