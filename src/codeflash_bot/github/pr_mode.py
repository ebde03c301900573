"""PR mode: optimize only what a pull request changes, and answer on that pull request.

Runs on `pull_request` / `pull_request_target` (opened, synchronize, reopened) when the
action's `pr-mode` input is on. Targets are the functions the PR's diff (merge-base..head)
touches; results come back as a stacked PR against the PR's branch, a review whose comments
carry ```suggestion blocks for kept changes small enough to apply with one click, and the
status comment, which links both and reports untested functions and regressions. Nothing is
ever pushed to the contributor's branch: only the PR's own `codeflash/<abbr>-pr<N>` branch.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import github_action_utils as gha

from codeflash_bot.config import load_config
from codeflash_bot.errors import BotError
from codeflash_bot.git import BOT_BRANCH_PREFIX, Git, open_repo
from codeflash_bot.github import remote
from codeflash_bot.github.client import API_ERRORS, explain
from codeflash_bot.github.commands import Command, Kind
from codeflash_bot.github.context import Context
from codeflash_bot.github.events import PullRequest, PullRequestEvent
from codeflash_bot.github.model_policy import action_config
from codeflash_bot.github.run import ALREADY_RUNNING, Trigger, publish, reply
from codeflash_bot.github.sticky import RunState, Sticky, StickyReporter, cell, run_in_progress
from codeflash_bot.github.suggestions import plan, post_review, review_payload
from codeflash_bot.github.trust import bot_authored, fork_reply, may_run, require_seen_head
from codeflash_bot.models import ChangedReport, Domain, Request, RunSummary
from codeflash_bot.neutralise import code_span
from codeflash_bot.session.changed import changed_functions
from codeflash_bot.session.recovery import bot_dir, mirror_of, safe

PR_ACTIONS = ("opened", "synchronize", "reopened")
FORK_INTRO = (
    "codeflash PR mode runs automatically only on pull requests from branches of this repository."
)
NO_FUNCTIONS = "🤷 this pull request changes no Python function or method; nothing to optimize"
REGRESSION = "🐢 **regression:** {target} is {slowdown:.1f}x slower than at the base ({base} → {head} per call-set, same captured inputs, A/A noise {noise:.1f} %)"  # noqa: E501


def ignore(why: str) -> None:
    gha.echo(f"codeflash: nothing to do ({why})")


def handle_pr_event(ctx: Context, event: PullRequestEvent) -> None:
    """Thin check chain, cheapest first; then the run."""
    pr = event.pull_request
    if not ctx.inputs.pr_mode:
        return ignore("pr-mode is off (set the action input `pr-mode: true` to turn it on)")
    if event.sender.is_bot:
        return ignore(f"pull request event from bot {event.sender.login}")
    if pr.state != "open":
        return ignore(f"pull request #{pr.number} is {pr.state}")
    if pr.head.ref.startswith("codeflash/"):
        return ignore("the bot's own pull request")
    if pr.is_fork:
        return fork_notice(ctx, pr)
    if not may_run(ctx, event.sender):
        return ignore(f"{event.sender.login} has no write access")
    if refusal := bot_authored(ctx, pr):  # after the permission check: answers writers only
        return skipped_notice(ctx, pr, refusal)
    run_pr_mode(ctx, pr, event.sender.login, pr_command(ctx, Command(kind=Kind.PR)))
    return None


def pr_command(ctx: Context, command: Command) -> Command:
    """PR mode works on functions: the command's domain, else the input's, else cpu (auto
    would spend the short budget profiling every engine)."""
    domain = command.domain
    if domain in (Domain.AUTO, Domain.STRUCTURE):
        domain = ctx.inputs.domain if ctx.inputs.domain not in (None, Domain.AUTO) else Domain.CPU
    if domain is Domain.STRUCTURE:
        domain = Domain.CPU
    return command.model_copy(update={"domain": domain})


def fork_notice(ctx: Context, pr: PullRequest) -> None:
    """One status comment (edited in place on later pushes) saying how a maintainer runs it.

    With a `pull_request` trigger the token of a fork PR is read-only: the comment then fails
    and the job log says to use `pull_request_target` (the bot never checks a fork out)."""
    try:
        skipped_notice(ctx, pr, f"{FORK_INTRO}\n\n{fork_reply(pr)}")
    except API_ERRORS as exc:
        gha.warning(
            f"could not comment on fork pull request #{pr.number} ({explain(exc)}); a "
            "`pull_request` event from a fork has a read-only token: trigger PR mode with "
            "`pull_request_target` (the bot never checks out a fork's code)"
        )


def skipped_notice(ctx: Context, pr: PullRequest, text: str) -> None:
    """The status comment saying why PR mode does not run here (edited on later pushes)."""
    body = "\n".join(
        [
            "<!-- codeflash-bot:status -->",
            RunState("skipped", ctx.run_id).marker(),
            "### ⚡ codeflash — PR mode",
            "",
            text,
        ]
    )
    Sticky(ctx, pr.number).write(body)


def header(ctx: Context, actor: str | None) -> str:
    who = f" · started by @{actor}" if actor else ""
    run = f" · [workflow run]({ctx.run_url})" if ctx.run_url else ""
    return f"### ⚡ codeflash — PR mode: the functions this pull request changes{who}{run}"


def bot_branch_for(pr: PullRequest, domain: Domain) -> str:
    """One bot branch per pull request and domain, e.g. `codeflash/ds-pr7`."""
    return f"{BOT_BRANCH_PREFIX}{domain.abbr}-pr{pr.number}"


def _checkout_head(
    ctx: Context, git: Git, pr: PullRequest, domain: Domain
) -> tuple[str, str, dict[str, str]]:
    """The PR's bot branch, (re)started at the PR's head: each push is optimized afresh and
    its stacked PR updated in place (the push replaces the old bot commits with a lease
    pinned to what origin had). Returns (head sha, merge-base with the PR's base branch,
    origin's bot branches)."""
    bot_branches = remote.fetch_bot_branches(git, ctx.token)
    head = remote.fetch_ref(git, pr.head.ref, ctx.token)
    require_seen_head(pr, head)  # the sha the event (or the API, for a comment) named
    if ctx.outbox is not None:  # run phase: publish pins the review to this commit
        ctx.outbox.pr_head = head
    base_tip = remote.fetch_ref(git, pr.base.ref, ctx.token)
    remote.checkout_detached(git, head)  # refuses a dirty workspace
    branch = bot_branch_for(pr, domain)
    git.run("checkout", "--quiet", "-B", branch, head)
    # a restarted branch has no history: forget what a run on an older head recorded
    bot = bot_dir(git)
    shutil.rmtree(mirror_of(bot, branch).root, ignore_errors=True)
    shutil.rmtree(bot / "corpus" / safe(branch), ignore_errors=True)
    # prep (benchmarks and compare for the stacked PR's body) resolves the PR's branch by name:
    # a local ref in this throwaway checkout; only codeflash/* branches are ever pushed
    git.run("update-ref", f"refs/heads/{pr.head.ref}", head)
    proc = git.run("merge-base", base_tip, head, check=False)
    if proc.returncode != 0:
        raise BotError(f"{pr.head.ref} and {pr.base.ref} have no common ancestor")
    return head, proc.stdout.strip(), bot_branches


def run_pr_mode(
    ctx: Context, pr: PullRequest, actor: str | None, command: Command
) -> RunSummary | None:
    """Optimize the PR's changed functions; answer on the PR. None when nothing ran."""
    git = open_repo(ctx.workspace)
    sticky = Sticky(ctx, pr.number)
    if run_in_progress(ctx, sticky) is not None:
        reply(ctx, pr.number, ALREADY_RUNNING.format(link=sticky.url()))
        return None
    trigger = Trigger(command, pr.number, pr, actor, f"{pr.title}\n{pr.body or ''}"[:4000])
    reporter = StickyReporter(sticky, header(ctx, actor))
    reporter.start()
    try:
        head, merge_base, bot_branches = _checkout_head(ctx, git, pr, command.domain)
        if not changed_functions(git, Path(), merge_base).functions:
            reporter.finish("done", NO_FUNCTIONS)
            return None
        budget = ctx.inputs.pr_budget_minutes
        request = Request(
            repo=ctx.workspace,
            domain=command.domain,
            text=trigger.text or None,
            guard=ctx.inputs.guard,
            budget_minutes=budget,
            max_experiments=ctx.inputs.max_experiments,
            min_improvement=ctx.inputs.min_improvement,
            changed_since=merge_base,
        )
        with gha.group("codeflash: optimize the pull request's changed functions"):
            # model settings from the workflow's inputs, never redirected by the PR's head
            config = action_config(load_config(ctx.workspace), ctx.inputs)
            summary = ctx.optimize(request, config, reporter)
        publish(ctx, git, summary, pr.head.ref, bot_branches, trigger, reporter)
        answer(ctx, git, reporter, summary, pr, head, merge_base)
    except BotError as exc:
        reporter.finish("failed", f"❌ {ctx.redact(str(exc))}")
        raise
    except (KeyboardInterrupt, SystemExit):
        reporter.finish("stopped", "⏹ stopped before the end (cancelled)")
        raise
    return summary


def answer(
    ctx: Context,
    git: Git,
    reporter: StickyReporter,
    summary: RunSummary,
    pr: PullRequest,
    head: str,
    merge_base: str,
) -> None:
    """Suggestions review (for kept changes) and the final status comment linking both."""
    lines: list[str] = []
    review_url = ""
    if summary.kept and ctx.outcome.pr_url:
        tip = git.head_sha(f"refs/heads/{summary.branch}")
        on_head = git.run("merge-base", "--is-ancestor", head, tip, check=False).returncode == 0
        if not on_head:
            lines.append("No suggestions: the bot's branch is not based on this head.")
        else:
            made = plan(git, merge_base, head, tip)
            if made.suggestions:
                payload = review_payload(git, head, tip, made.suggestions, ctx.outcome.pr_url)
                review_url, error = post_review(ctx, pr.number, payload)
                if error:
                    lines.append(f"Suggestions could not be posted: {cell(error)}")
            for path, why in made.skipped.items():
                why = cell(why)
                lines.append(f"No suggestion for {code_span(path)} ({why}): see the stacked PR.")
    if summary.kept and ctx.outcome.pr_url:
        best = summary.best_improvement_pct
        best_text = f", best -{best:.1f} %" if best is not None else ""
        status = f"✅ {len(summary.kept)} optimization(s) kept{best_text}"
        links = [f"Stacked pull request: {ctx.outcome.pr_url}"]
        if review_url:
            links.append(f"One-click suggestions: {review_url}")
        lines = links + lines
    else:
        status = "🤷 finished — no optimization of this pull request's functions was kept"
        lines.append(f"Stopped because: {cell(summary.stopped_because)}.")
    if summary.changed is not None:
        lines += change_lines(summary.changed)
    ctx.outcome.summary += ["", *lines]
    reporter.finish("done", status, footer="\n\n".join(lines))


def change_lines(report: ChangedReport) -> list[str]:
    """Regressions first (the PR's own cost), then what was targeted and what is untested."""
    out = [
        REGRESSION.format(
            target=code_span(r.target),
            slowdown=r.slowdown,
            base=_secs(r.base_seconds),
            head=_secs(r.head_seconds),
            noise=r.aa_noise * 100,
        )
        for r in report.regressions
    ]
    if report.compared:
        names = ", ".join(code_span(t) for t in report.compared)
        out.append(f"Not slower than at the base: {names}.")
    targeted = ", ".join(code_span(t) for t in report.targeted) or "none"
    out.append(f"Changed functions: {len(report.changed)}; targeted: {targeted}.")
    for ref in report.untested:
        out.append(
            f"⚠️ untested: {code_span(ref)} — no test calls it, so no rewrite of it can be "
            "verified; add a test that calls it."
        )
    return out


def _secs(seconds: float) -> str:
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} µs"
