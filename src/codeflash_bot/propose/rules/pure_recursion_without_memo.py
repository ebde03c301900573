"""CPU109: a pure tree-recursive function that recomputes the same subproblems."""

from __future__ import annotations

from collections.abc import Mapping

import libcst as cst
import libcst.matchers as m

from codeflash_bot.models import Domain
from codeflash_bot.propose.analysis import function_metadata, function_scope
from codeflash_bot.propose.rule import Rule, RuleContext
from codeflash_bot.propose.rules._helpers import leading_lines

_IMPURE_CALLS = frozenset(
    {
        "print",
        "open",
        "input",
        "exec",
        "eval",
        "setattr",
        "delattr",
        "globals",
        "locals",
        "vars",
        "breakpoint",
        "next",
        "iter",
        "id",
    }
)
# Methods that mutate (or consume) their receiver; called on a parameter, they make the
# function stateful even though it assigns nothing.
_MUTATORS = frozenset(
    {
        "append",
        "extend",
        "insert",
        "remove",
        "pop",
        "popleft",
        "popitem",
        "clear",
        "add",
        "update",
        "discard",
        "setdefault",
        "sort",
        "reverse",
        "send",
        "read",
        "readline",
        "write",
        "close",
    }
)
_FORBIDDEN = (
    cst.Global,
    cst.Nonlocal,
    cst.Yield,
    cst.Await,
    cst.FunctionDef,
    cst.ClassDef,
    cst.Lambda,
    cst.Del,
)
_UNPACKING = (cst.Tuple, cst.List, cst.Element, cst.StarredElement)
_STORES = (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.For, cst.CompFor, cst.AsName)
_ARITHMETIC = (
    m.Add()
    | m.Subtract()
    | m.Multiply()
    | m.FloorDivide()
    | m.Divide()
    | m.Modulo()
    | m.RightShift()
    | m.LeftShift()
)
_FRESH_CONTAINER = m.List() | m.Dict() | m.Set() | m.ListComp() | m.DictComp() | m.SetComp()
_IMMUTABLE_DEFAULT = (
    m.Integer()
    | m.Float()
    | m.SimpleString()
    | m.Name("None")
    | m.Name("True")
    | m.Name("False")
    | m.UnaryOperation(operator=m.Minus(), expression=m.Integer() | m.Float())
)


class PureRecursionWithoutMemo(Rule):
    """Tree recursion over the same arguments, recomputed every time.

    What it does:
        Finds an undecorated module-level function with plain positional parameters (no
        `*args`/`**kwargs`, only immutable literal defaults) that calls itself by name at
        least twice, passes a subproblem argument (`n - 1`, `s[1:]`) in some call, does not
        return a freshly built list/dict/set, and looks pure: no `global`/`nonlocal`,
        `yield`, `await`, nested defs or lambdas, `del`, attribute or subscript assignment,
        `print`/`open`/`input`/`next`-style calls, or mutating method calls on a parameter.
        Wraps the body in a per-call `functools.cache`d helper.
    Why is this bad?
        Tree recursion (fib, grid paths, partitions) revisits the same arguments an exponential
        number of times; a memo makes each distinct call run once. The cache lives inside one
        top-level call, so there is no cross-call state, no unbounded growth, and timing stays
        honest.
    Example:
        `def fib(n): return n if n < 2 else fib(n - 1) + fib(n - 2)`
    Use instead:
        `def fib(n):` / `    @functools.cache` / `    def _fib(n): ...` (recursing into
        `_fib`) / `    return _fib(n)`
    When it is unsafe:
        Unhashable arguments (lists, dicts) raise TypeError. Hash-equal arguments of different
        types (`1`, `1.0`, `True`) share a cache entry. A mutable result (a list built in a
        local and returned) is shared by every caller asking for the same arguments. Helpers
        the body calls run fewer times, so their side effects or reads of mutable global
        state change. The cache wrapper adds a C frame per level, so very deep recursion can
        hit RecursionError at a different depth. For linear recursion the memo only adds
        overhead; measurement decides.
    """

    code = "CPU109"
    name = "pure-recursion-without-memo"
    domain = Domain.CPU
    summary = "tree recursion f(..) + f(..) -> per-call functools.cache'd inner helper"
    spellings = (
        "`f(n - 1) + f(n - 2)` (Fibonacci shape)",
        "two self-calls on slices `f(s[1:])`, `f(s[:-1])`",
        "self-calls in a `max(...)` with two parameters (grid paths)",
    )

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        if func.decorators or func.asynchronous or not isinstance(func.body, cst.IndentedBlock):
            return None
        params = _plain_params(func.params)
        if params is None:
            return None
        parents = function_metadata(func).parents
        local_names = function_scope(func).assignments
        name = func.name.value
        if name in local_names or "functools" in local_names:
            return None
        if _self_calls(func, name, parents) < 2 or not _looks_pure(func.body, parents):
            return None
        if not _shrinks_arguments(func.body, name) or _returns_fresh_container(func.body):
            return None
        if _mutates_parameter(func.body, params):
            return None
        helper = ctx.fresh_local(func, name)
        ctx.add_import("functools")
        return _memoized(func, params, helper)


def _plain_params(params: cst.Parameters) -> list[str] | None:
    """Names of the positional parameters, or None if anything else is declared."""
    if params.kwonly_params or params.star_kwarg is not None:
        return None
    if isinstance(params.star_arg, cst.Param | cst.ParamStar):
        return None
    positional = [*params.posonly_params, *params.params]
    if not positional or positional[0].name.value in {"self", "cls"}:
        return None
    for param in positional:
        if param.default is not None and not _immutable(param.default):
            return None
    return [p.name.value for p in positional]


def _immutable(value: cst.BaseExpression) -> bool:
    if isinstance(value, cst.Tuple):
        return all(_immutable(e.value) for e in value.elements)
    return m.matches(value, _IMMUTABLE_DEFAULT)


def _self_calls(
    func: cst.FunctionDef, name: str, parents: Mapping[cst.CSTNode, cst.CSTNode]
) -> int:
    """Calls of `name(...)` in the body; -1 if `name` is also used any other way."""
    calls = 0
    for ref in m.findall(func.body, m.Name(name)):
        parent = parents.get(ref)
        if isinstance(parent, cst.Call) and parent.func is ref:
            calls += 1
        elif not (isinstance(parent, cst.Attribute) and parent.attr is ref) and not (
            isinstance(parent, cst.Arg) and parent.keyword is ref
        ):
            return -1
    return calls


def _shrinks_arguments(body: cst.BaseSuite, name: str) -> bool:
    """Some self-call passes arithmetic (`n - 1`) or a slice (`s[1:]`): a subproblem argument,
    unlike structural recursion over objects, where a memo only adds hashing."""
    for call in m.findall(body, m.Call(func=m.Name(name))):
        assert isinstance(call, cst.Call)
        for arg in call.args:
            if m.findall(arg.value, m.BinaryOperation(operator=_ARITHMETIC) | m.Slice()):
                return True
    return False


def _mutates_parameter(body: cst.BaseSuite, params: list[str]) -> bool:
    receiver = m.Name(m.MatchIfTrue(lambda v: v in params))
    method = m.Name(m.MatchIfTrue(lambda v: v in _MUTATORS))
    return bool(m.findall(body, m.Call(func=m.Attribute(value=receiver, attr=method))))


def _returns_fresh_container(body: cst.BaseSuite) -> bool:
    """A cached result that is a new list/dict/set would be shared between callers."""
    return bool(m.findall(body, m.Return(value=_FRESH_CONTAINER)))


def _looks_pure(body: cst.BaseSuite, parents: Mapping[cst.CSTNode, cst.CSTNode]) -> bool:
    if m.findall(body, m.MatchIfTrue(lambda node: isinstance(node, _FORBIDDEN))):
        return False
    if m.findall(body, m.Call(func=m.Name(m.MatchIfTrue(lambda v: v in _IMPURE_CALLS)))):
        return False
    return not any(
        _stored(node, parents) for node in m.findall(body, m.Attribute() | m.Subscript())
    )


def _stored(node: cst.CSTNode, parents: Mapping[cst.CSTNode, cst.CSTNode]) -> bool:
    """Is `node` (possibly inside tuple/list unpacking) the target of an assignment?"""
    child, parent = node, parents.get(node)
    while isinstance(parent, _UNPACKING):
        child, parent = parent, parents.get(parent)
    return isinstance(parent, _STORES) and getattr(parent, "target", None) is child


def _memoized(func: cst.FunctionDef, params: list[str], helper: str) -> cst.FunctionDef:
    body = func.body
    assert isinstance(body, cst.IndentedBlock)
    statements = list(body.body)
    docstring = statements[:1] if func.get_docstring(clean=False) is not None else []
    inner_body = statements[len(docstring) :]
    leading: tuple[cst.EmptyLine, ...] = ()
    if docstring and inner_body:
        leading = tuple(leading_lines(inner_body[0]))
        inner_body[0] = inner_body[0].with_changes(leading_lines=())
    inner = cst.FunctionDef(
        name=cst.Name(helper),
        params=func.params,
        body=body.with_changes(body=inner_body, header=cst.TrailingWhitespace()),
        decorators=[cst.Decorator(cst.Attribute(cst.Name("functools"), cst.Name("cache")))],
        returns=func.returns,
        leading_lines=leading,
    )
    inner = cst.ensure_type(inner.visit(_RenameCalls(func.name.value, helper)), cst.FunctionDef)
    call = cst.parse_statement(f"return {helper}({', '.join(params)})\n")
    call = call.with_changes(leading_lines=[cst.EmptyLine(indent=False)])
    return func.with_changes(body=body.with_changes(body=[*docstring, inner, call]))


class _RenameCalls(cst.CSTTransformer):
    def __init__(self, old: str, new: str) -> None:
        super().__init__()
        self.old = old
        self.new = new

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        if m.matches(updated_node.func, m.Name(self.old)):
            return updated_node.with_changes(func=cst.Name(self.new))
        return updated_node
