"""CPU128: `sorted(xs)` / `min(xs)` / `max(xs)` / `sum(xs)` recomputed on every loop iteration."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from codeflash_bot.models import Domain
from codeflash_bot.propose.analysis import FunctionMetadata, function_metadata
from codeflash_bot.propose.rule import Rule, RuleContext
from codeflash_bot.propose.rules._helpers import code_for
from codeflash_bot.propose.rules._invariance import (
    PURE_READERS,
    InsertBefore,
    hoist_point,
    invariant,
    is_local,
    loops_around,
    only_read_in,
)
from codeflash_bot.propose.rules._meaning import builtin_name

_REDUCERS = frozenset({"sorted", "min", "max", "sum"})
_FLAGS = m.Name("True") | m.Name("False") | m.Integer()


class InvariantReducerInLoop(Rule):
    """A whole-collection reduction of a collection the loop never changes, redone per item.

    What it does:
        Finds `sorted(xs)`, `min(xs)`, `max(xs)`, `sum(xs)` (the builtins; `key=`/`reverse=`/
        `default=`/`start` allowed when loop-invariant) inside a loop or comprehension where
        `xs` is a local the loop only reads (iterates, indexes, tests, passes to builtins),
        and computes it once before the outermost such loop.
    Why is this bad?
        Each iteration pays O(len(xs)) (O(n log n) for `sorted`) for the same answer, so the
        loop is O(n^2); hoisted, it is O(n).
    Example:
        `return [x for x in xs if x == max(xs)]`
    Use instead:
        `_xs_max = max(xs, default=None)` before the statement, then `x == _xs_max`
    When it is unsafe:
        The reduction now runs even if the loop body never does: `min`/`max` are hoisted only
        with an explicit `default=` or when the loop iterates `xs` itself (then `default=None`
        is added, only used when the loop does not run). A `sorted` result is shared between
        iterations, so it is hoisted only where it is read (indexed, iterated, tested, passed
        to a builtin), never stored or mutated. Incomparable elements raise before the loop
        rather than in it; replay sees it.
    """

    code = "CPU128"
    name = "invariant-reducer-in-loop"
    domain = Domain.CPU
    summary = "max(xs) inside a loop that never changes xs -> computed once before the loop"
    spellings = (
        "`x == max(xs)` in a comprehension over `xs`",
        "`sorted(xs)[i]` in a `for` loop over another collection",
        "`sum(weights)` in a `while` loop, `min(xs, default=0)` with a `key=` local",
        "nested loops: hoisted above both when neither changes `xs`",
    )

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        meta = function_metadata(func)
        inserts: dict[cst.CSTNode, list[str]] = {}
        names: dict[tuple[cst.CSTNode, str], str] = {}
        swaps: dict[cst.Call, str] = {}
        for call in m.findall(func, m.Call(func=m.Name())):
            assert isinstance(call, cst.Call)
            reducer = builtin_name(call.func, ctx, func)
            if reducer not in _REDUCERS or not call.args or call.args[0].keyword:
                continue
            subject = call.args[0].value
            if call.args[0].star or not isinstance(subject, cst.Name):
                continue
            if not is_local(subject.value, func, meta):
                continue
            if reducer == "sorted" and not _read_only_result(call, meta):
                continue

            def steady(region: cst.CSTNode, call: cst.Call = call, xs: str = subject.value) -> bool:
                return only_read_in(xs, region, meta) and all(
                    m.matches(a.value, _FLAGS) or _invariant_arg(a.value, region, func, ctx, meta)
                    for a in call.args[1:]
                )

            anchor = hoist_point(call, func, meta, steady)
            if anchor is None:
                continue
            expression = code_for(call)
            if reducer in {"min", "max"} and not any(
                a.keyword and a.keyword.value == "default" for a in call.args
            ):
                if not _loop_iterates(anchor, call, subject.value, func, meta):
                    continue
                expression = expression[:-1].rstrip().rstrip(",") + ", default=None)"
            local = names.get((anchor, expression))
            if local is None:
                local = ctx.fresh_local(func, f"{subject.value}_{reducer}")
                names[(anchor, expression)] = local
                inserts.setdefault(anchor, []).append(f"{local} = {expression}")
            swaps[call] = local
        if not swaps:
            return None
        new = func.visit(_Rewriter(swaps, inserts))
        return new if isinstance(new, cst.FunctionDef) else None


def _invariant_arg(
    value: cst.BaseExpression,
    region: cst.CSTNode,
    func: cst.FunctionDef,
    ctx: RuleContext,
    meta: FunctionMetadata,
) -> bool:
    """A `key=`/`default=` that is loop-invariant: a local unchanged there, or a builtin."""
    if invariant(value, region, func, meta):
        return True
    return isinstance(value, cst.Name) and builtin_name(value, ctx, func) is not None


def _read_only_result(call: cst.Call, meta: FunctionMetadata) -> bool:
    """Is the new list only read where it stands (so one shared list is indistinguishable)?"""
    parent = meta.parents.get(call)
    if isinstance(parent, cst.Subscript) and parent.value is call:
        return True
    if isinstance(parent, cst.For | cst.CompFor) and parent.iter is call:
        return True
    if isinstance(parent, cst.ComparisonTarget) and parent.comparator is call:
        return isinstance(parent.operator, cst.In | cst.NotIn)
    if isinstance(parent, cst.Arg):
        outer = meta.parents.get(parent)
        return isinstance(outer, cst.Call) and m.matches(
            outer.func, m.OneOf(*(m.Name(n) for n in PURE_READERS - {"list", "dict", "set"}))
        )
    return False


def _loop_iterates(
    anchor: cst.CSTNode, call: cst.Call, xs: str, func: cst.FunctionDef, meta: FunctionMetadata
) -> bool:
    """Does the loop that `anchor` starts iterate `xs` itself (so it runs only if xs is not
    empty)?"""
    for region, stmt in loops_around(call, func, meta):
        if stmt is anchor:
            if isinstance(region, cst.For):
                return m.matches(region.iter, m.Name(xs))
            comp = region
            return m.matches(comp.for_in.iter, m.Name(xs))  # type: ignore[attr-defined]
    return False


class _Rewriter(InsertBefore):
    def __init__(self, swaps: dict[cst.Call, str], inserts: dict[cst.CSTNode, list[str]]) -> None:
        super().__init__()
        self.swaps = swaps
        self.inserts = inserts

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        local = self.swaps.get(original_node)
        return cst.Name(local) if local is not None else updated_node
