"""CPU113: reading a whole file with `.readlines()` only to loop over its lines once."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst
import libcst.matchers as m
from libcst.metadata import ExpressionContext

from codeflash_bot.models import Domain
from codeflash_bot.propose.rule import Rule, RuleContext
from codeflash_bot.propose.rules._helpers import (
    EARLY_EXIT,
    READLINES,
    FunctionFacts,
    base_name,
    is_within,
    leading_lines,
    variable_refs,
)


class ReadlinesToIterate(Rule):
    """Reading every line into a list just to iterate over it once.

    What it does:
        Finds `for line in f.readlines():` and `lines = f.readlines()` whose only later use is
        a `for ... in lines:` in the same block, with `f` a name or attribute and `readlines()`
        called without arguments.
    Why is this bad?
        `readlines()` reads the whole file and builds a list of every line before the first
        iteration; iterating the file object streams the same lines with bounded memory.
    Example:
        `for line in fh.readlines():`
    Use instead:
        `for line in fh:`
    When it is unsafe:
        Reading becomes lazy, so anything that touches the file during the loop (reads, seeks,
        writes, closing it) sees a different position: loops whose body mentions the file's
        name, or whose file is touched between `readlines()` and the loop, are left alone. A
        loop that can stop early (`break`/`return`/`raise`) leaves the file mid-way instead
        of at the end, so it is rewritten only for a local file the function never mentions
        elsewhere. An object whose `readlines()` is not "iterate me" (not a file) differs;
        replay verification decides.
    """

    code = "CPU113"
    name = "readlines-to-iterate"
    domain = Domain.CPU
    summary = "for line in f.readlines() -> for line in f"
    spellings = (
        "`for line in f.readlines():`",
        "`lines = f.readlines()` then one `for ... in lines:`",
        "`self.handle.readlines()` (attribute file object)",
    )

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        new = func.visit(_Rewriter(_Facts(func)))
        return new if isinstance(new, cst.FunctionDef) else None


class _Facts(FunctionFacts):
    def loop_may_stream(self, loop: cst.For, receiver: cst.BaseExpression, read: cst.Call) -> bool:
        """Can `loop` iterate `receiver` lazily instead of the list `read` produced?"""
        base = base_name(receiver)
        if base is None or loop.asynchronous is not None:
            return False
        if variable_refs(loop.body, base, self.parents) or (
            loop.orelse and variable_refs(loop.orelse, base, self.parents)
        ):
            return False
        if not m.findall(loop.body, EARLY_EXIT):
            return True
        # Stopping early leaves the file mid-way: only fine if nobody else can look at it.
        if not isinstance(receiver, cst.Name):
            return False
        for ref in variable_refs(self.func, base, self.parents):
            if is_within(ref, read, self.parents):
                continue
            stored = self.contexts.get(ref) == ExpressionContext.STORE
            if not stored or isinstance(self.parents.get(ref), cst.Param):
                return False
        return True


class _Rewriter(cst.CSTTransformer):
    def __init__(self, facts: _Facts) -> None:
        super().__init__()
        self.facts = facts

    def leave_For(self, original_node: cst.For, updated_node: cst.For) -> cst.For:
        read = original_node.iter
        if not isinstance(read, cst.Call) or not m.matches(read, READLINES):
            return updated_node
        assert isinstance(read.func, cst.Attribute)
        if not self.facts.loop_may_stream(original_node, read.func.value, read):
            return updated_node
        assert isinstance(updated_node.iter, cst.Call)
        assert isinstance(updated_node.iter.func, cst.Attribute)
        return updated_node.with_changes(iter=updated_node.iter.func.value)

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        pairs: dict[int, int] = {}
        for i in range(len(original_node.body)):
            j = self._streamable_loop(original_node.body, i)
            if j is not None:
                pairs[i] = j
        if not pairs:
            return updated_node
        body = list(updated_node.body)
        for i, j in pairs.items():
            assign = body[i]
            assert isinstance(assign, cst.SimpleStatementLine)
            read = assign.body[0].value  # type: ignore[attr-defined]
            loop = body[j]
            assert isinstance(loop, cst.For)
            body[j] = loop.with_changes(iter=read.func.value)
            after = body[i + 1]
            body[i + 1] = after.with_changes(
                leading_lines=[*assign.leading_lines, *leading_lines(after)]
            )
        return updated_node.with_changes(body=[s for k, s in enumerate(body) if k not in pairs])

    def _streamable_loop(self, stmts: Sequence[cst.BaseStatement], i: int) -> int | None:
        """Index of the `for` that can take over `stmts[i]`'s `NAME = F.readlines()`, or None."""
        stmt = stmts[i]
        if not m.matches(
            stmt,
            m.SimpleStatementLine(
                body=[m.Assign(targets=[m.AssignTarget(target=m.Name())], value=READLINES)],
                trailing_whitespace=m.TrailingWhitespace(comment=None),
            ),
        ):
            return None
        assign = stmt.body[0]  # type: ignore[attr-defined]
        lines = assign.targets[0].target.value
        read = assign.value
        receiver = read.func.value
        base = base_name(receiver)
        if base is None or len(variable_refs(self.facts.func, lines, self.facts.parents)) != 2:
            return None
        for j in range(i + 1, len(stmts)):
            later = stmts[j]
            if isinstance(later, cst.For) and m.matches(later.iter, m.Name(lines)):
                return j if self.facts.loop_may_stream(later, receiver, read) else None
            if variable_refs(later, base, self.facts.parents) or variable_refs(
                later, lines, self.facts.parents
            ):
                return None
        return None
