"""prep stage: turn kept experiments into a reviewable, reproducible pull request.

`draft_pull_request` is what the GitHub layer calls; `compare` backs `codeflash-bot compare`;
`commands.register(app)` adds both CLI commands to the typer app.
"""

from codeflash_bot.prep.compare import CompareResult, CompareRow, compare
from codeflash_bot.prep.draft import PullRequestDraft, draft_pull_request
from codeflash_bot.prep.inventory import KeptOptimization, inventory

__all__ = [
    "CompareResult",
    "CompareRow",
    "KeptOptimization",
    "PullRequestDraft",
    "compare",
    "draft_pull_request",
    "inventory",
]
