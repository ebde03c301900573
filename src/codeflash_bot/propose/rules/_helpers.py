"""Helpers shared by several rules: name uses, ancestry tests, statement-block edits, generators.

The module name starts with `_`, so rule discovery skips it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TypeGuard, TypeVar

import libcst as cst
import libcst.matchers as m
from libcst.metadata import Assignment, ExpressionContext

from codeflash_bot.propose.analysis import function_metadata
from codeflash_bot.propose.rule import RuleContext
from codeflash_bot.propose.rules._coroutine_scope import CoroutineScopeTransformer

_T = TypeVar("_T")
Parents = Mapping[cst.CSTNode, cst.CSTNode]
# What becomes of the statement at one index of a block: the statements that replace it.
Edit = Callable[[cst.BaseStatement], list[cst.BaseStatement]]


def replaced_by(*new: cst.BaseStatement) -> Edit:
    """The Edit putting `new` in the statement's place (bound now: safe to make in a loop)."""
    return lambda _stmt: list(new)


def followed_by(*new: cst.BaseStatement) -> Edit:
    """The Edit keeping the statement and adding `new` after it (bound now, like replaced_by)."""
    return lambda stmt: [stmt, *new]


def leading_lines(stmt: cst.BaseStatement) -> Sequence[cst.EmptyLine]:
    """The blank lines and comments above a statement (both concrete kinds carry them)."""
    assert isinstance(stmt, cst.SimpleStatementLine | cst.BaseCompoundStatement)
    return stmt.leading_lines


# Scopes of their own: a name there is not the function's variable, and code there does not
# run where it is written.
NESTED_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)
# Comprehensions: their `for` clauses repeat what sits in them, like a loop body.
COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)
# Moving a comprehension's body into a generator changes what these mean (or is a SyntaxError).
UNSAFE_IN_COMPREHENSION = m.Yield() | m.Await() | m.NamedExpr()
# `f.readlines()`, and statements that leave a loop early.
READLINES = m.Call(func=m.Attribute(attr=m.Name("readlines")), args=[])
EARLY_EXIT = m.Break() | m.Return() | m.Raise()


def code_for(node: cst.CSTNode) -> str:
    """Source text of `node`, for building new code with `parse_expression`/`parse_statement`."""
    return cst.Module(body=[]).code_for_node(node)


def is_label(node: cst.Name, parents: Parents) -> bool:
    """Is `node` an attribute name (`x.node`) or a keyword (`f(node=...)`) and not a variable?"""
    parent = parents.get(node)
    return (isinstance(parent, cst.Attribute) and parent.attr is node) or (
        isinstance(parent, cst.Arg) and parent.keyword is node
    )


def variable_refs(root: cst.CSTNode, name: str, parents: Parents) -> list[cst.Name]:
    """Uses of the variable `name` under `root`: several rules count or vet them one by one."""
    return [
        node
        for node in m.findall(root, m.Name(name))
        if isinstance(node, cst.Name) and not is_label(node, parents)
    ]


def is_within(node: cst.CSTNode, ancestor: cst.CSTNode, parents: Parents) -> bool:
    """Is `node` `ancestor` itself or below it? (Whether a use stays inside a statement.)"""
    current: cst.CSTNode | None = node
    while current is not None:
        if current is ancestor:
            return True
        current = parents.get(current)
    return False


def inside(
    node: cst.CSTNode,
    kinds: type | tuple[type, ...],
    stop: cst.CSTNode | None,
    parents: Parents,
) -> bool:
    """Is a strict ancestor of `node` below `stop` one of `kinds`? (In a `try`, a nested scope.)"""
    current = parents.get(node)
    while current is not None and current is not stop:
        if isinstance(current, kinds):
            return True
        current = parents.get(current)
    return False


def locally_bound(func: cst.FunctionDef) -> set[str]:
    """Names the function (or a scope inside it) binds, or declares global/nonlocal.

    A builtin in this set may be shadowed, so a rule must not rewrite calls to it.
    """
    contexts = function_metadata(func).contexts
    bound = {
        node.value
        for node, context in contexts.items()
        if isinstance(node, cst.Name)
        and context in (ExpressionContext.STORE, ExpressionContext.DEL)
    }
    bound.update(declared_names(func))
    bound.discard(func.name.value)
    return bound


def has_async_for(comp_for: cst.CompFor | None) -> bool:
    """Does a `for` clause of the comprehension say `async`? (No plain generator can replace it.)"""
    while comp_for is not None:
        if comp_for.asynchronous is not None:
            return True
        comp_for = comp_for.inner_for_in
    return False


def generator_ready(node: cst.BaseExpression) -> TypeGuard[cst.ListComp]:
    """Is `node` a list comprehension that can become a generator expression as it stands?

    Not parenthesized, no `async for`, no `yield`/`await`/`:=` (whose meaning would change).
    """
    return (
        isinstance(node, cst.ListComp)
        and not node.lpar
        and not has_async_for(node.for_in)
        and not m.findall(node, UNSAFE_IN_COMPREHENSION)
    )


def sole_argument_to_generator(call: cst.Call, listcomp: cst.ListComp) -> cst.Call:
    """`f([E for ...])` -> `f(E for ...)`, keeping the whitespace that sat inside the brackets."""
    generator = cst.GeneratorExp(elt=listcomp.elt, for_in=listcomp.for_in, lpar=[], rpar=[])
    arg = call.args[0].with_changes(
        value=generator,
        comma=cst.MaybeSentinel.DEFAULT,  # `f(x for x in y,)` is a SyntaxError
        whitespace_after_arg=listcomp.rbracket.whitespace_before,
    )
    return call.with_changes(args=[arg], whitespace_before_args=listcomp.lbracket.whitespace_after)


def first_argument_to_generator(call: cst.Call, listcomp: cst.ListComp) -> cst.Call:
    """`f([E for ...], k=v)` -> `f((E for ...), k=v)`: the brackets become parentheses."""
    generator = cst.GeneratorExp(
        elt=listcomp.elt,
        for_in=listcomp.for_in,
        lpar=[cst.LeftParen(whitespace_after=listcomp.lbracket.whitespace_after)],
        rpar=[cst.RightParen(whitespace_before=listcomp.rbracket.whitespace_before)],
    )
    return call.with_changes(args=[call.args[0].with_changes(value=generator), *call.args[1:]])


def base_name(expr: cst.BaseExpression) -> str | None:
    """`f` for `f`, `self.f`, `a.b.f`; None for anything else (calls, subscripts...)."""
    while isinstance(expr, cst.Attribute):
        expr = expr.value
    return expr.value if isinstance(expr, cst.Name) else None


class FunctionFacts:
    """Parents and load/store contexts of the original function's nodes, resolved once."""

    def __init__(self, func: cst.FunctionDef) -> None:
        found = function_metadata(func)
        self.func = func
        self.parents: Parents = found.parents
        self.contexts = found.contexts


def declared_names(func: cst.FunctionDef) -> set[str]:
    """Names declared `global`/`nonlocal` anywhere in `func`: binding them is seen outside."""
    return {
        item.name.value for item in m.findall(func, m.NameItem()) if isinstance(item, cst.NameItem)
    }


class SkipNestedScopes:
    """Mixin for a visitor or transformer that must not look into nested defs, classes, lambdas."""

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False


class LocalFacts:
    """Parents and local bindings of the original function, for the init-then-loop rules."""

    def __init__(
        self,
        func: cst.FunctionDef,
        parents: Parents,
        locals_: cst.metadata.Assignments,
    ) -> None:
        self.func = func
        self.parents = parents
        self.locals = locals_

    @classmethod
    def of(cls, func: cst.FunctionDef) -> LocalFacts:
        """The function's shared metadata pass (see `analysis.function_metadata`)."""
        found = function_metadata(func)
        scope = found.scopes[func.body]
        assert scope is not None
        return cls(func, found.parents, scope.assignments)


def confined_loop_variable(x: str, loop: cst.For, facts: LocalFacts) -> bool:
    """`x` is bound only by this loop and read only inside it (so the loop may be replaced)."""
    bindings = list(facts.locals[x])
    if len(bindings) != 1 or not isinstance(bindings[0], Assignment):
        return False
    if bindings[0].node is not loop.target:
        return False
    return all(is_within(ref.node, loop, facts.parents) for ref in bindings[0].references)


def next_use(body: Sequence[cst.BaseStatement], i: int, name: str, parents: Parents) -> int | None:
    """Index of the first statement after `body[i]` that uses `name` (the loop to pair with it)."""
    return next((j for j in range(i + 1, len(body)) if variable_refs(body[j], name, parents)), None)


def init_then_use(
    block: cst.IndentedBlock,
    edits: Mapping[int, Edit],
    facts: LocalFacts,
    init_name: Callable[[cst.BaseStatement], str | None],
) -> Iterator[tuple[int, int, str]]:
    """(i, j, name): `block.body[i]` initializes local `name` and `body[j]` is its next use.

    The pairs the accumulator rules try to fuse; statements already in `edits` (checked as the
    caller fills it) are skipped.
    """
    body = block.body
    for i, stmt in enumerate(body):
        name = init_name(stmt)
        if name is None or name not in facts.locals or i in edits:
            continue
        j = next_use(body, i, name, facts.parents)
        if j is None or j in edits:
            continue
        yield i, j, name


def edits_by_block(
    func: cst.FunctionDef, edits_for: Callable[[cst.IndentedBlock], dict[int, Edit]]
) -> dict[cst.CSTNode, dict[int, Edit]]:
    """`edits_for` of every indented block of `func` that has some, keyed by the block."""
    edits: dict[cst.CSTNode, dict[int, Edit]] = {}
    for block in m.findall(func, m.IndentedBlock()):
        assert isinstance(block, cst.IndentedBlock)
        found = edits_for(block)
        if found:
            edits[block] = found
    return edits


class BlockEditor(cst.CSTTransformer):
    """Applies `Edit`s by statement index to the (original) blocks they were planned on."""

    def __init__(self, edits: dict[cst.CSTNode, dict[int, Edit]]) -> None:
        super().__init__()
        self.edits = edits

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        edits = self.edits.get(original_node)
        if not edits:
            return updated_node
        body: list[cst.BaseStatement] = []
        for i, stmt in enumerate(updated_node.body):
            body.extend(edits[i](stmt) if i in edits else [stmt])
        return updated_node.with_changes(body=body)


# Where an expression needs no parentheses of its own: a statement's value or a call argument.
BARE_OK = m.Expr() | m.Assign() | m.AnnAssign() | m.Return() | m.Arg()


def unparenthesize_made_await(result: _T, made: set[int]) -> _T:
    """Drop the parentheses put around an `await` we made (ids in `made`) where it stands bare.

    The rewrite parenthesizes every new `await` so it is safe inside a larger expression; as a
    whole statement value or argument they are noise.
    """
    if isinstance(result, cst.CSTNode) and m.matches(result, BARE_OK):
        value = getattr(result, "value", None)
        if isinstance(value, cst.Await) and id(value) in made:
            return result.with_changes(value=value.with_changes(lpar=[], rpar=[]))
    return result


def rewrite_coroutine_body(
    func: cst.FunctionDef,
    ctx: RuleContext,
    make_rewriter: Callable[[], CoroutineScopeTransformer],
) -> cst.FunctionDef | None:
    """The ASY rules' `transform`: rewrite an `async def`'s body; import asyncio if changed."""
    if func.asynchronous is None:
        return None
    rewriter = make_rewriter()
    body = func.body.visit(rewriter)
    if not rewriter.changed:
        return None
    ctx.add_import("asyncio")
    return func.with_changes(body=body)


class FunctionRewriter(cst.CSTTransformer):
    """Base of a rule's expression rewriter inside one function: the function and context its
    checks read, and whether it changed anything."""

    def __init__(self, func: cst.FunctionDef, ctx: RuleContext) -> None:
        super().__init__()
        self.func = func
        self.ctx = ctx
        self.changed = False


def rewrite_function(
    func: cst.FunctionDef, ctx: RuleContext, rewriter: type[FunctionRewriter]
) -> cst.FunctionDef | None:
    """`func` rewritten by `rewriter`, or None when it changed nothing (a rule's transform)."""
    visitor = rewriter(func, ctx)
    new = func.visit(visitor)
    return new if visitor.changed and isinstance(new, cst.FunctionDef) else None


def bool_operands(node: cst.BaseExpression, op: type) -> list[cst.BaseExpression]:
    """The operands of an unparenthesized chain of one boolean operator (`a or b or c`)."""
    if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, op) and not node.lpar:
        return bool_operands(node.left, op) + bool_operands(node.right, op)
    return [node]
