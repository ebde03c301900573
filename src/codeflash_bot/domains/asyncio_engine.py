"""Async engine: event-loop blocking and sequential awaits in the repo's own coroutines.

Targets are coroutine functions of the repo's own code, ranked by what a run of the tests
shows (asyncio debug mode with a small `slow_callback_duration`, each slow callback attributed
to the innermost own coroutine of the running task: harness/cf_async_profile.py) and by static
checks of their bodies (`time.sleep`, known blocking calls, awaits inside loops). Inputs are
captured and replayed like the CPU domain (the replay harness awaits coroutines; results in the
same order, same exceptions). The metric is latency under concurrent callers
(harness/cf_async_timing.py): one call-set starts CONCURRENCY calls of the coroutine with the
same input on one loop and waits for all of them, so both a blocked loop and needless
sequential awaiting show up; single-call latency and event-loop blocking are reported too.
Where the captured inputs carry size (a list of ids gathered) and a size ladder can be built
within the cap, that latency is judged at every rung by the growth-aware rule
(domains/scale.py), as in the CPU domain; where not (a coroutine that sleeps past the cap on
its captured input already), the verdict says why.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codeflash_bot.capture import corpus_dir
from codeflash_bot.capture.sources import timing_inputs
from codeflash_bot.domains.base import Engine, EngineContext
from codeflash_bot.domains.evidence import capture_for, replay_gate
from codeflash_bot.domains.scale import LADDER_SEEDS, Ladders, judge_at_scale, without_ladder
from codeflash_bot.domains.selection import parsed_modules, workable
from codeflash_bot.measure.decide import Metric, crash_verdict, judge
from codeflash_bot.measure.timing import measurement_from, select_inputs
from codeflash_bot.models import (
    Candidate,
    Domain,
    DomainScore,
    Measurement,
    Target,
    Verdict,
)
from codeflash_bot.profile.budget import SuiteCoverage, harness_timeout, stop_spec
from codeflash_bot.profile.cpu import own_functions, run_mode
from codeflash_bot.propose import Proposer, RulesProposer
from codeflash_bot.propose.rules.blocking_call_in_coroutine import BLOCKING_CALLS
from codeflash_bot.sandbox import HarnessError

SLOW_CALLBACK = 0.001  # seconds: asyncio's slow_callback_duration during the profile
CONCURRENCY = 8
ROUNDS = 10
MIN_ROUND_SECONDS = 0.02
# Share of a coroutine's wall time that concurrency could plausibly save (for `score`).
SEQUENTIAL_SHARE = 0.5


@dataclass
class CoroutineFacts:
    """What the profile and the static checks found about one coroutine function."""

    target: Target
    blocking_seconds: float = 0.0
    slow_callbacks: int = 0
    wall_seconds: float = 0.0
    calls: int = 0
    findings: list[str] = field(default_factory=list)

    @property
    def sequential(self) -> bool:
        return any(f.startswith("await in a loop") for f in self.findings)

    @property
    def gain_estimate(self) -> float:
        """Seconds of the profiled run that fixing this coroutine could save (rough)."""
        return self.blocking_seconds + (SEQUENTIAL_SHARE * self.wall_seconds * self.sequential)


def static_findings(func: ast.AsyncFunctionDef) -> list[str]:
    """Blocking calls and awaits in loops in the coroutine's own scope (not nested defs)."""
    found: list[str] = []

    def visit(node: ast.AST, loop: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                continue
            if isinstance(child, ast.ClassDef):
                continue
            if isinstance(child, ast.Call):
                name = _dotted(child.func)
                if name == "time.sleep":
                    found.append(f"time.sleep (line {child.lineno})")
                elif name in BLOCKING_CALLS:
                    found.append(f"blocking {name} (line {child.lineno})")
            if isinstance(child, ast.Await) and loop:
                found.append(f"await in a loop (line {child.lineno})")
            in_loop = loop or isinstance(
                child, ast.For | ast.While | ast.ListComp | ast.SetComp | ast.DictComp
            )
            visit(child, in_loop)

    visit(func, False)
    return found


def _dotted(expr: ast.expr) -> str | None:
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        base = _dotted(expr.value)
        return f"{base}.{expr.attr}" if base else None
    return None


def coroutines(ctx: EngineContext) -> list[CoroutineFacts]:
    """Every `async def` (module level or method) of the repo's own code, with static facts."""
    out: list[CoroutineFacts] = []
    trees: dict[Path, dict[str, ast.AST]] = {}
    for target in own_functions(ctx.project, ctx.setup, ctx.config.exclude):
        if target.file not in trees:
            trees[target.file] = _defs(ctx.project / target.file)
        node = trees[target.file].get(target.qualname)
        if isinstance(node, ast.AsyncFunctionDef):
            out.append(CoroutineFacts(target=target, findings=static_findings(node)))
    return out


def _defs(path: Path) -> dict[str, ast.AST]:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"))
    except SyntaxError:
        return {}
    out: dict[str, ast.AST] = {}

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                out[prefix + node.name] = node
            elif isinstance(node, ast.ClassDef):
                visit(node.body, prefix + node.name + ".")

    visit(tree.body, "")
    return out


def profile_async(ctx: EngineContext, facts: list[CoroutineFacts]) -> None:
    """Run the tests (or workload) in asyncio debug mode; fill in blocking and wall time."""
    if not facts:
        return
    files = sorted({str((ctx.project / f.target.file).resolve()) for f in facts})
    spec: dict[str, Any] = {
        "files": files,
        "threshold": SLOW_CALLBACK,
        "coroutines": [{"module": f.target.module, "qualname": f.target.qualname} for f in facts],
        **stop_spec(ctx.config),
    }
    workload = ctx.config.workload
    spec |= run_mode(ctx.project, workload)
    try:
        result = ctx.runner.run("cf_async_profile.py", spec, timeout=harness_timeout(ctx.config))
    except HarnessError as exc:
        ctx.reporter.note(f"async profile failed ({exc}); ranking by static checks only")
        return
    if line := SuiteCoverage.from_result(result).describe("async profile"):
        ctx.cut_short(line)
    by_ref = {f.target.ref: f for f in facts}
    by_place = {
        (str((ctx.project / f.target.file).resolve()), f.target.qualname.rsplit(".", 1)[-1]): f
        for f in facts
    }
    for row in result["slow"]:
        fact = by_place.get((os.path.abspath(row["file"]), row["name"]))
        if fact is not None:
            fact.blocking_seconds += row["seconds"]
            fact.slow_callbacks += row["count"]
    for row in result["wall"]:
        fact = by_ref.get(f"{row['module']}:{row['qualname']}")
        if fact is not None:
            fact.wall_seconds += row["seconds"]
            fact.calls += row["calls"]


def rank(facts: list[CoroutineFacts]) -> list[CoroutineFacts]:
    """Most to gain first: measured blocking / sequential waiting, then static findings."""
    return sorted(
        facts,
        key=lambda f: (-f.gain_estimate, -len(f.findings), -f.wall_seconds, f.target.ref),
    )


def figures(out: dict[str, Any]) -> str:
    """One line of the side figures of an async timing run (for notes and results.tsv)."""
    block, single = out["blocking"], out["single"]
    return (
        f"event loop blocked up to {block['A']['max'] * 1e3:.1f} ms ->"
        f" {block['B']['max'] * 1e3:.1f} ms per callback"
        f" (busy {block['A']['busy'] * 1e3:.1f} -> {block['B']['busy'] * 1e3:.1f} ms);"
        f" one caller {single['A'] * 1e3:.1f} -> {single['B'] * 1e3:.1f} ms;"
        f" {out['concurrency']} concurrent callers"
        + (" (fell back: concurrent calls fail)" if out.get("fell_back") else "")
    )


class AsyncEngine(Engine):
    domain = Domain.ASYNC
    metric = Metric.SECONDS
    tools = ("pytest",)

    def __init__(self) -> None:
        self._facts: dict[Path, list[CoroutineFacts]] = {}
        self.ladders = Ladders()

    def profile(self, ctx: EngineContext) -> list[CoroutineFacts]:
        """The ranked coroutines of the repo (profiled once per project)."""
        key = ctx.project.resolve()
        if key not in self._facts:
            facts = coroutines(ctx)
            profile_async(ctx, facts)
            self._facts[key] = rank(facts)
        return self._facts[key]

    def find_targets(self, ctx: EngineContext, proposers: list[Proposer]) -> list[Target]:
        facts = self.profile(ctx)
        for fact in facts:
            if fact.blocking_seconds > 0:
                ctx.reporter.note(
                    f"{fact.target.ref} blocked the event loop {fact.slow_callbacks} times"
                    f" ({fact.blocking_seconds * 1e3:.1f} ms) while the tests ran"
                )
        ranked = [
            f.target.model_copy(
                update={"total_seconds": f.wall_seconds, "self_seconds": f.blocking_seconds}
            )
            for f in facts
            if f.findings or f.blocking_seconds
        ]
        return workable(ctx, ranked, proposers)

    def prepare(self, ctx: EngineContext, targets: list[Target]) -> list[Target]:
        return capture_for(ctx, targets)

    def evaluate(self, ctx: EngineContext, candidate: Candidate) -> Verdict:
        try:
            failed, mutates = replay_gate(ctx, candidate)
            if failed is not None:
                return failed
            corpus = corpus_dir(ctx.corpus_root, candidate.target)
            inputs = select_inputs(corpus)
            runs: list[dict[str, Any]] = []

            def at(paths: list[Path]) -> Measurement:
                out = measure_latency(ctx, candidate, paths, fresh_args=mutates)
                runs.append(out)
                return measurement_from(out)

            ladder = self.ladders.get(ctx, candidate.target, timing_inputs(corpus, LADDER_SEEDS))
            if ladder is not None and ladder.usable:
                verdict = judge_at_scale(ctx, candidate, ladder, at)
            else:
                verdict = judge(
                    lambda: at(inputs), ctx.config.min_improvement, ctx.config.max_aa_noise
                )
                verdict = without_ladder(verdict, ladder)
        except HarnessError as exc:
            return crash_verdict(exc)
        if not runs:  # behaviour differed on a grown input: nothing was timed
            return verdict
        side = figures(runs[-1])
        ctx.reporter.note(f"{candidate.target.ref} ({candidate.rule}): {side}")
        detail = f"{verdict.detail}; {side}" if verdict.detail else side
        return verdict.model_copy(update={"detail": detail})

    def score(self, ctx: EngineContext) -> DomainScore:
        """Share (0..1) of the async cost seen in the tests (time callers waited on the repo's
        coroutines plus event-loop blocking) that lies in coroutines an ASY rule rewrites."""
        facts = self.profile(ctx)
        total = sum(f.wall_seconds + f.blocking_seconds for f in facts)
        if not facts or total <= 0:
            detail = "async: the tests await no coroutine of the repo"
            return DomainScore(domain=self.domain, detail=detail)
        rules = RulesProposer(self.domain)
        module_of = parsed_modules(ctx.project)
        hit: list[CoroutineFacts] = []
        for fact in facts:
            module = module_of(fact.target.file)
            if module is not None and rules.wants(module, fact.target):
                hit.append(fact)
        share = min(1.0, sum(f.wall_seconds + f.blocking_seconds for f in hit) / total)
        if not hit:
            detail = f"async: no rule applies to the {len(facts)} coroutine(s) awaited"
            return DomainScore(domain=self.domain, detail=detail)
        top = max(hit, key=lambda f: f.wall_seconds + f.blocking_seconds)
        what = "; ".join(top.findings[:2]) or "slow callbacks"
        detail = (
            f"async: {share:.0%} of the time awaited on own coroutines is in {len(hit)}"
            f" rewritable one(s); top {top.target.ref}: {what}"
            f" (blocked {top.blocking_seconds * 1e3:.1f} ms,"
            f" waited {top.wall_seconds * 1e3:.1f} ms)"
        )
        return DomainScore(domain=self.domain, share=share, matches=len(hit), detail=detail)


def measure_latency(
    ctx: EngineContext, candidate: Candidate, inputs: list[Path], *, fresh_args: bool
) -> dict[str, Any]:
    """One interleaved A/B/A' run of harness/cf_async_timing.py in a fresh process."""
    spec = {
        **candidate.target.harness_ref(ctx.project),
        "inputs": [str(p) for p in inputs],
        "fresh_args": fresh_args,
        "rounds": ROUNDS,
        "min_round": MIN_ROUND_SECONDS,
        "concurrency": CONCURRENCY,
    }
    return ctx.runner.run(
        "cf_async_timing.py", spec, timeout=ctx.config.candidate_timeout, candidate=candidate.source
    )
