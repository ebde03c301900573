"""CPU107: `re.match("literal", ...)` and friends called over and over inside a loop."""

from __future__ import annotations

from collections.abc import Mapping

import libcst as cst
import libcst.matchers as m

from codeflash_bot.models import Domain
from codeflash_bot.propose.analysis import function_metadata
from codeflash_bot.propose.rule import Rule, RuleContext
from codeflash_bot.propose.rules._helpers import COMPREHENSIONS, code_for

# re.<fn>(pattern, *rest): how many of `rest` the compiled method also takes positionally
# (the next positional is the module function's `flags`), and its accepted keywords.
_SIGNATURES: dict[str, tuple[int, frozenset[str]]] = {
    "match": (1, frozenset({"string"})),
    "search": (1, frozenset({"string"})),
    "fullmatch": (1, frozenset({"string"})),
    "findall": (1, frozenset({"string"})),
    "finditer": (1, frozenset({"string"})),
    "split": (2, frozenset({"string", "maxsplit"})),
    "sub": (3, frozenset({"repl", "string", "count"})),
    "subn": (3, frozenset({"repl", "string", "count"})),
}
_RE_CALL = m.Call(func=m.Attribute(value=m.Name("re"), attr=m.Name()))
_FLAG = m.Attribute(value=m.Name("re"), attr=m.Name()) | m.Integer()


class RegexLiteralInLoop(Rule):
    """A regex given as a string literal to a module-level `re` function inside a loop.

    What it does:
        Finds `re.match|search|fullmatch|findall|finditer|sub|subn|split("literal", ...)`
        (optional constant `flags`) inside a loop or comprehension, with `re` not rebound in
        the function, and moves `re.compile("literal", flags)` to a module constant.
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

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        parents = function_metadata(func).parents
        if not _re_only_as_module(func, parents):
            return None
        plans: dict[cst.Call, tuple[str, list[int]]] = {}
        for call in m.findall(func, _RE_CALL):
            assert isinstance(call, cst.Call)
            if not _in_loop(call, func, parents):
                continue
            split = _split_call(call)
            if split is None:
                continue
            compile_args, kept = split
            expression = f"re.compile({', '.join(code_for(a) for a in compile_args)})"
            constant = ctx.add_constant(f"re_{func.name.value.strip('_')}", expression)
            plans[call] = (constant, kept)
        if not plans:
            return None
        new = func.visit(_Rewriter(plans))
        return new if isinstance(new, cst.FunctionDef) else None


def _re_only_as_module(func: cst.FunctionDef, parents: Mapping[cst.CSTNode, cst.CSTNode]) -> bool:
    """Every variable `re` in the function is read as `re.<attr>`: no local rebinding."""
    for name in m.findall(func, m.Name("re")):
        parent = parents.get(name)
        if isinstance(parent, cst.Attribute) and name in (parent.value, parent.attr):
            continue
        if isinstance(parent, cst.Arg) and parent.keyword is name:
            continue
        return False
    return True


def _in_loop(
    node: cst.CSTNode, func: cst.FunctionDef, parents: Mapping[cst.CSTNode, cst.CSTNode]
) -> bool:
    path = [node]
    current = parents.get(node)
    while current is not None and current is not func:
        child = path[-1]
        if isinstance(current, cst.For) and child is current.body:
            return True
        if isinstance(current, cst.While) and child in (current.body, current.test):
            return True
        if isinstance(current, COMPREHENSIONS) and not (
            child is current.for_in and len(path) > 1 and path[-2] is current.for_in.iter
        ):
            return True
        path.append(current)
        current = parents.get(current)
    return False


def _split_call(call: cst.Call) -> tuple[list[cst.BaseExpression], list[int]] | None:
    """(re.compile arguments, indexes of the arguments kept for the method), or None to bail."""
    func = call.func
    assert isinstance(func, cst.Attribute)
    signature = _SIGNATURES.get(func.attr.value)
    if signature is None or not call.args or any(a.star for a in call.args):
        return None
    max_rest, keywords = signature
    pattern = call.args[0]
    if pattern.keyword is not None or not _literal_pattern(pattern.value):
        return None
    positional = [i for i, a in enumerate(call.args) if i and a.keyword is None]
    named = {i: a.keyword.value for i, a in enumerate(call.args) if a.keyword is not None}
    flags = [call.args[i].value for i, word in named.items() if word == "flags"]
    if len(positional) == max_rest + 1:
        flags.append(call.args[positional.pop()].value)
    if len(positional) > max_rest or len(flags) > 1:
        return None
    if not set(named.values()) <= keywords | {"flags"}:
        return None
    if flags and not _constant_flags(flags[0]):
        return None
    kept = [*positional, *(i for i, word in named.items() if word != "flags")]
    return [pattern.value, *flags], kept


def _literal_pattern(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.SimpleString):
        return True
    return (
        isinstance(node, cst.ConcatenatedString)
        and _literal_pattern(node.left)
        and _literal_pattern(node.right)
    )


def _constant_flags(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        return _constant_flags(node.left) and _constant_flags(node.right)
    return m.matches(node, _FLAG)


class _Rewriter(cst.CSTTransformer):
    def __init__(self, plans: dict[cst.Call, tuple[str, list[int]]]) -> None:
        super().__init__()
        self.plans = plans

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        plan = self.plans.get(original_node)
        if plan is None:
            return updated_node
        constant, kept = plan
        rest = [updated_node.args[i] for i in kept]
        if rest:
            rest[-1] = rest[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        func = updated_node.func
        assert isinstance(func, cst.Attribute)
        return updated_node.with_changes(
            func=func.with_changes(value=cst.Name(constant)),
            args=rest,
        )
