"""Who may make the bot run, and whose code it may run.

Author association in the payload is not enough (it says nothing about write access), so
the permission is asked from the API for every trigger that would start work.
"""

from __future__ import annotations

from github import GithubException

from codeflash_bot.errors import BotError
from codeflash_bot.github.context import Context
from codeflash_bot.github.events import PullRequest, User

WRITE_ROLES = frozenset({"admin", "maintain", "write"})

NOT_ALLOWED = (
    "Sorry @{login}, only people with write access to this repository can run codeflash-bot."
)

FORK_REPLY = """\
This pull request comes from a fork (`{head}`). codeflash-bot runs the code it optimizes \
(tests, install hooks, candidates), and it never runs a fork's code from this repository's \
workflows, so it will not run here.

Once the change is reviewed and merged, comment `/codeflash` on an issue (or run the \
**codeflash** workflow) to optimize it. The author can also run it on their own machine or \
fork: `pip install codeflash-bot && codeflash-bot optimize` in a checkout of the branch."""

BOT_PR_REPLY = (
    "This pull request was opened by a bot (`{login}`). codeflash-bot does not run the code of "
    "bot-authored pull requests unless the workflow sets `allow-bot-prs: true`."
)

REFUSED_MARKER = "<!-- codeflash-bot:refused {login} -->"


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


def refuse_once(ctx: Context, number: int, login: str) -> None:
    """Tell `login` they may not run the bot, once per issue: a repeated comment costs the
    repository no new notification (the bot's own earlier answer carries a marker)."""
    marker = REFUSED_MARKER.format(login=login.lower())
    issue = ctx.repo.get_issue(number)
    for comment in issue.get_comments():
        user = comment.user.login if comment.user is not None else ""
        if user == ctx.bot_login and marker in (comment.body or ""):
            return
    issue.create_comment(ctx.redact(f"{NOT_ALLOWED.format(login=login)}\n\n{marker}"))


def bot_authored(ctx: Context, pr: PullRequest) -> str | None:
    """The reply refusing a bot-authored PR, or None when it may run."""
    if pr.user is None or not pr.user.is_bot or ctx.inputs.allow_bot_prs:
        return None
    return BOT_PR_REPLY.format(login=pr.user.login)


def fork_reply(pr: PullRequest) -> str:
    head = pr.head.repo.full_name if pr.head.repo else "a deleted repository"
    return FORK_REPLY.format(head=head, number=pr.number)


def require_seen_head(pr: PullRequest, fetched: str) -> None:
    """Run only the code the person (or event) that asked has seen: the fetched head must be
    the sha the event or the API named; a push in between is someone else's code."""
    if fetched != pr.head.sha:
        raise BotError(
            f"the pull request's head moved since it was read ({pr.head.sha[:12]} "
            f"-> {fetched[:12]}); not running code nobody asked for — trigger it again"
        )
