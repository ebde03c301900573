"""The router on realistic requests (issue text, comments, labels)."""

import pytest

from codeflash_bot.models import Domain
from codeflash_bot.router import domain_of_branch, route

REQUESTS = [
    ("our worker runs out of RAM after an hour", Domain.MEMORY),
    ("OOM killed in production when importing the CSV", Domain.MEMORY),
    ("memory usage grows, looks like a leak in the cache", Domain.MEMORY),
    ("too many allocations in the parser", Domain.MEMORY),
    ("peak RSS is 3 GB for a 100 MB file", Domain.MEMORY),
    ("reduce the memory footprint of Node objects", Domain.MEMORY),
    ("the API handler blocks the event loop", Domain.ASYNC),
    ("requests are awaited one by one, can we run them concurrently?", Domain.ASYNC),
    ("latency of /search is terrible under load", Domain.ASYNC),
    ("async crawler is no faster than the sync one", Domain.ASYNC),
    ("time.sleep inside a coroutine", Domain.ASYNC),
    ("asyncio tasks run sequentially", Domain.ASYNC),
    ("startup takes 4 s", Domain.STRUCTURE),
    ("import time of the package is huge", Domain.STRUCTURE),
    ("circular import between models and utils", Domain.STRUCTURE),
    ("cold start of the CLI is slow because of imports", Domain.STRUCTURE),
    ("clean up the module structure", Domain.STRUCTURE),
    ("`import mypkg` pulls in pandas at import-time", Domain.STRUCTURE),
    ("this function is slow", Domain.CPU),
    ("make the report generation faster", Domain.CPU),
    ("CPU at 100% while deduplicating", Domain.CPU),
    ("speed up the tokenizer", Domain.CPU),
    ("quadratic behaviour in merge_ranges", Domain.CPU),
    ("use a better data structure for the lookup table", Domain.CPU),
    ("the hot loop in render() needs work", Domain.CPU),
    ("performance regression since 2.1", Domain.CPU),
    ("the nightly job takes too long", Domain.CPU),
    ("runtime of solve() doubled", Domain.CPU),
    ("please have a look", None),
    ("", None),
    ("/codeflash", None),
    ("thanks!", None),
]


@pytest.mark.parametrize(("text", "expected"), REQUESTS)
def test_words_route_requests(text: str, expected: Domain | None) -> None:
    domain, why = route(Domain.AUTO, text, "main")
    assert domain is (expected or Domain.AUTO)
    assert why


def test_explicit_domain_wins_over_words() -> None:
    assert route(Domain.CPU, "out of memory", None)[0] is Domain.CPU


@pytest.mark.parametrize(
    ("branch", "expected"),
    [
        ("codeflash/mem-2026-11-23", Domain.MEMORY),
        ("codeflash/ds-2026-11-23", Domain.CPU),
        ("codeflash/async-x", Domain.ASYNC),
        ("codeflash/struct-x", Domain.STRUCTURE),
        ("feature/mem-thing", None),
        ("codeflash/unknown-x", None),
    ],
)
def test_branch_resumes_its_domain(branch: str, expected: Domain | None) -> None:
    assert domain_of_branch(branch) is expected
    if expected:
        assert route(Domain.AUTO, "make it faster", branch)[0] is expected
