"""CPU108: counting occurrences by hand into a dict inside a `for` loop."""

from __future__ import annotations

from functools import partial

import libcst as cst
import libcst.matchers as m

from codeflash_bot.models import Domain
from codeflash_bot.propose.rule import Rule, RuleContext
from codeflash_bot.propose.rules._helpers import (
    BlockEditor,
    Edit,
    LocalFacts,
    confined_loop_variable,
    edits_by_block,
    init_then_use,
    inside,
    leading_lines,
    variable_refs,
)

# Expressions that need parentheses to be a generator expression's element or iterable.
_LOOSE = (cst.Tuple, cst.IfExp, cst.Lambda, cst.NamedExpr, cst.Yield)


class ManualDictCounting(Rule):
    """Building a frequency table one `d[k] += 1` at a time.

    What it does:
        Finds `d = {}` (or `dict()`) followed, with no use of `d` in between, by a `for x in xs`
        loop, no `else`, whose whole body is one counting idiom on a key `k` built from `x`:
        `if k in d: d[k] += 1 else: d[k] = 1` (or the `not in` mirror), or
        `d[k] = d.get(k, 0) + 1`.
    Why is this bad?
        Each iteration runs two or three dict operations and a branch in bytecode;
        `collections.Counter` counts a whole iterable in one C loop.
    Example:
        `counts = {}` / `for w in words:` / `    counts[w] = counts.get(w, 0) + 1`
    Use instead:
        `counts = dict(Counter(words))`, or `dict(Counter(w.lower() for w in words))`
    When it is unsafe:
        The result is wrapped in `dict()` so it stays a plain dict (same insertion order, same
        KeyError for missing keys); returning the Counter itself would change type and
        behaviour. `defaultdict(int)` counting is not matched for the same reason. The key
        expression is evaluated once per item instead of two or three times, so side effects
        in it change. The rule backs off when the loop variable is used outside the loop,
        the loop sits in a `try` (a partial `d` could be observed), or the loop has comments.
    """

    code = "CPU108"
    name = "manual-dict-counting"
    domain = Domain.CPU
    summary = "d[k] = d.get(k, 0) + 1 in a loop -> d = dict(Counter(...))"
    spellings = (
        "`d[k] = d.get(k, 0) + 1`",
        "`if k in d: d[k] += 1` / `else: d[k] = 1`",
        "`if k not in d: d[k] = 1` / `else: d[k] += 1`, key built from the element",
    )

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        facts = LocalFacts.of(func)
        if any(name in facts.locals for name in ("dict", "Counter")):
            return None
        edits = edits_by_block(func, lambda block: _block_edits(block, facts))
        if not edits:
            return None
        ctx.add_import("collections", "Counter")
        new = func.visit(BlockEditor(edits))
        return new if isinstance(new, cst.FunctionDef) else None


def _block_edits(block: cst.IndentedBlock, facts: LocalFacts) -> dict[int, Edit]:
    edits: dict[int, Edit] = {}
    body = block.body
    for i, j, d in init_then_use(block, edits, facts, _empty_dict_init):
        counted = _counting_loop(body[j], d, facts)
        if counted is None:
            continue
        init = body[i]
        assert isinstance(init, cst.SimpleStatementLine)
        edits[i] = lambda _stmt: []
        edits[j] = partial(_counter_edit, init, counted)
    return edits


def _empty_dict_init(stmt: cst.BaseStatement) -> str | None:
    """`d` for a line that is exactly `d = {}` or `d = dict()`."""
    empty = m.Dict(elements=[]) | m.Call(func=m.Name("dict"), args=[])
    if m.matches(stmt, m.SimpleStatementLine([m.Assign([m.AssignTarget(m.Name())], empty)])):
        assert isinstance(stmt, cst.SimpleStatementLine)
        small = stmt.body[0]
        assert isinstance(small, cst.Assign) and isinstance(small.targets[0].target, cst.Name)
        return small.targets[0].target.value
    return None


def _counting_loop(
    stmt: cst.BaseStatement, d: str, facts: LocalFacts
) -> tuple[cst.BaseExpression, cst.Name, cst.BaseExpression] | None:
    """(key, loop variable, iterable) of a loop whose whole body counts `key` into `d`."""
    if not isinstance(stmt, cst.For) or stmt.orelse is not None or stmt.asynchronous:
        return None
    if not isinstance(stmt.target, cst.Name) or not isinstance(stmt.body, cst.IndentedBlock):
        return None
    if len(stmt.body.body) != 1 or m.findall(stmt, m.Comment()):
        return None
    key = _counted_key(stmt.body.body[0], d)
    if (
        key is None
        or variable_refs(key, d, facts.parents)
        or inside(stmt, cst.Try, facts.func, facts.parents)
    ):
        return None
    if variable_refs(stmt.iter, d, facts.parents) or m.findall(key, m.Yield() | m.Await()):
        return None
    if not confined_loop_variable(stmt.target.value, stmt, facts):
        return None
    return key, stmt.target, stmt.iter


def _counted_key(stmt: cst.BaseStatement, d: str) -> cst.BaseExpression | None:
    """`k` if `stmt` is one of the counting idioms on `d[k]`, else None."""
    if isinstance(stmt, cst.If):
        return _counted_key_if(stmt, d)
    small = _only_small(stmt)
    if not isinstance(small, cst.Assign) or len(small.targets) != 1:
        return None
    key = _subscript_key(small.targets[0].target, d)
    get = m.Call(
        func=m.Attribute(m.Name(d), m.Name("get")),
        args=[m.Arg(keyword=None, star=""), m.Arg(m.Integer("0"), keyword=None, star="")],
    )
    pattern = m.BinaryOperation(left=get, operator=m.Add(), right=m.Integer("1"))
    if key is None or not m.matches(small.value, pattern):
        return None
    assert isinstance(small.value, cst.BinaryOperation) and isinstance(small.value.left, cst.Call)
    return key if small.value.left.args[0].value.deep_equals(key) else None


def _counted_key_if(stmt: cst.If, d: str) -> cst.BaseExpression | None:
    if not isinstance(stmt.orelse, cst.Else) or not m.matches(
        stmt.test, m.Comparison(comparisons=[m.ComparisonTarget(m.In() | m.NotIn(), m.Name(d))])
    ):
        return None
    assert isinstance(stmt.test, cst.Comparison)
    key = stmt.test.left
    present, absent = _only_small(stmt.body), _only_small(stmt.orelse.body)
    if isinstance(stmt.test.comparisons[0].operator, cst.NotIn):
        present, absent = absent, present
    bump = m.AugAssign(operator=m.AddAssign(), value=m.Integer("1"))
    first = m.Assign(value=m.Integer("1"))
    if present is None or absent is None:
        return None
    if not m.matches(present, bump) or not m.matches(absent, first):
        return None
    assert isinstance(present, cst.AugAssign) and isinstance(absent, cst.Assign)
    if len(absent.targets) != 1:
        return None
    keys = (_subscript_key(present.target, d), _subscript_key(absent.targets[0].target, d))
    if any(k is None or not k.deep_equals(key) for k in keys):
        return None
    return key


def _only_small(node: cst.CSTNode) -> cst.BaseSmallStatement | None:
    """The single small statement of a line, a one-line suite or a one-statement block."""
    if isinstance(node, cst.IndentedBlock):
        if len(node.body) != 1:
            return None
        node = node.body[0]
    if isinstance(node, cst.SimpleStatementLine | cst.SimpleStatementSuite) and len(node.body) == 1:
        return node.body[0]
    return None


def _subscript_key(target: cst.BaseExpression, d: str) -> cst.BaseExpression | None:
    """`k` for `d[k]` (a single, non-slice index)."""
    if not isinstance(target, cst.Subscript) or not m.matches(target.value, m.Name(d)):
        return None
    if len(target.slice) != 1 or not isinstance(target.slice[0].slice, cst.Index):
        return None
    index = target.slice[0].slice
    return index.value if index.star is None else None


def _counter_edit(
    init: cst.SimpleStatementLine,
    counted: tuple[cst.BaseExpression, cst.Name, cst.BaseExpression],
    loop: cst.BaseStatement,
) -> list[cst.BaseStatement]:
    return [_counter_line(init, loop, *counted)]


def _counter_line(
    init: cst.SimpleStatementLine,
    loop: cst.BaseStatement,
    key: cst.BaseExpression,
    x: cst.Name,
    iterable: cst.BaseExpression,
) -> cst.SimpleStatementLine:
    if m.matches(key, m.Name(x.value)):
        if isinstance(iterable, cst.Tuple) and not iterable.lpar:
            iterable = _parenthesized(iterable)
        counted: cst.BaseExpression = iterable
    else:
        counted = cst.GeneratorExp(
            elt=_parenthesized(key) if isinstance(key, _LOOSE) and not key.lpar else key,
            for_in=cst.CompFor(
                target=x,
                iter=_parenthesized(iterable)
                if isinstance(iterable, _LOOSE) and not iterable.lpar
                else iterable,
            ),
            lpar=[],
            rpar=[],
        )
    counter = cst.Call(cst.Name("Counter"), [cst.Arg(counted)])
    small = init.body[0]
    assert isinstance(small, cst.Assign)
    return init.with_changes(
        body=[small.with_changes(value=cst.Call(cst.Name("dict"), [cst.Arg(counter)]))],
        leading_lines=[*leading_lines(loop), *init.leading_lines],
    )


def _parenthesized(node: cst.BaseExpression) -> cst.BaseExpression:
    return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
