"""`action run` and `action publish`: repository code and the write token never share a job.

run (read-only token; runs the repository's tests, installs, candidates): the usual handlers,
with every API write recorded (github/outbox.py) and the branch bundled (github/push.py); at
the end the artifact directory gets manifest.json. It exits 0 once the artifact is written,
even when the run failed: the manifest carries the error, and publish reports it and fails.

publish (write token; cwd may be empty): reads the same event file and the artifact, checks
both, imports the bundle into a fresh bare repository, pushes to
`$GITHUB_SERVER_URL/$GITHUB_REPOSITORY.git` and replays the writes. It never checks out,
imports, installs or runs anything from the repository.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import github_action_utils as gha
from pydantic import ValidationError

from codeflash_bot.errors import BotError
from codeflash_bot.git import Git
from codeflash_bot.github import remote
from codeflash_bot.github.action import (
    _REPO,
    _report,
    _required,
    _runner_files,
    get_input,
    token_of,
)
from codeflash_bot.github.artifact import Manifest, Outcome, load_artifact, write_artifact
from codeflash_bot.github.bundle import import_bundle, origin_url
from codeflash_bot.github.client import DEFAULT_API_URL, api_errors, make_client
from codeflash_bot.github.context import Context, Optimize
from codeflash_bot.github.context import Outcome as JobOutcome
from codeflash_bot.github.events import Payload, load_event
from codeflash_bot.github.outbox import Outbox, Push, defer_writes
from codeflash_bot.github.replay import Replayer, allowed_by, review_files
from codeflash_bot.loop import optimize as run_loop

DEFAULT_BOT_LOGIN = "github-actions[bot]"


def event_number(payload: Payload | None) -> int | None:
    """The issue or PR the event is about (None for schedule/dispatch)."""
    for name in ("issue", "pull_request"):
        item = getattr(payload, name, None)
        if item is not None:
            return int(item.number)
    return None


def _empty_dir(path: Path) -> Path:
    """Checked now, created when the first file is written: an artifact directory inside the
    checkout must not make the tree look dirty to the loop."""
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise BotError(f"--artifact {path}: must be a new or empty directory")
    return path.resolve()


def run_phase(env: Mapping[str, str], artifact: Path, *, optimize: Optimize = run_loop) -> int:
    """Handle the event with writes deferred; write the artifact. Exit code 0 once written.
    `optimize` is the experiment loop a trigger runs (tests pass a fake one)."""
    from codeflash_bot.github.action import run_action

    try:
        artifact = _empty_dir(Path(artifact))
    except BotError as exc:
        print(f"codeflash-bot: error: {exc}", file=sys.stderr)
        return exc.exit_code
    contexts: list[Context] = []

    def arm(ctx: Context) -> None:
        remote.pin_origin(origin_url(ctx.server_url, ctx.full_name))
        ctx.outbox = Outbox(ctx.repo.url)
        ctx.artifact_dir = artifact
        defer_writes(ctx.gh, ctx.outbox)
        contexts.append(ctx)

    outcome = JobOutcome()
    try:
        code = run_action(env, on_context=arm, outcome=outcome, optimize=optimize)
    finally:
        remote.pin_origin(None)
    number = None
    with contextlib.suppress(BotError):
        name, path = env.get("GITHUB_EVENT_NAME", ""), env.get("GITHUB_EVENT_PATH", "")
        number = event_number(load_event(name, Path(path))) if name and path else None
    outbox = contexts[0].outbox if contexts else None
    staged = outbox.staged if outbox is not None else None
    try:
        manifest = _manifest(env, number, outbox, staged, outcome, code)
    except ValidationError as exc:  # e.g. a PR body past GitHub's 65,536 characters
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "manifest"
        print(f"codeflash-bot: error: artifact {where}: {err['msg']}", file=sys.stderr)
        return 2
    write_artifact(artifact, manifest)
    gha.echo(f"codeflash: artifact written to {artifact} ({len(manifest.writes)} write(s))")
    return 0


def _manifest(
    env: Mapping[str, str],
    number: int | None,
    outbox: Outbox | None,
    staged: Any,
    outcome: JobOutcome,
    code: int,
) -> Manifest:
    return Manifest(
        trigger=env.get("GITHUB_EVENT_NAME", "")[:64],
        number=number,
        base=outbox.base if outbox is not None else None,
        base_sha=staged.base_sha if staged else None,
        branch=staged.branch if staged else None,
        head_sha=staged.head_sha if staged else None,
        pr_head_sha=outbox.pr_head if outbox is not None else None,
        files=staged.files if staged else [],
        writes=list(outbox.entries) if outbox is not None else [],
        outcome=Outcome(
            branch=outcome.branch,
            kept=outcome.kept,
            best_improvement=outcome.best_improvement,
            summary=outcome.summary[:400],
        ),
        exit_code=min(code, 255),
        error=outcome.error[:2000] or None,
    )


def publish_phase(env: Mapping[str, str], artifact: Path) -> int:
    """Validate the artifact against the event, push and replay; the run's exit code."""
    token = token_of(env)
    if token:
        gha.add_mask(token)
    job = JobOutcome()
    event = env.get("GITHUB_EVENT_NAME", "?")
    with _runner_files(env):
        try:
            manifest = _publish(env, token, Path(artifact), job)
        except BotError as exc:
            message = str(exc).replace(token, "***") if token else str(exc)
            gha.error(message, title="codeflash-bot publish")
            print(f"codeflash-bot: error: {message}", file=sys.stderr)
            _report(job, event, message)
            return exc.exit_code
        if manifest.error:
            gha.error(manifest.error, title="codeflash-bot")
            print(f"codeflash-bot: error: {manifest.error}", file=sys.stderr)
        _report(job, event, manifest.error)
    return manifest.exit_code


def _publish(
    env: Mapping[str, str], token: str | None, artifact: Path, job: JobOutcome
) -> Manifest:
    name = _required(env, "GITHUB_EVENT_NAME")
    full_name = _required(env, "GITHUB_REPOSITORY")
    if not _REPO.fullmatch(full_name):
        raise BotError(f"GITHUB_REPOSITORY {full_name[:80]!r} is not owner/name")
    payload = load_event(name, Path(_required(env, "GITHUB_EVENT_PATH")))
    manifest = load_artifact(artifact)
    if manifest.trigger != name:
        raise BotError(f"manifest: made for a {manifest.trigger!r} event, this is {name!r}")
    if manifest.number != event_number(payload):
        raise BotError("manifest: its issue/PR number is not the event's")
    job.kept, job.best_improvement = manifest.outcome.kept, manifest.outcome.best_improvement
    job.summary = list(manifest.outcome.summary)
    if not manifest.writes:
        return manifest
    if not token:
        raise BotError("no token: set the action's `github-token` input")
    server = (env.get("GITHUB_SERVER_URL") or "https://github.com").rstrip("/")
    api_url = env.get("GITHUB_API_URL") or DEFAULT_API_URL
    ctx = Context(
        gh=make_client(token, api_url),
        full_name=full_name,
        workspace=Path.cwd(),
        token=token,
        api_url=api_url,
        server_url=server,
        run_id=env.get("GITHUB_RUN_ID") or None,
        event_name=name,
    )
    imported: Git | None = None
    if manifest.branch:  # validated before any write is sent
        imported = import_bundle(manifest, artifact, origin_url(server, full_name), token)

    def push(entry: Push) -> None:
        if imported is None:
            raise BotError("manifest: a push without a branch")
        remote.push_bot_branch(imported, entry.branch, token, lease=entry.lease)
        job.branch = entry.branch

    bot_login = get_input(env, "bot-login") or DEFAULT_BOT_LOGIN
    reviewable = review_files(imported, manifest) if imported is not None else frozenset()
    replayer = Replayer(ctx, manifest, allowed_by(payload), push, bot_login, reviewable)
    try:
        with api_errors():
            replayer.run()
    finally:
        if imported is not None:
            shutil.rmtree(imported.cwd, ignore_errors=True)
    job.pr_url = replayer.pr_url
    job.summary = [replayer.resolve(line) for line in job.summary]  # "#<placeholder>" -> real
    return manifest
