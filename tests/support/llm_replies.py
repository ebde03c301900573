"""Recorded model replies (tests/fixtures/llm): tests never reach a real model."""

from __future__ import annotations

import json

from tests.support.paths import FIXTURES as TEST_FIXTURES

FIXTURES = TEST_FIXTURES / "llm"


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
