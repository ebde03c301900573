"""The time budget of a profiling run of the suite, and what to say when it profiled a sample.

Every harness that runs the whole suite for evidence (CPU, memory and async profiles, input
capture) gets the same budget (harness/cf_suite.py): the tests run in a spread order and stop
once it is used, so a suite of any size costs bounded time and the profile is a sample of the
whole suite, not of its first files. The result's "tests" entry says how much ran.
"""

from __future__ import annotations

from typing import Any

from codeflash_bot.config import Config
from codeflash_bot.models import Frozen

# pytest plugins blocked in every budgeted run (why: harness/cf_suite.py, which has a copy).
ROBUST_ARGS = ["-p", "no:unraisableexception", "-p", "no:threadexception"]
BUDGET_SHARE = 0.25  # a profiling run may use at most this share of the run's budget-minutes
MIN_BUDGET = 10.0  # seconds; below this a profile says too little to be worth the run
# The test timeout the run's phase clock hands an engine is the time left in the phase
# (session/clock.py): the profile's hard stop (2 x budget + grace, cf_profile) must come before
# it, with this share of it to spare for writing the result.
SPARE_SHARE = 0.1
HARD_STOP_GRACE = 30.0  # cf_profile's default grace
GRACE_SHARE = 0.2  # of the test timeout, when that is short


def hard_stop_grace(config: Config) -> float:
    """The grace of the profile's hard stop: cf_profile's default, less when time is short."""
    return min(HARD_STOP_GRACE, config.test_timeout * GRACE_SHARE)


def profile_budget(config: Config) -> float:
    """Seconds one run of the suite under a profiler or capture may take."""
    share = max(MIN_BUDGET, config.budget_minutes * 60 * BUDGET_SHARE)
    fits = (config.test_timeout * (1 - SPARE_SHARE) - hard_stop_grace(config)) / 2
    # at least a second when the clock is short, but a smaller configured budget is honoured
    return min(config.profile_budget_seconds, max(1.0, min(share, fits)))


def stop_spec(config: Config) -> dict[str, float]:
    """The spec keys that bound a harness run of the suite: its budget and the grace of the stop
    at 2 x budget + grace, by which a never-ending test or workload is interrupted (cf_suite)."""
    return {"budget": profile_budget(config), "grace": hard_stop_grace(config)}


def harness_timeout(config: Config) -> float:
    """The outer kill deadline: the harness stops itself by 2x budget + grace (cf_profile)."""
    return min(config.test_timeout, 2 * profile_budget(config) + 120)


class SuiteCoverage(Frozen):
    """How much of the suite (or workload) a budgeted run covered."""

    collected: int = 0
    ran: int = 0
    files_collected: int = 0
    files_ran: int = 0
    stopped: bool = False
    budget: float | None = None

    @classmethod
    def from_result(cls, result: dict[str, Any]) -> SuiteCoverage:
        data = result.get("tests") or {}
        return cls.model_validate({k: v for k, v in data.items() if k in cls.model_fields})

    def suffix(self) -> str:
        """A parenthesis for a one-line summary when only a sample ran."""
        if not self.stopped or not self.collected:
            return ""
        return f" (a spread sample: {self.ran} of {self.collected} tests)"

    def describe(self, what: str) -> str | None:
        """One line for the user when only part of the suite ran, else None."""
        if not self.stopped:
            return None
        budget = f"{_short(self.budget)} s" if self.budget else "its"
        if self.collected == 0:
            return (
                f"{what}: stopped at the {budget} budget (profile-budget-seconds); "
                "only the part that ran is covered"
            )
        return (
            f"{what}: the whole suite would exceed the {budget} budget "
            f"(profile-budget-seconds), so a spread sample ran: {self.ran} of "
            f"{self.collected} tests, in {self.files_ran} of {self.files_collected} files"
        )


def _short(seconds: float) -> str:
    """26.1479 -> '26.1', 1800 -> '1800', 0.001 -> '0.001': a budget as a person reads it."""
    return f"{round(seconds, 1):g}" if seconds >= 1 else f"{seconds:g}"
