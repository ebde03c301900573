"""ASY301: `time.sleep(...)` inside an `async def` blocks the whole event loop."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from codeflash_bot.models import Domain
from codeflash_bot.propose.analysis import refers_to
from codeflash_bot.propose.rule import Rule, RuleContext
from codeflash_bot.propose.rules._coroutine_scope import CoroutineScopeTransformer
from codeflash_bot.propose.rules._helpers import rewrite_coroutine_body

_TIME_SLEEP = m.Call(
    func=m.Attribute(value=m.Name("time"), attr=m.Name("sleep")),
    args=[m.Arg(keyword=None, star="")],
)
_ONE_ARG = m.Call(args=[m.Arg(keyword=None, star="")])


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
        atomic changes behaviour. `time.sleep` is matched by meaning (an alias or a
        `from time import sleep` counts, a rebound name does not); replay verification and
        the repo's tests decide.
    """

    code = "ASY301"
    name = "blocking-sleep-in-coroutine"
    domain = Domain.ASYNC
    summary = "time.sleep(s) in async def -> await asyncio.sleep(s)"
    spellings = (
        "`time.sleep(s)` as a statement",
        "`from time import sleep` then `sleep(s)` in a loop",
        "`import time as t` then `t.sleep(s)` under `if`",
    )

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        return rewrite_coroutine_body(func, ctx, lambda: _Rewriter(ctx))


class _Rewriter(CoroutineScopeTransformer):
    def __init__(self, ctx: RuleContext) -> None:
        super().__init__()
        self.ctx = ctx

    def _time_sleep(self, call: cst.BaseExpression) -> bool:
        """`time.sleep(s)` by meaning (`from time import sleep`, `import time as t` count)."""
        if not m.matches(call, _ONE_ARG):
            return False
        meant = refers_to(self.ctx.module, call.func, "time.sleep")  # type: ignore[attr-defined]
        return m.matches(call, _TIME_SLEEP) if meant is None else meant

    def leave_Expr(self, original_node: cst.Expr, updated_node: cst.Expr) -> cst.Expr:
        if not self.in_scope or not self._time_sleep(original_node.value):
            return updated_node
        call = updated_node.value
        assert isinstance(call, cst.Call)
        self.changed = True
        sleep = call.with_changes(func=cst.parse_expression("asyncio.sleep"))
        return updated_node.with_changes(value=cst.Await(expression=sleep))
