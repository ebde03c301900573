"""ASY303: a blocking library call (HTTP, subprocess, file I/O) made directly in a coroutine."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from codeflash_bot.models import Domain
from codeflash_bot.propose.rule import Rule, RuleContext
from codeflash_bot.propose.rules._coroutine_scope import CoroutineScopeTransformer, parenthesized
from codeflash_bot.propose.rules._helpers import rewrite_coroutine_body, unparenthesize_made_await

# Spelled as in the source (`requests.get(...)`); bare names (`urlopen(...)`) are too ambiguous.
BLOCKING_CALLS = frozenset(
    {
        *(f"requests.{verb}" for verb in ("get", "post", "put", "patch", "delete", "head")),
        "requests.request",
        "urllib.request.urlopen",
        "subprocess.run",
        "subprocess.call",
        "subprocess.check_call",
        "subprocess.check_output",
        "shutil.copyfile",
        "shutil.copy",
        "shutil.copy2",
        "shutil.copytree",
        "shutil.rmtree",
        "socket.getaddrinfo",
        "socket.create_connection",
    }
)
# Methods that read or write a whole file (pathlib.Path, or a file object from open()).
BLOCKING_METHODS = frozenset({"read_text", "read_bytes", "write_text", "write_bytes"})
FILE_METHODS = frozenset({"read", "readlines"})


class BlockingCallInCoroutine(Rule):
    """A coroutine that calls blocking I/O directly, stalling its event loop meanwhile.

    What it does:
        In an `async def`'s own body (not in nested functions, lambdas or comprehensions),
        finds calls of well-known blocking functions spelled with their module
        (`requests.get/post/...`, `urllib.request.urlopen`, `subprocess.run/call/check_*`,
        `shutil.copy*/rmtree`, `socket.getaddrinfo/create_connection`), whole-file
        `.read_text()/.read_bytes()/.write_text()/.write_bytes()`, and `open(...).read()`.
    Why is this bad?
        The event loop runs on one thread: while the call waits for the network, a child
        process or the disk, no other task makes progress. `asyncio.to_thread` runs the call
        on a worker thread and suspends only this coroutine, so concurrent callers overlap.
    Example:
        `async def get(url): return requests.get(url, timeout=5).json()`
    Use instead:
        `async def get(url): return (await asyncio.to_thread(requests.get, url, timeout=5)).json()`
    When it is unsafe:
        The call runs on another thread: objects that are not thread-safe (some clients,
        sqlite connections made on this thread) or thread-local state break, and other tasks
        run while it waits. A single call gets slightly slower (a thread hop); only concurrent
        callers gain, which is what the async metric measures. Names are matched by spelling,
        so a local variable called `requests` would be rewritten too: replay verification and
        the repo's tests decide.
    """

    code = "ASY303"
    name = "blocking-call-in-coroutine"
    domain = Domain.ASYNC
    summary = "requests.get(...) / subprocess.run(...) in async def -> await asyncio.to_thread(...)"
    spellings = (
        "`requests.get(url)` as an assignment's value",
        "`subprocess.run(...)` inside a larger expression",
        "`path.read_text()` / `open(p).read()` whole-file reads",
    )

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        return rewrite_coroutine_body(func, ctx, _Rewriter)


def dotted(expr: cst.BaseExpression) -> str | None:
    """`a.b.c` for a chain of names and attributes, None for anything else."""
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        base = dotted(expr.value)
        return f"{base}.{expr.attr.value}" if base else None
    return None


def is_blocking(call: cst.Call) -> bool:
    func = call.func
    if dotted(func) in BLOCKING_CALLS:
        return True
    if not isinstance(func, cst.Attribute):
        return False
    if func.attr.value in BLOCKING_METHODS:
        return True
    opened = func.value
    return (
        func.attr.value in FILE_METHODS
        and isinstance(opened, cst.Call)
        and m.matches(opened.func, m.Name("open"))
    )


class _Rewriter(CoroutineScopeTransformer):
    _COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.DictComp)

    def __init__(self) -> None:
        super().__init__()
        self.made: set[int] = set()
        self.awaits = 0
        self.comprehensions = 0

    def visit_Await(self, node: cst.Await) -> bool:
        self.awaits += 1
        return True

    def leave_Await(self, original_node: cst.Await, updated_node: cst.Await) -> cst.Await:
        self.awaits -= 1
        return updated_node

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, self._COMPREHENSIONS):
            self.comprehensions += 1
        return super().on_visit(node)

    def on_leave(
        self, original_node: cst.CSTNodeT, updated_node: cst.CSTNodeT
    ) -> cst.CSTNodeT | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNodeT]:
        result = super().on_leave(original_node, updated_node)
        if isinstance(original_node, self._COMPREHENSIONS):
            self.comprehensions -= 1
        return unparenthesize_made_await(result, self.made)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if not self.in_scope or self.awaits or self.comprehensions:
            return updated_node
        if not is_blocking(original_node):
            return updated_node
        args = [cst.Arg(value=updated_node.func), *updated_node.args]
        args = [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in args]
        to_thread = cst.Call(func=cst.parse_expression("asyncio.to_thread"), args=args)
        made = parenthesized(cst.Await(expression=to_thread))
        self.made.add(id(made))
        self.changed = True
        return made
