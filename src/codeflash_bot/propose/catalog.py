"""The rule catalog (docs/rules.md), generated from the rules' docstrings."""

from __future__ import annotations

import inspect

from codeflash_bot.propose.rule import DOC_HEADINGS, Rule
from codeflash_bot.propose.rules import all_rules


def sections(rule: Rule) -> dict[str, str]:
    """Docstring sections keyed by DOC_HEADINGS (missing ones absent)."""
    doc = inspect.cleandoc(type(rule).__doc__ or "")
    out: dict[str, str] = {}
    current: str | None = None
    for line in doc.splitlines():
        heading = line.strip().removesuffix(":")
        if heading in DOC_HEADINGS:
            current = heading
            out[current] = ""
        elif current is not None:
            out[current] += line.strip() + " "
    return {k: " ".join(v.split()) for k, v in out.items()}


def render_catalog() -> str:
    lines = [
        "# Rule catalog",
        "",
        "Generated from the rule docstrings by `python -m codeflash_bot.propose.catalog`;",
        "do not edit by hand. A rule proposes; verification and measurement decide.",
        "",
        "| code | name | domain | summary |",
        "|---|---|---|---|",
    ]
    rules = all_rules()
    lines += [f"| {r.code} | {r.name} | {r.domain.value} | {r.summary} |" for r in rules]
    for rule in rules:
        lines += ["", f"## {rule.code} {rule.name}", ""]
        for heading, text in sections(rule).items():
            lines.append(f"**{heading}** {text}")
            lines.append("")
        if rule.spellings:
            lines.append("**Spellings recognised**")
            lines.append("")
            lines += [f"- {spelling}" for spelling in rule.spellings]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    print(render_catalog(), end="")
