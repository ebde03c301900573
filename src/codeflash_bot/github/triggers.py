"""What the bot does for each trigger: plain functions taking (ctx, payload).

Every path that could start work checks, in this order: the sender is not a bot, the text or
label is addressed to the bot, the sender has write access (asked from the API), the PR is not
from a fork. Only then is anything acknowledged, checked out or run.
"""

from __future__ import annotations

import time
from contextlib import ExitStack

import github_action_utils as gha

from codeflash_bot.errors import BotError
from codeflash_bot.git import BOT_BRANCH_PREFIX, open_repo
from codeflash_bot.github import remote
from codeflash_bot.github.commands import (
    HELP,
    Command,
    CommandError,
    Kind,
    is_for_bot,
    parse_comment,
    parse_domain,
    parse_label,
    parse_target,
)
from codeflash_bot.github.context import Context
from codeflash_bot.github.events import (
    IssueCommentEvent,
    IssuesEvent,
    PullRequest,
    PullRequestEvent,
    ReviewCommentEvent,
    ScheduleEvent,
    WorkflowDispatchEvent,
)
from codeflash_bot.github.feedback import Feedback, add_feedback
from codeflash_bot.github.pr_mode import pr_command, run_pr_mode
from codeflash_bot.github.push import push_branch
from codeflash_bot.github.run import Trigger, reply, run_optimization
from codeflash_bot.github.sticky import RUNNING, RunState, Sticky
from codeflash_bot.github.trust import bot_authored, fork_reply, may_run, refuse_once
from codeflash_bot.session.recovery import branch_worktree
from codeflash_bot.session.state import CONVENTIONS, STATE_DIR

EYES = "eyes"
_TEXT_MAX = 4000


def ignore(why: str) -> None:
    gha.echo(f"codeflash: nothing to do ({why})")


def fetch_pull(ctx: Context, number: int) -> PullRequest:
    """The PR behind an issue comment (the comment payload lacks head/base)."""
    _, data = ctx.gh.requester.requestJsonAndCheck("GET", ctx.api_path("pulls", number))
    return PullRequest.model_validate(data)


# --- issue_comment ---------------------------------------------------------------------------
def handle_comment(ctx: Context, event: IssueCommentEvent) -> None:
    if event.sender.is_bot or event.comment.user.is_bot:
        return ignore(f"comment by bot {event.sender.login}")
    body = event.comment.text
    if not is_for_bot(body):
        return ignore("comment does not start with /codeflash")
    number = event.issue.number
    if not may_run(ctx, event.sender):
        return refuse_once(ctx, number, event.sender.login)
    ctx.repo.get_issue(number).get_comment(event.comment.id).create_reaction(EYES)
    try:
        command = parse_comment(body)
    except CommandError as exc:
        return reply(ctx, number, exc.reply)
    assert command is not None  # is_for_bot held
    if command.kind is Kind.HELP:
        return reply(ctx, number, HELP)
    if command.kind is Kind.STATUS:
        return reply(ctx, number, status_text(ctx, number))
    if command.kind is Kind.STOP:
        return stop_run(ctx, number, event.sender.login)
    pr = None
    if event.issue.is_pull_request:
        pr = fetch_pull(ctx, number)
        if pr.is_fork:
            return reply(ctx, number, fork_reply(pr))
        if refusal := bot_authored(ctx, pr):
            return reply(ctx, number, refusal)
    if command.kind is Kind.PR:
        if pr is None:
            return reply(ctx, number, f"`{command.describe()}` works on pull requests only.")
        run_pr_mode(ctx, pr, event.sender.login, pr_command(ctx, command))
        return
    text = command.text or f"{event.issue.title}\n{event.issue.body or ''}"
    run_optimization(ctx, Trigger(command, number, pr, event.sender.login, text[:_TEXT_MAX]))


def status_text(ctx: Context, number: int) -> str:
    sticky = Sticky(ctx, number)
    state = sticky.state()
    if state is None:
        return "No codeflash run on this issue yet. Comment `/codeflash` to start one."
    since = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(state.started))
    run = f" ([workflow run]({ctx.server_url}/{ctx.full_name}/actions/runs/{state.run_id}))"
    line = f"**codeflash status:** {state.state} (started {since})"
    return f"{line}{run if state.run_id else ''}. Details: {sticky.url()}"


def stop_run(ctx: Context, number: int, login: str) -> None:
    sticky = Sticky(ctx, number)
    state = sticky.state()
    if state is None or state.state != RUNNING or not state.run_id:
        return reply(ctx, number, "No codeflash run is in progress here.")
    status, _, data = ctx.gh.requester.requestJson(
        "POST", ctx.api_path("actions", "runs", state.run_id, "cancel")
    )
    if status != 202:
        why = data or status
        return reply(
            ctx,
            number,
            f"Could not cancel workflow run {state.run_id} (HTTP {status}: {str(why)[:200]}). "
            "The workflow needs `actions: write`; or cancel it from the Actions tab.",
        )
    body = sticky.body.replace(
        state.marker(), RunState("stopped", state.run_id, state.started).marker()
    )
    sticky.write(body + f"\n\n⏹ stop requested by @{login}")
    reply(ctx, number, f"Cancelled the running codeflash workflow run ({state.run_id}).")


# --- labels ----------------------------------------------------------------------------------
def _label_command(ctx: Context, name: str, number: int) -> Command | None:
    try:
        return parse_label(name)
    except CommandError as exc:
        reply(ctx, number, exc.reply)
        return None


def handle_issue_label(ctx: Context, event: IssuesEvent) -> None:
    name = event.label.name if event.label else ""
    if event.sender.is_bot:
        return ignore(f"label added by bot {event.sender.login}")
    if not name.startswith("codeflash"):
        return ignore(f"label {name!r} is not a codeflash label")
    number = event.issue.number
    if not may_run(ctx, event.sender):
        return refuse_once(ctx, number, event.sender.login)
    command = _label_command(ctx, name, number)
    if command is None:
        return None
    ctx.repo.get_issue(number).create_reaction(EYES)
    text = f"{event.issue.title}\n{event.issue.body or ''}"[:_TEXT_MAX]
    run_optimization(ctx, Trigger(command, number, None, event.sender.login, text))


def handle_pr_label(ctx: Context, event: PullRequestEvent) -> None:
    name = event.label.name if event.label else ""
    if event.sender.is_bot:
        return ignore(f"label added by bot {event.sender.login}")
    if not name.startswith("codeflash"):
        return ignore(f"label {name!r} is not a codeflash label")
    pr = event.pull_request
    if not may_run(ctx, event.sender):
        return refuse_once(ctx, pr.number, event.sender.login)
    command = _label_command(ctx, name, pr.number)
    if command is None:
        return None
    if pr.is_fork:
        return reply(ctx, pr.number, fork_reply(pr))
    if refusal := bot_authored(ctx, pr):
        return reply(ctx, pr.number, refusal)
    ctx.repo.get_issue(pr.number).create_reaction(EYES)
    text = f"{pr.title}\n{pr.body or ''}"[:_TEXT_MAX]
    run_optimization(ctx, Trigger(command, pr.number, pr, event.sender.login, text))


# --- schedule / workflow_dispatch ------------------------------------------------------------
def handle_schedule(ctx: Context, event: ScheduleEvent) -> None:
    command = Command(kind=Kind.RUN, domain=ctx.inputs.domain or parse_domain("auto"))
    if ctx.inputs.target:
        command = Command(
            kind=Kind.OPTIMIZE, domain=command.domain, target=parse_target(ctx.inputs.target)
        )
    run_optimization(ctx, Trigger(command, text=f"schedule {event.schedule or ''}".strip()))


def dispatch_command(ctx: Context, event: WorkflowDispatchEvent) -> Command:
    """workflow_dispatch inputs (domain, target, budget-minutes) override the action inputs."""
    inputs = {k: v for k, v in (event.inputs or {}).items() if v not in (None, "")}
    domain = (
        parse_domain(str(inputs["domain"]))
        if "domain" in inputs
        else (ctx.inputs.domain or parse_domain("auto"))
    )
    if "budget-minutes" in inputs:
        try:
            budget = float(str(inputs["budget-minutes"]))
        except ValueError as exc:
            raise BotError(
                f"workflow_dispatch input budget-minutes: not a number: "
                f"{str(inputs['budget-minutes'])[:40]!r}"
            ) from exc
        if budget <= 0:
            raise BotError("workflow_dispatch input budget-minutes must be positive")
        ctx.inputs = ctx.inputs.model_copy(update={"budget_minutes": budget})
    target = str(inputs["target"]) if "target" in inputs else ctx.inputs.target
    if target:
        return Command(kind=Kind.OPTIMIZE, domain=domain, target=parse_target(target))
    return Command(kind=Kind.RUN, domain=domain)


def handle_dispatch(ctx: Context, event: WorkflowDispatchEvent) -> None:
    try:
        command = dispatch_command(ctx, event)
    except CommandError as exc:
        raise BotError(str(exc)) from exc
    actor = event.sender.login if event.sender else None
    run_optimization(ctx, Trigger(command, actor=actor, text="workflow_dispatch"))


# --- review comments on the bot's PRs --------------------------------------------------------
def handle_review_comment(ctx: Context, event: ReviewCommentEvent) -> None:
    pr = event.pull_request
    if event.sender.is_bot or event.comment.user.is_bot:
        return ignore(f"review comment by bot {event.sender.login}")
    if not pr.head.ref.startswith(BOT_BRANCH_PREFIX) or pr.is_fork:
        return ignore("review comment on a pull request that is not codeflash's")
    if not event.comment.text.strip():
        return ignore("empty review comment")
    if not may_run(ctx, event.sender):
        return ignore(f"{event.sender.login} has no write access; feedback not recorded")
    ctx.repo.get_pull(pr.number).get_review_comment(event.comment.id).create_reaction(EYES)
    fb = Feedback(
        author=event.sender.login,
        text=event.comment.text,
        path=event.comment.path,
        line=event.comment.line or event.comment.original_line,
    )
    topic, sha = record_feedback(ctx, pr.head.ref, fb)
    answer = (
        f"Thanks — noted under **{topic}** in `{STATE_DIR}/{CONVENTIONS}` ({sha[:7]}); "
        "the next run honours it."
    )
    if topic == "Guard":
        answer = (
            f"Thanks — the guard command is now set in `{STATE_DIR}/{CONVENTIONS}` "
            f"({sha[:7]}); every future keep must pass it."
        )
    ctx.repo.get_pull(pr.number).create_review_comment_reply(event.comment.id, ctx.redact(answer))


def record_feedback(ctx: Context, branch: str, fb: Feedback) -> tuple[str, str]:
    """Append `fb` to conventions.md on `branch` (in a temporary worktree), commit, push."""
    git = open_repo(ctx.workspace)
    lease = remote.fetch_bot_branch(git, branch, ctx.token)
    if lease is None:
        raise BotError(f"branch {branch} is not on origin any more; feedback not recorded")
    with ExitStack() as stack:
        wt = git
        if git.current_branch() != branch:  # claimed: a kill is repaired by the next run
            wt = open_repo(stack.enter_context(branch_worktree(git, branch)))
        conventions = wt.cwd / STATE_DIR / CONVENTIONS
        doc = conventions.read_text(encoding="utf-8") if conventions.exists() else ""
        new, topic = add_feedback(doc, fb)
        conventions.parent.mkdir(parents=True, exist_ok=True)
        conventions.write_text(new, encoding="utf-8")
        where = f" on {fb.path}" if fb.path else ""
        sha = wt.commit_paths(
            f"codeflash: conventions — {topic.lower()} feedback from @{fb.author}{where}",
            [f"{STATE_DIR}/{CONVENTIONS}"],
        )
    push_branch(ctx, git, branch, lease=lease)
    return topic, sha
