"""Strip secrets from everything sent to a model, and put them back into what comes back.

Each secret becomes a placeholder (`CODEFLASH_REDACTED_3`) that keeps code parseable; the same
secret always gets the same placeholder, so a rewrite that keeps the literal gets the real value
back locally via `unredact` and the model never sees it. `.env`-like blocks in prose (markdown
state files) are dropped whole.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable

PLACEHOLDER = "CODEFLASH_REDACTED_{n}"
PLACEHOLDER_RE = re.compile(r"CODEFLASH_REDACTED_\d+")
ENV_BLOCK_NOTE = "[.env-like lines removed by codeflash-bot]"

# Well-known token formats: matched anywhere, whatever they are assigned to.
TOKEN_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|\Z)",
        r"\bsk-ant-[A-Za-z0-9_\-]{16,}",  # Anthropic
        r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}",  # OpenAI
        r"\bgh[pousr]_[A-Za-z0-9]{30,}",  # GitHub classic tokens
        r"\bgithub_pat_[A-Za-z0-9_]{22,}",  # GitHub fine-grained
        r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b",  # AWS access key id
        r"\bxox[abposr]-[A-Za-z0-9\-]{10,}",  # Slack
        r"\bAIza[0-9A-Za-z_\-]{35}\b",  # Google API key
        r"\b[rs]k_(?:live|test)_[0-9A-Za-z]{16,}",  # Stripe
        r"\bglpat-[A-Za-z0-9_\-]{20,}",  # GitLab
        r"\bhf_[A-Za-z0-9]{30,}",  # Hugging Face
        r"\bnpm_[A-Za-z0-9]{36}\b",  # npm
        r"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}",  # JWT
    )
)
# `Authorization: Bearer <token>` / `Basic <b64>` anywhere.
AUTH_HEADER_RE = re.compile(r"(?i)\b(bearer|basic|token)\s+([A-Za-z0-9._~+/\-]{16,}=*)")
# Credentials inside URLs: scheme://user:PASSWORD@host
URL_CREDENTIALS_RE = re.compile(r"([a-z][a-z0-9+.\-]*://[^\s:/@'\"]+:)([^\s@'\"]+)(@)", re.I)
# A name that says "secret", assigned a literal: NAME = "value" / NAME: "value" / NAME=value.
SECRET_NAME = r"[A-Za-z0-9_]*?(?:passw(?:or)?d|pwd|secret|token|key|credential)[A-Za-z0-9_]*"
ASSIGNED_RE = re.compile(
    r"""(?ix)
    (?P<name>\b"""
    + SECRET_NAME
    + r"""\b)
    (?P<sep>["']?\s*(?::\s*[A-Za-z_][\w\[\]., |]*?\s*=|:=|:|=)\s*)
    (?:
        (?P<q>["'])(?P<qval>[^"'\n]*)(?P=q)
      | (?P<bare>[^\s"'#,;)\]}]+)
    )
    """
)
ALWAYS_SECRET_RE = re.compile(r"(?i)passw(or)?d|passwd|pwd|secret|private|credential")
# A line of a dotenv file: NAME=value (optionally `export NAME=value`).
DOTENV_LINE_RE = re.compile(r"^\s*(?:export\s+)?[A-Z][A-Z0-9_]*\s*=\s*\S.*$")


def entropy(text: str) -> float:
    """Shannon entropy in bits per character (random tokens score > 3.5, words < 3)."""
    if not text:
        return 0.0
    counts = Counter(text)
    return -sum(c / len(text) * math.log2(c / len(text)) for c in counts.values())


def looks_random(value: str) -> bool:
    """High-entropy, token-like: long enough, mixed character classes, few spaces."""
    if len(value) < 12 or " " in value.strip():
        return False
    classes = sum(
        bool(re.search(p, value)) for p in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^A-Za-z0-9]")
    )
    return classes >= 2 and entropy(value) >= 3.0


class Redactor:
    """Replaces secrets with stable placeholders; remembers them to restore model output."""

    def __init__(self, known_secrets: Iterable[str] = ()) -> None:
        self._by_secret: dict[str, str] = {}
        self._known = sorted({s for s in known_secrets if s and len(s) >= 8}, key=len, reverse=True)

    @property
    def count(self) -> int:
        """How many distinct secrets were withheld so far."""
        return len(self._by_secret)

    def _placeholder(self, secret: str) -> str:
        if secret not in self._by_secret:
            self._by_secret[secret] = PLACEHOLDER.format(n=len(self._by_secret) + 1)
        return self._by_secret[secret]

    def redact(self, text: str, *, prose: bool = False) -> str:
        """`text` with every secret found replaced; `prose` also drops `.env`-like blocks."""
        if prose:
            text = drop_dotenv_blocks(text)
        for secret in self._known:
            if secret in text:
                text = text.replace(secret, self._placeholder(secret))
        for pattern in TOKEN_PATTERNS:
            text = pattern.sub(lambda m: self._placeholder(m.group(0)), text)
        text = AUTH_HEADER_RE.sub(lambda m: f"{m.group(1)} {self._placeholder(m.group(2))}", text)
        text = URL_CREDENTIALS_RE.sub(
            lambda m: m.group(1) + self._placeholder(m.group(2)) + m.group(3), text
        )
        return ASSIGNED_RE.sub(lambda m: self._assigned(m, prose), text)

    def _assigned(self, m: re.Match[str], prose: bool) -> str:
        quoted = m.group("q") is not None
        value = m.group("qval") if quoted else m.group("bare")
        # in code a bare value is a name or a call, not a literal; in prose it is the value
        if (
            value is None
            or (not quoted and not prose)
            or PLACEHOLDER_RE.fullmatch(value)
            or not _is_secret_value(m.group("name"), value)
        ):
            return m.group(0)
        start, end = m.span("qval") if quoted else m.span("bare")
        whole = m.group(0)
        offset = m.start()
        return whole[: start - offset] + self._placeholder(value) + whole[end - offset :]

    def unredact(self, text: str) -> str:
        """Put the real secrets back where the model kept a placeholder."""
        for secret, placeholder in self._by_secret.items():
            text = re.sub(rf"{placeholder}(?!\d)", _literal(secret), text)
        return text


def _literal(value: str) -> Callable[[re.Match[str]], str]:
    """A re.sub replacement that inserts `value` as is (a string would expand its backslashes)."""
    return lambda _m: value


def _is_secret_value(name: str, value: str) -> bool:
    """Password-like names hide any real value; *_KEY/*_TOKEN names only random-looking ones."""
    if value.lower() in {"none", "null", "true", "false", "", "xxx", "changeme"}:
        return False
    if not re.search(r"[A-Za-z0-9]", value):
        return False
    if ALWAYS_SECRET_RE.search(name):
        return len(value) >= 4
    return looks_random(value)


def drop_dotenv_blocks(text: str) -> str:
    """Remove runs of 2+ `NAME=value` lines (a pasted .env file) from prose."""
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    run: list[str] = []
    for line in [*lines, ""]:
        if line and DOTENV_LINE_RE.match(line):
            run.append(line)
            continue
        if len(run) >= 2:
            out.append(ENV_BLOCK_NOTE + "\n")
        else:
            out.extend(run)
        run = []
        out.append(line)
    return "".join(out)
