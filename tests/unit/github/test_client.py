"""Retries and rate limits against the local fake API: retry 5xx a few times, wait for a
rate limit only when the reset is near, otherwise stop with one clear line."""

from __future__ import annotations

import time

import pytest

from codeflash_bot.errors import BotError
from codeflash_bot.github.client import api_errors
from codeflash_bot.github.trust import role_of
from tests.support.action import make_ctx
from tests.support.fake_github import FakeGitHub

RATE_LIMITED = {
    "message": "API rate limit exceeded for installation ID 1.",
    "documentation_url": "https://docs.github.com/rest/rate-limit",
}


def test_500_then_success_is_retried(fake: FakeGitHub) -> None:
    fake.fail("GET", "/permission$", 500)
    assert role_of(make_ctx(fake), "octocat") == "write"
    assert fake.summary() == ["GET R/collaborators/octocat/permission"] * 2


def test_post_500_then_success_is_retried(fake: FakeGitHub) -> None:
    fake.fail("POST", "/comments$", 502)
    make_ctx(fake).repo.get_issue(1).create_comment("hi")
    assert fake.summary() == ["POST R/issues/1/comments"] * 2
    assert len(fake.comments[1]) == 1


def test_persistent_500_stops_with_one_line(fake: FakeGitHub) -> None:
    fake.fail("GET", "/permission$", 500, times=10)
    with pytest.raises(BotError, match="kept failing after 3 retries") as info, api_errors():
        role_of(make_ctx(fake), "octocat")
    assert "\n" not in str(info.value)
    assert len(fake.calls) == 4  # 1 + 3 retries, not urllib3's default 10


def test_rate_limit_with_near_reset_waits_then_succeeds(fake: FakeGitHub) -> None:
    reset = int(time.time()) + 1
    fake.fail(
        "GET",
        "/permission$",
        403,
        RATE_LIMITED,
        {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)},
    )
    started = time.monotonic()
    assert role_of(make_ctx(fake), "octocat") == "write"
    assert time.monotonic() - started >= 0.5
    assert len(fake.calls) == 2


def test_rate_limit_with_far_reset_stops_clearly(fake: FakeGitHub) -> None:
    reset = int(time.time()) + 3600
    fake.fail(
        "GET",
        "/permission$",
        403,
        RATE_LIMITED,
        {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)},
    )
    with (
        pytest.raises(BotError, match=r"rate limit exceeded and it resets at .* UTC"),
        api_errors(),
    ):
        role_of(make_ctx(fake), "octocat")
    assert len(fake.calls) == 1  # stopped at once: no wait for an hour-away reset, no retry


def test_long_retry_after_is_not_slept(fake: FakeGitHub) -> None:
    fake.fail(
        "GET",
        "/permission$",
        403,
        {"message": "You have exceeded a secondary rate limit"},
        {"Retry-After": "900"},
    )
    with pytest.raises(BotError, match="rate limit"), api_errors():
        role_of(make_ctx(fake), "octocat")
    assert len(fake.calls) == 1


def test_not_a_collaborator_is_none(fake: FakeGitHub) -> None:
    fake.fail("GET", "/permission$", 404, {"message": "Not Found"})
    assert role_of(make_ctx(fake), "ghost") == "none"


def test_maintain_role_counts_as_write(fake: FakeGitHub) -> None:
    fake.permissions["m"] = "maintain"
    fake.permissions["t"] = "triage"
    ctx = make_ctx(fake)
    assert role_of(ctx, "m") == "maintain"
    assert role_of(ctx, "t") == "read"
