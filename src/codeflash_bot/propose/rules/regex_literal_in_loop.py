"""CPU107: `re.match("literal", ...)` and friends called over and over inside a loop."""

from __future__ import annotations

import libcst as cst

from codeflash_bot.models import Domain
from codeflash_bot.propose.analysis import function_metadata
from codeflash_bot.propose.rule import Rule, RuleContext
from codeflash_bot.propose.rules._helpers import code_for
from codeflash_bot.propose.rules._invariance import loops_around
from codeflash_bot.propose.rules._regex import (
    CompiledCallRewriter,
    constant_flags,
    literal_pattern,
    re_calls,
    re_module_usable,
    split_call,
)


class RegexLiteralInLoop(Rule):
    """A regex given as a string literal to a module-level `re` function inside a loop.

    What it does:
        Finds `re.match|search|fullmatch|findall|finditer|sub|subn|split("literal", ...)`
        (optional constant `flags`) inside a loop or comprehension and moves
        `re.compile("literal", flags)` to a module constant. Names are matched by meaning:
        `import re as r; r.match(...)` and `from re import match; match(...)` count, a module
        or function that rebinds `re` (or `match`) to something else does not.
    Why is this bad?
        Every module-level call looks the pattern up in `re`'s cache (hashing the pattern and
        flags, a lock-free dict probe, type checks) before matching; for short inputs that
        overhead dominates. A precompiled pattern goes straight to the matcher.
    Example:
        `ids = [m.group(1) for line in lines if (m := re.match(r"id=(\\d+)", line))]`
    Use instead:
        `_RE_F = re.compile(r"id=(\\d+)")` at module level, then `_RE_F.match(line)`
    When it is unsafe:
        The pattern is compiled at import time: an invalid pattern raises `re.error` on import
        instead of at call time, and `re.DEBUG` output moves to import. The constant assumes
        the module-level `re` is the standard module and is bound by the module's imports.
    """

    code = "CPU107"
    name = "regex-literal-in-loop"
    domain = Domain.CPU
    summary = 're.match("lit", s) in a loop -> module-level re.compile("lit").match(s)'
    spellings = (
        '`re.match(r"...", s)` in a `for` body',
        "`re.sub(...)` with keyword `flags=` in a list comprehension",
        "`import re as rx` then `rx.search(...)` in a `while` loop",
        "`from re import findall` then `findall(...)` in a generator",
    )

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        if not re_module_usable(ctx):
            return None
        meta = function_metadata(func)
        plans: dict[cst.Call, tuple[str, str, list[int]]] = {}
        for call, fn in re_calls(func, ctx, meta):
            if next(loops_around(call, func, meta), None) is None:
                continue
            split = split_call(call, fn)
            if split is None or not literal_pattern(split[0][0]):
                continue
            if not all(constant_flags(flag) for flag in split[0][1:]):
                continue
            compile_args, kept = split
            expression = f"re.compile({', '.join(code_for(a) for a in compile_args)})"
            constant = ctx.add_constant(f"re_{func.name.value.strip('_')}", expression)
            plans[call] = (constant, fn, kept)
        if not plans:
            return None
        ctx.add_import("re")
        new = func.visit(CompiledCallRewriter(plans))
        return new if isinstance(new, cst.FunctionDef) else None
