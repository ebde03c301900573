"""Memory engine: memray peak attribution, replay on captured inputs, peak A/B + a time check.

- Targets: the repo's tests run under memray (`cf_memprofile.py`); the allocations alive at the
  run's high-water mark are attributed to the repo's own functions on their stacks, largest
  first, then the functions a MEM rule matches statically (`workable`, as for CPU). memray is
  installed into the target's environment when missing; when that fails the profile falls back
  to tracemalloc (per-call peaks of own functions) and the run says so.
- Keep rule: behaviour equal on captured inputs (`replay_gate`), then peak memory of original vs
  candidate on the largest captured inputs (`cf_memtiming.py`: fresh process per side and
  round, tracemalloc high-water mark, A/B/A' interleaved; its A/A ratio is 1.0 in practice, so
  noise cannot let a no-op through) must drop by at least `min-improvement` % and by
  `MIN_SAVED_BYTES`, and time (the CPU engine's interleaved timing) must not get slower than
  `memory-time-tolerance` % (a slowdown over it is re-measured once; the smaller one counts).
  When a size ladder can be built (domains/scale.py), the peak is measured at every rung and
  judged by the growth-aware rule (measure/growth.py) instead: a whole-file read tested on a
  tiny file is judged on copies of that file grown to megabytes; the time check then runs on
  the captured inputs and at the ladder's top rung (where a slowdown that grows with size is
  largest), and the larger slowdown decides.
- `__slots__` (MEM206, target `Class.__init__`): replaying `__init__` proves nothing, so
  `cf_memslots.py` builds the candidate CLASS and compares construction + no-argument methods
  on the captured constructor calls, then measures the peak of SLOTS_INSTANCES live instances
  and the time to build them (same A/B/A' scheme). Only classes the tests/workload build at
  least SLOTS_MIN_CONSTRUCTIONS times are measured; outside uses (`obj.extra = ...`) are left
  to the repository's tests, which the loop runs on every kept candidate. No size ladder: the
  size that matters for `__slots__` is the number of live instances, and SLOTS_INSTANCES is
  already far past what a test builds (NO_LADDER_SLOTS, said in every verdict).
"""

from __future__ import annotations

from pathlib import Path

import libcst as cst

from codeflash_bot.capture import corpus_dir, count_inputs
from codeflash_bot.capture.sources import timing_inputs
from codeflash_bot.domains.base import Engine, EngineContext
from codeflash_bot.domains.evidence import capture_for, replay_gate, timing_once
from codeflash_bot.domains.scale import LADDER_SEEDS, Ladders, judge_at_scale
from codeflash_bot.domains.selection import parsed_modules, workable
from codeflash_bot.errors import BotError
from codeflash_bot.measure.decide import MIN_SAVED_BYTES as MIN_SAVED_BYTES
from codeflash_bot.measure.decide import (
    Metric,
    crash_verdict,
    decide_peak,
    human_bytes,
    peak_reduction,
    slowdown,
    time_check,
)
from codeflash_bot.measure.headline import Figures, peak_figures
from codeflash_bot.measure.ladder import Ladder
from codeflash_bot.measure.timing import TIMING_INPUTS, measurement_from, select_inputs
from codeflash_bot.models import (
    Candidate,
    Domain,
    DomainScore,
    InputSize,
    Measurement,
    Reason,
    Status,
    Target,
    Verdict,
)
from codeflash_bot.profile.budget import SuiteCoverage, harness_timeout, stop_spec
from codeflash_bot.profile.cpu import rank_costs
from codeflash_bot.propose import Proposer
from codeflash_bot.propose.rule import applies
from codeflash_bot.propose.rules import rules_for
from codeflash_bot.sandbox import HarnessError
from codeflash_bot.session.setup import ensure_tools
from codeflash_bot.verify.scope import ScopeProblem, scope_problem

MEMORY_ROUNDS = 3
SLOTS_INSTANCES = 20_000  # instances kept alive when measuring a `__slots__` candidate
# `__slots__` pays only for classes built many times: the tests/workload must construct the class
# at least this often (counted by capture, which stops recording at MAX_CALLS) or MEM206 is not
# measured at all; the synthetic SLOTS_INSTANCES figure would flatter a one-off object.
SLOTS_MIN_CONSTRUCTIONS = 100
SLOTS_RULE = "MEM206"
NO_LADDER_SLOTS = (
    "no size ladder: __slots__ is judged at {n} live instances, the count that carries its size"
)


def profile_memory(ctx: EngineContext, method: str) -> tuple[list[Target], dict[str, int], int]:
    """Own functions ranked by bytes attributed at the peak; (targets, bytes per ref, run peak).

    Every input source is profiled, most trusted first (the workload, or the repository's
    benchmarks, whose inputs have realistic sizes): their functions rank first, a function
    keeps the largest bytes any source attributed to it, and `ctx.funnel.ranked_by` says which
    sources ranked the targets.
    """
    ordered: dict[str, Target] = {}
    peaks: dict[str, int] = {}
    run_peak = 0
    used = []
    sources = ctx.input_sources()
    for source in sources:
        spec: dict = {"root": str(ctx.project), "method": method, **stop_spec(ctx.config)}
        spec |= source.run_mode()
        try:
            out = ctx.runner.run("cf_memprofile.py", spec, timeout=harness_timeout(ctx.config))
        except HarnessError as exc:
            if source is sources[-1]:
                raise BotError(f"memory profiling failed: {exc}") from exc
            ctx.reporter.note(f"{source.words()} could not be memory-profiled: {exc}")
            continue
        if line := SuiteCoverage.from_result(out).describe("memory profile"):
            ctx.cut_short(line)
        ranked = rank_costs(out["functions"], ctx.setup, ctx.project, ctx.config.exclude)
        if any(t.ref not in ordered for t, _, _ in ranked):
            used.append(source.words())
        for t, peak_bytes, _ in ranked:  # the rows' "total" is bytes: no seconds on the Target
            peaks[t.ref] = max(peaks.get(t.ref, 0), int(peak_bytes))
            ordered.setdefault(t.ref, t)
        run_peak = max(run_peak, int(out.get("peak") or 0))
    ctx.funnel.ranked_by = ", then ".join(used)
    return list(ordered.values()), peaks, run_peak


def measure_peak(
    ctx: EngineContext, target: Target, candidate_source: str, inputs: list[Path]
) -> Measurement:
    """Peak bytes, original vs candidate (cf_memtiming.py). Raises HarnessError."""
    out = ctx.runner.run(
        "cf_memtiming.py",
        {
            **target.harness_ref(ctx.project),
            "inputs": [str(p) for p in inputs],
            "rounds": MEMORY_ROUNDS,
        },
        timeout=ctx.config.candidate_timeout,
        candidate=candidate_source,
    )
    return measurement_from(out, metric=Metric.PEAK_BYTES)


def measure_slots(ctx: EngineContext, candidate: Candidate, inputs: list[Path]) -> dict:
    """cf_memslots.py's result for a `__slots__` candidate. Raises HarnessError."""
    return ctx.runner.run(
        "cf_memslots.py",
        {
            **candidate.target.harness_ref(ctx.project),
            "inputs": [str(p) for p in inputs],
            "rounds": MEMORY_ROUNDS,
            "instances": SLOTS_INSTANCES,
        },
        timeout=ctx.config.candidate_timeout,
        candidate=candidate.source,
    )


def _slots_slowdown(out: dict) -> float:
    base = float(out.get("seconds_baseline") or 0.0)
    return float(out["seconds_candidate"]) / base - 1.0 if base > 0 else 0.0


class MemoryEngine(Engine):
    domain = Domain.MEMORY
    metric = Metric.PEAK_BYTES
    tools = ("pytest",)
    optional_tools = ("memray",)  # installed by find_targets; tracemalloc when that fails

    def __init__(self) -> None:
        self.ladders = Ladders()
        self.peaks: dict[str, int] = {}
        self.run_peak = 0
        self.method = "memray"

    def _method(self, ctx: EngineContext) -> str:
        try:
            ensure_tools(ctx.setup, list(self.optional_tools))
        except BotError as exc:
            ctx.reporter.note(f"memray unavailable ({exc}); profiling memory with tracemalloc")
            return "tracemalloc"
        return "memray"

    def find_targets(self, ctx: EngineContext, proposers: list[Proposer]) -> list[Target]:
        self.method = self._method(ctx)
        profiled, self.peaks, self.run_peak = profile_memory(ctx, self.method)
        top = ", ".join(f"{ref} {human_bytes(b)}" for ref, b in list(self.peaks.items())[:3])
        if top:
            ctx.reporter.note(f"memory at the peak ({self.method}): {top}")
        return workable(ctx, profiled, proposers)

    def prepare(self, ctx: EngineContext, targets: list[Target]) -> list[Target]:
        return capture_for(ctx, targets)

    def scope_problem(self, original: str, candidate: Candidate) -> ScopeProblem | None:
        """Like every engine, plus: the slots rule may add `__slots__` to the target's class."""
        source = candidate.source
        if candidate.rule == SLOTS_RULE and "." in candidate.target.qualname:
            source = without_added_slots(original, source, candidate.target.qualname)
        return scope_problem(original, source, candidate.target)

    def commit_figures(self, verdict: Verdict) -> Figures:
        return peak_figures(verdict)

    def evaluate(self, ctx: EngineContext, candidate: Candidate) -> Verdict:
        if candidate.rule == SLOTS_RULE:
            return self._evaluate_slots(ctx, candidate)
        try:
            failed, mutates = replay_gate(ctx, candidate)
            if failed is not None:
                return failed
            corpus = corpus_dir(ctx.corpus_root, candidate.target)
            inputs = timing_inputs(corpus, TIMING_INPUTS)
            ladder = self.ladders.get(ctx, candidate.target, timing_inputs(corpus, LADDER_SEEDS))
            if ladder is not None and ladder.usable:
                scaled = self._peak_at_scale(ctx, candidate, ladder)
                if scaled.status is not Status.KEEP:
                    return scaled
                peak, scale = scaled.measurements[0], scaled.scale
            else:
                peak, scale = measure_peak(ctx, candidate.target, candidate.source, inputs), None
                problem = decide_peak(peak, ctx.config.min_improvement)
                if problem is not None:
                    return Verdict(
                        status=Status.DISCARD,
                        reason=Reason.NOT_FASTER,
                        detail=problem,
                        measurements=[peak],
                    )
            checks = [("", inputs)]
            if scale is not None and ladder is not None:
                top = ladder.fitted[-1]  # a slowdown that grows with size shows here first
                checks.append((f" at {top.size}", [top.path]))
            timings = [(where, self._time(ctx, candidate, ins, mutates)) for where, ins in checks]
            timing = max((t for _, t in timings), key=slowdown)
            peak = peak.model_copy(update={"per_call": timings[0][1].per_call})
            slower = slowdown(timing)
            times = ", ".join(f"time{w} {slowdown(t) * 100:+.1f}%" for w, t in timings)
            summary = (
                f"peak {human_bytes(peak.baseline)} -> {human_bytes(peak.candidate)}"
                f" ({-peak_reduction(peak) * 100:+.1f}%, A/A {peak.aa_ratio:.3f}); {times}"
                f" (tolerance +{ctx.config.memory_time_tolerance:g}%,"
                f" A/A noise {timing.aa_noise * 100:.1f}%)"
            )
            if scale is not None:
                summary += f"; {scaled.detail}"
            if slower * 100 > ctx.config.memory_time_tolerance:
                return Verdict(
                    status=Status.DISCARD,
                    reason=Reason.TOO_SLOW,
                    detail=summary,
                    measurements=[peak],
                    scale=scale,
                )
            return Verdict(
                status=Status.KEEP,
                reason=Reason.KEPT,
                detail=summary,
                measurements=[peak],
                scale=scale,
            )
        except HarnessError as exc:
            return crash_verdict(exc)
        except MemoryError:  # pragma: no cover - the harness reports it as HarnessError
            return Verdict(status=Status.CRASH, reason=Reason.HARNESS, detail="out of memory")

    def _evaluate_slots(self, ctx: EngineContext, candidate: Candidate) -> Verdict:
        """MEM206: the candidate CLASS against the original on the captured constructor calls
        (behaviour, then the peak of SLOTS_INSTANCES live instances and the time to build
        them, `cf_memslots.py`); a slowdown over the tolerance is re-measured once."""
        corpus = corpus_dir(ctx.corpus_root, candidate.target)
        built = count_inputs(corpus)
        if built == 0:
            return Verdict(status=Status.DISCARD, reason=Reason.NO_INPUTS)
        if built < SLOTS_MIN_CONSTRUCTIONS:
            detail = (
                f"built {built} times by the tests/workload: too few instances for __slots__"
                f" to matter (needs >= {SLOTS_MIN_CONSTRUCTIONS})"
            )
            return Verdict(status=Status.DISCARD, reason=Reason.NOT_FASTER, detail=detail)
        inputs = select_inputs(corpus)
        try:
            out = measure_slots(ctx, candidate, inputs)
            if out.get("behaviour"):
                detail = str(out["behaviour"])
                return Verdict(status=Status.DISCARD, reason=Reason.BEHAVIOUR, detail=detail)
            if "baseline" not in out:
                detail = "no captured construction succeeds"
                return Verdict(status=Status.DISCARD, reason=Reason.NO_INPUTS, detail=detail)
            if _slots_slowdown(out) * 100 > ctx.config.memory_time_tolerance:
                again = measure_slots(ctx, candidate, inputs)
                if "baseline" in again and _slots_slowdown(again) < _slots_slowdown(out):
                    out = again
        except HarnessError as exc:
            return crash_verdict(exc)
        peak = Measurement(
            baseline=float(out["baseline"]),
            candidate=float(out["candidate"]),
            aa_ratio=float(out["aa_ratio"]),
            rounds=int(out["rounds"]),
            loops=int(out["instances"]),
            per_call=float(out["seconds_candidate"]) / int(out["instances"]),
            inputs=[
                InputSize(pickled_bytes=b, shape=s)
                for b, s in zip(out["sizes"], out["shapes"], strict=True)
            ],
            metric=Metric.PEAK_BYTES,
        )
        slower = _slots_slowdown(out)
        time_noise = abs(float(out["seconds_aa_ratio"]) - 1.0)
        no_ladder = NO_LADDER_SLOTS.format(n=out["instances"])
        summary = (
            f"{out['instances']} live instances: peak {human_bytes(peak.baseline)} ->"
            f" {human_bytes(peak.candidate)} ({-peak_reduction(peak) * 100:+.1f}%,"
            f" A/A {peak.aa_ratio:.3f}); construction time {slower * 100:+.1f}%"
            f" (tolerance +{ctx.config.memory_time_tolerance:g}%,"
            f" A/A noise {time_noise * 100:.1f}%); {no_ladder}"
        )
        problem = decide_peak(peak, ctx.config.min_improvement)
        if problem is not None:
            return Verdict(
                status=Status.DISCARD,
                reason=Reason.NOT_FASTER,
                detail=f"{problem}; {no_ladder}",
                measurements=[peak],
            )
        if slower * 100 > ctx.config.memory_time_tolerance:
            return Verdict(
                status=Status.DISCARD, reason=Reason.TOO_SLOW, detail=summary, measurements=[peak]
            )
        return Verdict(status=Status.KEEP, reason=Reason.KEPT, detail=summary, measurements=[peak])

    def _peak_at_scale(self, ctx: EngineContext, candidate: Candidate, ladder: Ladder) -> Verdict:
        """Peak bytes at every rung, judged by the growth-aware rule (KEEP: go on to time)."""

        def peak_at(inputs: list[Path]) -> Measurement:
            return measure_peak(ctx, candidate.target, candidate.source, inputs)

        return judge_at_scale(ctx, candidate, ladder, peak_at)

    def _time(
        self, ctx: EngineContext, candidate: Candidate, inputs: list[Path], mutates: bool
    ) -> Measurement:
        """Interleaved timing (CPU engine's harness) judged by the shared `time_check`."""
        once = timing_once(ctx, candidate, inputs, mutates)
        return time_check(once, ctx.config.memory_time_tolerance, ctx.config.max_aa_noise)

    def score(self, ctx: EngineContext) -> DomainScore:
        """Share of the run's peak held by own functions a MEM rule applies to, in [0, 1].

        Profiles the tests once (memray or tracemalloc); the inclusive bytes of the workable
        function holding the most at the peak, divided by the run's peak. 0.0 when no rule
        applies to any function seen at the peak.
        """
        method = self._method(ctx)
        try:
            profiled, peaks, run_peak = profile_memory(ctx, method)
        except BotError as exc:
            return DomainScore(domain=self.domain, detail=f"memory: profile failed ({exc})")
        rules = rules_for(Domain.MEMORY)
        best_ref, best, matches = "", 0, 0
        module_of = parsed_modules(ctx.project)
        for target in profiled:
            module = module_of(target.file)
            if module is None or not any(applies(r, module, target.qualname) for r in rules):
                continue
            matches += peaks.get(target.ref, 0) > 0
            if peaks.get(target.ref, 0) > best:
                best_ref, best = target.ref, peaks[target.ref]
        if not best or not run_peak:
            detail = "memory: no memory rule applies to the functions holding the peak"
            return DomainScore(domain=self.domain, detail=detail)
        share = min(1.0, best / run_peak)
        detail = (
            f"memory: {best_ref} holds {human_bytes(best)} of the {human_bytes(run_peak)} peak"
            f" ({share * 100:.0f}%) and a memory rule applies to it ({method})"
        )
        return DomainScore(domain=self.domain, share=share, matches=matches, detail=detail)


def without_added_slots(original: str, candidate: str, qualname: str) -> str:
    """`candidate` minus a `__slots__ = ...` the candidate added to the target's class."""
    try:
        old = cst.parse_module(original)
        new = cst.parse_module(candidate)
    except cst.ParserSyntaxError:
        return candidate
    owner = qualname.split(".")[0]
    if _class_has_slots(old, owner):
        return candidate
    stripped = new.visit(_DropSlots(owner))
    return stripped.code


def _class_has_slots(module: cst.Module, owner: str) -> bool:
    for stmt in module.body:
        if isinstance(stmt, cst.ClassDef) and stmt.name.value == owner:
            return any(_is_slots(s) for s in stmt.body.body)
    return False


def _is_slots(stmt: cst.CSTNode) -> bool:
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return False
    assign = stmt.body[0]
    return (
        isinstance(assign, cst.Assign)
        and len(assign.targets) == 1
        and isinstance(assign.targets[0].target, cst.Name)
        and assign.targets[0].target.value == "__slots__"
    )


class _DropSlots(cst.CSTTransformer):
    def __init__(self, owner: str) -> None:
        super().__init__()
        self.owner = owner

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef):
        if updated_node.name.value != self.owner or not isinstance(
            updated_node.body, cst.IndentedBlock
        ):
            return updated_node
        body = [s for s in updated_node.body.body if not _is_slots(s)]
        return updated_node.with_changes(body=updated_node.body.with_changes(body=body))
