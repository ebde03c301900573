"""CPU118: `seq.count(x)` repeated inside a loop or comprehension (O(n) per call)."""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence

import libcst as cst
import libcst.matchers as m
from libcst.metadata import ExpressionContext

from codeflash_bot.models import Domain
from codeflash_bot.propose.rule import Rule, RuleContext
from codeflash_bot.propose.rules._helpers import (
    NESTED_SCOPES,
    FunctionFacts,
    SkipNestedScopes,
    declared_names,
    inside,
    leading_lines,
    variable_refs,
)

_COUNT_CALL = m.Call(
    func=m.Attribute(value=m.Name(), attr=m.Name("count")),
    args=[m.Arg(keyword=None, star="")],
)
# Builtins that read an iterable without mutating it (what a loop may do to `seq`).
_READERS = frozenset(
    {
        "len", "sum", "min", "max", "sorted", "any", "all", "tuple", "set", "frozenset",
        "list", "enumerate", "zip", "reversed", "iter", "dict",
    }
)  # fmt: skip
# Calls that exhaust a generator argument right away, so it runs inside the statement.
_EAGER = _READERS - {"enumerate", "zip", "reversed", "iter"}
_READ_METHODS = frozenset({"count", "index", "copy"})
_STRING_LITERAL = m.SimpleString() | m.ConcatenatedString() | m.FormattedString()
_STRING_MAKER = m.Call(func=m.Name("str") | m.Attribute(attr=m.Name("join") | m.Name("decode")))
_STRING_ANNOTATION = m.Annotation(annotation=m.Name("str") | m.Name("bytes"))


class CountInLoop(Rule):
    """Counting occurrences by rescanning the same sequence on every iteration.

    What it does:
        Finds `seq.count(x)` (one argument, `seq` a local or parameter name) evaluated
        repeatedly by a loop or comprehension, where nothing in that statement rebinds or
        mutates `seq`, and counts once with `_counts = Counter(seq)` before the statement,
        reading `_counts[x]` inside.
    Why is this bad?
        Each `count` walks the whole sequence, so counting every element is O(n²); one
        `Counter` pass is O(n) and each lookup O(1). A missing key reads as 0, like `count`.
    Example:
        `dups = [x for x in xs if xs.count(x) > 1]`
    Use instead:
        `_counts = Counter(xs)` then `dups = [x for x in xs if _counts[x] > 1]`
    When it is unsafe:
        `str.count` counts substrings, `Counter` counts characters: the rule backs off when
        `seq` is assigned a string (literal, `str(...)`, `.join`, `.decode`) or annotated
        `str`/`bytes`, or when `x` is a string literal longer than one character, but a string
        parameter it cannot see stays a risk. Unhashable elements make `Counter` raise where
        `count` did not, `Counter(seq)` now runs (once) even if the loop never does, and a
        `seq` mutated through another alias goes stale. Replay verification decides.
    """

    code = "CPU118"
    name = "count-in-loop"
    domain = Domain.CPU
    summary = "xs.count(x) in a loop -> Counter(xs)[x] computed once"
    spellings = (
        "`xs.count(x)` in a comprehension over `xs`",
        "`seq.count(k)` in a `for` body, `seq` a parameter",
        "`xs.count(x) > 1` in a `while` loop's body",
    )

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        if not isinstance(func.body, cst.IndentedBlock):
            return None
        facts = _Facts(func)
        plan: dict[cst.CSTNode, list[tuple[str, str]]] = {}
        reads: dict[cst.CSTNode, str] = {}
        for stmt, seq, calls in facts.hoists(func.body.body):
            local = ctx.fresh_local(func, "counts")
            plan.setdefault(stmt, []).append((local, seq))
            reads.update(dict.fromkeys(calls, local))
        if not plan:
            return None
        if "Counter" not in ctx.taken_names:
            ctx.add_import("collections", "Counter")
            counter = "Counter"
        elif "collections" not in ctx.taken_names:
            ctx.add_import("collections")
            counter = "collections.Counter"
        else:
            return None
        new = func.visit(_Rewriter(plan, reads, counter))
        return new if isinstance(new, cst.FunctionDef) else None


class _Facts(FunctionFacts):
    def __init__(self, func: cst.FunctionDef) -> None:
        super().__init__(func)
        self.declared = declared_names(func)
        self._countable: dict[str, bool] = {}

    def hoists(
        self, stmts: Sequence[cst.BaseStatement], taken: set[cst.CSTNode] | None = None
    ) -> list[tuple[cst.BaseStatement, str, list[cst.Call]]]:
        """(statement to count before, seq, its repeated count calls), outermost first."""
        taken = set() if taken is None else taken
        found: list[tuple[cst.BaseStatement, str, list[cst.Call]]] = []
        for stmt in stmts:
            by_seq: dict[str, list[cst.Call]] = {}
            for call in _repeated_counts(stmt, self.parents):
                if call not in taken and _plausible_element(call):
                    seq = call.func.value.value  # type: ignore[attr-defined]
                    by_seq.setdefault(seq, []).append(call)
            for seq, calls in by_seq.items():
                if self._countable_name(seq) and self._invariant(seq, stmt):
                    found.append((stmt, seq, calls))
                    taken.update(calls)
            for block in _child_blocks(stmt):
                found += self.hoists(block.body, taken)
        return found

    def _countable_name(self, seq: str) -> bool:
        """A local/parameter that is never given a string."""
        if seq not in self._countable:
            self._countable[seq] = seq not in self.declared and self._bound_to_non_string(seq)
        return self._countable[seq]

    def _bound_to_non_string(self, seq: str) -> bool:
        bound = False
        for ref in variable_refs(self.func, seq, self.parents):
            if self.contexts.get(ref) != ExpressionContext.STORE:
                continue
            bound = True
            parent = self.parents.get(ref)
            if isinstance(parent, cst.AssignTarget):
                parent = self.parents.get(parent)
            value = getattr(parent, "value", None)
            if isinstance(value, cst.BaseExpression) and m.matches(
                value, _STRING_LITERAL | _STRING_MAKER
            ):
                return False
            annotation = getattr(parent, "annotation", None)
            if annotation is not None and m.matches(annotation, _STRING_ANNOTATION):
                return False
        return bound

    def _invariant(self, seq: str, stmt: cst.CSTNode) -> bool:
        """Does nothing in `stmt` rebind, mutate or hand `seq` to unknown code?"""
        for ref in variable_refs(stmt, seq, self.parents):
            if self.contexts.get(ref) != ExpressionContext.LOAD or inside(
                ref, NESTED_SCOPES, stmt, self.parents
            ):
                return False
            if not self._read_only_use(ref):
                return False
        return True

    def _read_only_use(self, ref: cst.Name) -> bool:
        parent = self.parents.get(ref)
        if isinstance(parent, cst.Attribute):
            return parent.value is ref and parent.attr.value in _READ_METHODS
        if isinstance(parent, cst.Subscript):
            return parent.value is ref and self.contexts.get(parent) == ExpressionContext.LOAD
        if isinstance(parent, cst.Arg):
            call = self.parents.get(parent)
            return (
                isinstance(call, cst.Call)
                and m.matches(call.func, m.Name())
                and call.func.value in _READERS  # type: ignore[attr-defined]
            )
        if isinstance(parent, cst.For | cst.CompFor):
            return parent.iter is ref
        if isinstance(parent, cst.If | cst.While | cst.IfExp):
            return parent.test is ref
        if isinstance(parent, cst.UnaryOperation):
            return isinstance(parent.operator, cst.Not)
        return isinstance(parent, cst.Comparison | cst.ComparisonTarget)


def _plausible_element(call: cst.Call) -> bool:
    """False for `s.count("ab")`: a multi-character literal means substring counting."""
    value = call.args[0].value
    if isinstance(value, cst.SimpleString):
        try:
            return len(ast.literal_eval(value.value)) == 1
        except (ValueError, SyntaxError):
            return False
    return not m.matches(value, _STRING_LITERAL)


class _RepeatedCounts(SkipNestedScopes, cst.CSTVisitor):
    """`NAME.count(x)` calls that a loop or comprehension inside the statement repeats."""

    def __init__(self, parents: Mapping[cst.CSTNode, cst.CSTNode]) -> None:
        super().__init__()
        self.parents = parents
        self.depth = 0
        self.calls: list[cst.Call] = []

    def _at(self, node: cst.CSTNode | None, extra: int) -> None:
        if node is not None:
            self.depth += extra
            node.visit(self)
            self.depth -= extra

    def visit_For(self, node: cst.For) -> bool:
        self._at(node.target, 0)
        self._at(node.iter, 0)
        self._at(node.body, 1)
        self._at(node.orelse, 0)
        return False

    def visit_While(self, node: cst.While) -> bool:
        self._at(node.test, 1)
        self._at(node.body, 1)
        self._at(node.orelse, 0)
        return False

    def _comprehension(self, parts: Sequence[cst.CSTNode], comp_for: cst.CompFor) -> bool:
        self._at(comp_for.iter, 0)  # the first iterable is evaluated once
        for part in [*parts, comp_for.target, *comp_for.ifs, comp_for.inner_for_in]:
            self._at(part, 1)
        return False

    def visit_ListComp(self, node: cst.ListComp) -> bool:
        return self._comprehension([node.elt], node.for_in)

    def visit_SetComp(self, node: cst.SetComp) -> bool:
        return self._comprehension([node.elt], node.for_in)

    def visit_DictComp(self, node: cst.DictComp) -> bool:
        return self._comprehension([node.key, node.value], node.for_in)

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> bool:
        # A generator that outlives the statement runs later, when `seq` may have changed.
        arg = self.parents.get(node)
        call = self.parents.get(arg) if isinstance(arg, cst.Arg) else None
        if isinstance(call, cst.Call) and (
            m.matches(call.func, m.Attribute(attr=m.Name("join")))
            or (isinstance(call.func, cst.Name) and call.func.value in _EAGER)
        ):
            return self._comprehension([node.elt], node.for_in)
        return False

    def visit_Call(self, node: cst.Call) -> None:
        if self.depth > 0 and m.matches(node, _COUNT_CALL):
            self.calls.append(node)


def _repeated_counts(
    stmt: cst.BaseStatement, parents: Mapping[cst.CSTNode, cst.CSTNode]
) -> list[cst.Call]:
    visitor = _RepeatedCounts(parents)
    stmt.visit(visitor)
    return visitor.calls


class _ChildBlocks(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[cst.IndentedBlock] = []

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> bool:
        self.blocks.append(node)
        return False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False


def _child_blocks(stmt: cst.BaseStatement) -> list[cst.IndentedBlock]:
    """The blocks directly inside a compound statement (none for nested defs/classes)."""
    if isinstance(stmt, cst.FunctionDef | cst.ClassDef):
        return []
    visitor = _ChildBlocks()
    stmt.visit(visitor)
    return visitor.blocks


class _Rewriter(cst.CSTTransformer):
    def __init__(
        self,
        plan: dict[cst.CSTNode, list[tuple[str, str]]],
        reads: dict[cst.CSTNode, str],
        counter: str,
    ) -> None:
        super().__init__()
        self.plan = plan
        self.reads = reads
        self.counter = counter

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        local = self.reads.get(original_node)
        if local is None:
            return updated_node
        element = updated_node.args[0].value
        return cst.Subscript(
            value=cst.Name(local),
            slice=[cst.SubscriptElement(cst.Index(element))],
            lpar=updated_node.lpar,
            rpar=updated_node.rpar,
        )

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        if not any(stmt in self.plan for stmt in original_node.body):
            return updated_node
        body: list[cst.BaseStatement] = []
        for original, updated in zip(original_node.body, updated_node.body, strict=True):
            hoists = self.plan.get(original)
            if hoists:
                counts = [
                    cst.parse_statement(f"{local} = {self.counter}({seq})\n")
                    for local, seq in hoists
                ]
                counts[0] = counts[0].with_changes(leading_lines=leading_lines(updated))
                body += counts
                updated = updated.with_changes(leading_lines=[])
            body.append(updated)
        return updated_node.with_changes(body=body)
