"""Model reply -> rewrites of exactly one function, or a clear reason why not.

Replies are messy: code fences with or without a language, several candidates in one reply,
a whole module echoed back instead of one function, output cut off at max_tokens. Everything
that would change the signature, touch another function or add top-level code other than
imports and new constants is rejected here, before the loop ever sees it.
"""

from __future__ import annotations

import ast
import hashlib
import re
import textwrap

from pydantic import Field

from codeflash_bot.models import Frozen, Target
from codeflash_bot.verify.scope import scope_problem

HEADING_RE = re.compile(r"^#{1,6}\s*Candidate\b[^\n]*$", re.M | re.I)
HEADING_SUMMARY_RE = re.compile(r"^#{1,6}\s*Candidate\s*#?\d*\s*[:.)\-–—]?\s*(.*)$", re.I)
FENCE_RE = re.compile(
    r"^[ \t]*```[ \t]*([A-Za-z0-9_+-]*)[^\n]*\n(.*?)(?:^[ \t]*```[ \t]*$|\Z)", re.S | re.M
)
CODE_LANGS = {"", "python", "py", "python3", "py3"}
SUMMARY_CHARS = 90


class Rewrite(Frozen):
    """One usable rewrite: the new function text plus module-level additions it needs."""

    idea: str
    summary: str
    explanation: str
    function: str  # dedented source of the new def (with its decorators)
    imports: list[str] = Field(default_factory=list)
    constants: list[str] = Field(default_factory=list)


class Rejection(Frozen):
    """A candidate of the reply that never reaches verification, and why."""

    index: int
    summary: str
    reason: str


class ParsedReply(Frozen):
    rewrites: list[Rewrite]
    rejections: list[Rejection]


class Reject(Exception):
    """Internal: a candidate is unusable; the message is the one-line reason."""


def parse_reply(text: str, source: str, target: Target, *, truncated: bool = False) -> ParsedReply:
    """Split a reply into candidates and check each against the target's current `source`."""
    rewrites: list[Rewrite] = []
    rejections: list[Rejection] = []
    seen: set[str] = set()
    sections = split_candidates(text)
    if not sections:
        reason = "reply holds no code" + (" (cut off at max_tokens)" if truncated else "")
        return ParsedReply(rewrites=[], rejections=[Rejection(index=1, summary="", reason=reason)])
    for index, (summary, explanation, code, cut) in enumerate(sections, start=1):
        try:
            if cut and truncated:
                _parse_or_reject(code, "reply cut off at max_tokens mid-code")
            rewrite = extract(code, source, target, summary=summary, explanation=explanation)
            splice(source, target, rewrite)  # full check against the current source
        except Reject as exc:
            rejections.append(Rejection(index=index, summary=summary, reason=str(exc)))
            continue
        if rewrite.idea in seen:
            rejections.append(
                Rejection(index=index, summary=summary, reason="same code as an earlier candidate")
            )
            continue
        seen.add(rewrite.idea)
        rewrites.append(rewrite)
    return ParsedReply(rewrites=rewrites, rejections=rejections)


def split_candidates(text: str) -> list[tuple[str, str, str, bool]]:
    """(summary, explanation, code, code_was_cut_off) per candidate, in reply order."""
    heads = list(HEADING_RE.finditer(text))
    if heads:
        chunks = [
            (h.group(0), text[h.end() : heads[i + 1].start() if i + 1 < len(heads) else len(text)])
            for i, h in enumerate(heads)
        ]
        out = []
        for heading, body in chunks:
            m = HEADING_SUMMARY_RE.match(heading.strip())
            summary = m.group(1).strip() if m else ""
            code, cut, prose = _fenced(body)
            if not code.strip():
                continue
            out.append((summary, _paragraph(prose), code, cut))
        return out
    fences = list(FENCE_RE.finditer(text))
    fences = [f for f in fences if f.group(1).lower() in CODE_LANGS]
    if not fences:
        stripped = text.strip()
        if re.search(r"^\s*(async\s+)?def\s", stripped, re.M):
            return [("", "", stripped, False)]
        return []
    out = []
    prev_end = 0
    for f in fences:
        prose = text[prev_end : f.start()]
        prev_end = f.end()
        cut = f.group(0).rstrip().endswith("```") is False
        out.append(("", _paragraph(prose), f.group(2), cut))
    return out


def _fenced(body: str) -> tuple[str, bool, str]:
    """All python code fences of a section joined, whether the last one was cut, and the prose."""
    parts, cut, prose, pos = [], False, [], 0
    for f in FENCE_RE.finditer(body):
        if f.group(1).lower() not in CODE_LANGS:
            continue
        prose.append(body[pos : f.start()])
        pos = f.end()
        parts.append(f.group(2))
        cut = not f.group(0).rstrip().endswith("```")
    prose.append(body[pos:])
    if not parts and re.search(r"^\s*(async\s+)?def\s", body, re.M):
        return body, False, ""
    return "\n".join(parts), cut, "\n".join(prose)


def _paragraph(prose: str) -> str:
    """The explanation: the prose, one paragraph, without labels like `Explanation:`."""
    text = " ".join(prose.split())
    return re.sub(r"^(\*\*)?explanation(\*\*)?\s*:\s*(\*\*)?\s*", "", text, flags=re.I).strip()


def summary_of(rewrite_summary: str, explanation: str) -> str:
    """One line for results.tsv: the heading's summary or the explanation's first sentence."""
    text = rewrite_summary or re.split(r"(?<=[.!?])\s", explanation, maxsplit=1)[0]
    text = " ".join(text.replace("—", "-").replace("\t", " ").split()).strip("*` ")
    if len(text) > SUMMARY_CHARS:
        text = text[: SUMMARY_CHARS - 1].rstrip() + "…"
    return text or "model rewrite"


def _parse_or_reject(code: str, why: str) -> ast.Module:
    try:
        return ast.parse(code)
    except SyntaxError as exc:
        raise Reject(f"{why}: {exc.msg} (line {exc.lineno})") from exc


def _name(stmt: ast.stmt) -> str | None:
    if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return stmt.name
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        t = stmt.targets[0]
        return t.id if isinstance(t, ast.Name) else None
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return stmt.target.id
    return None


def _is_docstring(stmt: ast.stmt) -> bool:
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Constant)
        and isinstance(stmt.value.value, str)
    )


def _segment(lines: list[str], node: ast.stmt) -> str:
    """The exact text of `node` including decorators, dedented."""
    start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
    assert node.end_lineno is not None
    return textwrap.dedent("".join(lines[start - 1 : node.end_lineno]))


def find_def(body: list[ast.stmt], qualname: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """`f` or `Class.method` in a module body (the last definition wins, as at runtime)."""
    *owners, name = qualname.split(".")
    for owner in owners:
        classes = [s for s in body if isinstance(s, ast.ClassDef) and s.name == owner]
        if not classes:
            return None
        body = classes[-1].body
    found = [s for s in body if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)]
    found = [s for s in found if s.name == name]
    return found[-1] if found else None


def extract(code: str, source: str, target: Target, *, summary: str, explanation: str) -> Rewrite:
    """The target's new definition (+ imports/constants) from one code block, or Reject."""
    code = textwrap.dedent(code).strip("\n") + "\n"
    tree = _parse_or_reject(code, "does not parse")
    lines = code.splitlines(keepends=True)
    old_tree = ast.parse(source)
    old_top = {_name(s): s for s in old_tree.body if _name(s) is not None}
    old_dumps = {ast.dump(s) for s in old_tree.body}
    *owners, name = target.qualname.split(".")
    owner = owners[0] if owners else None

    new_def = find_def(tree.body, target.qualname)
    if new_def is None and owner is not None:
        new_def = find_def(tree.body, name)  # a method given without its class
    if new_def is None:
        raise Reject(f"no definition of {target.qualname} in the code")
    old_def = find_def(old_tree.body, target.qualname)
    if old_def is None:
        raise Reject(f"{target.qualname} is not in the current source")
    _same_signature(old_def, new_def, target.qualname)
    if ast.dump(ast.Module(new_def.body, [])) == ast.dump(ast.Module(old_def.body, [])):
        raise Reject("identical to the current code")

    imports: list[str] = []
    constants: list[str] = []
    for stmt in tree.body:
        stmt_name = _name(stmt)
        if stmt is new_def:
            continue
        if owner is not None and stmt_name == owner and isinstance(stmt, ast.ClassDef):
            _same_class_otherwise(old_top.get(owner), stmt, target.qualname)
            continue
        if ast.dump(stmt) in old_dumps or _is_docstring(stmt):
            continue  # echoed unchanged from the module
        if isinstance(stmt, ast.Import | ast.ImportFrom):
            imports.append(_segment(lines, stmt))
            continue
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if stmt_name in old_top:
                raise Reject(f"touches another function or class: {stmt_name}")
            raise Reject(
                f"adds a top-level {'class' if isinstance(stmt, ast.ClassDef) else 'function'}"
                f" {stmt_name} (only {target.qualname} may change; nest helpers inside it)"
            )
        if isinstance(stmt, ast.Assign | ast.AnnAssign) and stmt_name is not None:
            if stmt_name in old_top:
                raise Reject(f"changes module-level {stmt_name}")
            constants.append(_segment(lines, stmt))
            continue
        raise Reject(f"adds top-level code other than imports and constants (line {stmt.lineno})")
    function = _segment(lines, new_def)
    digest = hashlib.sha1("\n".join([ast.dump(new_def), *imports, *constants]).encode()).hexdigest()
    return Rewrite(
        idea=f"LLM-{digest[:6]}",
        summary=summary_of(summary, explanation),
        explanation=explanation,
        function=function,
        imports=imports,
        constants=constants,
    )


def _signature(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    kind = "async def" if isinstance(node, ast.AsyncFunctionDef) else "def"
    returns = f" -> {ast.unparse(node.returns)}" if node.returns else ""
    decos = "".join(f"@{ast.unparse(d)} " for d in node.decorator_list)
    return f"{decos}{kind} {node.name}({ast.unparse(node.args)}){returns}"


def _same_signature(old, new, qualname: str) -> None:
    if _signature(old) != _signature(new):
        raise Reject(f"changes the signature of {qualname}: {_signature(old)} -> {_signature(new)}")


def _same_class_otherwise(old: ast.stmt | None, new: ast.ClassDef, qualname: str) -> None:
    """A method delivered inside its class: every other member must be unchanged."""
    if not isinstance(old, ast.ClassDef):
        raise Reject(f"class {new.name} is not in the current source")
    method = qualname.split(".")[-1]
    old_members = {_name(s) or ast.dump(s): ast.dump(s) for s in old.body if _name(s) != method}
    for stmt in new.body:
        stmt_name = _name(stmt)
        if stmt_name == method or _is_docstring(stmt):
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue  # `...` placeholders for the rest of the class
        if stmt_name is None or stmt_name not in old_members:
            raise Reject(f"adds {stmt_name or 'code'} to class {new.name}")
        if old_members[stmt_name] != ast.dump(stmt):
            raise Reject(f"touches another function or class: {new.name}.{stmt_name}")


def splice(source: str, target: Target, rewrite: Rewrite) -> str:
    """The module `source` with the target replaced by `rewrite`; Reject if out of scope."""
    tree = ast.parse(source)
    old_def = find_def(tree.body, target.qualname)
    if old_def is None:
        raise Reject(f"{target.qualname} is not in the current source")
    new_def = find_def(ast.parse(rewrite.function).body, old_def.name)
    if new_def is None:
        raise Reject(f"no definition of {target.qualname} in the code")
    _same_signature(old_def, new_def, target.qualname)
    lines = source.splitlines(keepends=True)
    start = min([old_def.lineno, *(d.lineno for d in old_def.decorator_list)])
    assert old_def.end_lineno is not None
    indent = re.match(r"[ \t]*", lines[start - 1]).group(0)  # type: ignore[union-attr]
    body = textwrap.indent(rewrite.function, indent, lambda line: bool(line.strip()))
    if not body.endswith("\n"):
        body += "\n"
    new_lines = [*lines[: start - 1], body, *lines[old_def.end_lineno :]]
    additions = _new_toplevel(tree, rewrite)
    if additions:
        at = _insertion_line(tree)
        new_lines = [*new_lines[:at], *additions, *new_lines[at:]]
    new_source = "".join(new_lines)
    problem = scope_problem(source, new_source, target)
    if problem is not None:
        raise Reject(problem.detail)
    return new_source


def _new_toplevel(tree: ast.Module, rewrite: Rewrite) -> list[str]:
    """Imports/constants of the rewrite not already in the module, as lines to insert."""
    present = {ast.dump(s) for s in tree.body}
    out = []
    for text in [*rewrite.imports, *rewrite.constants]:
        stmts = ast.parse(text).body
        if all(ast.dump(s) in present for s in stmts):
            continue
        out.append(text if text.endswith("\n") else text + "\n")
    return out


def _insertion_line(tree: ast.Module) -> int:
    """Line index after the last top-level import (or the docstring, or 0)."""
    at = 0
    for i, stmt in enumerate(tree.body):
        if isinstance(stmt, ast.Import | ast.ImportFrom) or (i == 0 and _is_docstring(stmt)):
            assert stmt.end_lineno is not None
            at = stmt.end_lineno
    return at
