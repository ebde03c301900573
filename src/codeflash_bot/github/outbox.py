"""The run phase's API writes, recorded instead of sent: its job holds a read-only token.

Handlers are written once and talk to PyGithub as usual. In the run phase the client's
`requestJson` is wrapped: reads go to the API, writes (POST/PATCH/PUT/DELETE) are recorded
and answered with a placeholder, so the handler carries on (a status comment it "created"
gets a placeholder id that later edits refer to). The publish phase replays the record, after
checking every entry against what the event allows (`github/replay.py`).

Repeated edits of one comment keep only the last body, so a run that edited its status
comment a hundred times publishes one comment.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Literal
from urllib.parse import urlsplit

from github import Github
from pydantic import BaseModel, ConfigDict, Field

PLACEHOLDER_BASE = 9_000_000_000  # ids the run phase hands out; never a real GitHub id here
PLACEHOLDER_URL = "https://codeflash.invalid/placeholder/"  # html_url of a deferred object
WRITE_VERBS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
MAX_WRITES = 60


class Write(BaseModel):
    """One deferred API write, relative to the repository (`issues/1/comments`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    method: Literal["POST", "PATCH", "PUT", "DELETE"]
    path: str = Field(max_length=200, pattern=r"^[A-Za-z0-9_./-]+$")
    body: dict[str, Any] = Field(default_factory=dict)
    placeholder: int | None = None  # the id the run phase answered with


class Push(BaseModel):
    """The `codeflash/*` branch the run phase would have pushed (it is in the bundle)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    branch: str
    lease: str | None = None  # origin's sha of the branch the run phase saw (None: new branch)


Entry = Write | Push


class Outbox:
    """Records writes in order; `entries` is what goes into the artifact's manifest."""

    def __init__(self, repo_url: str) -> None:
        self.repo_url = repo_url.rstrip("/")
        self.entries: list[Entry] = []
        self.staged: Any = None  # bundle.Staged once the branch is bundled
        self.base: str | None = None  # the branch a pull request would go into
        self.pr_head: str | None = None  # PR mode: the PR head sha the run checked out
        self._next = PLACEHOLDER_BASE

    def relative(self, url: str) -> str | None:
        """`url` relative to the repository's API URL, None if it is elsewhere."""
        path = urlsplit(url).path if "://" in url else url
        base = urlsplit(self.repo_url).path
        if not path.startswith(base + "/"):
            return None
        return path[len(base) + 1 :]

    def record(self, method: str, url: str, body: Any) -> tuple[int, dict[str, Any]]:
        """Store the write; returns (status, placeholder JSON) for the caller to carry on."""
        path = self.relative(url)
        if path is None:
            raise ValueError(f"a write outside the repository: {method} {url}")
        data = body if isinstance(body, dict) else {}
        if method == "PATCH":  # echo the edit; the object keeps its real number and URL
            if not self._merge_edit(path, data):
                self.entries.append(Write(method=method, path=path, body=data))
            return 200, {"url": url, **{k: v for k, v in data.items() if k in ("title", "body")}}
        placeholder = None
        if method == "POST":
            placeholder = self._next
            self._next += 1
        self.entries.append(Write(method=method, path=path, body=data, placeholder=placeholder))
        status = 202 if path.endswith("/cancel") else (201 if method == "POST" else 200)
        return status, self._answer(url, placeholder)

    def push(self, branch: str, lease: str | None) -> None:
        self.entries = [e for e in self.entries if not (isinstance(e, Push) and e.branch == branch)]
        self.entries.append(Push(branch=branch, lease=lease))

    def _answer(self, url: str, placeholder: int | None) -> dict[str, Any]:
        ident = placeholder or 0
        html = f"{PLACEHOLDER_URL}{ident}" if ident else ""
        return {"id": ident, "number": ident, "url": url, "html_url": html, "body": ""}

    def _placeholder_of(self, path: str) -> int | None:
        tail = path.rsplit("/", 1)[-1]
        return int(tail) if tail.isdigit() else None

    def _merge_edit(self, path: str, body: dict[str, Any]) -> bool:
        """A later edit of the same thing replaces the earlier one (or the creating POST's
        body) and moves it to the end, so text that names later objects resolves in order."""
        ident = self._placeholder_of(path)
        for i, entry in enumerate(self.entries):
            if not isinstance(entry, Write):
                continue
            same = (ident is not None and entry.placeholder == ident) or (
                entry.method == "PATCH" and entry.path == path
            )
            if same:
                del self.entries[i]
                self.entries.append(entry.model_copy(update={"body": {**entry.body, **body}}))
                return True
        return False


def defer_writes(gh: Github, outbox: Outbox) -> None:
    """Make `gh` record writes in `outbox` instead of sending them (reads still go out)."""
    requester = gh.requester
    send: Callable[..., tuple[int, dict[str, Any], str]] = requester.requestJson

    def request_json(
        verb: str,
        url: str,
        parameters: Any = None,
        headers: Any = None,
        input: Any = None,
        cnx: Any = None,
        follow_302_redirect: bool = False,
    ) -> tuple[int, dict[str, Any], str]:
        if verb.upper() in WRITE_VERBS:
            if len(outbox.entries) >= MAX_WRITES:
                raise ValueError(f"more than {MAX_WRITES} API writes in one run")
            status, answer = outbox.record(verb.upper(), url, input)
            return status, {}, json.dumps(answer)
        return send(
            verb, url, parameters, headers, input, cnx, follow_302_redirect=follow_302_redirect
        )

    requester.requestJson = request_json  # type: ignore[method-assign]
