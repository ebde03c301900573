"""Model and repository text made inert for GitHub's markdown (issue 12, item 6)."""

from __future__ import annotations

import re

from codeflash_bot.neutralise import ZWJ, code_span, defuse_mentions, fence, model_text
from codeflash_bot.prep.pr_body import environment


def _closes_early(block: str) -> bool:
    """True if a line inside `block` would end it (CommonMark: a fence at least as long)."""
    lines = block.splitlines()
    ticks = re.match(r"`+", lines[0]).group(0)
    return any(re.fullmatch(rf" {{0,3}}`{{{len(ticks)},}}\s*", line) for line in lines[1:-1])


def test_fence_is_longer_than_any_backtick_run_inside() -> None:
    code = 'doc = """\n```\nexample\n````\n"""\n'
    block = fence(code, "diff")
    assert block.startswith("`````diff\n") and block.endswith("\n`````")
    assert not _closes_early(block)
    assert fence("x = 1").startswith("```\n")


def test_code_span_holds_backticks() -> None:
    assert code_span("a`b") == "``a`b``"
    assert code_span("`x`") == "`` `x` ``"


def test_mentions_are_defused_outside_code_only() -> None:
    text = "Thanks @octocat and @org/team!\n\n```python\n@property\ndef f(): ...\n```\nuse `@cache`"
    out = defuse_mentions(text)
    assert f"@{ZWJ}octocat" in out and f"@{ZWJ}org/team" in out
    assert "@property" in out and "`@cache`" in out
    assert defuse_mentions("mail me at a@example.com") == "mail me at a@example.com"


def test_allowed_mentions_stay() -> None:
    out = defuse_mentions("by @Codertocat, cc @mallory", allow={"codertocat"})
    assert "@Codertocat" in out and f"@{ZWJ}mallory" in out


def test_model_text_loses_html_images_and_mentions() -> None:
    text = (
        'Faster. <img src="https://evil.example/px.gif"> ![x](https://evil.example/a.png)'
        "<!-- hidden --> <details>open</details> ping @admin\n```\n<b>kept in code</b>\n```"
    )
    out = model_text(text)
    assert "<img" not in out and "![x]" not in out and "hidden" not in out
    assert "<details>" not in out and "open" in out
    assert f"@{ZWJ}admin" in out
    assert "<b>kept in code</b>" in out


def test_pr_body_template_fences_diffs_safely() -> None:
    template = environment().from_string("{{ diff | fence('diff') }}")
    rendered = template.render(diff='+"""\n+```\n+"""')
    assert not _closes_early(rendered) and rendered.startswith("````diff")
