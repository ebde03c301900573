"""Loop-invariance by data flow: is a value the same on every iteration of a loop?

A name that nothing in the loop assigns is as good as a literal there; a collection that the
loop only reads (iterates, indexes, tests membership of, hands to a pure builtin) is unchanged.
The module name starts with `_`, so rule discovery skips it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import libcst as cst
import libcst.matchers as m
from libcst.metadata import ExpressionContext

from codeflash_bot.propose.analysis import FunctionMetadata
from codeflash_bot.propose.rules._helpers import COMPREHENSIONS, NESTED_SCOPES, is_label

# Builtins that read their argument and never change it (nor keep it around).
PURE_READERS = frozenset(
    {
        "sorted",
        "min",
        "max",
        "len",
        "sum",
        "any",
        "all",
        "set",
        "frozenset",
        "tuple",
        "list",
        "dict",
        "enumerate",
        "zip",
        "reversed",
        "str",
        "repr",
        "bool",
        "isinstance",
    }
)
LITERALS = (
    cst.SimpleString,
    cst.ConcatenatedString,
    cst.Integer,
    cst.Float,
    cst.Imaginary,
)


def loops_around(
    node: cst.CSTNode, func: cst.FunctionDef, meta: FunctionMetadata
) -> Iterator[tuple[cst.CSTNode, cst.BaseStatement]]:
    """(repeated part, statement to insert before), innermost first, for each loop around `node`.

    A `for`/`while` body repeats; so does a comprehension apart from its first iterable, whose
    statement is the insertion point. Stops at a nested def/class/lambda (other scope).
    """
    path: list[cst.CSTNode] = [node]
    current = meta.parents.get(node)
    pending: cst.CSTNode | None = None
    while current is not None and current is not func:
        child = path[-1]
        if isinstance(current, NESTED_SCOPES):
            return
        if isinstance(current, COMPREHENSIONS):
            first_iter = (
                len(path) > 1 and child is current.for_in and path[-2] is current.for_in.iter
            )
            if not first_iter and pending is None:
                pending = current
        elif isinstance(current, cst.BaseStatement):
            if pending is not None and isinstance(current, cst.SimpleStatementLine):
                yield pending, current
            pending = None
            if (isinstance(current, cst.For) and child is current.body) or (
                isinstance(current, cst.While) and child in (current.body, current.test)
            ):
                yield current, current
        path.append(current)
        current = meta.parents.get(current)


def assigned_in(name: str, region: cst.CSTNode, meta: FunctionMetadata) -> bool:
    """Does anything under `region` bind (or delete) the variable `name`?"""
    for node in m.findall(region, m.Name(name)):
        assert isinstance(node, cst.Name)
        if is_label(node, meta.parents):
            continue  # `f(name=...)`, `x.name`: not the variable
        if meta.contexts.get(node) in (ExpressionContext.STORE, ExpressionContext.DEL):
            return True
    if m.findall(region, m.NameItem(name=m.Name(name))):
        return True
    for alias in m.findall(region, m.ImportAlias()):
        assert isinstance(alias, cst.ImportAlias)
        bound = alias.asname.name if alias.asname is not None else alias.name
        if isinstance(bound, cst.Name) and bound.value == name:
            return True
    return bool(m.findall(region, (m.FunctionDef | m.ClassDef)(name=m.Name(name))))


def is_local(name: str, func: cst.FunctionDef, meta: FunctionMetadata) -> bool:
    """Is `name` a variable of `func` itself (a parameter or a local), which only `func`'s own
    statements can rebind (no `global`/`nonlocal` for it anywhere inside)?"""
    scope = meta.scopes.get(func.body)
    if scope is None or name not in scope.assignments:
        return False
    return not m.findall(func, m.NameItem(name=m.Name(name)))


def invariant(
    expr: cst.BaseExpression, region: cst.CSTNode, func: cst.FunctionDef, meta: FunctionMetadata
) -> bool:
    """Is `expr` (locals, literals, operators on them) the same on every pass over `region`?"""
    if isinstance(expr, LITERALS):
        return True
    if isinstance(expr, cst.Name):
        if expr.value in {"True", "False", "None"}:
            return True
        return is_local(expr.value, func, meta) and not assigned_in(expr.value, region, meta)
    if isinstance(expr, cst.BinaryOperation):
        return invariant(expr.left, region, func, meta) and invariant(
            expr.right, region, func, meta
        )
    if isinstance(expr, cst.UnaryOperation):
        return invariant(expr.expression, region, func, meta)
    return False


def only_read_in(
    name: str, region: cst.CSTNode, meta: FunctionMetadata, methods: frozenset[str] = frozenset()
) -> bool:
    """Is the collection `name` left unchanged by `region`: never bound there, and every use a
    read (iterated, indexed, `in`, `len`, `sorted`... ) rather than a method call, an attribute
    or an argument to code that might mutate it? `methods`: read-only methods also allowed
    (`get`, `keys`... for a dict)."""
    if assigned_in(name, region, meta):
        return False
    for ref in m.findall(region, m.Name(name)):
        assert isinstance(ref, cst.Name)
        if is_label(ref, meta.parents):
            continue
        if not _read_only_use(ref, meta, methods):
            return False
    return True


def _read_only_use(ref: cst.Name, meta: FunctionMetadata, methods: frozenset[str]) -> bool:
    parent = meta.parents.get(ref)
    if isinstance(parent, cst.Attribute) and parent.value is ref:
        call = meta.parents.get(parent)
        return parent.attr.value in methods and isinstance(call, cst.Call) and call.func is parent
    if isinstance(parent, cst.Arg) and parent.value is ref and not parent.star:
        call = meta.parents.get(parent)
        return isinstance(call, cst.Call) and m.matches(
            call.func, m.OneOf(*(m.Name(n) for n in PURE_READERS))
        )
    if isinstance(parent, cst.ComparisonTarget) and parent.comparator is ref:
        return isinstance(parent.operator, cst.In | cst.NotIn)
    if isinstance(parent, cst.Subscript) and parent.value is ref:
        return meta.contexts.get(parent) is ExpressionContext.LOAD
    if isinstance(parent, cst.For) and parent.iter is ref:
        return True
    if isinstance(parent, cst.IfExp | cst.If | cst.While) and parent.test is ref:
        return True  # truthiness
    if isinstance(parent, cst.BinaryOperation):
        return True  # `xs + ys`, `s - t`: a new object, `xs` unchanged
    if isinstance(parent, cst.UnaryOperation) and isinstance(parent.operator, cst.Not):
        return True  # (`xs or ys` is not: it hands `xs` itself on)
    return isinstance(parent, cst.CompFor) and parent.iter is ref


class InsertBefore(cst.CSTTransformer):
    """Puts statements (source lines) right before chosen original statements.

    Mix in before another transformer (`class R(InsertBefore, Other)`) and set `inserts`;
    the statement's leading blank lines and comments move to the first inserted line.
    """

    inserts: dict[cst.CSTNode, list[str]]

    # libcst types on_leave as keeping the node's kind; this one swaps a statement for a
    # FlattenSentinel of statements (as a leave_<Node> may), which its signature cannot say
    def on_leave(  # type: ignore[override]
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNode]:
        updated = super().on_leave(original_node, updated_node)
        lines = self.inserts.get(original_node)
        if not lines or not isinstance(
            updated, cst.SimpleStatementLine | cst.BaseCompoundStatement
        ):
            return updated
        built = [cst.parse_statement(line + "\n") for line in lines]
        built[0] = built[0].with_changes(leading_lines=updated.leading_lines)
        return cst.FlattenSentinel([*built, updated.with_changes(leading_lines=())])


def hoist_point(
    node: cst.CSTNode,
    func: cst.FunctionDef,
    meta: FunctionMetadata,
    steady: Callable[[cst.CSTNode], bool],
) -> cst.BaseStatement | None:
    """The outermost loop statement around `node` over which `steady(region)` holds (walking
    out from the innermost loop, stopping at the first that fails); None outside any loop."""
    anchor = None
    for region, stmt in loops_around(node, func, meta):
        if not steady(region):
            break
        anchor = stmt
    return anchor
