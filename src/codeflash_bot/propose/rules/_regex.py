"""What the regex rules share: which calls are `re.<fn>(pattern, ...)`, by meaning, and how
such a call becomes `<compiled>.<fn>(...)`. Skipped by rule discovery (leading `_`)."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst
import libcst.matchers as m

from codeflash_bot.propose.analysis import FunctionMetadata, module_metadata, refers_to
from codeflash_bot.propose.rule import RuleContext

# re.<fn>(pattern, *rest): how many of `rest` the compiled method also takes positionally
# (the next positional is the module function's `flags`), and its accepted keywords.
SIGNATURES: dict[str, tuple[int, frozenset[str]]] = {
    "match": (1, frozenset({"string"})),
    "search": (1, frozenset({"string"})),
    "fullmatch": (1, frozenset({"string"})),
    "findall": (1, frozenset({"string"})),
    "finditer": (1, frozenset({"string"})),
    "split": (2, frozenset({"string", "maxsplit"})),
    "sub": (3, frozenset({"repl", "string", "count"})),
    "subn": (3, frozenset({"repl", "string", "count"})),
}
# `re.I`, `rx.IGNORECASE` (an upper-case attribute of a name), or a plain integer.
_FLAG = m.Attribute(value=m.Name(), attr=m.Name(value=m.MatchIfTrue(str.isupper))) | m.Integer()


def re_calls(
    func: cst.FunctionDef, ctx: RuleContext, meta: FunctionMetadata
) -> Iterator[tuple[cst.Call, str]]:
    """(call, fn) for every call in `func` of the standard `re.<fn>` named in SIGNATURES.

    With the module known, by meaning (aliases and `from re import` resolved, rebinding seen);
    for a bare function, only the spelling `re.<fn>` with `re` never a local of `func`.
    """
    for call in m.findall(func, m.Call()):
        assert isinstance(call, cst.Call)
        if ctx.module is not None:
            for fn in SIGNATURES:
                if refers_to(ctx.module, call.func, f"re.{fn}"):
                    yield call, fn
                    break
        elif m.matches(call.func, m.Attribute(value=m.Name("re"))) and _re_not_local(func, meta):
            attr = call.func.attr.value  # type: ignore[attr-defined]
            if attr in SIGNATURES:
                yield call, attr


def _re_not_local(func: cst.FunctionDef, meta: FunctionMetadata) -> bool:
    scope = meta.scopes.get(func.body)
    return scope is not None and "re" not in scope.assignments


def re_module_usable(ctx: RuleContext) -> bool:
    """Can new code say `re.compile`: at module level `re` is unbound or only `import re`?"""
    if ctx.module is None:
        return True
    scope = module_metadata(ctx.module).scopes.get(ctx.module)
    if scope is None:
        return False
    for assignment in scope.assignments["re"]:
        node = getattr(assignment, "node", None)
        if not isinstance(node, cst.Import):
            return False
        if not any(
            m.matches(alias, m.ImportAlias(name=m.Name("re"), asname=None)) for alias in node.names
        ):
            return False
    return True


def split_call(call: cst.Call, fn: str) -> tuple[list[cst.BaseExpression], list[int]] | None:
    """(re.compile arguments: pattern then flags if any, indexes of the arguments the method
    keeps), or None to bail. The caller judges whether pattern and flags may move."""
    signature = SIGNATURES.get(fn)
    if signature is None or not call.args or any(a.star for a in call.args):
        return None
    max_rest, keywords = signature
    pattern = call.args[0]
    if pattern.keyword is not None:
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
    kept = [*positional, *(i for i, word in named.items() if word != "flags")]
    return [pattern.value, *flags], kept


def literal_pattern(node: cst.BaseExpression) -> bool:
    """A plain (not f-) string literal, possibly implicitly concatenated."""
    if isinstance(node, cst.SimpleString):
        return True
    return (
        isinstance(node, cst.ConcatenatedString)
        and literal_pattern(node.left)
        and literal_pattern(node.right)
    )


def constant_flags(node: cst.BaseExpression) -> bool:
    """`re.I | re.M`, `0`: flags that are the same wherever they are evaluated."""
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        return constant_flags(node.left) and constant_flags(node.right)
    return m.matches(node, _FLAG)


class CompiledCallRewriter(cst.CSTTransformer):
    """`re.<fn>(pattern, *rest)` -> `<compiled>.<fn>(*kept rest)` for the planned calls."""

    def __init__(self, plans: dict[cst.Call, tuple[str, str, list[int]]]) -> None:
        super().__init__()
        self.plans = plans

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        plan = self.plans.get(original_node)
        if plan is None:
            return updated_node
        compiled, fn, kept = plan
        rest = [updated_node.args[i] for i in kept]
        if rest:
            rest[-1] = rest[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(
            func=cst.Attribute(value=cst.Name(compiled), attr=cst.Name(fn)), args=rest
        )
