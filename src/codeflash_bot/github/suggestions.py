"""Kept changes as GitHub suggestion blocks on the pull request they optimize.

A suggestion replaces lines `start_line..line` of the PR head's file (side RIGHT) with the
lines in a ```suggestion block; GitHub only accepts lines inside one hunk of the PR's diff, so
a change is offered as suggestions only when every changed region of its file lies inside a
hunk of the PR's own diff and is small. Otherwise the stacked PR is the only way to take it,
and the reason is reported. Everything here is git and text; posting is one API call.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codeflash_bot.git import Git
from codeflash_bot.github.client import API_ERRORS, explain
from codeflash_bot.github.context import Context
from codeflash_bot.neutralise import model_text
from codeflash_bot.session.changed import Hunk, diff_hunks
from codeflash_bot.session.state import STATE_DIR

MAX_LINES = 40  # a suggestion longer than this is better read in the stacked PR
PR_CONTEXT = 3  # GitHub's diff view shows 3 lines of context around each change


@dataclass(frozen=True)
class Suggestion:
    """One review comment: replace head lines start..end (1-based, inclusive) by `lines`."""

    path: str
    start: int
    end: int
    lines: list[str]
    note: str = ""

    def block(self) -> str:
        """The suggestion fence, longer than any backtick run inside the lines."""
        text = "\n".join(self.lines)
        fence = "```"
        while fence in text:
            fence += "`"
        return f"{fence}suggestion\n{text}\n{fence}"

    def comment(self, intro: str) -> dict[str, Any]:
        """The `comments[]` item of a create-review request."""
        body = f"{intro}\n\n{self.block()}" + (f"\n\n{self.note}" if self.note else "")
        item: dict[str, Any] = {"path": self.path, "body": body, "line": self.end, "side": "RIGHT"}
        if self.start != self.end:
            item["start_line"] = self.start
            item["start_side"] = "RIGHT"
        return item


@dataclass(frozen=True)
class Plan:
    """Suggestions to post, and per file why none was made."""

    suggestions: list[Suggestion]
    skipped: dict[str, str]


def regions(old: list[str], new: list[str]) -> list[tuple[int, int, int, int]]:
    """Changed regions (i1, i2, j1, j2), 0-based half-open, each at least one old line long
    (a pure insertion takes the line above it, or below at the top of the file)."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    out: list[tuple[int, int, int, int]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if out and out[-1][1] == i1 and out[-1][3] == j1:  # adjacent: one region
            i1, j1 = out[-1][0], out[-1][2]
            out.pop()
        out.append((i1, i2, j1, j2))
    anchored = []
    for i1, i2, j1, j2 in out:
        if i1 == i2:
            if i1 > 0:
                i1, j1 = i1 - 1, j1 - 1
            else:
                i2, j2 = i2 + 1, j2 + 1
        anchored.append((i1, i2, j1, j2))
    return anchored


def _inside(hunks: list[Hunk], start: int, end: int) -> bool:
    return any(
        h.new_len > 0 and h.new_start <= start and end <= h.new_start + h.new_len - 1 for h in hunks
    )


def plan_file(path: str, old: str, new: str, hunks: list[Hunk]) -> tuple[list[Suggestion], str]:
    """Suggestions turning `old` (PR head) into `new` (the bot's branch), or a reason why not."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    found = regions(old_lines, new_lines)
    if not found:
        return [], ""
    out: list[Suggestion] = []
    for i1, i2, j1, j2 in found:
        start, end = i1 + 1, i2
        if max(i2 - i1, j2 - j1) > MAX_LINES:
            return [], f"a changed region has more than {MAX_LINES} lines"
        if not _inside(hunks, start, end):
            return [], f"lines {start}-{end} are outside this pull request's diff"
        out.append(Suggestion(path, start, end, new_lines[j1:j2]))
    if len(out) > 1:
        n = len(out)
        out = [
            Suggestion(
                s.path,
                s.start,
                s.end,
                s.lines,
                f"Part {i} of {n} of one change to `{path}`: apply all {n} together "
                "(**Add suggestion to batch**).",
            )
            for i, s in enumerate(out, 1)
        ]
    return out, ""


def plan(git: Git, merge_base: str, head: str, tip: str) -> Plan:
    """Suggestions for every file the bot's branch (`tip`) changed relative to the PR head."""
    pr_hunks = diff_hunks(git, merge_base, head, Path(), context=PR_CONTEXT)
    names = git.out("diff", "--no-renames", "--name-only", head, tip, "--").splitlines()
    suggestions: list[Suggestion] = []
    skipped: dict[str, str] = {}
    for path in names:
        if path.startswith(f"{STATE_DIR}/") or not path.endswith(".py"):
            continue
        old = git.run("show", f"{head}:{path}", check=False)
        if old.returncode != 0:
            continue  # a file the bot added (generated benchmarks): the stacked PR has it
        new = git.run("show", f"{tip}:{path}", check=False)
        if new.returncode != 0:
            skipped[path] = "the bot's branch deletes it"
            continue
        made, why = plan_file(path, old.stdout, new.stdout, pr_hunks.get(path, []))
        if why:
            skipped[path] = why
        suggestions += made
    return Plan(suggestions, skipped)


def headlines(git: Git, head: str, tip: str, path: str) -> list[str]:
    """Subjects of the bot's kept commits that touched `path` (target, idea, measured speed)."""
    out = git.out("log", "--format=%s", f"{head}..{tip}", "--", path)
    return [line for line in out.splitlines() if line.startswith("⚡")]


def review_payload(
    git: Git, head: str, tip: str, suggestions: list[Suggestion], pr_link: str
) -> dict[str, Any]:
    """Body of `POST /repos/{owner}/{repo}/pulls/{n}/reviews` (event COMMENT)."""
    comments = []
    for s in suggestions:
        lines = headlines(git, head, tip, s.path) or ["⚡ codeflash optimization"]
        intro = "\n".join(f"**{model_text(line)}**" for line in lines)  # names from the repo
        intro += f"\n\nVerified on captured inputs and measured; details in {pr_link}."
        comments.append(s.comment(intro))
    body = (
        f"⚡ codeflash: {len(suggestions)} suggestion(s) from the kept optimizations in "
        f"{pr_link}. Each one replaces exactly the lines it is attached to."
    )
    return {"commit_id": head, "body": body, "event": "COMMENT", "comments": comments}


def post_review(ctx: Context, number: int, payload: dict[str, Any]) -> tuple[str, str]:
    """(html_url of the review, error line); an API failure is reported, never raised."""
    try:
        _, data = ctx.gh.requester.requestJsonAndCheck(
            "POST", ctx.api_path("pulls", number, "reviews"), input=payload
        )
    except API_ERRORS as exc:
        return "", explain(exc)
    return str(data.get("html_url") or ""), ""
