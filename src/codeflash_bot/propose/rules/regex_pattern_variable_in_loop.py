"""CPU119: `re.match(pattern, s)` in a loop whose body never changes the variable `pattern`."""

from __future__ import annotations

import libcst as cst

from codeflash_bot.models import Domain
from codeflash_bot.propose.analysis import function_metadata, function_scope
from codeflash_bot.propose.rule import Rule, RuleContext
from codeflash_bot.propose.rules._helpers import code_for
from codeflash_bot.propose.rules._invariance import InsertBefore, hoist_point, invariant
from codeflash_bot.propose.rules._regex import (
    CompiledCallRewriter,
    constant_flags,
    literal_pattern,
    re_calls,
    re_module_usable,
    split_call,
)


class RegexPatternVariableInLoop(Rule):
    """A regex held in a variable, passed to a module-level `re` function on every iteration.

    What it does:
        Finds `re.match|search|fullmatch|findall|finditer|sub|subn|split(pattern, ...)` inside a
        loop or comprehension where `pattern` (and `flags`) is a parameter or local that nothing
        in the loop assigns (loop-invariant by data flow: as good as a literal there), and
        compiles it once, right before the outermost loop over which it stays unchanged.
    Why is this bad?
        Each call hashes the pattern and flags and probes `re`'s compiled-pattern cache; when
        a loop does little else per item, that lookup is most of the cost. The cache also holds
        a bounded number of patterns, so a caller cycling through many recompiles them.
    Example:
        `def grep(pattern, lines): return [s for s in lines if re.search(pattern, s)]`
    Use instead:
        `_pattern_re = re.compile(pattern)` before the statement, then `_pattern_re.search(s)`
    When it is unsafe:
        The pattern is compiled even when the loop runs zero times, so an invalid pattern (or a
        non-string) raises `re.error`/`TypeError` where the original returned normally. A
        pattern that is already a compiled `re.Pattern` with non-zero `flags` passed too raises
        in both versions. Replay verification rejects the candidate if inputs show either.
    """

    code = "CPU119"
    name = "regex-pattern-variable-in-loop"
    domain = Domain.CPU
    summary = "re.search(pattern, s) in a loop, pattern unchanged -> compile once before the loop"
    spellings = (
        "`re.search(pattern, s)` with `pattern` a parameter, in a comprehension filter",
        'pattern built before the loop (`pat = prefix + r"\\d+"`), `re.match` in a `for` body',
        "`from re import sub` with a loop-invariant `flags=` variable, in a `while` loop",
        "nested loops: compiled before the outer loop when neither loop changes the pattern",
    )

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        if not re_module_usable(ctx) or "re" in function_scope(func).assignments:
            return None
        meta = function_metadata(func)
        inserts: dict[cst.CSTNode, list[str]] = {}
        names: dict[tuple[cst.CSTNode, str], str] = {}
        plans: dict[cst.Call, tuple[str, str, list[int]]] = {}
        for call, fn in re_calls(func, ctx, meta):
            split = split_call(call, fn)
            if split is None or literal_pattern(split[0][0]):
                continue  # literals are CPU107's (a module constant)
            compile_args, kept = split

            def steady(region: cst.CSTNode, args: list[cst.BaseExpression] = compile_args) -> bool:
                return invariant(args[0], region, func, meta) and all(
                    constant_flags(a) or invariant(a, region, func, meta) for a in args[1:]
                )

            anchor = hoist_point(call, func, meta, steady)
            if anchor is None:
                continue
            expression = f"re.compile({', '.join(code_for(a) for a in compile_args)})"
            local = names.get((anchor, expression))
            if local is None:
                hint = code_for(compile_args[0]) if isinstance(compile_args[0], cst.Name) else "pat"
                local = ctx.fresh_local(func, f"{hint}_re")
                names[(anchor, expression)] = local
                inserts.setdefault(anchor, []).append(f"{local} = {expression}")
            plans[call] = (local, fn, kept)
        if not plans:
            return None
        ctx.add_import("re")
        new = func.visit(_Rewriter(plans, inserts))
        return new if isinstance(new, cst.FunctionDef) else None


class _Rewriter(InsertBefore, CompiledCallRewriter):
    def __init__(
        self,
        plans: dict[cst.Call, tuple[str, str, list[int]]],
        inserts: dict[cst.CSTNode, list[str]],
    ) -> None:
        super().__init__(plans)
        self.inserts = inserts
