"""pytest plugin run inside the target's interpreter by `compare --memory` (never by the bot).

Peak memory per benchmark = tracemalloc's peak of the allocations made during the test's call
phase (fixtures and module-level data loading excluded), with pytest-benchmark disabled so the
function runs exactly once. tracemalloc was chosen over memray because it is in the stdlib of
every target (nothing to install), its peak is deterministic run to run (no RSS noise), and it
sees the Python-level allocations our rewrite rules change; numpy reports its buffers to it too.
Results go to the JSON file named by $CODEFLASH_MEMORY_OUT as {nodeid: peak_bytes}.
"""

from __future__ import annotations

import json
import os
import tracemalloc
from collections.abc import Iterator

import pytest

_PEAKS: dict[str, int] = {}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    tracemalloc.start()
    tracemalloc.reset_peak()
    start, _ = tracemalloc.get_traced_memory()
    try:
        yield
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        _PEAKS[item.nodeid] = max(0, peak - start)


def pytest_sessionfinish(session: pytest.Session) -> None:
    out = os.environ.get("CODEFLASH_MEMORY_OUT")
    if out:
        with open(out, "w", encoding="utf-8") as fh:
            json.dump(_PEAKS, fh)
