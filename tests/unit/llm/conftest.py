"""Shared: recorded model replies and a threaded local HTTP server standing in for the APIs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "llm"


def recorded(name: str) -> dict:
    """A recorded response body (JSON) from tests/fixtures/llm."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def reply_text(name: str) -> str:
    """The assistant text of a recorded response, or a .md reply as is."""
    if name.endswith(".md"):
        return (FIXTURES / name).read_text(encoding="utf-8")
    body = recorded(name)
    if "choices" in body:
        return body["choices"][0]["message"]["content"]
    return "".join(block["text"] for block in body["content"])


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    """Threaded, so a handler that sleeps past the client timeout never blocks the next one."""
    srv = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    srv.start()
    try:
        yield srv
    finally:
        srv.clear()
        srv.stop()
