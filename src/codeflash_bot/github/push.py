"""Where a handler's "push this branch" goes: origin directly, or the run phase's bundle.

In the run phase the job holds a read-only token, so the branch is bundled into the artifact
and the push is recorded for the publish phase, which performs it after validation.
"""

from __future__ import annotations

import contextlib

from codeflash_bot.errors import BotError
from codeflash_bot.git import Git
from codeflash_bot.github import remote
from codeflash_bot.github.artifact import STATE_COPIES
from codeflash_bot.github.bundle import stage_branch
from codeflash_bot.github.context import Context
from codeflash_bot.session.state import STATE_DIR


def push_branch(
    ctx: Context, git: Git, branch: str, *, lease: str | None, base: str | None = None
) -> None:
    """Push `branch` (leasing origin's `lease`), or stage it when a run phase is recording."""
    outbox = ctx.outbox
    if outbox is None or ctx.artifact_dir is None:
        remote.push_bot_branch(git, branch, ctx.token, lease=lease)
        return
    base_sha = None
    if base is not None:
        tip = remote.fetch_ref(git, base, ctx.token)
        base_sha = git.out("merge-base", f"refs/heads/{branch}", tip)
    outbox.staged = stage_branch(git, branch, ctx.artifact_dir, lease=lease, base_sha=base_sha)
    outbox.base = base
    outbox.push(branch, lease)
    for name in STATE_COPIES:  # for people reading the artifact; publish never uses them
        with contextlib.suppress(BotError):
            proc = git.run("show", f"refs/heads/{branch}:{STATE_DIR}/{name}", check=False)
            if proc.returncode == 0:
                (ctx.artifact_dir / name).write_text(proc.stdout, encoding="utf-8")
