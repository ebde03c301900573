"""Generated inputs for targets with few captured calls (DESIGN.md: hypothesis from type hints).

They join the captured ones in the target's corpus, tagged source=generated, so the replay
proof runs original and candidate on the same generated inputs (a differential test with edge
cases: empty, one element, duplicates, negatives, unicode) and size ladders can seed from
them; timing prefers captured inputs (capture/sources.py). hypothesis runs in the target's
interpreter (harness/cf_generate.py): the bot installs it into environments it made, like
pytest and pyinstrument; a project environment without it gets one line and no generated
inputs.
"""

from __future__ import annotations

from pathlib import Path

from codeflash_bot.errors import BotError
from codeflash_bot.harness_runner import HarnessRunner
from codeflash_bot.models import Frozen, Target
from codeflash_bot.sandbox import HarnessError
from codeflash_bot.session.setup import SetupInfo, ensure_tools

# Fewer captured calls than this: add generated inputs. The same bound below which the PR body
# calls the replay weak evidence (prep/pr_body.WEAK_EVIDENCE): where real calls are several,
# they define the function's domain better than hints do (a `k: int` drawn negative is an input
# no caller makes, and rejecting a rewrite for it rejects it for nothing).
GENERATE_BELOW = 3
MAX_EXAMPLES = 30  # hypothesis draws per function (edge cases come on top)
MAX_SIZE = 20  # elements per generated container
CALL_SECONDS = 0.2  # a generated call the original needs longer for is dropped
NO_HYPOTHESIS = "hypothesis is not installed in the project's environment"
NO_INPUTS = "skipped: no inputs"


class Generated(Frozen):
    """What generation gave one target: how many inputs, or why none."""

    count: int = 0
    reason: str = ""


def with_hypothesis(setup: SetupInfo) -> tuple[SetupInfo, str | None]:
    """Install hypothesis where the bot may install tools; else one line saying what is lost."""
    try:
        return ensure_tools(setup, ["hypothesis"]), None
    except BotError:
        return setup, (
            f"{NO_HYPOTHESIS} ({setup.python}): functions with no captured calls are"
            f" {NO_INPUTS} (`{setup.python} -m pip install hypothesis` to generate them)"
        )


def generate_inputs(
    runner: HarnessRunner, targets: list[tuple[Target, Path]], *, timeout: float
) -> dict[str, Generated]:
    """Generate inputs into each (target, corpus directory); ref -> what was generated."""
    if not targets:
        return {}
    spec = {
        "targets": [{**t.harness_ref(runner.root), "dir": str(d)} for t, d in targets],
        "max_examples": MAX_EXAMPLES,
        "max_size": MAX_SIZE,
        "call_seconds": CALL_SECONDS,
    }
    try:
        out = runner.run("cf_generate.py", spec, timeout=timeout)
    except HarnessError as exc:
        reason = f"input generation failed: {' '.join(str(exc).split())[:160]}"
        return {t.ref: Generated(reason=reason) for t, _ in targets}
    if not out.get("hypothesis"):
        return {t.ref: Generated(reason=NO_HYPOTHESIS) for t, _ in targets}
    rows = out.get("targets", {})
    return {
        t.ref: Generated(
            count=int(rows.get(t.ref, {}).get("generated", 0)),
            reason=str(rows.get(t.ref, {}).get("reason", "")),
        )
        for t, _ in targets
    }
