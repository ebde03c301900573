"""Typed, frozen models that cross stage boundaries (DESIGN.md: no dicts between stages)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Frozen(BaseModel):
    """Base for boundary models: immutable and strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Domain(StrEnum):
    """What kind of cost a run attacks."""

    AUTO = "auto"
    CPU = "cpu"
    MEMORY = "memory"
    ASYNC = "async"
    STRUCTURE = "structure"

    @property
    def abbr(self) -> str:
        """Branch abbreviation, as in DESIGN.md (`codeflash/<abbr>-<tag>`)."""
        return _ABBR[self]


_ABBR = {
    Domain.AUTO: "auto",
    Domain.CPU: "ds",
    Domain.MEMORY: "mem",
    Domain.ASYNC: "async",
    Domain.STRUCTURE: "struct",
}


class Metric(StrEnum):
    """What a Measurement's baseline/candidate hold (their unit), and results.tsv's metric."""

    SECONDS = "seconds"
    PEAK_BYTES = "peak_bytes"
    IMPORT_SECONDS = "import_seconds"
    CPU_SECONDS = "cpu_seconds"


class Status(StrEnum):
    """Outcome of one experiment, as written to results.tsv."""

    KEEP = "keep"
    DISCARD = "discard"
    CRASH = "crash"
    SKIP = "skip"  # no experiment: the target had no inputs to verify a rewrite on


class Reason(StrEnum):
    """Why an experiment ended as it did; one per gate in the pipeline."""

    KEPT = "kept"
    SCOPE = "changed code outside the target"
    UNPARSABLE = "candidate does not parse"
    NO_INPUTS = "no captured inputs to verify behaviour"
    BEHAVIOUR = "behaviour differs from the original"
    TESTS = "repository tests fail"
    GUARD = "guard command fails"
    NOT_FASTER = "improvement below the floor"
    TOO_SLOW = "slower than the time tolerance"
    NOISY = "measurement too noisy to decide"
    SCALE = "gain shrinks or flips as the input grows"
    TIMEOUT = "candidate timed out"
    HARNESS = "harness crashed"


class Request(Frozen):
    """What a user (CLI flags or a GitHub event) asked for."""

    repo: Path
    domain: Domain = Domain.AUTO
    target: str | None = None
    text: str | None = None
    guard: str | None = None
    workload: str | None = None
    budget_minutes: float | None = None
    max_experiments: int | None = None
    min_improvement: float | None = None
    changed_since: str | None = None  # PR mode: only functions changed since this revision


class Target(Frozen):
    """A function of the repo's own code worth optimizing.

    `file` (relative to the project root) + `qualname` (`Class.method` for methods) identify it;
    `module` is the dotted name it is shown and preferably imported under.
    """

    module: str
    qualname: str
    file: Path
    lineno: int
    total_seconds: float = 0.0
    self_seconds: float = 0.0

    @property
    def ref(self) -> str:
        """The `module:qualname` spelling used by `--target` and results.tsv."""
        return f"{self.module}:{self.qualname}"

    def harness_ref(self, root: Path) -> dict[str, str]:
        """How a harness script finds this target in the checkout at `root`.

        The file is the identity: the harness uses whatever module object the project loaded
        from it, under whichever dotted name; `module` is only the preferred name.
        """
        return {"file": str(root / self.file), "module": self.module, "qualname": self.qualname}


class Candidate(Frozen):
    """A proposed rewrite of one target: the whole new source of the target's file."""

    target: Target
    proposer: str
    rule: str
    description: str
    source: str
    explanation: str = ""


class InputSize(Frozen):
    """One captured input used for timing: its pickled size and a human hint of its shape."""

    pickled_bytes: int
    shape: str


class Measurement(Frozen):
    """One interleaved A/B(/A') run in a fresh process: `baseline`/`candidate` are in `metric`
    (seconds per call-set, peak bytes, or seconds per import)."""

    baseline: float
    candidate: float
    aa_ratio: float
    rounds: int
    loops: int
    per_call: float
    inputs: list[InputSize] = Field(default_factory=list)
    metric: Metric = Metric.SECONDS
    # The same run in process CPU time (cf_timing): a second view the keep rule also asks of,
    # because wall time alone rewards the side that happened to run while others waited.
    cpu: Measurement | None = None

    @property
    def gain(self) -> float:
        """(orig - cand) / cand, the codeflash convention: 0.25 means 1.25x faster."""
        return (self.baseline - self.candidate) / self.candidate if self.candidate > 0 else 0.0

    @property
    def aa_noise(self) -> float:
        return abs(self.aa_ratio - 1.0)


class RungResult(Frozen):
    """One rung of a size ladder measured A/B/A': its size in words and as a number."""

    size: str
    n: float
    measurement: Measurement
    variant: str = ""


class Scale(Frozen):
    """How a candidate's effect grows with input size (measure.growth), smallest rung first."""

    rungs: list[RungResult]
    slope_before: float | None = None
    slope_after: float | None = None
    crossover: str = ""

    @property
    def sizes(self) -> str:
        return ", ".join(r.size for r in self.rungs)


class Verdict(Frozen):
    """The decision on one candidate, with the evidence for it."""

    status: Status
    reason: Reason
    detail: str = ""
    measurements: list[Measurement] = Field(default_factory=list)
    scale: Scale | None = None


class ExperimentRecord(Frozen):
    """One row of results.tsv, and the rule (idea) code it tried.

    results.tsv has no rule column (DESIGN.md fixes its header); its description starts with
    the code, so a row read back without `rule` takes it from there, here and nowhere else.
    """

    commit: str = "-"
    target: str
    domain: Domain
    metric: str
    baseline: float | None = None
    candidate: float | None = None
    delta_pct: float | None = None
    status: Status
    description: str
    rule: str = ""  # filled from the description when a row is read back (below)

    @model_validator(mode="before")
    @classmethod
    def _rule_from_description(cls, data: Any) -> Any:
        if isinstance(data, dict) and "rule" not in data and "description" in data:
            return {**data, "rule": str(data["description"]).split(" ", 1)[0]}
        return data


class DomainScore(Frozen):
    """One engine's estimate for `--domain auto` (recorded in HANDOFF.md).

    `matches`: hot targets (seen by the domain's profile) that one of its rules can rewrite;
    a count, so load barely moves it. `share` (0..1): the part of the domain's measured cost
    (time, peak bytes, awaited time, import time) in those targets; a timing ratio, so load
    moves it, which is why the decision compares shares only with a margin.
    """

    domain: Domain
    share: float = Field(0.0, ge=0, le=1)
    matches: int = Field(0, ge=0)
    detail: str = ""
    cut_short: bool = False  # the time budget stopped this estimate's profile early


class Phase(StrEnum):
    """The parts of a run that share its wall-clock budget, in run order (session/clock.py)."""

    AUTO = "auto"  # --domain auto: a short profile per engine
    SETUP = "setup"  # workspace, environment (venv, tools, test dependencies)
    BASELINE = "baseline"  # the repo's tests once, and the guard
    PROFILE = "profile"
    PREPARE = "prepare"  # input capture
    EXPERIMENTS = "experiments"


class PhaseTime(Frozen):
    """Wall time one phase took, what it was allowed, and why it was cut short (if it was)."""

    phase: Phase
    seconds: float = Field(ge=0)
    allowed: float = Field(ge=0)
    cut_short: str | None = None


class Regression(Frozen):
    """A changed function measured slower at HEAD than at the change's base (same inputs)."""

    target: str
    base_seconds: float
    head_seconds: float
    aa_noise: float = 0.0

    @property
    def slowdown(self) -> float:
        return self.head_seconds / self.base_seconds if self.base_seconds > 0 else 0.0


class ChangedReport(Frozen):
    """PR mode / `--changed-since`: what the change touched and what the run made of it."""

    since: str
    base: str
    changed: list[str] = Field(default_factory=list)  # refs of every changed function
    new: list[str] = Field(default_factory=list)  # of those, added by the change
    targeted: list[str] = Field(default_factory=list)
    untested: list[str] = Field(default_factory=list)  # changed, but no test/workload calls it
    regressions: list[Regression] = Field(default_factory=list)
    compared: list[str] = Field(default_factory=list)  # base vs head measured, not slower


class RunSummary(Frozen):
    """What `optimize` hands back to its caller (CLI, GitHub layer)."""

    branch: str
    domain: Domain
    experiments: int
    kept: list[ExperimentRecord]
    discarded: int
    crashed: int
    best_improvement_pct: float | None
    stopped_because: str
    worktree_used: bool
    phases: list[PhaseTime] = Field(default_factory=list)
    budget_seconds: float | None = None
    wall_seconds: float | None = None
    changed: ChangedReport | None = None
