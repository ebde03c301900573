"""The one way tests run git: a real subprocess with a fixed identity, output stripped."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

IDENTITY = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
}


def git(cwd: Path, *args: str) -> str:
    """`git ARGS` in `cwd`; raises CalledProcessError on failure, so a broken setup is loud.

    The identity goes through the environment (read at call time, so monkeypatched variables
    reach git) rather than `-c user.*`, which the environment would silently override.
    """
    proc = subprocess.run(
        ["git", *args],
        cwd=cwd,
        env={**os.environ, **IDENTITY},
        capture_output=True,
        text=True,
        check=True,
    )
    return proc.stdout.strip()
