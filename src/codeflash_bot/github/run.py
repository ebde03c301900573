"""One optimization run started from GitHub: prepare the checkout, run the loop, publish.

The loop (`ctx.optimize`: `codeflash_bot.loop.optimize` unless a test injected another)
knows nothing about GitHub; this module gives it a Request and a Reporter and turns its
RunSummary into a pushed branch and a PR (or a comment saying what was tried).
"""

from __future__ import annotations

from dataclasses import dataclass

import github_action_utils as gha

from codeflash_bot.config import load_config
from codeflash_bot.errors import BotError
from codeflash_bot.git import BOT_BRANCH_PREFIX, Git, open_repo
from codeflash_bot.github import remote
from codeflash_bot.github.commands import HELP, Command, CommandError, check_target_in_repo
from codeflash_bot.github.context import Context
from codeflash_bot.github.events import PullRequest
from codeflash_bot.github.model_policy import action_config
from codeflash_bot.github.publish import (
    draft_text,
    find_open_bot_pr,
    open_or_update_pr,
    tried_text,
)
from codeflash_bot.github.push import push_branch
from codeflash_bot.github.sticky import Sticky, StickyReporter, run_in_progress
from codeflash_bot.github.trust import require_seen_head
from codeflash_bot.models import Domain, ExperimentRecord, Request, RunSummary, Target
from codeflash_bot.router import route

ALREADY_RUNNING = (
    "A codeflash run is already in progress here ({link}). Wait for it to finish, or comment "
    "`/codeflash stop` to cancel it."
)


@dataclass(frozen=True)
class Trigger:
    """What to run and where to talk about it."""

    command: Command
    number: int | None = None  # issue or PR that gets the status comment
    pr: PullRequest | None = None  # a same-repo PR whose head is optimized
    actor: str | None = None
    text: str = ""  # free text for domain routing (comment remainder, issue title/body)


class LogReporter:
    """Reporter for runs with no issue to talk on (schedule, workflow_dispatch): the job log."""

    def stage(self, name: str, detail: str = "") -> None:
        gha.echo(f"codeflash: stage {name}" + (f" — {detail}" if detail else ""))

    def target(self, target: Target, index: int, total: int) -> None:
        gha.echo(f"codeflash: target {index}/{total} {target.ref}")

    def experiment(self, record: ExperimentRecord, done: int, budget: int, kept: int) -> None:
        delta = "-" if record.delta_pct is None else f"{record.delta_pct:+.1f}%"
        gha.echo(f"codeflash: {done}/{budget} {record.status.value} {record.target} {delta}")

    def note(self, message: str) -> None:
        gha.notice(message)


def header(ctx: Context, trigger: Trigger) -> str:
    who = f" requested by @{trigger.actor}" if trigger.actor else ""
    run = f" · [workflow run]({ctx.run_url})" if ctx.run_url else ""
    return f"### ⚡ codeflash — `{trigger.command.describe()}`{who}{run}"


def reply(ctx: Context, number: int | None, body: str) -> None:
    if number is not None:
        ctx.repo.get_issue(number).create_comment(ctx.redact(body))


def _prepare_checkout(ctx: Context, git: Git, trigger: Trigger) -> tuple[str, dict[str, str]]:
    """Put the workspace where the run must start; returns (PR base, origin's bot branches)."""
    bot_branches = remote.fetch_bot_branches(git, ctx.token)
    base: str | None
    if trigger.pr is not None:
        sha = remote.fetch_ref(git, trigger.pr.head.ref, ctx.token)
        require_seen_head(trigger.pr, sha)
        remote.checkout_detached(git, sha)
        base = trigger.pr.head.ref
    else:
        base = git.current_branch() or ctx.default_branch
    if not base:
        raise BotError("cannot tell which branch to open the pull request against")
    asked = trigger.command.domain
    domain, _ = route(asked, trigger.text, None)
    open_pr = find_open_bot_pr(ctx, None if domain is Domain.AUTO else domain.abbr, base)
    if open_pr is not None and open_pr[0] in bot_branches:
        # Re-run while a PR for this domain is open: resume its branch in place, update the PR.
        git.run("checkout", "--quiet", open_pr[0])
    return base, bot_branches


def run_optimization(ctx: Context, trigger: Trigger) -> RunSummary | None:
    """Run the loop for `trigger`; None when another run holds this issue/PR."""
    git = open_repo(ctx.workspace)
    sticky = Sticky(ctx, trigger.number) if trigger.number is not None else None
    if sticky is not None and run_in_progress(ctx, sticky) is not None:
        reply(ctx, trigger.number, ALREADY_RUNNING.format(link=sticky.url()))
        return None
    command = trigger.command
    reporter: StickyReporter | LogReporter
    if sticky is not None:
        reporter = StickyReporter(sticky, header(ctx, trigger))
        reporter.start()
    else:
        reporter = LogReporter()
    try:
        base, bot_branches = _prepare_checkout(ctx, git, trigger)
        target = command.target or ctx.inputs.target
        if target:  # checked against the code being optimized (a PR's head, if any)
            try:
                target = check_target_in_repo(target, ctx.workspace)
            except CommandError as exc:
                if not isinstance(reporter, StickyReporter):
                    raise
                reporter.finish("failed", f"❌ {exc}", footer=HELP)
                return None
        domain = (
            command.domain
            if command.domain is not Domain.AUTO
            else (ctx.inputs.domain or Domain.AUTO)
        )
        request = Request(
            repo=ctx.workspace,
            domain=domain,
            target=target,
            text=trigger.text or None,
            guard=ctx.inputs.guard,
            budget_minutes=ctx.inputs.budget_minutes,
            max_experiments=ctx.inputs.max_experiments,
            min_improvement=ctx.inputs.min_improvement,
        )
        with gha.group("codeflash: optimize"):
            config = action_config(load_config(ctx.workspace), ctx.inputs)
            summary = ctx.optimize(request, config, reporter)
        publish(ctx, git, summary, base, bot_branches, trigger, reporter)
    except BotError as exc:
        if isinstance(reporter, StickyReporter):
            reporter.finish("failed", f"❌ {ctx.redact(str(exc))}")
        raise
    except (KeyboardInterrupt, SystemExit):
        if isinstance(reporter, StickyReporter):
            reporter.finish("stopped", "⏹ stopped before the end (cancelled)")
        raise
    return summary


def publish(
    ctx: Context,
    git: Git,
    summary: RunSummary,
    base: str,
    bot_branches: dict[str, str],
    trigger: Trigger,
    reporter: StickyReporter | LogReporter,
) -> None:
    """Push the branch and open/update the PR, or say why nothing was kept."""
    out = ctx.outcome
    out.kept = len(summary.kept)
    out.best_improvement = summary.best_improvement_pct
    if not summary.kept:
        tried = tried_text(git, summary)
        out.summary += ["**No optimization kept.**", "", tried]
        if isinstance(reporter, StickyReporter):
            reporter.finish("done", "🤷 finished — no optimization was kept", footer=tried)
        return
    if not summary.branch.startswith(BOT_BRANCH_PREFIX):
        raise BotError(f"the loop returned {summary.branch!r}, not a {BOT_BRANCH_PREFIX}* branch")
    if isinstance(reporter, StickyReporter):
        reporter.stage("pull request", "benchmarks and compare for the PR body")
    with gha.group("codeflash: prepare the pull request"):
        text = draft_text(ctx.workspace, base, summary)
    if text.note:
        gha.warning(f"PR body: using the summary body ({ctx.redact(text.note)})")
    push_branch(ctx, git, summary.branch, lease=bot_branches.get(summary.branch), base=base)
    out.branch = summary.branch
    body = text.body
    if trigger.number is not None:
        body += f"\n\n---\nRequested in #{trigger.number}"
        body += f" by @{trigger.actor}." if trigger.actor else "."
    if ctx.run_url:
        body += f"\n\n<sub>[workflow run]({ctx.run_url})</sub>"
    pr = open_or_update_pr(ctx, summary.branch, base, text.title, body)
    out.pr_url = pr.url
    verb = "opened" if pr.created else "updated"
    best = summary.best_improvement_pct
    best_text = f", best -{best:.1f} %" if best is not None else ""
    line = f"✅ {len(summary.kept)} optimization(s) kept{best_text} — {verb} #{pr.number}"
    out.summary += [f"{line}: {pr.url}", "", f"Branch: `{summary.branch}`"]
    if isinstance(reporter, StickyReporter):
        reporter.finish("done", line, footer=f"Pull request: {pr.url}")
