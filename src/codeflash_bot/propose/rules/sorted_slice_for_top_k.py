"""CPU104: `sorted(x)[:k]` / `sorted(x, reverse=True)[:k]` where a heap selection would do."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from codeflash_bot.models import Domain
from codeflash_bot.propose.analysis import function_scope
from codeflash_bot.propose.rule import Rule, RuleContext

_SORTED_HEAD = m.Subscript(
    value=m.Call(func=m.Name("sorted")),
    slice=[m.SubscriptElement(slice=m.Slice(lower=None, step=None))],
)


class SortedSliceForTopK(Rule):
    """Sorting a whole sequence to keep its first few elements.

    What it does:
        Finds `sorted(xs)[:k]` and `sorted(xs, reverse=True)[:k]` (optional `key=`,
        `reverse=` a literal `True`/`False`), with `k` an integer literal or a name.
    Why is this bad?
        Sorting is O(n log n) and materialises the whole sorted list only to slice it;
        `heapq.nsmallest`/`nlargest` keep a heap of k items: O(n log k).
    Example:
        `best = sorted(scores, key=score_of, reverse=True)[:10]`
    Use instead:
        `best = heapq.nlargest(10, scores, key=score_of)`
    When it is unsafe:
        The Python docs define `nlargest(k, xs, key)` as `sorted(xs, key, reverse=True)[:k]`,
        ties included, so results match for k >= 0. A negative `k` slices from the end but
        makes `heapq` return `[]`, and a non-int `k` (None) raises TypeError; `k` is also
        evaluated before `xs` instead of after. For large k relative to n the heap is slower:
        measurement decides. Replay verification rejects behaviour changes.
    """

    code = "CPU104"
    name = "sorted-slice-for-top-k"
    domain = Domain.CPU
    summary = "sorted(x)[:k] -> heapq.nsmallest(k, x); reverse=True -> heapq.nlargest"
    spellings = (
        "`sorted(xs)[:k]` with a literal `k`",
        "`sorted(xs, reverse=True)[:k]` with `k` a name",
        "`sorted(xs, key=f)[:k]` with a key",
    )

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        local_names = function_scope(func).assignments
        if "sorted" in local_names or "heapq" in local_names:
            return None
        if func.name.value in {"nsmallest", "nlargest"}:
            return None  # heapq's own pure-Python fallback: rewriting it would recurse
        rewriter = _Rewriter()
        new = func.visit(rewriter)
        if not rewriter.changed or not isinstance(new, cst.FunctionDef):
            return None
        ctx.add_import("heapq")
        return new


class _Rewriter(cst.CSTTransformer):
    def __init__(self) -> None:
        super().__init__()
        self.changed = False

    def leave_Subscript(
        self, original_node: cst.Subscript, updated_node: cst.Subscript
    ) -> cst.BaseExpression:
        if not m.matches(updated_node, _SORTED_HEAD):
            return updated_node
        call = updated_node.value
        window = updated_node.slice[0].slice
        assert isinstance(call, cst.Call) and isinstance(window, cst.Slice)
        k = window.upper
        if k is None or not _plain_count(k):
            return updated_node
        positional = [a for a in call.args if a.keyword is None]
        keywords = {a.keyword.value: a for a in call.args if a.keyword is not None}
        if len(positional) != 1 or positional[0].star or not set(keywords) <= {"key", "reverse"}:
            return updated_node
        fn = _heap_function(keywords.get("reverse"))
        if fn is None:
            return updated_node
        self.changed = True
        return _heap_call(fn, k, positional[0].value, keywords.get("key"))


def _plain_count(k: cst.BaseExpression) -> bool:
    """An int literal or a (dotted) name: no side effects, so evaluating it first is fine."""
    while isinstance(k, cst.Attribute):
        k = k.value
    return isinstance(k, cst.Integer | cst.Name) and not (
        isinstance(k, cst.Name) and k.value in {"None", "True", "False"}
    )


def _heap_function(reverse: cst.Arg | None) -> str | None:
    if reverse is None:
        return "nsmallest"
    if m.matches(reverse.value, m.Name("True")):
        return "nlargest"
    if m.matches(reverse.value, m.Name("False")):
        return "nsmallest"
    return None


def _heap_call(
    fn: str, k: cst.BaseExpression, iterable: cst.BaseExpression, key: cst.Arg | None
) -> cst.Call:
    args = [cst.Arg(k.with_changes(lpar=[], rpar=[])), cst.Arg(iterable)]
    if key is not None:
        args.append(key.with_changes(comma=cst.MaybeSentinel.DEFAULT))
    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    args = [a.with_changes(comma=comma) for a in args[:-1]] + [args[-1]]
    return cst.Call(func=cst.Attribute(cst.Name("heapq"), cst.Name(fn)), args=args)
