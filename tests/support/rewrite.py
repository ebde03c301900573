"""Applying one rewrite rule to a dedented snippet, as the rule fixture tests do."""

from __future__ import annotations

import textwrap

from codeflash_bot.propose.rule import Rule, apply_rule


def rewrite(rule: Rule, before: str, qualname: str = "f") -> str | None:
    """Apply `rule` to `qualname` in the dedented `before` source."""
    return apply_rule(rule, textwrap.dedent(before), qualname)


def dedent(text: str) -> str:
    return textwrap.dedent(text)
