"""Typed views of the webhook payloads the Action reacts to, read from GITHUB_EVENT_PATH.

Only the fields the bot uses are declared; everything else GitHub sends is ignored, so new
fields never break a run. A file that is not valid JSON or lacks a needed field is a one-line
`BotError`, because the runner wrote it and nothing sensible can be done with half an event.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from codeflash_bot.errors import BotError


class Payload(BaseModel):
    """Base for payload models: tolerant of extra fields, immutable once read."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class User(Payload):
    login: str
    type: str = "User"

    @property
    def is_bot(self) -> bool:
        """GitHub Apps (and the Actions token) act as `type: Bot` with a `[bot]` login."""
        return self.type == "Bot" or self.login.endswith("[bot]")


class Repository(Payload):
    full_name: str
    default_branch: str | None = None
    private: bool = False


class Label(Payload):
    name: str


class Comment(Payload):
    id: int
    body: str | None = ""
    user: User
    html_url: str = ""
    # review comments only
    path: str | None = None
    line: int | None = None
    original_line: int | None = None
    in_reply_to_id: int | None = None

    @property
    def text(self) -> str:
        return self.body or ""


class Issue(Payload):
    number: int
    title: str = ""
    body: str | None = None
    user: User | None = None
    pull_request: dict[str, Any] | None = None

    @property
    def is_pull_request(self) -> bool:
        """Comments on PRs arrive as `issue_comment` with an `issue.pull_request` link."""
        return self.pull_request is not None


class Branch(Payload):
    ref: str
    sha: str
    repo: Repository | None = None  # null when the fork was deleted


class PullRequest(Payload):
    number: int
    title: str = ""
    body: str | None = None
    state: str = "open"
    html_url: str = ""
    head: Branch
    base: Branch
    user: User | None = None

    @property
    def is_fork(self) -> bool:
        """Head in another repository (or a deleted one): its code must not run with our token."""
        head = self.head.repo
        base = self.base.repo
        if head is None or base is None:
            return True
        return head.full_name.lower() != base.full_name.lower()


class IssueCommentEvent(Payload):
    action: str
    comment: Comment
    issue: Issue
    repository: Repository
    sender: User


class IssuesEvent(Payload):
    action: str
    issue: Issue
    label: Label | None = None
    repository: Repository
    sender: User


class PullRequestEvent(Payload):
    action: str
    number: int
    pull_request: PullRequest
    label: Label | None = None
    repository: Repository
    sender: User


class ReviewCommentEvent(Payload):
    action: str
    comment: Comment
    pull_request: PullRequest
    repository: Repository
    sender: User


class ScheduleEvent(Payload):
    """Actions-only event: the runner writes the cron line; repository/sender may be absent."""

    schedule: str | None = None
    repository: Repository | None = None
    sender: User | None = None


class WorkflowDispatchEvent(Payload):
    inputs: dict[str, str | bool | int | float | None] | None = None
    ref: str | None = None
    repository: Repository | None = None
    sender: User | None = None


EVENT_MODELS: dict[str, type[Payload]] = {
    "issue_comment": IssueCommentEvent,
    "issues": IssuesEvent,
    "pull_request": PullRequestEvent,
    "pull_request_target": PullRequestEvent,
    "pull_request_review_comment": ReviewCommentEvent,
    "schedule": ScheduleEvent,
    "workflow_dispatch": WorkflowDispatchEvent,
}


def read_payload(path: Path) -> dict[str, Any]:
    """The raw JSON object in the event file; malformed or truncated files are one-line errors."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise BotError(f"event file {path} does not exist (GITHUB_EVENT_PATH)") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise BotError(f"event file {path} cannot be read: {exc}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BotError(
            f"event file {path} is not valid JSON (line {exc.lineno} column {exc.colno}: "
            f"{exc.msg}); it looks truncated or malformed"
        ) from exc
    if not isinstance(data, dict):
        raise BotError(f"event file {path} holds a JSON {type(data).__name__}, not an object")
    return data


def parse_event(name: str, data: dict[str, Any]) -> Payload | None:
    """Validate `data` as event `name`; None for events the bot does not handle."""
    model = EVENT_MODELS.get(name)
    if model is None:
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "payload"
        raise BotError(f"{name} event payload: {where}: {err['msg']}") from exc


def load_event(name: str, path: Path) -> Payload | None:
    """Read and validate the event file the runner left for this job."""
    return parse_event(name, read_payload(path))
