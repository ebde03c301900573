"""Event routing, bedevere style: one registration per (event, action), thin handlers.

The handlers only pick the trigger function; the logic lives in `triggers.py` as plain
functions taking (ctx, payload) so tests and other handlers can call them directly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from codeflash_bot.github import pr_mode, triggers
from codeflash_bot.github.context import Context
from codeflash_bot.github.events import (
    IssueCommentEvent,
    IssuesEvent,
    Payload,
    PullRequestEvent,
    ReviewCommentEvent,
    ScheduleEvent,
    WorkflowDispatchEvent,
)

Handler = Callable[[Context, Any], None]


class Router:
    """Maps (event name, action) to handlers; `action=None` matches events without one."""

    def __init__(self) -> None:
        self._routes: dict[tuple[str, str | None], list[Handler]] = defaultdict(list)

    def register(self, event: str, action: str | None = None) -> Callable[[Handler], Handler]:
        def add(func: Handler) -> Handler:
            self._routes[(event, action)].append(func)
            return func

        return add

    def handlers(self, event: str, payload: Payload) -> list[Handler]:
        action = getattr(payload, "action", None)
        return list(self._routes.get((event, action), ()))

    def dispatch(self, ctx: Context, event: str, payload: Payload) -> int:
        """Call every matching handler; returns how many ran."""
        found = self.handlers(event, payload)
        for handler in found:
            handler(ctx, payload)
        return len(found)

    @property
    def routes(self) -> list[tuple[str, str | None]]:
        return sorted(self._routes, key=lambda k: (k[0], k[1] or ""))


router = Router()


@router.register("issue_comment", action="created")
def issue_comment_created(ctx: Context, event: IssueCommentEvent) -> None:
    triggers.handle_comment(ctx, event)


@router.register("issues", action="labeled")
def issue_labeled(ctx: Context, event: IssuesEvent) -> None:
    triggers.handle_issue_label(ctx, event)


@router.register("pull_request", action="labeled")
def pull_request_labeled(ctx: Context, event: PullRequestEvent) -> None:
    triggers.handle_pr_label(ctx, event)


def pull_request_changed(ctx: Context, event: PullRequestEvent) -> None:
    pr_mode.handle_pr_event(ctx, event)


for _event in ("pull_request", "pull_request_target"):
    for _action in pr_mode.PR_ACTIONS:
        router.register(_event, action=_action)(pull_request_changed)


@router.register("pull_request_review_comment", action="created")
def review_comment_created(ctx: Context, event: ReviewCommentEvent) -> None:
    triggers.handle_review_comment(ctx, event)


@router.register("schedule")
def scheduled(ctx: Context, event: ScheduleEvent) -> None:
    triggers.handle_schedule(ctx, event)


@router.register("workflow_dispatch")
def dispatched(ctx: Context, event: WorkflowDispatchEvent) -> None:
    triggers.handle_dispatch(ctx, event)
