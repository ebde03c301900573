"""CPU122: `list(map(lambda x: E, xs))`: a Python function call per element for an expression."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from codeflash_bot.models import Domain
from codeflash_bot.propose.rule import Rule, RuleContext
from codeflash_bot.propose.rules._helpers import FunctionRewriter, rewrite_function
from codeflash_bot.propose.rules._meaning import builtin_name

# constructor around map(...) -> the comprehension that replaces both
_WRAPPERS = {"list": cst.ListComp, "set": cst.SetComp}


class MapWithLambda(Rule):
    """`map` over a `lambda`, where the comprehension says the same without a call per element.

    What it does:
        Finds `list(map(lambda x: E, xs))`, `set(map(lambda x: E, xs))` and `map(lambda x: E,
        xs)` used as a `for` loop's or a reducer's iterable (`sum`, `any`, `all`, `min`, `max`,
        `sorted`, `tuple`, `"".join`), with a one-parameter lambda, and writes the comprehension
        (or generator expression): `[E for x in xs]`, `{E for x in xs}`, `(E for x in xs)`.
    Why is this bad?
        `map` calls the lambda for every element: a Python frame per element. A comprehension
        evaluates `E` inline in one frame; typically 20-40 % faster.
    Example:
        `lengths = list(map(lambda s: len(s.strip()), lines))`
    Use instead:
        `lengths = [len(s.strip()) for s in lines]`
    When it is unsafe:
        The lambda's parameter becomes the comprehension's variable; names inside `E` are
        looked up the same way (both are nested scopes). Only single-iterable `map` with a
        lambda of exactly one plain parameter is rewritten; `map` and the constructor must mean
        the builtins. A `map` object left unconsumed or passed on is not touched.
    """

    code = "CPU122"
    name = "map-with-lambda"
    domain = Domain.CPU
    summary = "list(map(lambda x: E, xs)) -> [E for x in xs]"
    spellings = (
        "`list(map(lambda x: E, xs))`",
        "`set(map(lambda x: E, xs))`",
        "`for y in map(lambda x: E, xs):` (a loop's iterable)",
        "`sum(map(lambda x: E, xs))` (a reducer's argument)",
    )

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        return rewrite_function(func, ctx, _Rewriter)


_REDUCERS = frozenset({"sum", "any", "all", "min", "max", "sorted", "tuple", "frozenset"})


class _Rewriter(FunctionRewriter):
    def _parts(self, call: cst.BaseExpression) -> tuple[cst.Lambda, cst.BaseExpression] | None:
        """(lambda, iterable) of the builtin `map(lambda x: E, xs)`, or None."""
        if not isinstance(call, cst.Call) or builtin_name(call.func, self.ctx, self.func) != "map":
            return None
        if len(call.args) != 2 or any(a.keyword or a.star for a in call.args):
            return None
        fn = call.args[0].value
        if not isinstance(fn, cst.Lambda) or m.findall(fn.body, m.Yield() | m.Await()):
            return None
        params = fn.params
        if (
            len(params.params) != 1
            or params.params[0].default is not None
            or params.posonly_params
            or params.kwonly_params
            or not isinstance(params.star_arg, cst.MaybeSentinel)
            or params.star_kwarg is not None
        ):
            return None
        return fn, call.args[1].value

    @staticmethod
    def _for(fn: cst.Lambda, iterable: cst.BaseExpression) -> cst.CompFor:
        return cst.CompFor(target=fn.params.params[0].name, iter=iterable)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        wrapper = builtin_name(original_node.func, self.ctx, self.func)
        if len(updated_node.args) != 1 or updated_node.args[0].keyword:
            return updated_node
        parts = self._parts(original_node.args[0].value)
        if parts is None:
            return updated_node
        fn, iterable = parts
        for_in = self._for(fn, iterable)
        if wrapper in _WRAPPERS:
            self.changed = True
            comp = _WRAPPERS[wrapper](elt=fn.body, for_in=for_in)
            return comp.with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)
        if wrapper in _REDUCERS:
            self.changed = True
            gen = cst.GeneratorExp(elt=fn.body, for_in=for_in, lpar=[], rpar=[])
            return updated_node.with_changes(args=[updated_node.args[0].with_changes(value=gen)])
        return updated_node

    def leave_For(self, original_node: cst.For, updated_node: cst.For) -> cst.For:
        parts = self._parts(original_node.iter)
        if parts is None or original_node.asynchronous is not None:
            return updated_node
        fn, iterable = parts
        self.changed = True
        gen = cst.GeneratorExp(elt=fn.body, for_in=self._for(fn, iterable))
        return updated_node.with_changes(iter=gen)
