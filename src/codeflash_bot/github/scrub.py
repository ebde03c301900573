"""Start the run phase in a process whose /proc/<pid>/environ holds no secret.

A child can read an ancestor's `/proc/<pid>/environ`: it shows the environment the process
was *started* with, whatever `os.environ` says later. So the entrypoint re-executes itself
once with an allow-listed environment and hands the full original environment over through
an anonymous in-memory file (memfd) that it reads and closes before anything else runs.
The new process also marks itself non-dumpable, so a same-uid child cannot read its memory
(/proc/<pid>/mem, environ) either. Linux only; elsewhere nothing changes.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping

from codeflash_bot.session.child_env import child_env

ENV_FD = "CODEFLASH_BOT_ENV_FD"
_PR_SET_DUMPABLE = 4


def reexec_clean(argv: list[str]) -> None:
    """Replace this process by `python -m codeflash_bot <argv>` with a clean environment.

    Returns only when there is nothing to do (already re-executed, or not Linux)."""
    if ENV_FD in os.environ or not hasattr(os, "memfd_create"):
        return
    fd = os.memfd_create("codeflash-env", 0)  # not inheritable until set so below
    os.write(fd, json.dumps(dict(os.environ)).encode())
    os.lseek(fd, 0, os.SEEK_SET)
    os.set_inheritable(fd, True)
    env = child_env()
    env[ENV_FD] = str(fd)
    for key in ("PYTHONPATH", "PYTHONHOME", "PYTHONSAFEPATH", "VIRTUAL_ENV"):
        if key in os.environ:  # how this interpreter finds the bot; not repository code
            env[key] = os.environ[key]
    sys.stdout.flush()
    sys.stderr.flush()
    # -P: the working directory (the checkout) is not put on sys.path, so a module in the
    # repository can never shadow one of the bot's imports.
    os.execve(sys.executable, [sys.executable, "-P", "-m", "codeflash_bot", *argv], env)


def restore_env() -> dict[str, str]:
    """The original environment (in memory only), after a `reexec_clean`; else os.environ."""
    raw = os.environ.pop(ENV_FD, None)
    if raw is None:
        return dict(os.environ)
    fd = int(raw)
    chunks = []
    while chunk := os.read(fd, 1 << 16):
        chunks.append(chunk)
    os.close(fd)
    _not_dumpable()
    data = json.loads(b"".join(chunks))
    return {str(k): str(v) for k, v in data.items()}


def _not_dumpable() -> None:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def export_model_keys(env: Mapping[str, str], names: tuple[str, ...]) -> None:
    """Put the model keys the workflow passed back into os.environ for the LLM client.

    setenv changes neither /proc/<pid>/environ nor what children get (their environment is
    allow-listed, session/child_env.py)."""
    for name in names:
        if env.get(name):
            os.environ[name] = env[name]
