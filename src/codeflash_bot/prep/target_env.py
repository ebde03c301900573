"""The target's interpreter and how to run it: the bot never imports user code itself.

Everything here runs in a subprocess of the target's own Python, in its own session so a
timeout or Ctrl-C kills the whole process group (pytest, and anything the user's conftest
started), not just the direct child.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from codeflash_bot.config import Config
from codeflash_bot.errors import BotError
from codeflash_bot.models import Frozen
from codeflash_bot.session.child_env import child_env


class TargetEnv(Frozen):
    """Interpreter of the target project and its source dirs (relative to the project root)."""

    python: str
    pythonpath: list[str]
    install_command: str = ""
    may_install_tools: bool = False  # the bot made this env, or `install-tools = true`

    def env_for(self, root: Path, extra_path: Sequence[Path] = ()) -> dict[str, str]:
        """Environment for a subprocess whose imports must resolve inside `root` first."""
        env = child_env()  # allow-listed: no tokens, keys or runner command files
        paths = [str((root / p).resolve()) for p in self.pythonpath] + [str(p) for p in extra_path]
        env["PYTHONPATH"] = os.pathsep.join(paths)
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["PYTHONHASHSEED"] = "0"
        return env


def resolve_env(root: Path, config: Config, python: str | None = None) -> TargetEnv:
    """Explicit interpreter > session.setup.detect_setup > config/.venv/current interpreter."""
    setup = None
    if python is None:
        try:
            from codeflash_bot.session.setup import detect_setup
        except ImportError:
            pass
        else:
            setup = detect_setup(root, config)
    if setup is not None:
        return TargetEnv(
            python=str(setup.python),
            pythonpath=list(setup.pythonpath) or _default_pythonpath(root, str(setup.python)),
            install_command=str(getattr(setup, "install_command", "") or ""),
            may_install_tools=bool(getattr(setup, "may_install_tools", False)),
        )
    chosen = python or config.python
    if chosen is None:
        venv = root / ".venv" / "bin" / "python"
        chosen = str(venv) if venv.exists() else sys.executable
    return TargetEnv(python=chosen, pythonpath=_default_pythonpath(root, chosen))


def _default_pythonpath(root: Path, python: str) -> list[str]:
    """The project's import roots as session.layout finds them (never ones that shadow)."""
    from codeflash_bot.session.layout import detect_layout, probe_names, project_name

    return detect_layout(root, probe_names(python), project_name(root)).roots or ["."]


class Timeout(Exception):
    """A subprocess ran past its deadline and was killed."""


def run_python(
    env: TargetEnv,
    args: Sequence[str],
    *,
    cwd: Path,
    timeout: float,
    extra_path: Sequence[Path] = (),
    extra_env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `<target python> <args>` in `cwd`; kill its process group on timeout or Ctrl-C."""
    if timeout <= 0:
        raise Timeout
    penv = env.env_for(cwd, extra_path)
    penv.update(extra_env or {})
    try:
        proc = subprocess.Popen(
            [env.python, *args],
            cwd=cwd,
            env=penv,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
    except OSError as exc:
        raise BotError(
            f"cannot run the target's interpreter {env.python}: {exc.strerror}; "
            "set `python` in [tool.codeflash-bot]"
        ) from exc
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc)
        raise Timeout from None
    except BaseException:
        _kill(proc)
        raise
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def _kill(proc: subprocess.Popen[str]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    proc.communicate()


class Deadline:
    """One overall budget shared by every step of a compare run."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        return self.end - time.monotonic()
