"""Payload models against GitHub's real webhook examples, and broken event files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codeflash_bot.errors import BotError
from codeflash_bot.github.events import (
    IssueCommentEvent,
    IssuesEvent,
    PullRequestEvent,
    ReviewCommentEvent,
    ScheduleEvent,
    WorkflowDispatchEvent,
    load_event,
    parse_event,
)
from tests.support.fake_github import FIXTURES, webhook


@pytest.mark.parametrize(
    ("event", "fixture", "model"),
    [
        ("issue_comment", "issue_comment.created.json", IssueCommentEvent),
        ("issues", "issues.labeled.json", IssuesEvent),
        ("pull_request", "pull_request.labeled.json", PullRequestEvent),
        (
            "pull_request_review_comment",
            "pull_request_review_comment.created.json",
            ReviewCommentEvent,
        ),
        ("schedule", "schedule.json", ScheduleEvent),
        ("workflow_dispatch", "workflow_dispatch.json", WorkflowDispatchEvent),
    ],
)
def test_real_payloads_parse(event: str, fixture: str, model: type) -> None:
    parsed = load_event(event, FIXTURES / "webhooks" / fixture)
    assert isinstance(parsed, model)


def test_fields_the_bot_reads() -> None:
    ev = parse_event("pull_request", webhook("pull_request.labeled.json"))
    assert isinstance(ev, PullRequestEvent)
    assert ev.action == "labeled" and ev.label is not None
    assert not ev.pull_request.is_fork
    assert ev.pull_request.head.ref == "changes"
    comment = parse_event("issue_comment", webhook("issue_comment.created.json"))
    assert isinstance(comment, IssueCommentEvent)
    assert not comment.issue.is_pull_request and not comment.sender.is_bot


def test_fork_and_bot_detection() -> None:
    data = webhook("pull_request.labeled.json")
    data["pull_request"]["head"]["repo"]["full_name"] = "mallory/Hello-World"
    data["sender"].update(login="dependabot[bot]", type="User")
    ev = parse_event("pull_request", data)
    assert isinstance(ev, PullRequestEvent)
    assert ev.pull_request.is_fork and ev.sender.is_bot
    data["pull_request"]["head"]["repo"] = None  # fork deleted
    ev = parse_event("pull_request", data)
    assert isinstance(ev, PullRequestEvent) and ev.pull_request.is_fork


def test_unhandled_event_is_none() -> None:
    assert parse_event("push", {"ref": "x"}) is None


def test_truncated_file_is_one_line_error(tmp_path: Path) -> None:
    text = json.dumps(webhook("issue_comment.created.json"))
    path = tmp_path / "event.json"
    path.write_text(text[: len(text) // 2])
    with pytest.raises(BotError, match=r"not valid JSON .* truncated or malformed") as info:
        load_event("issue_comment", path)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("[]", "JSON list, not an object"),
        ("{}", "issue_comment event payload: action"),
        ('{"action": "created"}', "comment: Field required"),
        ("\xff", "not valid JSON"),
    ],
)
def test_malformed_payloads(tmp_path: Path, content: str, says: str) -> None:
    path = tmp_path / "event.json"
    path.write_text(content)
    with pytest.raises(BotError, match=says):
        load_event("issue_comment", path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(BotError, match="does not exist"):
        load_event("issue_comment", tmp_path / "nope.json")
