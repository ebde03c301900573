"""Is this call the builtin it looks like? Answered by meaning when the module is known.

`sorted(...)` is the builtin only if neither the module nor the function binds `sorted`;
QualifiedNameProvider answers that for the whole module (see `analysis.refers_to`). A rule
handed a bare function falls back to "the function does not bind the name".
Skipped by rule discovery (leading `_`).
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import BuiltinAssignment

from codeflash_bot.propose.analysis import module_metadata, refers_to
from codeflash_bot.propose.rule import RuleContext
from codeflash_bot.propose.rules._helpers import locally_bound


def builtin_name(node: cst.BaseExpression, ctx: RuleContext, func: cst.FunctionDef) -> str | None:
    """The builtin `node` names (`len`, `sorted`...), or None if it names anything else."""
    if not isinstance(node, cst.Name):
        return None
    meant = refers_to(ctx.module, node, f"builtins.{node.value}")
    if meant is None:
        return None if node.value in locally_bound(func) else node.value
    return node.value if meant else None


def builtin_visible(name: str, at: cst.CSTNode, ctx: RuleContext, func: cst.FunctionDef) -> bool:
    """Would a new `name(...)` written at `at` (an original node) call the builtin?"""
    if ctx.module is None:
        return name not in locally_bound(func)
    scope = module_metadata(ctx.module).scopes.get(at)
    if scope is None:
        return False
    found = scope[name]
    return bool(found) and all(isinstance(a, BuiltinAssignment) for a in found)
