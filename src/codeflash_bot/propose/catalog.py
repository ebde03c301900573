"""The rule catalog (docs/rules.md), generated from the rules' docstrings."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

from codeflash_bot.propose.rule import DOC_HEADINGS, Rule
from codeflash_bot.propose.rules import all_rules

# Measured by benchmarks/rule_gains.py (each rule's example, before and after); in a source
# checkout only, so an installed copy renders the catalog without the figures.
GAINS_FILE = Path(__file__).resolve().parents[3] / "docs" / "rule_gains.json"


def load_gains(path: Path = GAINS_FILE) -> dict[str, dict]:
    """Per-rule figures from rule_gains.py, or {} when not measured / not a source checkout."""
    if not path.is_file():
        return {}
    return {k: v for k, v in json.loads(path.read_text(encoding="utf-8")).items() if k[0] != "_"}


def gain_text(found: dict | None) -> str:
    """`+35 %` / `12x faster` (time), `peak -90 %` (memory), `-` when there is no example."""
    if not found:
        return "-"
    gain = found["gain_pct"]
    time_text = (
        f"{found['before'] / found['after']:.0f}x faster" if gain >= 200 else f"{gain:+.0f} %"
    )
    if "peak_change_pct" in found:
        return f"peak {found['peak_change_pct']:+.0f} %, time {time_text}"
    return time_text


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


def render_catalog(gains: dict[str, dict] | None = None) -> str:
    gains = load_gains() if gains is None else gains
    lines = [
        "# Rule catalog",
        "",
        "Generated from the rule docstrings by `python -m codeflash_bot.propose.catalog`;",
        "do not edit by hand. A rule proposes; verification and measurement decide.",
        "Typical gain: the rule's example in `benchmarks/rule_examples.py` before and after,",
        "measured by `python benchmarks/rule_gains.py` (time per call for cpu, tracemalloc peak",
        "for memory, 5 concurrent calls for async; structure rules: `run_structure.py`).",
        "The gain in a real repository is whatever the bot measures there.",
        "",
        "| code | name | domain | spellings | typical gain | summary |",
        "|---|---|---|---|---|---|",
    ]
    rules = all_rules()
    lines += [
        f"| {r.code} | {r.name} | {r.domain.value} | {len(r.spellings)} | "
        f"{gain_text(gains.get(r.code))} | {r.summary} |"
        for r in rules
    ]
    for rule in rules:
        lines += ["", f"## {rule.code} {rule.name}", ""]
        for heading, text in sections(rule).items():
            lines.append(f"**{heading}** {text}")
            lines.append("")
        found = gains.get(rule.code)
        if found:
            lines.append(f"**Typical gain** {gain_text(found)} on its example")
            lines.append("")
        if rule.spellings:
            lines.append("**Spellings recognised**")
            lines.append("")
            lines += [f"- {spelling}" for spelling in rule.spellings]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    print(render_catalog(), end="")
