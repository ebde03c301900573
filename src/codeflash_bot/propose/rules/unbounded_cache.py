"""MEM205: `@functools.cache` / `@lru_cache(maxsize=None)` keep every result forever."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from codeflash_bot.models import Domain
from codeflash_bot.propose.rule import Rule, RuleContext

BOUND = 1024
_CACHE = m.Name("cache") | m.Attribute(value=m.Name("functools"), attr=m.Name("cache"))
_LRU = m.Name("lru_cache") | m.Attribute(value=m.Name("functools"), attr=m.Name("lru_cache"))
# `None` or `maxsize=None` (a matcher `OneOf` cannot hold a bare None: test the keyword directly)
_NONE_ARG = m.Arg(
    value=m.Name("None"),
    keyword=m.MatchIfTrue(
        lambda k: k is None or (isinstance(k, cst.Name) and k.value == "maxsize")
    ),
)
_TYPED_ARG = m.Arg(keyword=m.Name("typed"))


class UnboundedCache(Rule):
    """A memoizing cache with no size limit on a function called with many distinct arguments.

    What it does:
        Finds a function decorated with `@cache`, `@functools.cache`,
        `@lru_cache(maxsize=None)` or `@lru_cache(None)` (with `functools.` or not) and
        proposes `@lru_cache(maxsize=1024)` in the same spelling (`typed=` is kept).
    Why is this bad?
        An unbounded cache keeps every argument tuple and every result for the life of the
        process: with many distinct arguments it is a memory leak with a nice name. A
        bounded LRU keeps the recent entries, which is where most hits come from.
    Example:
        `@functools.cache` / `def render(template, user): ...`
    Use instead:
        `@functools.lru_cache(maxsize=1024)` / `def render(template, user): ...`
    When it is unsafe:
        Evictions mean recomputation: a workload that cycles through more than 1024 keys
        gets slower (the time check discards it), and code that relies on the SAME object
        coming back for equal arguments (identity, or mutating a cached result) sees fresh
        objects after an eviction. Recursive functions (memoized recursion relies on the
        whole table) are left alone, as are bare `@cache` names the rule cannot tie to
        functools beyond their spelling: verification decides.
    """

    code = "MEM205"
    name = "unbounded-cache"
    domain = Domain.MEMORY
    summary = "@cache / @lru_cache(maxsize=None) -> @lru_cache(maxsize=1024)"
    spellings = (
        "`@functools.cache`",
        "`@lru_cache(maxsize=None)` (from-import)",
        "`@functools.lru_cache(None, typed=True)`",
    )

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        if _recursive(func):
            return None
        decorators = list(func.decorators)
        for i, deco in enumerate(decorators):
            bounded = _bounded(deco.decorator)
            if bounded is not None:
                if isinstance(bounded.func, cst.Name):
                    ctx.add_import("functools", "lru_cache")
                decorators[i] = deco.with_changes(decorator=bounded)
                return func.with_changes(decorators=decorators)
        return None


def _bounded(expr: cst.BaseExpression) -> cst.Call | None:
    if m.matches(expr, _CACHE):
        assert isinstance(expr, cst.Name | cst.Attribute)
        lru: cst.BaseExpression = (
            cst.Name("lru_cache")
            if isinstance(expr, cst.Name)
            else expr.with_changes(attr=cst.Name("lru_cache"))
        )
        return cst.Call(func=lru, args=[_maxsize()])
    if (
        isinstance(expr, cst.Call)
        and m.matches(expr.func, _LRU)
        and 1 <= len(expr.args) <= 2
        and m.matches(expr.args[0], _NONE_ARG)
        and all(m.matches(a, _TYPED_ARG) for a in expr.args[1:])
    ):
        typed = list(expr.args[1:])
        return expr.with_changes(args=[_maxsize(comma=bool(typed)), *typed])
    return None


def _maxsize(*, comma: bool = False) -> cst.Arg:
    return cst.Arg(
        keyword=cst.Name("maxsize"),
        value=cst.Integer(str(BOUND)),
        equal=cst.AssignEqual(
            whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
        ),
        comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        if comma
        else cst.MaybeSentinel.DEFAULT,
    )


def _recursive(func: cst.FunctionDef) -> bool:
    name = func.name.value
    return bool(m.findall(func.body, m.Call(func=m.Name(name))))
