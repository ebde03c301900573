"""Matching rules to the profiled functions stops at the phase's deadline and says so.

The match is a libcst pass per rule over each function (about a second per function of a big
module on a loaded machine: attrs' `_make.py`), so it must not run past the profile's share.
The deadline is set in the past or removed, never raced against.
"""

from __future__ import annotations

import time
from pathlib import Path

from codeflash_bot.config import Config
from codeflash_bot.domains.base import EngineContext
from codeflash_bot.domains.selection import MIN_MATCHED, workable
from codeflash_bot.harness_runner import HarnessRunner
from codeflash_bot.models import Domain, Phase, Target
from codeflash_bot.progress import NullReporter
from codeflash_bot.propose import RulesProposer
from codeflash_bot.session.clock import PhaseClock
from tests.support.setup_info import configured_setup

CORE = "def lowest(xs):\n    return sorted(xs)[0]\n\n\ndef plain(xs):\n    return xs\n"


class Notes(NullReporter):
    def __init__(self) -> None:
        self.lines: list[str] = []

    def note(self, message: str) -> None:
        self.lines.append(message)


def context(root: Path, clock: PhaseClock) -> EngineContext:
    (root / "core.py").write_text(CORE, encoding="utf-8")
    setup = configured_setup()
    runner = HarnessRunner.for_project(setup, root, Config().memory_limit_mb)
    return EngineContext(
        root, setup, Config(), root / "corpus", Notes(), clock=clock, runner=runner
    )


def profiled(*names: str) -> list[Target]:
    return [Target(module="core", qualname=n, file=Path("core.py"), lineno=1) for n in names]


def test_past_the_deadline_the_hottest_match_is_kept_and_the_rest_cut(tmp_path: Path) -> None:
    """The profile used its whole share: the hottest function a rule matches is still taken
    (the profile is not wasted), then the matching stops and the phase is cut short."""
    clock = PhaseClock(1, start=time.monotonic() - 3600)  # every deadline is long past
    clock.begin(Phase.PROFILE)
    try:
        ctx = context(tmp_path, clock)
        found = workable(ctx, profiled("plain", "lowest", "plain"), [RulesProposer(Domain.CPU)])
    finally:
        clock.finish()
    assert [t.ref for t in found] == ["core:lowest"]
    line = "matching rules to the profiled functions stopped at the phase's end (2 of 3 checked)"
    assert ctx.reporter.lines == [f"cut short: {line}"]
    assert clock.phases()[-1].cut_short == line


def test_past_the_deadline_matching_stops_after_the_first_few(tmp_path: Path) -> None:
    clock = PhaseClock(1, start=time.monotonic() - 3600)
    clock.begin(Phase.PROFILE)
    try:
        ctx = context(tmp_path, clock)
        found = workable(ctx, profiled(*["plain"] * (MIN_MATCHED + 2)), [RulesProposer(Domain.CPU)])
    finally:
        clock.finish()
    assert found == []
    checked = f"({MIN_MATCHED} of {MIN_MATCHED + 2} checked)"
    assert ctx.reporter.lines == [
        f"cut short: matching rules to the profiled functions stopped at the phase's end {checked}"
    ]


def test_without_a_deadline_the_same_function_is_matched(tmp_path: Path) -> None:
    clock = PhaseClock(60)
    clock.begin(Phase.PROFILE)
    try:
        ctx = context(tmp_path, clock)
        found = workable(ctx, profiled("plain", "lowest"), [RulesProposer(Domain.CPU)])
    finally:
        clock.finish()
    assert [t.ref for t in found] == ["core:lowest"]
    assert ctx.reporter.lines == []
