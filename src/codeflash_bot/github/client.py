"""The one place a PyGithub client is built, and where its failures become one-line errors.

Retries are modest on purpose: a few quick retries of 5xx answers, a wait for a rate limit
only when the reset is near (≤ `MAX_RATE_WAIT` s), otherwise stop with a clear message rather
than hold a runner for up to an hour.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import requests
from github import Auth, Github, GithubException, GithubRetry
from github.GithubException import RateLimitExceededExceedsMaxWait, RateLimitExceededException

from codeflash_bot.errors import BotError

DEFAULT_API_URL = "https://api.github.com"
MAX_RATE_WAIT = 60.0
RETRIES = 3
BACKOFF = 0.5


class BotRetry(GithubRetry):
    """GithubRetry that also refuses long `Retry-After` waits (urllib3 would sleep any length)."""

    def increment(
        self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None
    ):
        if response is not None and self.max_rate_limit_wait is not None:
            after = response.headers.get("Retry-After")
            if after and after.strip().isdigit() and float(after) > self.max_rate_limit_wait:
                raise RateLimitExceededExceedsMaxWait(
                    response.status,
                    {"message": "Retry-After too long"},
                    response.headers,
                    wait=float(after),
                )
        return super().increment(method, url, response, error, _pool, _stacktrace)


def make_retry(
    retries: int = RETRIES, backoff: float = BACKOFF, max_wait: float = MAX_RATE_WAIT
) -> BotRetry:
    return BotRetry(total=retries, backoff_factor=backoff, max_rate_limit_wait=max_wait)


def make_client(
    token: str, api_url: str | None = None, *, retry: Any = None, timeout: int = 30
) -> Github:
    """A lazy client for `api_url` (GITHUB_API_URL: github.com, GHES or a test server)."""
    return Github(
        base_url=(api_url or DEFAULT_API_URL).rstrip("/"),
        auth=Auth.Token(token),
        retry=retry if retry is not None else make_retry(),
        timeout=timeout,
        per_page=100,
        lazy=True,
        seconds_between_requests=None,
        seconds_between_writes=None,
        user_agent="codeflash-bot",
    )


def _reset_text(headers: dict[str, Any] | None, wait: float | None) -> str:
    reset = (headers or {}).get("X-RateLimit-Reset") or (headers or {}).get("x-ratelimit-reset")
    if reset and str(reset).isdigit():
        when = datetime.fromtimestamp(int(reset), UTC)
        minutes = max(0, round((when - datetime.now(UTC)).total_seconds() / 60))
        return f"it resets at {when:%H:%M} UTC (in about {minutes} min)"
    if wait:
        return f"it resets in about {round(wait / 60) or 1} min"
    return "the reset time is unknown"


def explain(exc: BaseException) -> str:
    """One line for any failure of an API call."""
    if isinstance(exc, RateLimitExceededExceedsMaxWait):
        return (
            f"GitHub API rate limit exceeded and {_reset_text(exc.headers, exc.wait)}, "
            f"longer than the {MAX_RATE_WAIT:.0f} s the bot waits; stopping. "
            "Re-run after the reset."
        )
    if isinstance(exc, RateLimitExceededException):
        return f"GitHub API rate limit exceeded; {_reset_text(exc.headers, None)}. Re-run later."
    if isinstance(exc, requests.exceptions.RetryError):
        return f"GitHub API kept failing after {RETRIES} retries: {exc}".splitlines()[0]
    if isinstance(exc, GithubException):
        message = exc.data.get("message") if isinstance(exc.data, dict) else exc.data
        return f"GitHub API answered {exc.status}: {message or exc.message or 'no message'}"
    if isinstance(exc, requests.exceptions.RequestException):
        return f"GitHub API unreachable: {exc}".splitlines()[0]
    return f"{type(exc).__name__}: {exc}".splitlines()[0]


API_ERRORS = (GithubException, requests.exceptions.RequestException)


@contextlib.contextmanager
def api_errors() -> Iterator[None]:
    """Turn API failures inside the block into a one-line `BotError`."""
    try:
        yield
    except API_ERRORS as exc:
        raise BotError(explain(exc)) from exc


def now() -> float:
    """Wall clock, one indirection so tests can move time."""
    return time.time()
