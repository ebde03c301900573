"""ASY301: `time.sleep(...)` inside an `async def` blocks the whole event loop."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from codeflash_bot.models import Domain
from codeflash_bot.propose.rule import Rule, RuleContext
from codeflash_bot.propose.rules._coroutine_scope import CoroutineScopeTransformer
from codeflash_bot.propose.rules._helpers import rewrite_coroutine_body

_TIME_SLEEP = m.Call(
    func=m.Attribute(value=m.Name("time"), attr=m.Name("sleep")),
    args=[m.Arg(keyword=None, star="")],
)


class BlockingSleepInCoroutine(Rule):
    """A coroutine that pauses with `time.sleep`, freezing every other task on its loop.

    What it does:
        Finds `time.sleep(seconds)` used as a statement in the coroutine's own body (not in a
        nested function, lambda or class) of an `async def`.
    Why is this bad?
        `time.sleep` blocks the thread, and the event loop runs on that thread: no other task,
        callback or I/O makes progress until it returns. `await asyncio.sleep` suspends only
        this coroutine, so concurrent callers overlap their waits.
    Example:
        `async def poll(): time.sleep(0.5); return await check()`
    Use instead:
        `async def poll(): await asyncio.sleep(0.5); return await check()`
    When it is unsafe:
        The coroutine now yields to the loop at that point, so other tasks may run in between
        and see (or change) shared state half-way through; code that relied on the sleep being
        atomic changes behaviour. `time` must be the standard module (the rule matches the
        spelling `time.sleep`); replay verification and the repo's tests decide.
    """

    code = "ASY301"
    name = "blocking-sleep-in-coroutine"
    domain = Domain.ASYNC
    summary = "time.sleep(s) in async def -> await asyncio.sleep(s)"

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        return rewrite_coroutine_body(func, ctx, _Rewriter)


class _Rewriter(CoroutineScopeTransformer):
    def leave_Expr(self, original_node: cst.Expr, updated_node: cst.Expr) -> cst.Expr:
        if not self.in_scope or not m.matches(updated_node.value, _TIME_SLEEP):
            return updated_node
        call = updated_node.value
        assert isinstance(call, cst.Call)
        self.changed = True
        sleep = call.with_changes(func=cst.parse_expression("asyncio.sleep"))
        return updated_node.with_changes(value=cst.Await(expression=sleep))
