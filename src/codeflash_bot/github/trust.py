"""Who may make the bot run, and whose code it may run.

Author association in the payload is not enough (it says nothing about write access), so
the permission is asked from the API for every trigger that would start work.
"""

from __future__ import annotations

from github import GithubException

from codeflash_bot.github.context import Context
from codeflash_bot.github.events import PullRequest, User

WRITE_ROLES = frozenset({"admin", "maintain", "write"})

NOT_ALLOWED = (
    "Sorry @{login}, only people with write access to this repository can run codeflash-bot."
)

FORK_REPLY = """\
This pull request comes from a fork (`{head}`). codeflash-bot never checks out and runs a \
fork's code with a write token, so it will not run here.

A maintainer can run it on a copy of the branch inside this repository:

```
gh pr checkout {number}
git push origin HEAD:refs/heads/codeflash-input/pr-{number}
```

then run the **codeflash** workflow on `codeflash-input/pr-{number}` (Actions → codeflash → \
Run workflow), or comment `/codeflash` on a pull request opened from that branch."""


def role_of(ctx: Context, login: str) -> str:
    """The user's role on the repository ("none" if not a collaborator or unknown)."""
    try:
        _, data = ctx.gh.requester.requestJsonAndCheck(
            "GET", ctx.api_path("collaborators", login, "permission")
        )
    except GithubException as exc:
        if exc.status == 404:
            return "none"
        raise
    role = str(data.get("role_name") or "")
    # `permission` is the legacy field (maintain → write, triage → read); role_name is exact.
    return role if role in WRITE_ROLES else str(data.get("permission") or "none")


def may_run(ctx: Context, user: User) -> bool:
    """Write, maintain or admin, and not a bot (the bot must never trigger itself)."""
    if user.is_bot:
        return False
    return role_of(ctx, user.login) in WRITE_ROLES


def fork_reply(pr: PullRequest) -> str:
    head = pr.head.repo.full_name if pr.head.repo else "a deleted repository"
    return FORK_REPLY.format(head=head, number=pr.number)
