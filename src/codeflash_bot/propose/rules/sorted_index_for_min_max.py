"""CPU103: `sorted(x)[0]` / `sorted(x)[-1]` where min()/max() would do."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from codeflash_bot.models import Domain
from codeflash_bot.propose.rule import Rule, RuleContext

_SORTED_INDEX = m.Subscript(
    value=m.Call(func=m.Name("sorted")),
    slice=[
        m.SubscriptElement(
            slice=m.Index(
                value=m.Integer("0")
                | m.UnaryOperation(operator=m.Minus(), expression=m.Integer("1"))
            )
        )
    ],
)


class SortedIndexForMinMax(Rule):
    """Sorting a whole sequence to read one end of it.

    What it does:
        Finds `sorted(xs)[0]` and `sorted(xs)[-1]` (with optional `key=`, no `reverse=`).
    Why is this bad?
        Sorting is O(n log n) and allocates a new list; `min`/`max` is one O(n) pass.
    Example:
        `lowest = sorted(prices)[0]`
    Use instead:
        `lowest = min(prices)`
    When it is unsafe:
        On an empty input `sorted(...)[0]` raises IndexError but `min` raises ValueError, and
        with ties `max` returns the first maximal element while `sorted(...)[-1]` returns the
        last; replay verification rejects the candidate when either shows up.
    """

    code = "CPU103"
    name = "sorted-index-for-min-max"
    domain = Domain.CPU
    summary = "sorted(x)[0] / sorted(x)[-1] -> min(x) / max(x)"
    spellings = (
        "`sorted(xs)[0]` (smallest)",
        "`sorted(xs)[-1]` (largest)",
        "`sorted(xs, key=f)[0]` with a key, inside an expression",
    )

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        new = func.visit(_Rewriter())
        return new if isinstance(new, cst.FunctionDef) else None


class _Rewriter(cst.CSTTransformer):
    def leave_Subscript(
        self, original_node: cst.Subscript, updated_node: cst.Subscript
    ) -> cst.BaseExpression:
        if not m.matches(updated_node, _SORTED_INDEX):
            return updated_node
        call = updated_node.value
        assert isinstance(call, cst.Call)
        positional = [a for a in call.args if a.keyword is None]
        keywords = {a.keyword.value for a in call.args if a.keyword is not None}
        if len(positional) != 1 or positional[0].star or not keywords <= {"key"}:
            return updated_node
        index = updated_node.slice[0].slice
        fn = (
            "max"
            if isinstance(index, cst.Index) and isinstance(index.value, cst.UnaryOperation)
            else "min"
        )
        return call.with_changes(func=cst.Name(fn))
