"""The publish phase's side of the outbox: send each recorded write the event allows.

A write is allowed only if its shape is one the bot makes and its numbers are the event's own:
comments and reactions on the event's issue/PR and comment, a reply to the event's review
comment, edits of comments the bot itself wrote (checked by author), a pull request whose
head is the manifest's `codeflash/*` branch into the manifest's base, PR mode's review (a
COMMENT review, never an approval, on the event's own pull request, pinned to the PR head
sha the manifest recorded, commenting only on files the imported branch changes relative to
that sha), and a workflow-run cancel only for a `/codeflash stop` comment. Anything else
stops the phase before it is sent.
Mentions other than the person who triggered the run are defused in every body.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from codeflash_bot.errors import BotError
from codeflash_bot.git import Git
from codeflash_bot.github.artifact import MAX_TEXT, Manifest
from codeflash_bot.github.commands import Kind, parse_comment
from codeflash_bot.github.context import Context
from codeflash_bot.github.events import (
    IssueCommentEvent,
    IssuesEvent,
    Payload,
    PullRequestEvent,
    ReviewCommentEvent,
)
from codeflash_bot.github.outbox import PLACEHOLDER_BASE, PLACEHOLDER_URL, Push, Write
from codeflash_bot.neutralise import defuse_mentions

REACTIONS = frozenset({"eyes", "+1", "rocket", "confused"})
PR_FIELDS = frozenset({"head", "base", "title", "body", "draft", "maintainer_can_modify"})
REVIEW_FIELDS = frozenset({"commit_id", "body", "event", "comments"})
REVIEW_COMMENT_FIELDS = frozenset({"path", "body", "line", "side", "start_line", "start_side"})
MAX_REVIEW_COMMENTS = 50


@dataclass(frozen=True)
class Allowed:
    """What the triggering event lets the publish phase touch."""

    number: int | None = None
    comment_id: int | None = None
    review_comment: bool = False
    stop: bool = False
    actor: str | None = None
    pull: bool = False  # `number` is a pull request (a review may go on it)
    head_sha: str | None = None  # the PR head the event names (pull_request events)


def allowed_by(payload: Payload | None) -> Allowed:
    if isinstance(payload, IssueCommentEvent):
        command = None
        try:
            command = parse_comment(payload.comment.text)
        except Exception:
            command = None
        stop = command is not None and command.kind is Kind.STOP
        return Allowed(
            payload.issue.number,
            payload.comment.id,
            False,
            stop,
            payload.sender.login,
            pull=payload.issue.is_pull_request,
        )
    if isinstance(payload, IssuesEvent):
        return Allowed(payload.issue.number, actor=payload.sender.login)
    if isinstance(payload, PullRequestEvent):
        pr = payload.pull_request
        return Allowed(pr.number, actor=payload.sender.login, pull=True, head_sha=pr.head.sha)
    if isinstance(payload, ReviewCommentEvent):
        return Allowed(
            payload.pull_request.number, payload.comment.id, True, actor=payload.sender.login
        )
    sender = getattr(payload, "sender", None)
    return Allowed(actor=sender.login if sender else None)


def review_files(git: Git, manifest: Manifest) -> frozenset[str]:
    """Files the imported branch changes relative to the PR head the run checked out (empty
    when that head is not in origin's history): the only files a review may comment on."""
    if not manifest.pr_head_sha or not manifest.branch:
        return frozenset()
    proc = git.run(
        "diff",
        "--no-renames",
        "--name-only",
        manifest.pr_head_sha,
        f"refs/heads/{manifest.branch}",
        "--",
        check=False,
    )
    if proc.returncode != 0:
        return frozenset()
    return frozenset(line for line in proc.stdout.splitlines() if line.strip())


@dataclass
class Replayer:
    """Sends the manifest's writes in order, mapping placeholders to what GitHub answered."""

    ctx: Context
    manifest: Manifest
    allowed: Allowed
    push: Callable[[Push], None]
    bot_login: str
    review_files: frozenset[str] = frozenset()  # what a review may comment on (see below)
    ids: dict[int, int] = field(default_factory=dict)
    urls: dict[int, str] = field(default_factory=dict)
    pr_url: str = ""

    def run(self) -> None:
        """Check every entry first (nothing is sent if one is refused), then send in order."""
        created: set[int] = set()
        checked: list[tuple[Push | Write, str, dict[str, Any]]] = []
        for entry in self.manifest.writes:
            if isinstance(entry, Push):
                if entry.branch != self.manifest.branch:
                    raise BotError(f"manifest: push of {entry.branch!r}, not the manifest's branch")
                checked.append((entry, "", {}))
                continue
            path, body = self.check(entry, created)
            if entry.placeholder is not None:
                created.add(entry.placeholder)
            checked.append((entry, path, body))
        for entry, path, body in checked:
            if isinstance(entry, Push):
                self.push(entry)
            else:
                self.send(entry, path, body)

    # --- checks ----------------------------------------------------------------------------
    def _refuse(self, entry: Write, why: str) -> BotError:
        return BotError(f"manifest: refusing {entry.method} {entry.path}: {why}")

    def check(self, entry: Write, created: set[int]) -> tuple[str, dict[str, Any]]:
        """(path, body) if the event allows `entry`; `created`: placeholders made before it."""
        a = self.allowed
        parts = entry.path.split("/")
        body = dict(entry.body)
        n = str(a.number) if a.number is not None else None
        c = str(a.comment_id) if a.comment_id is not None else None
        match entry.method, parts:
            case "POST", ["issues", num, "comments"] if num == n:
                self._only(entry, body, {"body"})
            case "POST", ["issues", num, "reactions"] if num == n:
                self._reaction(entry, body)
            case "POST", ["issues" | "pulls", "comments", cid, "reactions"] if cid == c:
                self._reaction(entry, body)
            case "POST", ["pulls", num, "comments", cid, "replies"] if (
                num == n and cid == c and a.review_comment
            ):
                self._only(entry, body, {"body"})
            case "PATCH", ["issues", "comments", cid] if cid.isdigit():
                self._only(entry, body, {"body"})
                if int(cid) not in created:
                    self._own_comment(entry, int(cid))
            case "POST", ["pulls"]:
                self._only(entry, body, PR_FIELDS)
                if body.get("head") != self.manifest.branch or not self.manifest.branch:
                    raise self._refuse(entry, "head is not the manifest's branch")
                if body.get("base") != self.manifest.base:
                    raise self._refuse(entry, "base is not the manifest's base")
            case "PATCH", ["pulls", num] if num.isdigit():
                self._only(entry, body, {"title", "body"})
                if int(num) not in created:
                    self._own_pull(entry, int(num))
            case "POST", ["pulls", num, "reviews"] if num == n and a.pull:
                self._review(entry, body)
            case "POST", ["actions", "runs", run_id, "cancel"] if a.stop and run_id.isdigit():
                pass
            case _:
                raise self._refuse(entry, "not a write this event allows")
        return "/".join(parts), body

    def _only(self, entry: Write, body: dict[str, Any], keys: frozenset[str] | set[str]) -> None:
        extra = sorted(set(body) - set(keys))
        if extra:
            raise self._refuse(entry, f"unexpected field {extra[0]!r}")

    def _review(self, entry: Write, body: dict[str, Any]) -> None:
        """PR mode's suggestions: comments only, on the head the run checked out, on files
        the bot's own commits changed."""
        self._only(entry, body, REVIEW_FIELDS)
        head = self.manifest.pr_head_sha
        if head is None or body.get("commit_id") != head:
            raise self._refuse(entry, "commit_id is not the pull request head the run checked out")
        if self.allowed.head_sha is not None and head != self.allowed.head_sha:
            raise self._refuse(entry, "the run checked out another head than the event's")
        if body.get("event") != "COMMENT":
            raise self._refuse(entry, "a review other than COMMENT (never an approval)")
        if not isinstance(body.get("body", ""), str):
            raise self._refuse(entry, "review body is not text")
        comments = body.get("comments", [])
        if not isinstance(comments, list) or len(comments) > MAX_REVIEW_COMMENTS:
            raise self._refuse(entry, f"comments: not a list of at most {MAX_REVIEW_COMMENTS}")
        files = self.review_files & set(self.manifest.files)
        for item in comments:
            if not isinstance(item, dict):
                raise self._refuse(entry, "a review comment is not an object")
            self._only(entry, item, REVIEW_COMMENT_FIELDS)
            if item.get("path") not in files:
                raise self._refuse(entry, "a review comment on a file the bot did not change")
            text = item.get("body")
            if not isinstance(text, str) or len(text) > MAX_TEXT:
                raise self._refuse(entry, "a review comment body that is not text or too long")
            for key in ("line", "start_line"):
                value = item.get(key, 1)
                if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                    raise self._refuse(entry, f"review comment {key} is not a line number")
            if {item.get("side", "RIGHT"), item.get("start_side", "RIGHT")} != {"RIGHT"}:
                raise self._refuse(entry, "a review comment not on the pull request's head side")

    def _reaction(self, entry: Write, body: dict[str, Any]) -> None:
        self._only(entry, body, {"content"})
        if body.get("content") not in REACTIONS:
            raise self._refuse(entry, "not a reaction the bot uses")

    def _own_comment(self, entry: Write, ident: int) -> int:
        """`ident` must be a comment on the event's issue written by the bot's identity."""
        if ident >= PLACEHOLDER_BASE or self.allowed.number is None:
            raise self._refuse(entry, "edits a comment that was never created")
        issue = self.ctx.repo.get_issue(self.allowed.number)
        for comment in issue.get_comments():
            if comment.id == ident:
                login = comment.user.login if comment.user is not None else ""
                if login == self.bot_login:
                    return ident
                break
        raise self._refuse(entry, "not the bot's own comment on this issue")

    def _own_pull(self, entry: Write, number: int) -> int:
        _, data = self.ctx.gh.requester.requestJsonAndCheck(
            "GET", self.ctx.api_path("pulls", number)
        )
        head = data.get("head") or {}
        repo = (head.get("repo") or {}).get("full_name") or ""
        if head.get("ref") != self.manifest.branch or repo.lower() != self.ctx.full_name.lower():
            raise self._refuse(entry, "not the pull request of the manifest's branch")
        return number

    # --- sending ---------------------------------------------------------------------------
    def resolve(self, text: str) -> str:
        """`text` with placeholders replaced by what GitHub answered, mentions defused."""
        for placeholder, real in self.ids.items():
            text = text.replace(f"{PLACEHOLDER_URL}{placeholder}", self.urls.get(placeholder, ""))
            text = text.replace(str(placeholder), str(real))
        text = re.sub(re.escape(PLACEHOLDER_URL) + r"\d+", "", text)
        keep = {self.allowed.actor} if self.allowed.actor else set()
        return self.ctx.redact(defuse_mentions(text, allow=keep))

    def send(self, entry: Write, path: str, body: dict[str, Any]) -> None:
        parts = [str(self.ids.get(int(p), p)) if p.isdigit() else p for p in path.split("/")]
        body = {k: self.resolve(v) if isinstance(v, str) else v for k, v in body.items()}
        if path == "pulls":
            body["head"], body["base"] = entry.body["head"], entry.body["base"]
        if path.endswith("/reviews"):  # comment bodies too; the sha exactly as checked
            body["commit_id"] = entry.body["commit_id"]
            body["comments"] = [
                {**c, "body": self.resolve(c["body"])} for c in entry.body.get("comments", [])
            ]
        url = self.ctx.api_path(*parts)
        _, data = self.ctx.gh.requester.requestJsonAndCheck(entry.method, url, input=body)
        data = data if isinstance(data, dict) else {}
        if entry.placeholder is not None and isinstance(data.get("id"), int):
            real = int(data["number"]) if path == "pulls" and "number" in data else data["id"]
            self.ids[entry.placeholder] = int(real)
            # by placeholder: a review, a comment and a PR may share a number on GitHub
            self.urls[entry.placeholder] = str(data.get("html_url") or "")
        if parts[0] == "pulls" and len(parts) <= 2:
            self.pr_url = str(data.get("html_url") or "")
