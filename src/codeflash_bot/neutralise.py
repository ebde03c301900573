"""Text written by a model or taken from a repository, made inert before GitHub renders it.

A PR body or comment is rendered markdown: an `@name` notifies people, raw HTML and images
can hide text or fetch from other hosts, and a code block ends at the first fence as long as
its own. So: code goes in a fence longer than any backtick run inside it, mentions are defused
with a zero-width joiner outside code, and model text loses raw HTML and images. Code spans
and fenced blocks are left byte-for-byte as they are (a decorator must stay `@property`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

ZWJ = "\u200d"
_MENTION = re.compile(r"(?<![\w`/@.])@([A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:/[\w.-]+)?)")
_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)|!\[[^\]]*\]\[[^\]]*\]")
_HTML = re.compile(r"<!--.*?-->|</?[A-Za-z][^<>]*>", re.S)


def fence(code: str, info: str = "") -> str:
    """`code` in a backtick fence no line inside it can close."""
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{info}\n{code.rstrip(chr(10))}\n{ticks}"


def code_span(text: str) -> str:
    """`text` as one inline code span, whatever backticks it holds."""
    text = " ".join(text.split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _outside_code(text: str, change: Callable[[str], str]) -> str:
    """Apply `change` to the prose of `text`, never inside fenced blocks or code spans."""
    out: list[str] = []
    prose: list[str] = []
    closing: str | None = None
    for line in text.splitlines(keepends=True):
        if closing is None:
            opened = _FENCE_OPEN.match(line)
            if opened:
                out.append(_spans(("".join(prose)), change))
                prose = []
                closing = opened.group(1)
                out.append(line)
            else:
                prose.append(line)
        else:
            out.append(line)
            stripped = line.strip()
            if stripped.startswith(closing[0] * len(closing)) and not stripped.strip(closing[0]):
                closing = None
    out.append(_spans("".join(prose), change))
    return "".join(out)


def _spans(prose: str, change: Callable[[str], str]) -> str:
    parts: list[str] = []
    last = 0
    for match in _CODE_SPAN.finditer(prose):
        parts.append(change(prose[last : match.start()]))
        parts.append(match.group(0))
        last = match.end()
    parts.append(change(prose[last:]))
    return "".join(parts)


def defuse_mentions(text: str, allow: Collection[str] = ()) -> str:
    """`@name` (and `@org/team`) outside code no longer notifies anyone, except `allow`."""
    allowed = {a.lower() for a in allow}

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        return match.group(0) if name.lower() in allowed else f"@{ZWJ}{name}"

    return _outside_code(text, lambda prose: _MENTION.sub(one, prose))


def model_text(text: str) -> str:
    """Text a model wrote, as prose for a PR body: no raw HTML, no images, no mentions."""

    def clean(prose: str) -> str:
        return _HTML.sub("", _IMAGE.sub("", prose))

    return defuse_mentions(_outside_code(text, clean))
