"""Benchmark: a full `codeflash-bot optimize` on a fresh copy of examples/slowdemo.

Prints per-target speedup, keeps/discards/crashes and the total wall time of the run. Run with
`.venv/bin/python benchmarks/run_slowdemo.py` (after scripts/setup.sh). Not a test: figures only.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from codeflash_bot.session.state import parse_results  # noqa: E402


def git(repo: Path, *args: str) -> str:
    cfg = ["-c", "user.name=bench", "-c", "user.email=bench@example.com"]
    return subprocess.run(
        ["git", *cfg, *args], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-slowdemo-") as tmp:
        repo = Path(tmp) / "slowdemo"
        shutil.copytree(ROOT / "examples" / "slowdemo", repo)
        git(repo, "init", "-q", "-b", "main")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "slowdemo")
        start = time.perf_counter()
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "codeflash_bot",
                "optimize",
                str(repo),
                "--python",
                sys.executable,
            ],
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            print(proc.stderr[-3000:], file=sys.stderr)
            return 1
        branch = git(repo, "for-each-ref", "--format=%(refname:short)", "refs/heads/codeflash/")
        rows = parse_results(git(repo, "show", f"{branch}:.codeflash/results.tsv") + "\n")
    print(f"{'target':<36} {'rule':<7} {'status':<8} {'speedup':>9}")
    for r in rows:
        speed = f"{r.baseline / r.candidate:.2f}x" if r.baseline and r.candidate else "-"
        print(f"{r.target:<36} {r.description.split()[0]:<7} {r.status.value:<8} {speed:>9}")
    count = {s: sum(r.status.value == s for r in rows) for s in ("keep", "discard", "crash")}
    print(
        f"experiments {len(rows)}: kept {count['keep']}, discarded {count['discard']},"
        f" crashed {count['crash']}; total wall time {wall:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
