"""What a domain engine plugs into the loop (DESIGN.md "Domains").

The loop owns everything shared: the branch, proposers' iteration, writing the candidate, the
repo's tests and the guard, the commit or the byte-for-byte restore, results.tsv. An engine owns
what differs per domain: how targets are found, what is prepared for them (captured inputs),
how a candidate is judged BEFORE it is written (behaviour + its metric), and the metric's name.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from codeflash_bot.capture.benchmarks import input_sources
from codeflash_bot.capture.sources import InputSource, SourceKind
from codeflash_bot.config import Config
from codeflash_bot.harness_runner import HarnessRunner
from codeflash_bot.measure.headline import Figures, time_figures
from codeflash_bot.models import Candidate, Domain, DomainScore, Metric, Target, Verdict
from codeflash_bot.progress import Reporter
from codeflash_bot.propose import Proposer
from codeflash_bot.session.changed import ChangedSet
from codeflash_bot.session.clock import PhaseClock
from codeflash_bot.session.setup import SetupInfo
from codeflash_bot.verify.scope import ScopeProblem, scope_problem


@dataclass
class Funnel:
    """How many functions each stage kept: the loop's stop reason says where the run ran dry."""

    profiled: int | None = None  # the repo's own functions seen running in the profile
    wanted: int = 0  # targets some proposer can rewrite (profiled or statically matched)
    from_static: int = 0  # of those, found by the static scan (too fast to be sampled)
    ready: int | None = None  # targets with captured inputs (None: not prepared yet)
    ranked_by: str = ""  # the input sources whose profile ranked the targets
    generated: int = 0  # targets verified on generated inputs only
    skipped: dict[str, str] = field(default_factory=dict)  # target ref -> why it has no inputs

    def line(self) -> str:
        """One line for HANDOFF.md and the console."""
        parts = []
        if self.profiled is not None:
            noun = "own function" if self.profiled == 1 else "own functions"
            parts.append(f"{self.profiled} {noun} in the profile")
        static = f" ({self.from_static} by static scan)" if self.from_static else ""
        parts.append(f"{self.wanted} a proposer can rewrite{static}")
        if self.ready is not None:
            parts.append(f"{self.ready} with captured inputs")
        if self.generated:
            parts.append(f"{self.generated} with generated inputs only")
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped without inputs")
        line = ", ".join(parts)
        return line + (f"; targets ranked by {self.ranked_by}" if self.ranked_by else "")


@dataclass(frozen=True)
class EngineContext:
    """Everything an engine may use; `project` is the checkout the bot works in.

    The loop hands engines a `config` whose child timeouts are already cut to the time left in
    the current phase of the run's budget (`clock`, None outside a run). `runner` runs every
    harness child of the run (built once: HarnessRunner.for_project(setup, project, memory)).
    """

    project: Path
    setup: SetupInfo
    config: Config
    corpus_root: Path
    reporter: Reporter
    funnel: Funnel = field(default_factory=Funnel)
    clock: PhaseClock | None = None
    changed: ChangedSet | None = None  # PR mode: only these functions may be targets
    runner: HarnessRunner = field(kw_only=True)

    def in_scope(self, target: Target) -> bool:
        """False for a function outside the change under review (PR mode)."""
        return self.changed is None or (target.file.as_posix(), target.qualname) in self.changed

    def input_sources(self) -> list[InputSource]:
        """What runs for evidence, most trusted first (capture/benchmarks.py)."""
        return input_sources(
            self.project,
            workload=self.config.workload,
            benchmarks_root=self.config.benchmarks_root,
            tests_found=self.setup.tests_found,
        )

    def input_source(self) -> str:
        """What runs the code to profile and capture: named in every message about it."""
        workload = self.config.workload
        if workload:
            return f"the workload `{workload}`"
        if any(s.kind is SourceKind.BENCHMARK for s in self.input_sources()):
            return "the repository's benchmarks and tests"
        return "the tests"

    def cut_short(self, detail: str) -> None:
        """A step stopped early at the time limit it was given: tell the user and the clock."""
        self.reporter.note(f"cut short: {detail}")
        if self.clock is not None:
            self.clock.cut(detail)


class Engine(ABC):
    """One domain's profile, preparation, judgement and metric."""

    domain: ClassVar[Domain]
    metric: ClassVar[Metric]
    tools: ClassVar[tuple[str, ...]] = ("pytest",)

    def proposers(self, chosen: list[Proposer]) -> list[Proposer]:
        """The proposers this domain runs with (an engine may swap in its own)."""
        return chosen

    @abstractmethod
    def find_targets(self, ctx: EngineContext, proposers: list[Proposer]) -> list[Target]:
        """Ranked targets some proposer can work on (most to gain first)."""

    def prepare(self, ctx: EngineContext, targets: list[Target]) -> list[Target]:
        """Get targets ready (e.g. capture inputs); returns those that can be verified."""
        return targets

    def scope_problem(self, original: str, candidate: Candidate) -> ScopeProblem | None:
        """Gate 1: the candidate parses and stays within its target."""
        return scope_problem(original, candidate.source, candidate.target)

    @abstractmethod
    def evaluate(self, ctx: EngineContext, candidate: Candidate) -> Verdict:
        """Behaviour and metric with the ORIGINAL still on disk; KEEP means "go on to tests"."""

    def commit_figures(self, verdict: Verdict) -> Figures:
        """A keep's headline figure and how it was measured, for its commit message."""
        return time_figures(verdict)

    def score(self, ctx: EngineContext) -> DomainScore:
        """For `--domain auto`: how many hot targets this engine's rules match, and their share.

        Engines measure different costs (time, peak bytes, import time), so each reports the
        fraction of its own cost that lies in code its rules can rewrite; `domains.choice`
        decides from these numbers and they are written into HANDOFF.md.
        """
        return DomainScore(domain=self.domain, detail=f"{self.domain.value}: no estimate")
