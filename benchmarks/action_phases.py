"""What the trust boundary costs at the entrypoint: `action run` re-executes itself once with a
clean environment (so no ancestor's /proc environ holds a secret). Prints the wall time of the
entrypoint handling an event it ignores, run phase (re-exec) vs the single-job mode, median of
N real processes each, and the size of the artifact the run phase writes.

    python benchmarks/action_phases.py [N]
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BOT = Path(sys.executable).parent / "codeflash-bot"


def once(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run([str(BOT), "action", *args], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(proc.stderr[-2000:])
    return wall


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    with tempfile.TemporaryDirectory(prefix="bench-phases-") as tmp:
        event = Path(tmp) / "event.json"
        event.write_text(json.dumps({"ref": "refs/heads/main"}))
        env = {
            "PATH": os.environ["PATH"],
            "HOME": tmp,
            "GITHUB_EVENT_NAME": "push",  # not a trigger: measures the entrypoint only
            "GITHUB_EVENT_PATH": str(event),
            "GITHUB_REPOSITORY": "o/r",
            "INPUT_GITHUB-TOKEN": "ghs_x",
            "ANTHROPIC_API_KEY": "sk-x",
        }
        single, phased = [], []
        for i in range(rounds):  # interleaved, so load drifts hit both alike
            single.append(once([], env))
            artifact = Path(tmp) / f"artifact-{i}"
            phased.append(once(["run", "--artifact", str(artifact)], env))
        size = sum(f.stat().st_size for f in artifact.iterdir())
    print(f"rounds: {rounds} (interleaved), event ignored by the bot")
    print(f"single job  `action`                 median {statistics.median(single):.3f} s")
    print(f"run phase   `action run --artifact`  median {statistics.median(phased):.3f} s")
    print(f"re-exec overhead: {statistics.median(phased) - statistics.median(single):+.3f} s")
    print(f"artifact for an ignored event: {size} bytes")


if __name__ == "__main__":
    main()
