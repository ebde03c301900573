"""The bot as a real subprocess, and the shape every bad-input failure must have."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_bot(
    *args: str, cwd: Path | None = None, timeout: float = 900, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`codeflash-bot ARGS` as a real subprocess of the installed package (`env` is added)."""
    env = {**{k: v for k, v in os.environ.items() if k != "CODEFLASH_DEBUG"}, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "codeflash_bot", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def one_line_error(proc: subprocess.CompletedProcess[str]) -> str:
    """The single `codeflash-bot: error:` line on stderr of a failed run (asserts the shape)."""
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode != 0
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("codeflash-bot: error: ")
    return lines[0]
