"""CPU115: `x in d.keys()` / `for k in d.keys()` where the mapping itself would do."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from codeflash_bot.models import Domain
from codeflash_bot.propose.rule import Rule, RuleContext

_KEYS_CALL = m.Call(func=m.Attribute(attr=m.Name("keys")), args=[])


class MembershipInDictKeys(Rule):
    """Going through `.keys()` to test or iterate a dict's keys.

    What it does:
        Finds `x in d.keys()`, `x not in d.keys()`, `for k in d.keys():` and comprehension
        clauses `for k in d.keys()`, where `keys()` is called with no arguments.
    Why is this bad?
        The method lookup, the call and the view object are pure overhead: `x in d` and
        `for k in d` do the same hash lookup / key iteration directly.
    Example:
        `if name in registry.keys():`
    Use instead:
        `if name in registry:`
    When it is unsafe:
        Only dicts (and proper `Mapping`s) promise that `in`/iteration on the object match its
        `keys()`. A custom class whose `keys()` returns something else, or whose `__contains__`
        / `__iter__` differ (case-insensitive header maps, objects with `keys()` but no
        `__iter__`), behaves differently; the type is unknown here, so replay verification
        decides.
    """

    code = "CPU115"
    name = "membership-in-dict-keys"
    domain = Domain.CPU
    summary = "x in d.keys() / for k in d.keys() -> x in d / for k in d"
    spellings = (
        "`x in d.keys()`",
        "`x not in d.keys()`",
        "`for k in d.keys():` and a comprehension clause over `d.keys()`",
    )

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        new = func.visit(_Rewriter())
        return new if isinstance(new, cst.FunctionDef) else None


class _Rewriter(cst.CSTTransformer):
    def leave_ComparisonTarget(
        self, original_node: cst.ComparisonTarget, updated_node: cst.ComparisonTarget
    ) -> cst.ComparisonTarget:
        if not isinstance(updated_node.operator, cst.In | cst.NotIn):
            return updated_node
        return updated_node.with_changes(comparator=_receiver(updated_node.comparator))

    def leave_For(self, original_node: cst.For, updated_node: cst.For) -> cst.For:
        return updated_node.with_changes(iter=_receiver(updated_node.iter))

    def leave_CompFor(self, original_node: cst.CompFor, updated_node: cst.CompFor) -> cst.CompFor:
        return updated_node.with_changes(iter=_receiver(updated_node.iter))


def _receiver(expr: cst.BaseExpression) -> cst.BaseExpression:
    """`d.keys()` -> `d` (keeping parentheses written around the call); else unchanged."""
    if not isinstance(expr, cst.Call) or not m.matches(expr, _KEYS_CALL):
        return expr
    assert isinstance(expr.func, cst.Attribute)
    receiver = expr.func.value
    if expr.lpar and not receiver.lpar:
        receiver = receiver.with_changes(lpar=expr.lpar, rpar=expr.rpar)
    return receiver
