"""Review comments on a codeflash PR become maintainer conventions for the next run.

The comment is appended to `.codeflash/conventions.md` on the PR's branch under a topic
heading (`## Scope`, `## Correctness`, ...), or, for `guard: <command>`, replaces the command
under `## Guard`. The text is stored as data (one bullet, flattened); nothing in it runs here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from codeflash_bot.session.state import GUARD_HEADING

# Topic → words that put a comment under it; first match wins, else "General".
TOPICS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Scope",
        (
            "don't touch",
            "do not touch",
            "dont touch",
            "leave",
            "skip",
            "exclude",
            "avoid",
            "ignore",
            "never change",
            "out of scope",
            "not this",
            "keep as is",
        ),
    ),
    (
        "Correctness",
        (
            "wrong",
            "bug",
            "incorrect",
            "breaks",
            "broken",
            "behaviour",
            "behavior",
            "semantic",
            "unsafe",
            "race",
            "thread",
        ),
    ),
    (
        "Style",
        ("style", "readab", "naming", "name", "comment", "docstring", "format", "idiom", "clear"),
    ),
    ("Testing", ("test", "benchmark", "coverage", "fixture")),
    ("Performance", ("slow", "fast", "memory", "allocation", "latency", "regress")),
)
GENERAL = "General"
HEADER = "# Conventions\n\nMaintainer rules for codeflash-bot on this repository.\n"
_GUARD_LINE = re.compile(r"^\s*guard\s*:\s*`*(?P<cmd>[^`\n]+?)`*\s*$", re.I | re.M)


@dataclass(frozen=True)
class Feedback:
    author: str
    text: str
    path: str | None = None
    line: int | None = None


def guard_command(text: str) -> str | None:
    """`guard: pytest -q tests/test_x.py` (optionally in backticks) → the command."""
    match = _GUARD_LINE.search(text)
    return match["cmd"].strip() if match else None


def topic_of(text: str) -> str:
    lowered = text.lower()
    for topic, words in TOPICS:
        if any(w in lowered for w in words):
            return topic
    return GENERAL


def bullet(fb: Feedback) -> str:
    where = ""
    if fb.path:
        where = f" on `{fb.path}:{fb.line}`" if fb.line else f" on `{fb.path}`"
    text = " ".join(fb.text.split())
    return f"- @{fb.author}{where}: {text}"


def _sections(doc: str) -> list[tuple[str, list[str]]]:
    """[(heading line or "" for the preamble, body lines)] in order."""
    out: list[tuple[str, list[str]]] = [("", [])]
    for line in doc.splitlines():
        if line.startswith("## "):
            out.append((line.rstrip(), []))
        else:
            out[-1][1].append(line)
    return out


def _join(sections: list[tuple[str, list[str]]]) -> str:
    chunks: list[str] = []
    for heading, body in sections:
        lines = list(body)
        while lines and not lines[-1].strip():
            lines.pop()
        block = ([heading] if heading else []) + lines
        if block:
            chunks.append("\n".join(block))
    return "\n\n".join(chunks).strip() + "\n"


def add_feedback(doc: str, fb: Feedback) -> tuple[str, str]:
    """New conventions.md text and the heading the feedback went under."""
    sections = _sections(doc if doc.strip() else HEADER)
    cmd = guard_command(fb.text)
    if cmd is not None:
        heading, new_body = GUARD_HEADING, ["", cmd, f"<!-- set by @{fb.author} -->"]
        for i, (h, _) in enumerate(sections):
            if h == heading:
                sections[i] = (h, new_body)
                break
        else:
            sections.insert(1, (heading, new_body))
        return _join(sections), "Guard"
    topic = topic_of(fb.text)
    heading = f"## {topic}"
    for h, body in sections:
        if h == heading:
            body.append(bullet(fb))
            break
    else:
        sections.append((heading, ["", bullet(fb)]))
    return _join(sections), topic
