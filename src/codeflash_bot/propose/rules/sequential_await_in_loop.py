"""ASY302: awaiting independent calls one at a time in a loop or list comprehension."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from codeflash_bot.models import Domain
from codeflash_bot.propose.rule import Rule, RuleContext
from codeflash_bot.propose.rules._coroutine_scope import (
    CoroutineScopeTransformer,
    has_await_or_yield,
    names_in,
    parenthesized,
)
from codeflash_bot.propose.rules._helpers import (
    code_for,
    rewrite_coroutine_body,
    unparenthesize_made_await,
)

_APPEND = m.Call(
    func=m.Attribute(value=m.Name(), attr=m.Name("append")),
    args=[m.Arg(keyword=None, star="")],
)
_AWAITED_CALL = m.Await(expression=m.Call())
_SAFE_ITER = (cst.Name, cst.Attribute, cst.Call, cst.Subscript, cst.List, cst.ListComp, cst.Set)


class SequentialAwaitInLoop(Rule):
    """Independent awaits in a loop, each one waiting for the previous one to finish.

    What it does:
        In an `async def`, finds `for x in xs: out.append(await f(x))` (also with the awaited
        value in a temporary: `r = await f(x)` then `out.append(r)`) and
        `[await f(x) for x in xs]`, where the awaited call does not read the result list, the
        temporary, or anything else the loop assigns: no iteration depends on the previous one.
    Why is this bad?
        Each call starts only after the previous one has completed, so n round trips of
        latency t take n·t. `asyncio.gather` starts them all and waits once: about t, with the
        results in the same order as the items.
    Example:
        `for i in ids: rows.append(await fetch(i))`
    Use instead:
        `rows.extend(await asyncio.gather(*(fetch(i) for i in ids)))`
    When it is unsafe:
        The calls now run concurrently. Calls that share state across their own awaits (a
        counter, a balance, a connection that allows one request at a time), that must happen
        in order, or that a server rate-limits behave differently; replay verification compares
        the results in order and discards those. On failure, the first exception to *occur*
        propagates (not necessarily the first item's), the remaining calls still run, and the
        list is not partially filled. A loop that awaits a value computed from an earlier
        iteration (`x = await f(x)`) never matches. Comments inside the loop would be lost, so
        such loops are left alone.
    """

    code = "ASY302"
    name = "sequential-await-in-loop"
    domain = Domain.ASYNC
    summary = "for x in xs: out.append(await f(x)) -> out.extend(await asyncio.gather(...))"
    spellings = (
        "`for x in xs: out.append(await g(x))`",
        "temporary: `r = await g(x)` then `out.append(r)`",
        "`[await g(x) for x in xs]`",
    )

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        return rewrite_coroutine_body(func, ctx, lambda: _Rewriter(func))


def _count(node: cst.CSTNode, name: str) -> int:
    return len(m.findall(node, m.Name(name)))


def _gather(call: cst.BaseExpression, comp: cst.CompFor) -> cst.Await:
    """`await asyncio.gather(*(CALL for TARGET in ITER [if ...]))`."""
    iter_ = comp.iter
    if not isinstance(iter_, _SAFE_ITER) or (isinstance(iter_, cst.Tuple) and not iter_.lpar):
        iter_ = parenthesized(iter_)
    gen = cst.GeneratorExp(elt=call, for_in=comp.with_changes(iter=iter_))
    expr = cst.parse_expression(f"asyncio.gather(*{code_for(gen)})")
    return cst.Await(expression=expr)


class _Rewriter(CoroutineScopeTransformer):
    def __init__(self, func: cst.FunctionDef) -> None:
        super().__init__()
        self.func = func
        self.made: set[int] = set()

    # -- for x in xs: out.append(await f(x))
    def leave_For(
        self, original_node: cst.For, updated_node: cst.For
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        if not self.in_scope:
            return updated_node
        found = self._independent_append_loop(original_node)
        if found is None:
            return updated_node
        acc, call = found
        comp = cst.CompFor(target=original_node.target, iter=original_node.iter)
        gathered = _gather(call, comp)
        stmt = cst.parse_statement(f"{acc}.extend({code_for(gathered)})\n")
        self.changed = True
        return stmt.with_changes(leading_lines=original_node.leading_lines)

    def _independent_append_loop(self, loop: cst.For) -> tuple[str, cst.Call] | None:
        """(accumulator name, awaited call) if `loop` appends independent awaited calls."""
        if loop.asynchronous is not None or loop.orelse is not None:
            return None
        if m.findall(loop.body, m.Comment()) or not isinstance(loop.body, cst.IndentedBlock):
            return None
        stmts = loop.body.body
        if not all(isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1 for s in stmts):
            return None
        small = [s.body[0] for s in stmts]  # type: ignore[attr-defined]
        temp: str | None = None
        if len(small) == 1 and m.matches(small[0], m.Expr(value=_APPEND)):
            append = small[0].value
            awaited = append.args[0].value
        elif (
            len(small) == 2
            and m.matches(
                small[0],
                m.Assign(targets=[m.AssignTarget(target=m.Name())], value=_AWAITED_CALL),
            )
            and m.matches(small[1], m.Expr(value=_APPEND))
            and m.matches(small[1].value.args[0].value, m.Name())
        ):
            temp = small[0].targets[0].target.value
            append = small[1].value
            if append.args[0].value.value != temp:
                return None
            awaited = small[0].value
        else:
            return None
        if not m.matches(awaited, _AWAITED_CALL):
            return None
        acc = append.func.value.value
        call = awaited.expression
        if has_await_or_yield(call):
            return None
        private = {acc} | ({temp} if temp else set())
        if names_in(call) & private or acc in names_in(loop.iter):
            return None
        # The loop variable and the temporary must not be read outside the loop: after it,
        # the original leaves them bound to the last item.
        for name in names_in(loop.target) | ({temp} if temp else set()):
            if _count(self.func, name) != _count(loop, name):
                return None
        return acc, call

    # -- [await f(x) for x in xs]
    def leave_ListComp(
        self, original_node: cst.ListComp, updated_node: cst.ListComp
    ) -> cst.BaseExpression:
        if not self.in_scope or not m.matches(original_node.elt, _AWAITED_CALL):
            return updated_node
        comp = original_node.for_in
        if comp.asynchronous is not None or comp.inner_for_in is not None:
            return updated_node
        call = original_node.elt.expression  # type: ignore[attr-defined]
        if has_await_or_yield(call) or any(has_await_or_yield(i.test) for i in comp.ifs):
            return updated_node
        if m.findall(original_node, m.Comment()):
            return updated_node
        self.changed = True
        made = parenthesized(_gather(call, comp))
        self.made.add(id(made))
        return made

    # A gathered comprehension needs its parentheses only inside a larger expression.
    def on_leave(
        self, original_node: cst.CSTNodeT, updated_node: cst.CSTNodeT
    ) -> cst.CSTNodeT | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNodeT]:
        result = super().on_leave(original_node, updated_node)
        return unparenthesize_made_await(result, self.made)
