"""A small stateful stand-in for the GitHub REST API, served by pytest-httpserver.

Every request the bot makes is recorded (method, path, query, JSON body) and checked against
the vendored REST description (tests/fixtures/github/openapi/operations.json): the operation
must be one GitHub has, query parameters must exist for it, and the body must satisfy its
request schema. Responses start from GitHub's own examples with URLs pointed at this server.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.support.paths import FIXTURES as TEST_FIXTURES

FIXTURES = TEST_FIXTURES / "github"
OPERATIONS = json.loads((FIXTURES / "openapi" / "operations.json").read_text())["operations"]
SUPPORTED_KEYWORDS = {
    "type",
    "properties",
    "required",
    "enum",
    "description",
    "example",
    "format",
    "default",
    "items",
}
BOT = {"login": "github-actions[bot]", "id": 41898282, "type": "Bot"}


def webhook(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / "webhooks" / name).read_text())


def _template_regex(template: str) -> re.Pattern[str]:
    pattern = re.sub(r"\\\{[^}]+\\\}", r"[^/]+", re.escape(template))
    return re.compile(f"^{pattern}$")


_OPS = [
    (key.split(" ", 1)[0], _template_regex(key.split(" ", 1)[1]), key, op)
    for key, op in OPERATIONS.items()
]


def operation_for(method: str, path: str) -> tuple[str, dict[str, Any]] | None:
    for op_method, regex, key, op in _OPS:
        if op_method == method and regex.match(path):
            return key, op
    return None


_TYPES = {
    "object": dict,
    "string": str,
    "boolean": bool,
    "array": list,
    "integer": int,
    "number": (int, float),
}


def schema_errors(schema: dict[str, Any], value: Any, where: str = "body") -> list[str]:
    """The subset of JSON Schema the vendored request schemas use (asserted by a test)."""
    errors: list[str] = []
    unknown = set(schema) - SUPPORTED_KEYWORDS
    if unknown:
        return [f"{where}: schema uses unsupported keywords {sorted(unknown)}"]
    expected = schema.get("type")
    if expected:
        py = _TYPES[expected]
        if not isinstance(value, py) or (
            expected in ("integer", "number") and isinstance(value, bool)
        ):
            return [f"{where}: {value!r} is not of type {expected!r}"]
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            errors += schema_errors(schema["items"], item, f"{where}[{i}]")
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where}: {value!r} not in {schema['enum']}")
    if isinstance(value, dict):
        for name in schema.get("required", []):
            if name not in value:
                errors.append(f"{where}: {name!r} is a required property")
        props = schema.get("properties", {})
        for name, item in value.items():
            if props and name not in props:
                errors.append(f"{where}: unexpected property {name!r}")
            elif name in props:
                errors += schema_errors(props[name], item, f"{where}.{name}")
    return errors


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, str]
    body: Any

    def __repr__(self) -> str:
        return f"{self.method} {self.path}" + (f" {self.body!r}" if self.body else "")


@dataclass
class Failure:
    method: str
    path: re.Pattern[str]
    status: int
    body: dict[str, Any]
    headers: dict[str, str]
    times: int


@dataclass
class FakeGitHub:
    """State of one fake repository `owner/repo` plus the request log."""

    server: HTTPServer
    full_name: str = "Codertocat/Hello-World"
    permissions: dict[str, str] = field(default_factory=dict)
    comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    pulls: dict[int, dict[str, Any]] = field(default_factory=dict)
    runs: dict[str, str] = field(default_factory=dict)
    reviews: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    next_id: int = 9000

    def __post_init__(self) -> None:
        self.server.expect_request(re.compile(".*")).respond_with_handler(self._handle)

    # --- helpers for tests -----------------------------------------------------------------
    @property
    def base(self) -> str:
        return self.server.url_for("").rstrip("/")

    @property
    def repo_url(self) -> str:
        return f"{self.base}/repos/{self.full_name}"

    def fail(
        self,
        method: str,
        path: str,
        status: int,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """The next `times` requests matching (method, path regex) get this answer."""
        self.failures.append(
            Failure(
                method,
                re.compile(path),
                status,
                body or {"message": "Server Error"},
                headers or {},
                times,
            )
        )

    def writes(self) -> list[Call]:
        return [c for c in self.calls if c.method != "GET"]

    def summary(self) -> list[str]:
        """`METHOD path` per call, with the repo prefix shortened to `R`."""
        prefix = f"/repos/{self.full_name}"
        return [f"{c.method} {c.path.replace(prefix, 'R')}" for c in self.calls]

    def add_pull(
        self,
        number: int,
        head: str,
        base: str = "master",
        *,
        fork: str | None = None,
        body: str = "",
        sha: str | None = None,
    ) -> dict[str, Any]:
        """`sha`: the head's real commit (a run refuses a head that moved from the one named)."""
        pr = self._pull(number, head, base, title=f"PR {number}", body=body, fork=fork)
        if sha is not None:
            pr["head"]["sha"] = sha
        self.pulls[number] = pr
        return pr

    def add_comment(self, number: int, body: str, user: dict[str, Any] | None = None) -> int:
        return self._comment(number, body, user or BOT)["id"]

    # --- response builders (from GitHub's examples) ----------------------------------------
    def _example(self, key: str, code: str) -> Any:
        value = OPERATIONS[key]["responseExamples"][code]
        text = json.dumps(value).replace("https://api.github.com", self.base)
        text = text.replace("octocat/Hello-World", self.full_name)
        return json.loads(text)

    def _comment(self, number: int, body: str, user: dict[str, Any]) -> dict[str, Any]:
        self.next_id += 1
        c = self._example("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", "201")
        c.update(
            id=self.next_id,
            body=body,
            user=dict(user),
            url=f"{self.repo_url}/issues/comments/{self.next_id}",
            html_url=f"https://github.com/{self.full_name}/issues/{number}"
            f"#issuecomment-{self.next_id}",
            issue_url=f"{self.repo_url}/issues/{number}",
        )
        self.comments.setdefault(number, []).append(c)
        return c

    def _pull(
        self, number: int, head: str, base: str, *, title: str, body: str, fork: str | None = None
    ) -> dict[str, Any]:
        pr = self._example("POST /repos/{owner}/{repo}/pulls", "201")
        repo = {"full_name": self.full_name, "default_branch": "master"}
        head_repo = {"full_name": fork or self.full_name}
        pr.update(
            number=number,
            title=title,
            body=body,
            state="open",
            url=f"{self.repo_url}/pulls/{number}",
            html_url=f"https://github.com/{self.full_name}/pull/{number}",
            head={"ref": head, "sha": "0" * 40, "label": f"x:{head}", "repo": head_repo},
            base={"ref": base, "sha": "1" * 40, "label": f"x:{base}", "repo": repo},
        )
        return pr

    # --- the server ------------------------------------------------------------------------
    def _handle(self, request: Request) -> Response:
        body = request.get_json(silent=True) if request.data else None
        call = Call(
            request.method, request.path, dict(parse_qsl(request.query_string.decode())), body
        )
        self.calls.append(call)
        self._validate(call, request)
        for failure in self.failures:
            if (
                failure.times > 0
                and failure.method == call.method
                and failure.path.search(call.path)
            ):
                failure.times -= 1
                return Response(
                    json.dumps(failure.body),
                    failure.status,
                    headers=failure.headers,
                    content_type="application/json",
                )
        status, data = self._route(call)
        return Response(json.dumps(data), status, content_type="application/json")

    def _validate(self, call: Call, request: Request) -> None:
        found = operation_for(call.method, call.path)
        if found is None:
            self.problems.append(f"{call.method} {call.path}: not a GitHub REST operation")
            return
        key, op = found
        names = {p["name"] for p in op["parameters"] if p["in"] == "query"}
        for name in call.query:
            if name not in names:
                self.problems.append(f"{key}: unknown query parameter {name!r}")
        schema = op["requestBody"]
        if schema is None:
            if call.body not in (None, {}):
                self.problems.append(f"{key}: takes no body, got {call.body!r}")
            return
        if call.body is None:
            if op["requestBodyRequired"]:
                self.problems.append(f"{key}: request body required")
            return
        self.problems += [f"{key}: {e}" for e in schema_errors(schema, call.body)]

    def _route(self, call: Call) -> tuple[int, Any]:
        prefix = f"/repos/{self.full_name}"
        if not call.path.startswith(prefix):
            return 404, {"message": "Not Found"}
        path, m, b = call.path[len(prefix) :], call.method, call.body or {}
        if m == "GET" and (hit := re.fullmatch(r"/collaborators/([^/]+)/permission", path)):
            perm = self.permissions.get(hit[1], "read")
            legacy = {"maintain": "write", "triage": "read"}.get(perm, perm)
            return 200, {
                "permission": legacy,
                "role_name": perm,
                "user": {"login": hit[1], "type": "User"},
            }
        if m == "POST" and re.fullmatch(r"/(issues|pulls)/(comments/)?\d+/reactions", path):
            return 201, self._example(
                "POST /repos/{owner}/{repo}/issues/{issue_number}/reactions", "201"
            )
        if hit := re.fullmatch(r"/issues/(\d+)/comments", path):
            if m == "GET":
                return 200, self.comments.get(int(hit[1]), [])
            return 201, self._comment(int(hit[1]), b["body"], BOT)
        if m == "PATCH" and (hit := re.fullmatch(r"/issues/comments/(\d+)", path)):
            for comments in self.comments.values():
                for c in comments:
                    if c["id"] == int(hit[1]):
                        c["body"] = b["body"]
                        return 200, c
            return 404, {"message": "Not Found"}
        if path == "/pulls" and m == "GET":
            q = call.query
            found = [
                p
                for p in self.pulls.values()
                if p["state"] == q.get("state", "open")
                and ("head" not in q or q["head"].split(":", 1)[-1] == p["head"]["ref"])
                and ("base" not in q or q["base"] == p["base"]["ref"])
            ]
            return 200, found
        if path == "/pulls" and m == "POST":
            number = max([100, *self.pulls]) + 1
            pr = self._pull(
                number, b["head"], b["base"], title=b.get("title", ""), body=b.get("body", "")
            )
            self.pulls[number] = pr
            return 201, pr
        if hit := re.fullmatch(r"/pulls/(\d+)", path):
            pr = self.pulls.get(int(hit[1]))
            if pr is None:
                return 404, {"message": "Not Found"}
            if m == "PATCH":
                pr.update({k: v for k, v in b.items() if k in ("title", "body", "state")})
            return 200, pr
        if m == "POST" and re.fullmatch(r"/pulls/\d+/comments/\d+/replies", path):
            return 201, self._example(
                "POST /repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies",
                "201",
            )
        if m == "POST" and (hit := re.fullmatch(r"/pulls/(\d+)/reviews", path)):
            number = int(hit[1])
            self.next_id += 1
            review = self._example("POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews", "200")
            review.update(
                id=self.next_id,
                body=b.get("body", ""),
                state="COMMENTED",
                commit_id=b.get("commit_id", ""),
                html_url=f"https://github.com/{self.full_name}/pull/{number}"
                f"#pullrequestreview-{self.next_id}",
                pull_request_url=f"{self.repo_url}/pulls/{number}",
            )
            self.reviews.setdefault(number, []).append(b)
            return 200, review
        if hit := re.fullmatch(r"/actions/runs/(\d+)(/cancel)?", path):
            if hit[2]:
                self.runs[hit[1]] = "cancelled"
                return 202, {}
            return 200, {"id": int(hit[1]), "status": self.runs.get(hit[1], "in_progress")}
        return 404, {"message": f"fake has no route for {m} {path}"}
