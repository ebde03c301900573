"""CPU111: `any([...])` / `all([...])` over a list comprehension instead of a generator."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m
from libcst.metadata import ExpressionContext, ExpressionContextProvider, MetadataWrapper

from codeflash_bot.models import Domain
from codeflash_bot.propose.rule import Rule, RuleContext

_REDUCERS = frozenset({"any", "all"})

_ANY_ALL_OF_LISTCOMP = m.Call(
    func=m.Name("any") | m.Name("all"),
    args=[m.Arg(value=m.ListComp(lpar=[]), keyword=None, star="")],
)

# Nodes whose evaluation count matters once the comprehension short-circuits.
_UNSAFE_IN_COMPREHENSION = m.Yield() | m.Await() | m.NamedExpr()


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

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        shadowed = _locally_bound(func) & _REDUCERS
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
        if _has_async_for(listcomp.for_in) or m.findall(listcomp, _UNSAFE_IN_COMPREHENSION):
            return updated_node
        return _sole_argument_to_generator(updated_node, listcomp)


def _sole_argument_to_generator(call: cst.Call, listcomp: cst.ListComp) -> cst.Call:
    """`f([E for ...])` -> `f(E for ...)`, keeping the whitespace that sat inside the brackets."""
    generator = cst.GeneratorExp(elt=listcomp.elt, for_in=listcomp.for_in, lpar=[], rpar=[])
    arg = call.args[0].with_changes(
        value=generator,
        comma=cst.MaybeSentinel.DEFAULT,  # `f(x for x in y,)` is a SyntaxError
        whitespace_after_arg=listcomp.rbracket.whitespace_before,
    )
    return call.with_changes(args=[arg], whitespace_before_args=listcomp.lbracket.whitespace_after)


def _has_async_for(comp_for: cst.CompFor | None) -> bool:
    while comp_for is not None:
        if comp_for.asynchronous is not None:
            return True
        comp_for = comp_for.inner_for_in
    return False


def _locally_bound(func: cst.FunctionDef) -> set[str]:
    """Names the function (or a scope inside it) binds, or declares global/nonlocal."""
    wrapper = MetadataWrapper(cst.Module(body=[func]), unsafe_skip_copy=True)
    contexts = wrapper.resolve(ExpressionContextProvider)
    bound = {
        node.value
        for node, context in contexts.items()
        if isinstance(node, cst.Name)
        and context in (ExpressionContext.STORE, ExpressionContext.DEL)
    }
    bound.update(item.name.value for item in m.findall(func, m.NameItem()))  # type: ignore[union-attr]
    bound.discard(func.name.value)
    return bound
