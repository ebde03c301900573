"""CPU117: `for i in range(len(seq)):` that only uses `i` to read `seq[i]`."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m
from libcst.metadata import ExpressionContext

from codeflash_bot.models import Domain
from codeflash_bot.propose.rule import Rule, RuleContext
from codeflash_bot.propose.rules._helpers import (
    NESTED_SCOPES,
    FunctionFacts,
    SkipNestedScopes,
    declared_names,
    inside,
    variable_refs,
)

_RANGE_LEN = m.Call(
    func=m.Name("range"),
    args=[
        m.Arg(
            value=m.Call(func=m.Name("len"), args=[m.Arg(value=m.Name(), keyword=None, star="")]),
            keyword=None,
            star="",
        )
    ],
)
_BUILTINS = frozenset({"range", "len", "enumerate"})


class RangeLenIndexing(Rule):
    """Iterating indices only to index back into the same sequence.

    What it does:
        Finds `for i in range(len(seq)):` whose body reads `seq[i]`, never rebinds `i` or
        `seq`, never stores into or deletes from `seq`, and otherwise touches `seq` only via
        reads `seq[...]` and `len(seq)`.
    Why is this bad?
        Each `seq[i]` is a subscript call on top of the `range` iteration; iterating the
        sequence hands over the element directly (and reads as what it means).
    Example:
        `for i in range(len(words)): total += len(words[i])`
    Use instead:
        `for _item in words: total += len(_item)`; when `i` is used for anything else (or
        after the loop), `for i, _item in enumerate(words):`.
    When it is unsafe:
        Iterating is not indexing for every type: a dict with int keys iterates its keys, and a
        pandas Series indexes by label, not position. `range(len(seq))` is also fixed at loop
        start while iteration sees a sequence mutated through another alias. `seq[i]` inside
        a lambda or nested def (late binding) is left alone; replay verification decides the
        rest.
    """

    code = "CPU117"
    name = "range-len-indexing"
    domain = Domain.CPU
    summary = "for i in range(len(xs)): xs[i] -> for x in xs / for i, x in enumerate(xs)"
    spellings = (
        "`for i in range(len(xs)): use(xs[i])` (index not otherwise used)",
        "`xs[i]` and `i` both used (-> `enumerate`)",
        "`len(xs)` read in the body too",
    )

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        facts = _Facts(func)
        if facts.bound & _BUILTINS:
            return None
        new = func.visit(_Rewriter(facts, ctx))
        return new if isinstance(new, cst.FunctionDef) else None


class _Facts(FunctionFacts):
    def __init__(self, func: cst.FunctionDef) -> None:
        super().__init__(func)
        declared = declared_names(func)
        stored = {
            node.value
            for node, context in self.contexts.items()
            if isinstance(node, cst.Name) and context != ExpressionContext.LOAD
        }
        self.bound = (declared | stored) - {func.name.value}
        self.declared = declared

    def is_item_read(self, ref: cst.Name, seq: str) -> bool:
        """Is the index `ref` the whole slice of a `seq[ref]` load?"""
        index = self.parents.get(ref)
        element = self.parents.get(index) if isinstance(index, cst.Index) else None
        sub = self.parents.get(element) if isinstance(element, cst.SubscriptElement) else None
        return (
            isinstance(sub, cst.Subscript)
            and len(sub.slice) == 1
            and m.matches(sub.value, m.Name(seq))
            and self.contexts.get(sub) == ExpressionContext.LOAD
        )

    def plan(self, loop: cst.For, index: str, seq: str) -> tuple[bool, bool] | None:
        """(any `seq[index]` reads?, index needed besides them?) for a rewritable loop, or None."""
        if index == seq or index in self.declared or seq in self.declared:
            return None
        for ref in variable_refs(loop.body, seq, self.parents):
            if (
                inside(ref, NESTED_SCOPES, loop, self.parents)
                or self.contexts.get(ref) != ExpressionContext.LOAD
            ):
                return None
            parent = self.parents.get(ref)
            if isinstance(parent, cst.Subscript) and parent.value is ref:
                if self.contexts.get(parent) != ExpressionContext.LOAD:
                    return None
            elif not (isinstance(parent, cst.Arg) and _is_len_call(self.parents.get(parent))):
                return None
        reads = 0
        for ref in variable_refs(loop.body, index, self.parents):
            if (
                inside(ref, NESTED_SCOPES, loop, self.parents)
                or self.contexts.get(ref) != ExpressionContext.LOAD
            ):
                return None
            reads += self.is_item_read(ref, seq)
        uses = len(variable_refs(self.func, index, self.parents))
        others = uses - reads - 1  # minus the loop target
        return reads > 0, others > 0


def _is_len_call(node: cst.CSTNode | None) -> bool:
    return isinstance(node, cst.Call) and m.matches(node.func, m.Name("len"))


class _ReplaceReads(SkipNestedScopes, cst.CSTTransformer):
    """`seq[index]` -> `item`, outside nested scopes."""

    def __init__(self, seq: str, index: str, item: str) -> None:
        super().__init__()
        self.pattern = m.Subscript(
            value=m.Name(seq), slice=[m.SubscriptElement(slice=m.Index(value=m.Name(index)))]
        )
        self.item = item

    def leave_Subscript(
        self, original_node: cst.Subscript, updated_node: cst.Subscript
    ) -> cst.BaseExpression:
        if not m.matches(updated_node, self.pattern):
            return updated_node
        return cst.Name(self.item, lpar=updated_node.lpar, rpar=updated_node.rpar)


class _Rewriter(cst.CSTTransformer):
    def __init__(self, facts: _Facts, ctx: RuleContext) -> None:
        super().__init__()
        self.facts = facts
        self.ctx = ctx

    def leave_For(self, original_node: cst.For, updated_node: cst.For) -> cst.For:
        if original_node.asynchronous is not None or not isinstance(original_node.target, cst.Name):
            return updated_node
        if not m.matches(original_node.iter, _RANGE_LEN):
            return updated_node
        index = original_node.target.value
        seq = original_node.iter.args[0].value.args[0].value.value  # type: ignore[attr-defined]
        plan = self.facts.plan(original_node, index, seq)
        if plan is None or not plan[0]:
            return updated_node
        item = self.ctx.fresh_local(self.facts.func, "item")
        body = updated_node.body.visit(_ReplaceReads(seq, index, item))
        if plan[1]:
            target: cst.BaseAssignTargetExpression = cst.Tuple(
                elements=[cst.Element(cst.Name(index)), cst.Element(cst.Name(item))],
                lpar=[],
                rpar=[],
            )
            iterable: cst.BaseExpression = cst.Call(
                func=cst.Name("enumerate"), args=[cst.Arg(cst.Name(seq))]
            )
        else:
            target, iterable = cst.Name(item), cst.Name(seq)
        return updated_node.with_changes(target=target, iter=iterable, body=body)
