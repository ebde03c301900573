"""PR mode inside a run: inputs for every changed function, who is untested, and whether the
change made a function slower than it was at the change's base.

The regression check reuses the keep rule the other way round: the function as it is at HEAD
is the original, the same function as it was at the base is the "candidate"; if the base
version clears the same floor and noise bar as a kept optimization (two independent
interleaved measurements in fresh processes), the change made the function measurably slower.
Only like for like is compared: both versions must return the same on the captured inputs
(the replay gate), so a base that fails fast on HEAD's inputs is never called "faster".
"""

from __future__ import annotations

import libcst as cst

from codeflash_bot.capture import corpus_dir
from codeflash_bot.capture.sources import SourceKind, source_counts
from codeflash_bot.domains.base import Engine, EngineContext
from codeflash_bot.domains.evidence import replay_gate, timing_once
from codeflash_bot.measure.decide import judge
from codeflash_bot.measure.timing import select_inputs
from codeflash_bot.models import Candidate, ChangedReport, Regression, Status, Target
from codeflash_bot.profile.cpu import own_functions
from codeflash_bot.sandbox import HarnessError
from codeflash_bot.session.changed import ChangedSet

MAX_COMPARED = 5  # base-vs-head comparisons per run: the budget is for optimizing
BASE_PROPOSER = "base"


def changed_targets(ctx: EngineContext) -> list[Target]:
    """Every changed function of the repo's own code, as Targets (static scan of the project)."""
    return [t for t in own_functions(ctx.project, ctx.setup, ctx.config.exclude) if ctx.in_scope(t)]


def review_change(
    engine: Engine, ctx: EngineContext, wanted: list[Target]
) -> tuple[list[Target], ChangedReport]:
    """Capture inputs for the targets a proposer wants and for every other changed function;
    returns (the wanted targets that have inputs, the report on the change)."""
    changed = ctx.changed
    assert changed is not None
    refs = {t.ref for t in wanted}
    others = [t for t in changed_targets(ctx) if t.ref not in refs]
    ready = {t.ref: t for t in engine.prepare(ctx, [*wanted, *others])}
    everything = [*wanted, *others]
    report = ChangedReport(
        since=changed.since,
        base=changed.base,
        changed=[t.ref for t in everything],
        new=[t.ref for t in everything if (f := changed.get(t.file, t.qualname)) and f.new],
        targeted=[t.ref for t in wanted if t.ref in ready],
        untested=[t.ref for t in everything if not _called(ctx, t)],
    )
    compared = [t for t in everything if t.ref in ready]
    regressions, measured = check_regressions(ctx, changed, compared)
    report = report.model_copy(update={"regressions": regressions, "compared": measured})
    for r in regressions:
        ctx.reporter.note(
            f"regression: {r.target} is {r.slowdown:.1f}x slower than at the base"
            f" ({r.base_seconds * 1e6:.1f} us -> {r.head_seconds * 1e6:.1f} us per call-set)"
        )
    return [t for t in wanted if t.ref in ready], report


def _called(ctx: EngineContext, target: Target) -> bool:
    """Whether something real (a workload, a benchmark, a test) called `target`: inputs
    generated from its type hints let the bot judge a rewrite, yet nothing runs it."""
    counts = source_counts(corpus_dir(ctx.corpus_root, target))
    return any(n for kind, n in counts.items() if kind != SourceKind.GENERATED.value)


def check_regressions(
    ctx: EngineContext, changed: ChangedSet, targets: list[Target]
) -> tuple[list[Regression], list[str]]:
    """Base vs head for changed (not new) functions with captured inputs on which both behave
    the same; returns (the slower ones, the refs of those measured and not found slower)."""
    slower: list[Regression] = []
    fine: list[str] = []
    for target in targets:
        if len(slower) + len(fine) >= MAX_COMPARED:
            break
        func = changed.get(target.file, target.qualname)
        base_text = changed.base_files.get(target.file)
        if func is None or func.new or base_text is None:
            continue
        head_text = (ctx.project / target.file).read_text(encoding="utf-8")
        source = with_function_from(head_text, base_text, target.qualname)
        if source is None:
            continue
        inputs = select_inputs(corpus_dir(ctx.corpus_root, target))
        if not inputs:
            continue
        base_side = Candidate(
            target=target,
            proposer=BASE_PROPOSER,
            rule=BASE_PROPOSER,
            description=f"{target.ref} as it was at {changed.base[:12]}",
            source=source,
        )
        try:
            different, mutates = replay_gate(ctx, base_side)
            if different is not None:
                why = different.detail or different.reason.value
                ctx.reporter.note(f"base vs head of {target.ref} not compared: {why}")
                continue
            once = timing_once(ctx, base_side, inputs, mutates)
            verdict = judge(once, ctx.config.min_improvement, ctx.config.max_aa_noise)
        except HarnessError as exc:
            ctx.reporter.note(f"base vs head of {target.ref} not measured: {exc}")
            continue
        if verdict.status is Status.KEEP and verdict.measurements:
            m = min(verdict.measurements, key=lambda x: x.gain)
            slower.append(
                Regression(
                    target=target.ref,
                    base_seconds=m.candidate,
                    head_seconds=m.baseline,
                    aa_noise=m.aa_noise,
                )
            )
        else:
            fine.append(target.ref)
    return slower, fine


class _Swap(cst.CSTTransformer):
    """Replace the definition of `qualname` with `replacement` (classes tracked by name)."""

    def __init__(self, qualname: str, replacement: cst.FunctionDef) -> None:
        self.qualname = qualname
        self.replacement = replacement
        self.scope: list[str] = []
        self.swapped = False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.scope.append(node.name.value)
        return True

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        self.scope.pop()
        return updated

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False  # nested functions belong to the outer one

    def leave_FunctionDef(
        self, original: cst.FunctionDef, updated: cst.FunctionDef
    ) -> cst.FunctionDef:
        if ".".join([*self.scope, original.name.value]) == self.qualname and not self.swapped:
            self.swapped = True
            return self.replacement
        return updated


def find_function(module: cst.Module, qualname: str) -> cst.FunctionDef | None:
    """The top-level function or (nested-class) method called `qualname`."""
    body: object = module
    parts = qualname.split(".")
    for i, name in enumerate(parts):
        last = i == len(parts) - 1
        kind = cst.FunctionDef if last else cst.ClassDef
        found = next(
            (n for n in getattr(body, "body", ()) if isinstance(n, kind) and n.name.value == name),
            None,
        )
        if found is None:
            return None
        if last:
            return found  # type: ignore[return-value]
        body = found.body
    return None


def with_function_from(head_text: str, base_text: str, qualname: str) -> str | None:
    """HEAD's file with `qualname` as it was at the base; None if either side lacks it or the
    two are the same code."""
    try:
        head = cst.parse_module(head_text)
        base = cst.parse_module(base_text)
    except cst.ParserSyntaxError:
        return None
    old = find_function(base, qualname)
    new = find_function(head, qualname)
    if old is None or new is None or old.deep_equals(new):
        return None
    swap = _Swap(qualname, old)
    out = head.visit(swap)
    return out.code if swap.swapped else None


def summary_lines(report: ChangedReport) -> list[str]:
    """Console lines: what the change touched, untested functions, regressions."""
    lines = [
        f"changed since {report.since}: {len(report.changed)} function(s); targeted: "
        f"{', '.join(report.targeted) or 'none'}"
    ]
    lines += [f"untested (no test calls it): {ref}" for ref in report.untested]
    lines += [
        f"regression: {r.target} is {r.slowdown:.1f}x slower than at the base"
        for r in report.regressions
    ]
    return lines


def render_md(report: ChangedReport) -> str:
    """The HANDOFF.md section for the change under review."""
    lines = ["", f"## Change under review (since {report.since}, base {report.base[:12]})", ""]
    lines.append(f"- changed functions: {', '.join(report.changed) or 'none'}")
    if report.new:
        lines.append(f"- added by the change: {', '.join(report.new)}")
    lines.append(f"- targeted: {', '.join(report.targeted) or 'none'}")
    for ref in report.untested:
        lines.append(
            f"- untested: {ref} — no test (or workload) calls it: a rewrite of it is judged on"
            " inputs generated from its type hints at best; add a test that calls it"
        )
    for r in report.regressions:
        lines.append(
            f"- regression: {r.target} is {r.slowdown:.1f}x slower than at the base"
            f" ({r.base_seconds * 1e6:.1f} us -> {r.head_seconds * 1e6:.1f} us per call-set)"
        )
    if report.compared:
        lines.append(f"- not slower than at the base: {', '.join(report.compared)}")
    return "\n".join(lines) + "\n"
