"""The baseline gate: does the test suite prove anything, and what do setup.md/HANDOFF.md say.

A baseline whose tests never ran (collection/import errors, zero run, zero passed) stops the run
with one line naming the cause, unless the user gave a guard or a workload that runs code: then
the run continues, the tests gate nothing, and every report says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from codeflash_bot.models import Frozen
from codeflash_bot.verify.outcome import TestRun, baseline_problem, partial_note

if TYPE_CHECKING:
    from codeflash_bot.verify.tests import TestPlan

STOP_PREFIX = "the tests do not run: "
BENCHMARKS_GATE = (
    "the repository's benchmarks gate every change: it has no other tests, so its"
    " pytest-benchmark tests run as tests, once each and untimed"
)


class BaselineGate(Frozen):
    """What the baseline run proved and what follows from it."""

    baseline: TestRun
    problem: str | None = Field(None, description="why the tests prove nothing (one line)")
    stop: str | None = Field(None, description="set: the run must stop with this line")
    partial: str | None = Field(None, description="modules that fail to import; others run")
    relied_on: str = Field("", description="what checks changes instead when tests do not run")
    benchmarks_only: bool = Field(False, description="the only tests are the repo's benchmarks")

    @property
    def gating(self) -> bool:
        return self.problem is None

    @property
    def notes(self) -> list[str]:
        """Console notices (the user must not find these only in HANDOFF.md)."""
        out = [BENCHMARKS_GATE] if self.benchmarks_only and self.gating else []
        if self.problem and not self.stop:
            out.append(
                f"{STOP_PREFIX}{self.problem}; they gate nothing, continuing with"
                f" {self.relied_on} as the only check of each change"
            )
        if self.partial:
            out.append(self.partial)
        return out

    @property
    def keep_caveat(self) -> str:
        return "" if self.gating else "the repo's tests did not run and gated nothing"

    def setup_md(self, plan: TestPlan) -> str:
        """The `## Baseline tests` section of setup.md."""
        b = self.baseline
        lines = ["", "## Baseline tests", "", f"- Ran: `{plan.describe()}` ({plan.runner})"]
        if plan.config:
            lines.append(f"- pytest config: {plan.config}")
        if plan.note:
            lines.append(f"- Note: {plan.note}")
        if b.counted:
            lines += [
                f"- Tests collected: {b.collected}",
                f"- Passed: {b.passed}",
                f"- Failed: {(b.failed or 0) + (b.errors or 0)}"
                + (f" ({b.errors} errors)" if b.errors else ""),
                f"- Skipped: {b.skipped}",
            ]
        else:
            lines.append(f"- Counts: {b.counts_line()}")
        if b.collection_errors:
            lines.append(f"- Collection errors: {len(b.collection_errors)}")
            lines += [f"  - {e}" for e in b.collection_errors[:10]]
        lines.append(f"- Gate: {self._verdict()}")
        return "\n".join(lines) + "\n"

    def handoff_md(self) -> str:
        """A `## Tests` section for HANDOFF.md."""
        return f"\n## Tests\n\n- Baseline: {self.baseline.counts_line()}\n- {self._verdict()}\n"

    def _verdict(self) -> str:
        if self.stop:
            return f"stopped — {self.stop}"
        if self.problem:
            return (
                f"THE TESTS DID NOT RUN ({self.problem}); they gated nothing, only"
                f" {self.relied_on} checked each change"
            )
        text = "the tests gate every change (no new failures, no fewer tests than baseline)"
        if self.benchmarks_only:
            text = f"{BENCHMARKS_GATE} (no new failures, no fewer tests than baseline)"
        if self.partial:
            count = len(self.baseline.collection_errors)
            return f"{text}; the {count} test module(s) that fail to import gate nothing"
        return text


def baseline_gate(
    baseline: TestRun,
    *,
    guard: str | None,
    workload: str | None,
    benchmarks_only: bool = False,
    guard_words: str = "",
) -> BaselineGate:
    """Judge the baseline run; a guard or workload lets a run without working tests go on
    (`guard_words` names a guard the bot chose itself, such as the repository's asv suite)."""
    problem = baseline_problem(baseline)
    relied = [
        (guard_words or f"the guard `{guard}`") if guard else "",
        f"the workload `{workload}`" if workload else "",
    ]
    relied_on = " and ".join(r for r in relied if r)
    relied_on = (relied_on + " plus replay on captured inputs").strip()
    stop = f"{STOP_PREFIX}{problem}" if problem and not (guard or workload) else None
    return BaselineGate(
        baseline=baseline,
        problem=problem,
        stop=stop,
        partial=partial_note(baseline),
        relied_on=relied_on,
        benchmarks_only=benchmarks_only,
    )
