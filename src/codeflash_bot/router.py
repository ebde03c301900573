"""Route a request to a domain: explicit flag or label first, then the branch, then words."""

from __future__ import annotations

import re

from codeflash_bot.git import BOT_BRANCH_PREFIX
from codeflash_bot.models import Domain

# DESIGN.md "Domains": the words (and stems) that route a free-text request.
WORDS: dict[Domain, tuple[str, ...]] = {
    Domain.MEMORY: (
        r"memory",
        r"ram",
        r"oom",
        r"out of memory",
        r"leak\w*",
        r"allocat\w*",
        r"peak",
        r"footprint",
        r"rss",
        r"mem",
    ),
    Domain.ASYNC: (
        r"async\w*",
        r"await\w*",
        r"event[- ]loop",
        r"concurren\w*",
        r"latency",
        r"blocks?",
        r"blocking",
        r"coroutines?",
        r"asyncio",
    ),
    Domain.STRUCTURE: (
        r"import[- ]time",
        r"imports?",
        r"startup",
        r"start[- ]up",
        r"circular",
        r"(?<!data )structure",
        r"cold start",
        r"boot",
    ),
    Domain.CPU: (
        r"slow\w*",
        r"cpu",
        r"speed\w*",
        r"fast\w*",
        r"data structures?",
        r"hot",
        r"perf\w*",
        r"quadratic",
        r"runtime",
        r"takes? (?:too )?long",
    ),
}
BRANCH_ABBR = {d.abbr: d for d in Domain if d is not Domain.AUTO}


def domain_of_branch(branch: str | None) -> Domain | None:
    """`codeflash/mem-2026-11-23` -> MEMORY; None for other branches."""
    if not branch or not branch.startswith(BOT_BRANCH_PREFIX):
        return None
    abbr = branch.removeprefix(BOT_BRANCH_PREFIX).split("-", 1)[0]
    return BRANCH_ABBR.get(abbr)


def domain_of_text(text: str | None) -> Domain | None:
    """The domain whose words appear most in `text` (ties: memory, async, structure, cpu)."""
    if not text:
        return None
    lowered = text.lower()
    best, best_hits = None, 0
    for domain, patterns in WORDS.items():
        hits = sum(len(re.findall(rf"\b{p}\b", lowered)) for p in patterns)
        if hits > best_hits:
            best, best_hits = domain, hits
    return best


def route(domain: Domain, text: str | None, branch: str | None) -> tuple[Domain, str]:
    """(domain, why). `auto` with no signal stays AUTO for the caller to resolve by profiling."""
    if domain is not Domain.AUTO:
        return domain, f"asked for {domain.value}"
    resumed = domain_of_branch(branch)
    if resumed is not None:
        return resumed, f"resuming branch {branch}"
    worded = domain_of_text(text)
    if worded is not None:
        return worded, f"the request mentions {worded.value} words"
    return Domain.AUTO, "no domain asked for"
