"""CPU110: `len([... for ...]) > 0` and friends, where `any(...)` can stop at the first hit."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from codeflash_bot.models import Domain
from codeflash_bot.propose.rule import Rule, RuleContext
from codeflash_bot.propose.rules._helpers import locally_bound

_LEN_OF_LISTCOMP = m.Call(
    func=m.Name("len"), args=[m.Arg(value=m.ListComp(lpar=[]), keyword=None, star="")]
)

# (operator type, integer literal, len on the left?) -> True: "non-empty", False: "empty".
_NON_EMPTY: dict[tuple[type, str, bool], bool] = {
    (cst.GreaterThan, "0", True): True,
    (cst.GreaterThanEqual, "1", True): True,
    (cst.NotEqual, "0", True): True,
    (cst.Equal, "0", True): False,
    (cst.LessThan, "1", True): False,
    (cst.LessThan, "0", False): True,
    (cst.LessThanEqual, "1", False): True,
    (cst.NotEqual, "0", False): True,
    (cst.Equal, "0", False): False,
    (cst.GreaterThan, "1", False): False,
}

# The element is no longer evaluated at all, and later elements/conditions no longer run.
_UNSAFE_IN_ELEMENT = m.Call() | m.Yield() | m.Await() | m.NamedExpr()
_UNSAFE_IN_CLAUSES = m.Yield() | m.Await() | m.NamedExpr()


class LenOfListForTruthiness(Rule):
    """Building a whole filtered list only to ask whether it is empty.

    What it does:
        Finds `len([E for ...])` compared with 0 or 1 (`> 0`, `>= 1`, `!= 0`, `== 0`, `< 1`,
        either way round) or used bare as a truth value (`if`/`while` test, `x if ... else y`,
        `not ...`), where E has no call in it.
    Why is this bad?
        Every element is computed and stored, then counted, when one match is enough:
        `any(...)` over a generator stops at the first one and allocates no list.
    Example:
        `if len([u for u in users if u.admin]) > 0:`
    Use instead:
        `if any(u.admin for u in users):` (one `for` and one `if`: the condition becomes the
        element; otherwise `any(True for ... if ...)` keeping every clause).
    When it is unsafe:
        E is no longer evaluated (so an E that raises, such as `1 / x`, no longer does), and
        nothing after the first match runs: conditions with side effects or an iterator that
        is used again afterwards see the difference. E containing a call is left alone, as are
        `async` comprehensions and ones with `yield`, `await` or `:=`. Replay verification
        decides the rest.
    """

    code = "CPU110"
    name = "len-of-list-for-truthiness"
    domain = Domain.CPU
    summary = "len([x for x in xs if c]) > 0 -> any(c for x in xs)"
    spellings = (
        "`len([E for ...]) > 0`",
        "`len([...]) == 0` (either way round: `0 == len(...)`)",
        "bare truth value: `if len([...]):` / `not len([...])`",
    )

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        if locally_bound(func) & {"len", "any"}:
            return None
        new = func.visit(_Rewriter())
        return new if isinstance(new, cst.FunctionDef) else None


class _Rewriter(cst.CSTTransformer):
    def leave_Comparison(
        self, original_node: cst.Comparison, updated_node: cst.Comparison
    ) -> cst.BaseExpression:
        if len(updated_node.comparisons) != 1:
            return updated_node
        target = updated_node.comparisons[0]
        left, right = updated_node.left, target.comparator
        if isinstance(left, cst.Call) and isinstance(right, cst.Integer):
            call, key = left, (type(target.operator), right.value, True)
        elif isinstance(right, cst.Call) and isinstance(left, cst.Integer):
            call, key = right, (type(target.operator), left.value, False)
        else:
            return updated_node
        if key not in _NON_EMPTY or call.lpar or not m.matches(call, _LEN_OF_LISTCOMP):
            return updated_node
        replacement = _any_of(call)
        if replacement is None:
            return updated_node
        parens = {"lpar": updated_node.lpar, "rpar": updated_node.rpar}
        if _NON_EMPTY[key]:
            return replacement.with_changes(**parens)
        return cst.UnaryOperation(
            operator=cst.Not(),
            expression=replacement,
            lpar=updated_node.lpar,
            rpar=updated_node.rpar,
        )

    def leave_If(self, original_node: cst.If, updated_node: cst.If) -> cst.If:
        return updated_node.with_changes(test=_bare_len(updated_node.test))

    def leave_While(self, original_node: cst.While, updated_node: cst.While) -> cst.While:
        return updated_node.with_changes(test=_bare_len(updated_node.test))

    def leave_IfExp(self, original_node: cst.IfExp, updated_node: cst.IfExp) -> cst.IfExp:
        return updated_node.with_changes(test=_bare_len(updated_node.test))

    def leave_UnaryOperation(
        self, original_node: cst.UnaryOperation, updated_node: cst.UnaryOperation
    ) -> cst.UnaryOperation:
        if not isinstance(updated_node.operator, cst.Not):
            return updated_node
        return updated_node.with_changes(expression=_bare_len(updated_node.expression))


def _bare_len(test: cst.BaseExpression) -> cst.BaseExpression:
    """A truth-tested `len([...])` -> `any(...)`; anything else unchanged."""
    if not isinstance(test, cst.Call) or not m.matches(test, _LEN_OF_LISTCOMP):
        return test
    replacement = _any_of(test)
    if replacement is None:
        return test
    return replacement.with_changes(lpar=test.lpar, rpar=test.rpar)


def _any_of(len_call: cst.Call) -> cst.Call | None:
    """`len([E for T in I if C])` -> `any(C for T in I)` (or `any(True for ...)`), or None."""
    listcomp = len_call.args[0].value
    assert isinstance(listcomp, cst.ListComp)
    if m.findall(listcomp.elt, _UNSAFE_IN_ELEMENT) or m.findall(
        listcomp.for_in, _UNSAFE_IN_CLAUSES
    ):
        return None
    clauses: list[cst.CompFor] = []
    comp_for: cst.CompFor | None = listcomp.for_in
    while comp_for is not None:
        if comp_for.asynchronous is not None:
            return None
        clauses.append(comp_for)
        comp_for = comp_for.inner_for_in
    only = listcomp.for_in
    if len(clauses) == 1 and len(only.ifs) == 1:
        generator = cst.GeneratorExp(
            elt=only.ifs[0].test, for_in=only.with_changes(ifs=[]), lpar=[], rpar=[]
        )
    else:
        generator = cst.GeneratorExp(elt=cst.Name("True"), for_in=only, lpar=[], rpar=[])
    return cst.Call(
        func=cst.Name("any"),
        args=[cst.Arg(generator, whitespace_after_arg=listcomp.rbracket.whitespace_before)],
        whitespace_before_args=listcomp.lbracket.whitespace_after,
    )
