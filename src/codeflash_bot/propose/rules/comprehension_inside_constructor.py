"""CPU123: `dict([(k, v) for ...])` / `set(x for ...)`: a constructor around a comprehension."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from codeflash_bot.models import Domain
from codeflash_bot.propose.rule import Rule, RuleContext
from codeflash_bot.propose.rules._helpers import FunctionRewriter, has_async_for, rewrite_function
from codeflash_bot.propose.rules._meaning import builtin_name


class ComprehensionInsideConstructor(Rule):
    """`set()`/`dict()` wrapped around a list comprehension or generator expression.

    What it does:
        Finds `set([E for ...])`, `set(E for ...)`, `dict([(K, V) for ...])` and
        `dict((K, V) for ...)` (the builtins, one argument) and writes the set or dict
        comprehension: `{E for ...}`, `{K: V for ...}`.
    Why is this bad?
        The list form builds a throwaway list first; the generator form pays a generator frame
        switch per element, and `dict()` unpacks a fresh tuple per pair. The comprehension
        inserts directly; typically 15-40 % faster.
    Example:
        `index = dict([(row.id, row) for row in rows])`
    Use instead:
        `index = {row.id: row for row in rows}`
    When it is unsafe:
        Evaluation order is the same (key before value, left to right) and so are duplicates
        (the last wins). Only literal 2-tuples become `K: V`, so nothing is unpacked that was
        not already a pair.
    """

    code = "CPU123"
    name = "comprehension-inside-constructor"
    domain = Domain.CPU
    summary = "set([x for ...]) -> {x for ...}; dict((k, v) for ...) -> {k: v for ...}"
    spellings = (
        "`set([E for x in xs])` (list comprehension)",
        "`set(E for x in xs if c)` (generator expression)",
        "`dict([(K, V) for x in xs])`",
        "`dict((K, V) for k, v in pairs)` (generator of pairs)",
    )

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        return rewrite_function(func, ctx, _Rewriter)


class _Rewriter(FunctionRewriter):
    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        builtin = builtin_name(original_node.func, self.ctx, self.func)
        if builtin not in {"set", "dict"} or len(updated_node.args) != 1:
            return updated_node
        arg = updated_node.args[0]
        comp = arg.value
        if arg.keyword or arg.star or not isinstance(comp, cst.ListComp | cst.GeneratorExp):
            return updated_node
        if has_async_for(comp.for_in) or m.findall(comp, m.Yield() | m.Await()):
            return updated_node
        if builtin == "set":
            self.changed = True
            return cst.SetComp(
                elt=comp.elt, for_in=comp.for_in, lpar=updated_node.lpar, rpar=updated_node.rpar
            )
        pair = comp.elt
        if (
            not isinstance(pair, cst.Tuple)
            or len(pair.elements) != 2
            or any(isinstance(e, cst.StarredElement) for e in pair.elements)
        ):
            return updated_node
        self.changed = True
        return cst.DictComp(
            key=pair.elements[0].value,
            value=pair.elements[1].value,
            for_in=comp.for_in,
            lpar=updated_node.lpar,
            rpar=updated_node.rpar,
        )
