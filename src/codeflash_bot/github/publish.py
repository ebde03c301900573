"""Results back to GitHub: the PR (opened or updated in place), or why nothing was kept."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from codeflash_bot.errors import BotError
from codeflash_bot.git import Git
from codeflash_bot.github.context import Context
from codeflash_bot.github.sticky import cell
from codeflash_bot.models import RunSummary, Status
from codeflash_bot.prep import draft_pull_request
from codeflash_bot.session.state import RESULTS, STATE_DIR, parse_results

TITLE_PREFIX = "⚡ codeflash: "


@dataclass(frozen=True)
class PullRequestText:
    title: str
    body: str
    note: str = ""  # why the fallback body was used, if it was


@dataclass(frozen=True)
class OpenedPullRequest:
    number: int
    url: str
    created: bool


def fallback_body(summary: RunSummary, base: str) -> str:
    """A plain body from the RunSummary, used when the prep stage cannot draft one."""
    best = summary.best_improvement_pct
    lines = [
        f"## ⚡ codeflash: {len(summary.kept)} optimization(s) on `{base}`",
        "",
        f"- domain: **{summary.domain.value}**",
        f"- experiments: {summary.experiments} ({len(summary.kept)} kept, "
        f"{summary.discarded} discarded, {summary.crashed} crashed)",
        f"- best improvement: -{best:.1f} %" if best is not None else "- best improvement: –",
        f"- stopped because: {cell(summary.stopped_because)}",
        "",
        "| commit | target | metric | baseline | candidate | Δ | what |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in summary.kept:
        delta = "–" if r.delta_pct is None else f"{r.delta_pct:+.1f} %"
        lines.append(
            f"| {r.commit} | `{cell(r.target)}` | {r.metric} | {r.baseline or '–'} "
            f"| {r.candidate or '–'} | {delta} | {cell(r.description)} |"
        )
    lines += [
        "",
        "### How to reproduce",
        "",
        "```",
        f"git fetch origin {summary.branch}",
        f"codeflash-bot compare {base} origin/{summary.branch}",
        "```",
    ]
    return "\n".join(lines)


def draft_text(checkout: Path, base: str, summary: RunSummary) -> PullRequestText:
    """Title and body from `codeflash_bot.prep` (which also commits the generated benchmarks
    to the branch, so call this before pushing); the summary body if prep cannot draft one."""
    best = summary.best_improvement_pct
    title = f"{TITLE_PREFIX}{len(summary.kept)} {summary.domain.value} optimization(s)"
    if best is not None:
        title += f", best -{best:.1f} %"
    try:
        draft = draft_pull_request(checkout, base, summary.branch)
    except BotError as exc:
        return PullRequestText(title, fallback_body(summary, base), f"prep failed: {exc}")
    except Exception as exc:  # a prep crash must not lose the kept commits
        note = f"prep crashed: {type(exc).__name__}: {exc}".splitlines()[0]
        return PullRequestText(title, fallback_body(summary, base), note)
    draft_title = draft.title or title
    if not draft_title.startswith(TITLE_PREFIX.strip()):
        draft_title = TITLE_PREFIX + draft_title
    return PullRequestText(draft_title, draft.body)


def open_or_update_pr(
    ctx: Context, head: str, base: str, title: str, body: str
) -> OpenedPullRequest:
    """Update the open PR from `head` if there is one, else open a new one."""
    title, body = ctx.redact(title), ctx.redact(body)
    for pr in ctx.repo.get_pulls(state="open", head=f"{ctx.owner}:{head}"):
        pr.edit(title=title, body=body)
        return OpenedPullRequest(pr.number, pr.html_url, created=False)
    pr = ctx.repo.create_pull(base=base, head=head, title=title, body=body)
    return OpenedPullRequest(pr.number, pr.html_url, created=True)


def find_open_bot_pr(ctx: Context, abbr: str | None, base: str) -> tuple[str, int] | None:
    """(branch, number) of the newest open codeflash PR into `base` for the domain abbr
    (any domain when abbr is None); re-runs update it instead of opening another."""
    prefix = f"codeflash/{abbr}-" if abbr else "codeflash/"
    for pr in ctx.repo.get_pulls(state="open", base=base, sort="updated", direction="desc"):
        head = pr.head
        if (
            head.ref.startswith(prefix)
            and head.repo is not None
            and (head.repo.full_name.lower() == ctx.full_name.lower())
        ):
            return head.ref, pr.number
    return None


def tried_text(git: Git, summary: RunSummary) -> str:
    """What was tried and why nothing was kept, from the branch's results.tsv if present."""
    lines = [
        f"{summary.experiments} experiment(s) ran in the **{summary.domain.value}** domain "
        f"({summary.discarded} discarded, {summary.crashed} crashed); none cleared the bar.",
        f"Stopped because: {cell(summary.stopped_because)}.",
    ]
    records = []
    with contextlib.suppress(BotError):
        proc = git.run("show", f"{summary.branch}:{STATE_DIR}/{RESULTS}", check=False)
        if proc.returncode == 0:
            records = [r for r in parse_results(proc.stdout) if r.status is not Status.KEEP]
    if records:
        lines += ["", "| target | result | Δ | why |", "|---|---|---|---|"]
        for r in records[:15]:
            delta = "–" if r.delta_pct is None else f"{r.delta_pct:+.1f} %"
            lines.append(
                f"| `{cell(r.target)}` | {r.status.value} | {delta} | {cell(r.description)} |"
            )
        if len(records) > 15:
            lines.append(f"| … | {len(records) - 15} more | | |")
    return "\n".join(lines)
