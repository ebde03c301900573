"""Gate 1: the candidate parses and changes only the target (plus new imports/constants)."""

from __future__ import annotations

import ast
from collections import Counter

from codeflash_bot.models import Frozen, Reason, Target


class ScopeProblem(Frozen):
    """Why gate 1 rejects a candidate: the Reason the loop records, and the one-line detail."""

    reason: Reason
    detail: str


def unparsable(exc: SyntaxError) -> ScopeProblem:
    """The candidate is not Python (every gate-1 check starts by parsing it)."""
    return ScopeProblem(
        reason=Reason.UNPARSABLE, detail=f"does not parse: {exc.msg} (line {exc.lineno})"
    )


def out_of_scope(detail: str) -> ScopeProblem:
    return ScopeProblem(reason=Reason.SCOPE, detail=detail)


def scope_problem(original: str, candidate: str, target: Target) -> ScopeProblem | None:
    """None if the candidate is in scope, else why not."""
    try:
        new_tree = ast.parse(candidate)
    except SyntaxError as exc:
        return unparsable(exc)
    detail = _scope_detail(ast.parse(original), new_tree, target)
    return None if detail is None else out_of_scope(detail)


def _scope_detail(old_tree: ast.Module, new_tree: ast.Module, target: Target) -> str | None:
    owner = target.qualname.split(".")[0]
    lost = _imported(old_tree) - _imported(new_tree)
    if lost:
        return f"removed imports: {', '.join(sorted(lost))}"
    old = Counter(ast.dump(s) for s in old_tree.body if not _is_import(s))
    new = Counter(ast.dump(s) for s in new_tree.body if not _is_import(s))
    old_names = {_name(s) for s in old_tree.body}
    for stmt in old_tree.body:
        if _is_import(stmt):
            continue  # imports may gain names (merged `from x import a, b`), never lose them
        if (old - new)[ast.dump(stmt)] and _name(stmt) != owner:
            return f"removed or changed top-level code other than {target.qualname}"
    for stmt in new_tree.body:
        if _is_import(stmt) or not (new - old)[ast.dump(stmt)]:
            continue
        name = _name(stmt)
        if name == owner or isinstance(stmt, ast.Import | ast.ImportFrom):
            continue
        if isinstance(stmt, ast.Assign) and name is not None and name not in old_names:
            continue
        return f"added top-level code other than imports and new constants ({name or 'statement'})"
    if "." in target.qualname:
        return _class_scope(old_tree, new_tree, target)
    return None


def _is_import(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Import | ast.ImportFrom)


def _imported(tree: ast.Module) -> set[str]:
    """`module` / `module:name as alias` for every top-level import."""
    out: set[str] = set()
    for stmt in tree.body:
        if isinstance(stmt, ast.Import):
            out |= {f"{a.name} as {a.asname}" for a in stmt.names}
        elif isinstance(stmt, ast.ImportFrom):
            mod = "." * stmt.level + (stmt.module or "")
            out |= {f"{mod}:{a.name} as {a.asname}" for a in stmt.names}
    return out


def _name(stmt: ast.stmt) -> str | None:
    if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return stmt.name
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target = stmt.targets[0]
        return target.id if isinstance(target, ast.Name) else None
    return None


def _class_scope(old_tree: ast.Module, new_tree: ast.Module, target: Target) -> str | None:
    cls_name, method = target.qualname.split(".", 1)
    old_cls = next(s for s in old_tree.body if _name(s) == cls_name)
    new_cls = next((s for s in new_tree.body if _name(s) == cls_name), None)
    if not isinstance(new_cls, ast.ClassDef) or not isinstance(old_cls, ast.ClassDef):
        return f"class {cls_name} disappeared"
    old_rest = [ast.dump(s) for s in old_cls.body if _name(s) != method]
    new_rest = [ast.dump(s) for s in new_cls.body if _name(s) != method]
    old_decorators = [ast.dump(d) for d in old_cls.decorator_list]
    new_decorators = [ast.dump(d) for d in new_cls.decorator_list]
    if old_rest != new_rest or old_decorators != new_decorators:
        return f"changed {cls_name} beyond {method}"
    return None
