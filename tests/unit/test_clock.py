"""The run's time budget: phase deadlines, cut-short reasons and the phase report.

The clock reads an injected `now`, so these tests never depend on the machine's speed.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from codeflash_bot.config import Config
from codeflash_bot.models import Phase
from codeflash_bot.profile.budget import hard_stop_grace, harness_timeout, profile_budget
from codeflash_bot.sandbox import (
    MIN_TIMEOUT,
    current_deadline,
    effective_timeout,
    run_command,
    set_deadline,
)
from codeflash_bot.session.clock import REACHED_DEADLINE, SHARES, PhaseClock, render_phases
from codeflash_bot.session.report import render_time
from codeflash_bot.session.setup import INSTALL_TIMEOUT, install_failure


class FakeTime:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def now() -> FakeTime:
    return FakeTime()


@pytest.fixture(autouse=True)
def no_deadline_left_behind():
    yield
    set_deadline(None)


def test_shares_cover_the_whole_budget() -> None:
    assert list(SHARES) == list(Phase)
    assert sum(SHARES.values()) == pytest.approx(1.0)


def test_unused_time_carries_forward(now: FakeTime) -> None:
    clock = PhaseClock(10, now=now)  # 600 s
    clock.begin(Phase.SETUP)  # no auto phase: setup may run to 20 % of the budget
    assert clock.left() == pytest.approx(0.20 * 600)
    now.t += 30
    clock.begin(Phase.BASELINE)  # setup took 30 s: the baseline may run until 40 %
    assert clock.left() == pytest.approx(0.40 * 600 - 30)
    clock.begin(Phase.PROFILE)  # the baseline took no time: the profile may run until 55 %
    assert clock.left() == pytest.approx(0.55 * 600 - 30)
    clock.begin(Phase.EXPERIMENTS)
    assert clock.left() == pytest.approx(600 - 30)


def test_a_phase_after_an_overrun_still_gets_its_own_share(now: FakeTime) -> None:
    clock = PhaseClock(10, now=now)
    clock.begin(Phase.SETUP)
    now.t += 300  # setup (a first run's environment install) overran its 20 % by far
    clock.begin(Phase.BASELINE)  # the baseline tests still get their own 20 %
    assert clock.left() == pytest.approx(0.20 * 600)
    now.t += 250
    clock.begin(Phase.PROFILE)  # only 50 s of the budget remain: nothing past the end
    assert clock.left() == pytest.approx(50)


def test_child_timeouts_are_cut_to_the_phase_and_never_raised(now: FakeTime) -> None:
    clock = PhaseClock(1, now=now)  # 60 s
    clock.begin(Phase.PROFILE)  # 55 % = 33 s
    config = Config(test_timeout=600, candidate_timeout=60)
    limited = clock.limited(config)
    assert limited.test_timeout == pytest.approx(33)
    assert clock.limited(config.merged(candidate_timeout=20)).candidate_timeout == 20
    assert clock.limited(config, 1 / 3).test_timeout == pytest.approx(11)
    now.t += 60
    assert clock.limited(config).test_timeout == MIN_TIMEOUT


def test_phase_report_says_which_phase_was_cut_and_why(now: FakeTime) -> None:
    clock = PhaseClock(1, now=now)
    clock.begin(Phase.SETUP)
    now.t += 5
    clock.begin(Phase.PROFILE)
    assert clock.cut_reason() is None
    now.t += 10
    clock.cut("the profile was interrupted after 10 s and saw 2 function(s) of the repo")
    clock.cut("a second reason is not kept")
    clock.begin(Phase.PREPARE)
    now.t += 100  # ran past its deadline: cut short even when nobody said why
    assert clock.cut_reason() == REACHED_DEADLINE and clock.spent()
    clock.finish()
    setup, profile, prepare = clock.phases()
    assert (setup.phase, setup.seconds, setup.cut_short) == (Phase.SETUP, 5, None)
    assert profile.cut_short.startswith("the profile was interrupted")
    assert prepare.seconds == 100 and prepare.cut_short == REACHED_DEADLINE
    line = render_phases(clock.phases(), clock.total, clock.used())
    assert line.startswith("time: setup 5.0 s, profile 10.0 s (cut short: the profile was")
    assert line.endswith("; 115.0 s of the 60.0 s budget")
    table = "\n".join(render_time(clock.phases(), clock.total, clock.used()))
    assert "| prepare | 15% |" in table and "Not reached: baseline, experiments." in table


def test_the_phase_deadline_caps_every_child(now: FakeTime) -> None:
    set_deadline(time.monotonic() + 3600)
    assert effective_timeout(5) == 5
    set_deadline(time.monotonic() - 1)  # past: a child still gets the minimum to start
    assert effective_timeout(600) == MIN_TIMEOUT
    set_deadline(None)
    assert effective_timeout(600) == 600


def test_a_profile_gets_at_most_half_the_time_left_in_its_phase(now: FakeTime) -> None:
    """Even a workload that never ends is stopped by the profile's hard stop (2 x budget +
    grace) before the phase's end kills it, so what was sampled is written."""
    clock = PhaseClock(2, now=now)  # 120 s
    clock.begin(Phase.PROFILE)  # until 55 % = 66 s
    limited = clock.limited(Config())
    assert hard_stop_grace(limited) == pytest.approx(13.2)  # 20 % of 66 s
    assert profile_budget(limited) == pytest.approx((66 * 0.9 - 13.2) / 2)
    assert 2 * profile_budget(limited) + hard_stop_grace(limited) < harness_timeout(limited) == 66


def test_set_up_may_use_the_whole_budget_never_more(now: FakeTime) -> None:
    """A venv killed at the set-up share would be rebuilt from scratch by every rerun: set-up
    children run until the end of the budget, and the next phase is back on its own deadline."""
    clock = PhaseClock(10, now=now)  # 600 s
    clock.begin(Phase.SETUP)  # its share ends at 20 % = 120 s
    assert current_deadline() == 1000 + 120
    clock.run_to_end()
    assert current_deadline() == clock.end == 1000 + 600
    clock.begin(Phase.BASELINE)
    assert current_deadline() == 1000 + 240
    clock.finish()
    clock.run_to_end()  # outside a phase: no deadline is set
    assert current_deadline() is None


def test_an_install_stopped_by_the_budget_says_so(tmp_path) -> None:
    sleeper = [sys.executable, "-c", "import time; time.sleep(600)"]
    set_deadline(time.monotonic() - 1)  # the budget is over: the child gets MIN_TIMEOUT
    result = run_command(sleeper, cwd=tmp_path, timeout=INSTALL_TIMEOUT)
    assert result.timed_out
    assert install_failure(result) == (
        "stopped unfinished at the end of the time budget (--budget-minutes)"
    )
    set_deadline(None)
    assert install_failure(result) == f"did not finish in {INSTALL_TIMEOUT / 60:g} min"
    failed = run_command(
        [sys.executable, "-c", "raise SystemExit('no wheel')"], cwd=tmp_path, timeout=60
    )
    assert install_failure(failed) == "no wheel"


def test_the_cli_budget_counts_from_the_process_start() -> None:
    """The child sleeps before it asks: its start lies before the sleep and after the parent's
    clock reading before the spawn (one clock, CLOCK_MONOTONIC; 20 ms for /proc's ticks)."""
    code = (
        "import time; time.sleep(0.3)\n"
        "from codeflash_bot.session.clock import process_start\n"
        "print(repr(process_start()), repr(time.monotonic()))"
    )
    before = time.monotonic()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    started, asked = (float(x) for x in out.stdout.split())
    assert before - 0.02 <= started <= asked - 0.3
