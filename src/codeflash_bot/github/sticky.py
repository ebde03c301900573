"""One status comment per issue/PR, found by a hidden marker and edited in place.

The marker also carries the run's state (running/done/...) and workflow run id as JSON in an
HTML comment, which is how a second trigger on the same issue learns that a run is already in
progress (the workflow's concurrency group is the first line of defence; this is the second).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass

import github_action_utils as gha

from codeflash_bot.github.client import API_ERRORS, explain
from codeflash_bot.github.context import Context
from codeflash_bot.models import ExperimentRecord, Status, Target

MARKER = "<!-- codeflash-bot:status -->"
_STATE = re.compile(r"<!-- codeflash-bot:state (\{[^<>]*\}) -->")
RUNNING = "running"
STALE_AFTER = 6 * 3600 + 600  # a job cannot outlive GitHub's 6 h limit
_ICON = {Status.KEEP: "✅ kept", Status.DISCARD: "➖ discarded", Status.CRASH: "💥 crashed"}


@dataclass(frozen=True)
class RunState:
    state: str
    run_id: str | None = None
    started: float = 0.0

    def marker(self) -> str:
        data = {"state": self.state, "run_id": self.run_id, "started": int(self.started)}
        return f"<!-- codeflash-bot:state {json.dumps(data, sort_keys=True)} -->"


def parse_state(body: str) -> RunState | None:
    match = _STATE.search(body)
    if not match:
        return None
    try:
        data = json.loads(match.group(1))
        run_id = data.get("run_id")
        return RunState(
            str(data["state"]), str(run_id) if run_id else None, float(data.get("started") or 0)
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def cell(text: str) -> str:
    """Text safe inside one markdown table cell."""
    return " ".join(text.replace("|", "\\|").split())


class Sticky:
    """The bot's status comment on one issue or pull request."""

    def __init__(self, ctx: Context, number: int) -> None:
        self.ctx = ctx
        self.number = number
        self.comment_id: int | None = None
        self.body = ""
        self._looked = False

    def find(self) -> int | None:
        """Id of the newest comment that carries the marker and was written by the bot's own
        identity (any other app or user could forge a marker saying a run is in progress)."""
        if not self._looked:
            self._looked = True
            for comment in self.ctx.repo.get_issue(self.number).get_comments():
                body = comment.body or ""
                user = comment.user
                ours = user is not None and user.login == self.ctx.bot_login
                if MARKER in body and ours:
                    self.comment_id, self.body = comment.id, body
        return self.comment_id

    def state(self) -> RunState | None:
        self.find()
        return parse_state(self.body) if self.comment_id else None

    def url(self) -> str:
        if self.comment_id is None:
            return ""
        base = f"{self.ctx.server_url}/{self.ctx.full_name}/issues/{self.number}"
        return f"{base}#issuecomment-{self.comment_id}"

    def write(self, body: str) -> None:
        """Create the comment the first time, edit it afterwards."""
        body = self.ctx.redact(body)
        issue = self.ctx.repo.get_issue(self.number)
        comment_id = self.find()
        if comment_id is None:
            self.comment_id = issue.create_comment(body).id
        else:
            issue.get_comment(comment_id).edit(body)
        self.body = body


def run_in_progress(ctx: Context, sticky: Sticky) -> RunState | None:
    """The state of another run still going on this issue/PR, or None."""
    state = sticky.state()
    if state is None or state.state != RUNNING or state.run_id == ctx.run_id:
        return None
    if time.time() - state.started > STALE_AFTER:
        return None
    if state.run_id and state.run_id.isdigit():
        try:
            _, data = ctx.gh.requester.requestJsonAndCheck(
                "GET", ctx.api_path("actions", "runs", state.run_id)
            )
            if data.get("status") == "completed":
                return None  # the run died without updating its comment
        except API_ERRORS:
            pass  # cannot tell (e.g. no actions: read): trust the marker
    return state


class StickyReporter:
    """The loop's Reporter on GitHub: edits the sticky comment as stages and experiments end.

    Never raises (the loop's contract): API failures become one warning annotation each.
    Edits are throttled to one per `min_interval` seconds except for experiment results.
    """

    def __init__(self, sticky: Sticky, header: str, *, min_interval: float = 10.0) -> None:
        self.sticky = sticky
        self.header = header
        self.min_interval = min_interval
        self.status = "starting"
        self.rows: list[ExperimentRecord] = []
        self.notes: list[str] = []
        self.state = RunState(RUNNING, sticky.ctx.run_id, time.time())
        self._last = 0.0

    # --- Reporter protocol -----------------------------------------------------------------
    def stage(self, name: str, detail: str = "") -> None:
        self.status = f"stage **{cell(name)}**" + (f" — {cell(detail)}" if detail else "")
        self._push(force=False)

    def target(self, target: Target, index: int, total: int) -> None:
        self.status = f"target {index}/{total}: `{cell(target.ref)}`"
        self._push(force=False)

    def experiment(self, record: ExperimentRecord, done: int, budget: int, kept: int) -> None:
        self.rows.append(record)
        self.status = f"{done}/{budget} experiments, {kept} kept"
        self._push(force=True)

    def note(self, message: str) -> None:
        self.notes.append(cell(message))
        self._push(force=False)

    # --- rendering -------------------------------------------------------------------------
    def render(self, footer: str = "") -> str:
        parts = [MARKER, self.state.marker(), self.header, "", f"**Status:** {self.status}"]
        if self.rows:
            parts += ["", "| # | target | result | Δ | what |", "|---|---|---|---|---|"]
            for i, r in enumerate(self.rows, 1):
                delta = "–" if r.delta_pct is None else f"{r.delta_pct:+.1f} %"
                parts.append(
                    f"| {i} | `{cell(r.target)}` | {_ICON.get(r.status, r.status)} | {delta} "
                    f"| {cell(r.description)} |"
                )
        if self.notes:
            parts += ["", *(f"> {n}" for n in self.notes[-5:])]
        if footer:
            parts += ["", footer]
        return "\n".join(parts)

    def finish(self, state: str, status: str, footer: str = "") -> None:
        """Final edit: the state marker leaves `running` so the next trigger may start."""
        self.state = RunState(state, self.state.run_id, self.state.started)
        self.status = status
        self._push(force=True, footer=footer)

    def start(self) -> None:
        self._push(force=True)

    def _push(self, *, force: bool, footer: str = "") -> None:
        if not force and time.monotonic() - self._last < self.min_interval:
            return
        try:
            self.sticky.write(self.render(footer))
            self._last = time.monotonic()
        except API_ERRORS as exc:
            gha.warning(f"could not update the status comment: {explain(exc)}")
        except Exception as exc:  # the Reporter contract: never raise into the loop
            gha.warning(f"could not update the status comment: {type(exc).__name__}: {exc}")
