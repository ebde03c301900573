"""The run's wall-clock budget: `--budget-minutes` bounds the whole run, not only experiments.

One clock starts at the start of `optimize()`. Each phase (models.Phase) has a share of the
budget and may run until its deadline:

    deadline = min(end, max(start + budget * (shares up to and including the phase),
                            phase start + budget * its own share))

so time an earlier phase left unused carries forward, an earlier phase that overran does not
starve the next one of its own share, and nothing is given time past the end of the budget.
Child processes of a phase (tests, profiles, capture, replay, timing) get the time left until
the phase's deadline as their timeout, never more than the configured test/candidate timeouts:
`limited()` cuts the config an engine sees, and `sandbox.set_deadline` makes every child
started during the phase end by its deadline, however many an engine starts in a row.
A phase that reaches its deadline is reported as cut short; once the budget is spent the run
stops with "time budget used" and commits nothing half-done (loop.py).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from codeflash_bot.config import Config
from codeflash_bot.models import Phase, PhaseTime
from codeflash_bot.sandbox import MIN_TIMEOUT, set_deadline

SHARES: dict[Phase, float] = {
    Phase.AUTO: 0.10,
    Phase.SETUP: 0.10,
    # its own phase: a first run's environment set-up must not eat the baseline tests' time
    Phase.BASELINE: 0.20,
    Phase.PROFILE: 0.15,
    Phase.PREPARE: 0.15,
    Phase.EXPERIMENTS: 0.30,
}
REACHED_DEADLINE = "reached the end of its time share"
# A process start further back than this is not this command's start-up (a clock mismatch).
MAX_STARTUP_SECONDS = 600.0


def process_start() -> float:
    """When this process started, on the time.monotonic() scale; now where that is unknown.

    The CLI's budget counts from here, so the interpreter's start-up and the bot's imports are
    inside it: over a minute on a saturated machine, that time escaped the budget before.
    Linux: /proc/self/stat's start time and CLOCK_MONOTONIC both count from boot.
    """
    now = time.monotonic()
    try:
        fields = Path("/proc/self/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
        start = int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return now
    return start if 0 <= now - start <= MAX_STARTUP_SECONDS else now


class BudgetSpent(Exception):
    """The time budget ran out: stop cleanly, keep what is committed, commit nothing else."""

    def __init__(self, phase: Phase, detail: str) -> None:
        super().__init__(f"time budget used ({phase.value}: {detail})")
        self.phase = phase


class PhaseClock:
    """Deadlines per phase and the time each phase took; `now` is injectable for tests."""

    def __init__(
        self,
        budget_minutes: float,
        *,
        start: float | None = None,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self._now = now
        self.start = now() if start is None else start
        self.total = budget_minutes * 60.0
        self.end = self.start + self.total
        self.phase: Phase | None = None
        self._done: list[PhaseTime] = []
        self._begun = self.start
        self._deadline = self.end
        self._cut: str | None = None
        self.cuts = 0  # how many times anything was cut short (so a caller can tell it was)

    # --- phases ----------------------------------------------------------------------------
    def begin(self, phase: Phase) -> None:
        """Close the current phase (if any) and start `phase` with its deadline."""
        self.finish()
        now = self._now()
        order = list(SHARES)
        cumulative = sum(SHARES[p] for p in order[: order.index(phase) + 1])
        own = now + self.total * SHARES[phase]
        self._deadline = min(self.end, max(self.start + self.total * cumulative, own))
        self.phase, self._begun, self._cut = phase, now, None
        set_deadline(self._deadline)

    def run_to_end(self) -> None:
        """Children started from now on may run until the end of the whole budget, not only
        the current phase's deadline: for set-up the run cannot do without (a venv killed at
        its share would be rebuilt from scratch by every rerun and never finish)."""
        if self.phase is not None:
            set_deadline(self.end)

    def finish(self) -> None:
        """Record the current phase's time (a no-op when no phase is running)."""
        if self.phase is not None:
            self._done.append(self._current())
            self.phase = None
            set_deadline(None)

    def cut(self, detail: str) -> None:
        """Say why the current phase was cut short (the first reason given is kept)."""
        self.cuts += 1
        if self.phase is not None and self._cut is None:
            self._cut = detail

    def cut_reason(self) -> str | None:
        """Why the current phase was cut short, or None while it has time left."""
        if self._cut is None and self.phase is not None and self.expired():
            return REACHED_DEADLINE
        return self._cut

    def phase_seconds(self) -> float:
        """The time the current phase was given."""
        return max(0.0, self._deadline - self._begun)

    def phases(self) -> list[PhaseTime]:
        """Every phase begun so far, the running one included (its time so far)."""
        return self._done + ([self._current()] if self.phase is not None else [])

    def _current(self) -> PhaseTime:
        assert self.phase is not None
        now = self._now()
        cut = self._cut
        if cut is None and now >= self._deadline:
            cut = REACHED_DEADLINE
        return PhaseTime(
            phase=self.phase,
            seconds=max(0.0, now - self._begun),
            allowed=max(0.0, self._deadline - self._begun),
            cut_short=cut,
        )

    # --- time left -------------------------------------------------------------------------
    def used(self) -> float:
        return self._now() - self.start

    def left(self) -> float:
        """Seconds until the current phase's deadline (0 when it has passed)."""
        return max(0.0, self._deadline - self._now())

    def expired(self) -> bool:
        """The current phase's deadline has passed."""
        return self._now() >= self._deadline

    def spent(self) -> bool:
        """The whole budget is used."""
        return self._now() >= self.end

    def timeout(self, configured: float, fraction: float = 1.0) -> float:
        """A child's timeout: `fraction` of the phase's time left, at most `configured`."""
        return max(MIN_TIMEOUT, min(configured, self.left() * fraction))

    def limited(self, config: Config, fraction: float = 1.0) -> Config:
        """`config` with its child timeouts cut to `fraction` of the phase's time left."""
        return config.merged(
            test_timeout=self.timeout(config.test_timeout, fraction),
            candidate_timeout=self.timeout(config.candidate_timeout, fraction),
        )


def render_phases(phases: list[PhaseTime], budget_seconds: float, wall_seconds: float) -> str:
    """One line for the console: time per phase, which were cut short, wall time vs budget."""
    parts = []
    for p in phases:
        part = f"{p.phase.value} {secs(p.seconds)}"
        if p.cut_short:
            part += f" (cut short: {p.cut_short})"
        parts.append(part)
    used = ", ".join(parts) or "no phase ran"
    return f"time: {used}; {secs(wall_seconds)} of the {secs(budget_seconds)} budget"


def secs(seconds: float) -> str:
    if seconds >= 120:
        return f"{seconds / 60:.1f} min"
    return f"{seconds:.1f} s"
