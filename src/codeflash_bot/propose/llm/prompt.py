"""The request text: fixed instructions plus the redacted facts of one target.

The reply format asked for here is what parse.py reads; parse.py also copes when a model
ignores it.
"""

from __future__ import annotations

from codeflash_bot.models import Domain
from codeflash_bot.propose.llm.context import PromptContext
from codeflash_bot.propose.llm.redact import Redactor

GOALS = {
    Domain.CPU: "make it faster (less wall time per call) on inputs like the ones shown",
    Domain.MEMORY: "lower its peak memory without making it much slower",
    Domain.ASYNC: "lower the latency of the coroutine (stop blocking the event loop)",
    Domain.STRUCTURE: "make the module cheaper to import",
    Domain.AUTO: "make it faster",
}

SYSTEM = """\
You are a senior Python performance engineer. You rewrite ONE function so that it is measurably \
cheaper while behaving identically. Every rewrite you propose is checked automatically: it is run \
against recorded real inputs (results, exceptions and argument mutation must be equal, types \
included), the repository's tests are run, and it is timed against the original. Only a clear, \
measured win is kept, so propose rewrites that are both exactly equivalent and substantially better.

Hard rules (a candidate breaking one is thrown away unseen):
- Keep the exact signature: name, parameters, defaults, annotations, decorators, async or not.
- Change nothing but this one function. Do not repeat or modify other functions or classes.
- No new top-level functions or classes; nested helpers inside the function are fine. New \
imports and new module-level constants are allowed.
- Same results for every input, including edge cases (empty input, duplicates, ordering, \
exception types and messages, list vs tuple, int vs float, mutation of arguments).
- No caches that live across calls unless results can never go stale; no I/O, threads, or \
randomness the original did not have.
- Values like CODEFLASH_REDACTED_1 are withheld secrets: keep them exactly as written.

Reply format, for each candidate:
## Candidate <n>: <one-line summary>
<one paragraph: what changes and why it is cheaper, and why behaviour is identical>
```python
<new imports/constants, if any>
<the complete new definition of the function>
```
"""


def render(ctx: PromptContext, n: int, redactor: Redactor) -> tuple[str, str]:
    """(system, user) prompt for `n` candidates; every piece of repo text is redacted."""
    code = redactor.redact
    t = ctx.target
    parts = [
        f"Target: `{t.qualname}` in module `{t.module}` (file {t.file}).",
        f"Goal ({ctx.domain.value}): {GOALS.get(ctx.domain, GOALS[Domain.AUTO])}.",
        f"Profile: {ctx.profile}.",
        "",
        "Current source of the target"
        + (f" (a method of `{ctx.owner_header.strip()}`)" if ctx.owner_header else "")
        + ":",
        "```python",
        code(ctx.target_source).rstrip(),
        "```",
    ]
    if ctx.callees:
        parts += ["", "Functions it calls, from the same repository (for reading; do not change):"]
        for c in ctx.callees:
            parts += [f"# {c.name} ({c.where})", "```python", code(c.source).rstrip(), "```"]
    parts += ["", "Captured inputs (argument types and sizes from real calls, not values):"]
    parts += [f"- {code(s)}" for s in ctx.shapes] or [f"- {ctx.shapes_note}"]
    if ctx.shapes and ctx.shapes_note:
        parts.append(f"({ctx.shapes_note})")
    if ctx.conventions:
        parts += [
            "",
            "Maintainers' conventions and review feedback:",
            code(ctx.conventions, prose=True),
        ]
    if ctx.learnings:
        parts += ["", "What earlier runs learned about this repo:", code(ctx.learnings, prose=True)]
    if ctx.history:
        parts += [
            "",
            "Earlier candidates for this function in this run, and what the checks found"
            " (do not repeat them; learn from why they failed):",
        ]
        parts += [f"- {code(h, prose=True)}" for h in ctx.history]
    parts += [
        "",
        f"Propose {n} diverse candidates (different techniques, not variations of one idea),"
        " best first, in the reply format.",
    ]
    return SYSTEM, "\n".join(parts) + "\n"
