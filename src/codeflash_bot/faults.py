"""Test hook: die by SIGKILL at a named point of a run, to prove a rerun repairs and resumes.

Set `CODEFLASH_FAULT_KILL_AT=<point>` (or `<point>:<n>` for the n-th time the run reaches it)
and the bot kills itself with SIGKILL there: no `finally`, no atexit, exactly like a cancelled
CI job or an OOM kill. Unset (always, outside tests) every checkpoint is a no-op. This is the
only place the variable is read; tests/e2e/test_resume.py drives it.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

ENV = "CODEFLASH_FAULT_KILL_AT"

POINTS = (
    "auto",  # `--domain auto`'s detached scratch worktree exists, no estimate yet
    "setup",  # the bot's branch and worktree exist, nothing else yet
    "claim-temp",  # the run's claim on its branch is half-written
    "state-temp",  # a state file's temp copy is written, not yet renamed over the real one
    "results-temp",  # the same for results.tsv (first time: the first keep's row)
    "baseline",  # the baseline test run is done
    "profile",  # targets found
    "capture",  # inputs captured
    "replay",  # a candidate passed replay on the captured inputs
    "timing",  # one interleaved timing of a candidate is done
    "candidate-temp",  # a candidate's temp file is written next to the target, not renamed
    "candidate-written",  # the candidate replaced the target file in the checkout
    "commit",  # tests passed; the keep is about to be committed
    "committed",  # the keep is committed, its results.tsv row not yet written
    "recorded",  # the results.tsv row is written
    "publish",  # state files copied into the checkout, not yet committed
    "published",  # the state commit is made
    "teardown",  # about to remove the worktree
)

_reached: Counter[str] = Counter()


def checkpoint(point: str) -> None:
    """Die here if the test hook asks for this point (and this occurrence of it)."""
    spec = os.environ.get(ENV)
    if not spec:
        return
    name, _, nth = spec.partition(":")
    if name != point:
        return
    _reached[point] += 1
    if _reached[point] == int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
