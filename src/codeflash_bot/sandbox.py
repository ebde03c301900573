"""Run target code in a child process with a wall-clock timeout and an address-space limit.

A candidate that hangs or eats memory must become a `crash` row, never a hung or dead bot, so
every child gets its own process group (killed whole on timeout) and RLIMIT_AS. Every child
also ends by the run's current deadline (`set_deadline`, the time budget's phase deadline):
its timeout is the smaller of the one asked for and the time left until then.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import resource
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from codeflash_bot.session.child_env import child_env

HARNESS_DIR = Path(__file__).parent / "harness"
MIN_TIMEOUT = 1.0  # a child given less could not even start an interpreter
_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("deadline", default=None)


def set_deadline(when: float | None) -> None:
    """Children started from now on end by `when` (time.monotonic()); None: no deadline."""
    _deadline.set(when)


def current_deadline() -> float | None:
    """The run's current deadline (time.monotonic()), for work done in this process too."""
    return _deadline.get()


def effective_timeout(timeout: float) -> float:
    """`timeout`, cut to the time left until the deadline (never under MIN_TIMEOUT)."""
    when = _deadline.get()
    if when is None:
        return timeout
    return max(MIN_TIMEOUT, min(timeout, when - time.monotonic()))


@dataclass(frozen=True)
class CommandResult:
    """What a child process did; `timed_out` means it was killed at the deadline."""

    returncode: int
    stdout: str
    stderr: str
    timed_out: bool

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    def tail(self, lines: int = 1) -> str:
        text = (self.stderr.strip() or self.stdout.strip()).splitlines()
        return " | ".join(text[-lines:]) if text else f"exit code {self.returncode}"


class HarnessError(Exception):
    """The harness could not produce a result (crash, timeout, memory limit)."""

    def __init__(self, message: str, *, timed_out: bool = False) -> None:
        super().__init__(message)
        self.timed_out = timed_out


def _limit(memory_mb: int | None):
    def apply() -> None:
        os.setsid()
        if memory_mb:
            limit = memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


def run_command(
    cmd: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    timeout: float,
    memory_mb: int | None = None,
) -> CommandResult:
    """Run `cmd` (a list, never a shell string); kill its whole process group at `timeout`."""
    timeout = effective_timeout(timeout)
    proc = subprocess.Popen(
        list(cmd),
        cwd=cwd,
        env=dict(env) if env is not None else child_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_limit(memory_mb),
    )
    try:
        out, err = proc.communicate(timeout=timeout)
        return CommandResult(proc.returncode, out, err, False)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        out, err = proc.communicate()
        return CommandResult(-9, out or "", err or "", True)
    except BaseException:
        _kill_group(proc)
        proc.communicate()
        raise


def _kill_group(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
