"""MEM203: `for line in f.read().splitlines():` / `f.readlines()` read the whole file first."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from codeflash_bot.models import Domain
from codeflash_bot.propose.rule import Rule, RuleContext
from codeflash_bot.propose.rules._helpers import EARLY_EXIT, READLINES, base_name

_SPLITLINES = m.Call(
    func=m.Attribute(
        value=m.Call(func=m.Attribute(attr=m.Name("read")), args=[]),
        attr=m.Name("splitlines"),
    ),
    args=[],
)


class WholeFileReadToIterate(Rule):
    """Reading a whole file into memory only to walk over its lines.

    What it does:
        Finds `for LINE in F.read().splitlines():` and `for LINE in F.readlines():` with `F`
        a name or attribute and `LINE` a plain name, and iterates the file object instead;
        for `splitlines()` the loop body starts with `LINE = LINE.rstrip("\\n")`, because
        file iteration keeps each line's newline.
    Why is this bad?
        `read()` holds the whole text, `splitlines()` or `readlines()` then a second copy
        split into line objects: peak memory is about twice the file. Iterating the file
        object holds one line (plus the read buffer) at a time.
    Example:
        `for line in fh.read().splitlines():` / `    total += len(line)`
    Use instead:
        `for line in fh:` / `    line = line.rstrip("\\n")` / `    total += len(line)`
    When it is unsafe:
        `splitlines()` also splits on `\\v`, `\\f`, `\\x1c`-`\\x1e`, `\\x85`, `\\u2028` and
        `\\u2029`, and on `\\r` in a file opened with `newline=""` or in binary mode, where
        the `str` argument of `rstrip` also fails: replay on captured inputs decides. Reading
        becomes lazy, so the rule backs off when the loop body mentions the file, or can stop
        early (`break`/`return`/`raise`), which would leave the file mid-way.
    """

    code = "MEM203"
    name = "whole-file-read-to-iterate"
    domain = Domain.MEMORY
    summary = "for line in f.read().splitlines() / f.readlines() -> for line in f"
    spellings = (
        "`for line in f.read().splitlines():`",
        "`for line in f.readlines():`",
        "`for row in self.fh.read().splitlines():` (attribute file object)",
    )

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        new = func.visit(_Rewriter())
        return new if isinstance(new, cst.FunctionDef) else None


class _Rewriter(cst.CSTTransformer):
    def leave_For(self, original_node: cst.For, updated_node: cst.For) -> cst.For:
        read = updated_node.iter
        splitlines = m.matches(read, _SPLITLINES)
        if not (splitlines or m.matches(read, READLINES)):
            return updated_node
        if updated_node.asynchronous is not None or not isinstance(updated_node.target, cst.Name):
            return updated_node
        assert isinstance(read, cst.Call) and isinstance(read.func, cst.Attribute)
        file_expr = read.func.value
        if splitlines:
            assert isinstance(file_expr, cst.Call) and isinstance(file_expr.func, cst.Attribute)
            file_expr = file_expr.func.value
        base = base_name(file_expr)
        if base is None or m.findall(updated_node.body, EARLY_EXIT):
            return updated_node
        if m.findall(updated_node.body, m.Name(base)) or (
            updated_node.orelse is not None and m.findall(updated_node.orelse, m.Name(base))
        ):
            return updated_node
        if not isinstance(updated_node.body, cst.IndentedBlock):
            return updated_node
        body = updated_node.body
        if splitlines:
            line = updated_node.target.value
            strip = cst.parse_statement(f'{line} = {line}.rstrip("\\n")\n')
            body = body.with_changes(body=[strip, *body.body])
        return updated_node.with_changes(iter=file_expr, body=body)
