"""The one way the bot runs a harness script in the target's interpreter, built once per run.

Profile, capture, input generation, replay, timing, ladders and every engine ask a child the
same thing: run `harness/<script>` with the project's interpreter, in the project's checkout,
with the allow-listed child environment (session/child_env.py) and the run's memory limit,
ended by the run's current deadline (sandbox.set_deadline); hand it a JSON spec (and, for a
candidate, its source as a file); read its JSON reply. Each caller rebuilt those arguments
before; a HarnessRunner holds them, so a caller says only what differs: script, spec, timeout.
Every way a child can fail to answer (timeout, memory limit, crash, no or malformed reply) is
one HarnessError, which engines turn into a `crash` verdict (measure/decide.crash_verdict).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codeflash_bot.sandbox import (
    HARNESS_DIR,
    CommandResult,
    HarnessError,
    effective_timeout,
    run_command,
)

if TYPE_CHECKING:
    from codeflash_bot.session.setup import SetupInfo

CANDIDATE_FILE = "candidate.py"  # the candidate's source, named in the spec as `candidate_file`


@dataclass(frozen=True)
class HarnessRunner:
    """Interpreter, checkout, child environment and memory limit of one run's children."""

    python: str
    root: Path  # the checkout the children run in (their cwd; the project of the run)
    env: Mapping[str, str] = field(repr=False)
    memory_mb: int | None = None
    scripts: Path = HARNESS_DIR  # where `script` names are looked up

    @classmethod
    def for_project(cls, setup: SetupInfo, root: Path, memory_mb: int | None) -> HarnessRunner:
        """The runner for `root` with the project's interpreter and environment (setup.env)."""
        return cls(python=setup.python, root=root, env=setup.env(root), memory_mb=memory_mb)

    def run(
        self,
        script: str,
        spec: Mapping[str, Any],
        *,
        timeout: float,
        candidate: str | None = None,
    ) -> dict[str, Any]:
        """Run `script` with `spec` (plus `candidate_file` when a candidate source is given);
        return its JSON reply or raise HarnessError."""
        timeout = effective_timeout(timeout)
        with tempfile.TemporaryDirectory(prefix="codeflash-") as tmp:
            spec = dict(spec)
            if candidate is not None:
                cand = Path(tmp) / CANDIDATE_FILE
                cand.write_text(candidate, encoding="utf-8")
                spec["candidate_file"] = str(cand)
            spec_path = Path(tmp) / "spec.json"
            out_path = Path(tmp) / "out.json"
            spec_path.write_text(json.dumps({**spec, "out": str(out_path)}), encoding="utf-8")
            result = self.command([str(self.scripts / script), str(spec_path)], timeout=timeout)
            if result.timed_out:
                raise HarnessError(f"timed out after {timeout:g} s", timed_out=True)
            if result.returncode != 0 or not out_path.exists():
                raise HarnessError(crash_line(result))
            return _reply(out_path.read_text(encoding="utf-8"), script)

    def command(
        self, args: Sequence[str], *, timeout: float, env: Mapping[str, str] | None = None
    ) -> CommandResult:
        """`python *args` in the checkout (for children with no JSON reply: pytest with the
        capture plugin, `-X importtime`); `env` replaces the runner's environment."""
        return run_command(
            [self.python, *args],
            cwd=self.root,
            env=self.env if env is None else env,
            timeout=timeout,
            memory_mb=self.memory_mb,
        )


def _reply(text: str, script: str) -> dict[str, Any]:
    """The harness's JSON object; anything else is the harness failing, not the bot."""
    try:
        reply = json.loads(text)
    except json.JSONDecodeError as exc:
        raise HarnessError(f"{script} wrote a malformed reply ({exc.msg})") from exc
    if not isinstance(reply, dict):
        raise HarnessError(f"{script} wrote a {type(reply).__name__}, not a JSON object")
    return reply


def crash_line(result: CommandResult) -> str:
    """One line saying why a child died: the memory limit, a signal, or its last stderr line."""
    lines = result.stderr.strip().splitlines()
    if any("MemoryError" in line for line in lines[-3:]):
        return "ran out of memory (memory limit)"
    if result.returncode < 0:
        return f"killed by signal {-result.returncode}"
    return lines[-1] if lines else f"exit code {result.returncode}"
