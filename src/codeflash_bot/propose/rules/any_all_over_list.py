"""CPU111: `any([...])` / `all([...])` over a list comprehension instead of a generator."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from codeflash_bot.models import Domain
from codeflash_bot.propose.rule import Rule, RuleContext
from codeflash_bot.propose.rules._helpers import (
    generator_ready,
    locally_bound,
    sole_argument_to_generator,
)

_REDUCERS = frozenset({"any", "all"})

_ANY_ALL_OF_LISTCOMP = m.Call(
    func=m.Name("any") | m.Name("all"),
    args=[m.Arg(value=m.ListComp(lpar=[]), keyword=None, star="")],
)

# Nodes whose evaluation count matters once the comprehension short-circuits.


class AnyAllOverList(Rule):
    """Building a whole list only to ask whether any/all of it is true.

    What it does:
        Finds `any([E for ...])` and `all([E for ...])` whose only argument is a list
        comprehension (not `async`, no `yield`, `await` or `:=` inside).
    Why is this bad?
        The list comprehension evaluates every element and allocates a list before `any`/`all`
        looks at the first one; a generator lets them stop at the first decisive element.
    Example:
        `if any([x.startswith("#") for x in lines]):`
    Use instead:
        `if any(x.startswith("#") for x in lines):`
    When it is unsafe:
        Elements after the decisive one are no longer evaluated, so calls with side effects
        (or that would raise) in later elements no longer run; a partly consumed iterator is
        left partly consumed. Replay verification decides.
    """

    code = "CPU111"
    name = "any-all-over-list"
    domain = Domain.CPU
    summary = "any([... for ...]) / all([... for ...]) -> any(... for ...) / all(... for ...)"
    spellings = (
        "`any([E for ...])`",
        "`all([E for ...])`",
        "`any([...])` with a filter and two `for` clauses, negated",
    )

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        shadowed = locally_bound(func) & _REDUCERS
        new = func.visit(_Rewriter(shadowed))
        return new if isinstance(new, cst.FunctionDef) else None


class _Rewriter(cst.CSTTransformer):
    def __init__(self, shadowed: set[str]) -> None:
        super().__init__()
        self.shadowed = shadowed

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if not m.matches(updated_node, _ANY_ALL_OF_LISTCOMP):
            return updated_node
        assert isinstance(updated_node.func, cst.Name)
        if updated_node.func.value in self.shadowed:
            return updated_node
        listcomp = updated_node.args[0].value
        assert isinstance(listcomp, cst.ListComp)
        if not generator_ready(listcomp):
            return updated_node
        return sole_argument_to_generator(updated_node, listcomp)
