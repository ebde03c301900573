"""Benchmark: `codeflash-bot optimize --domain structure` on a fresh copy of examples/slowdemo.

Prints each experiment with the measured import time of the module (fresh interpreter per
import, min over rounds: domains/structure.py) before and after, and the gain. Run with
`.venv/bin/python benchmarks/run_structure.py`. Not a test: figures only.
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

DOMAIN = "structure"


def git(repo: Path, *args: str) -> str:
    cfg = ["-c", "user.name=bench", "-c", "user.email=bench@example.com"]
    return subprocess.run(
        ["git", *cfg, *args], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()


def main() -> int:
    with tempfile.TemporaryDirectory(prefix=f"bench-{DOMAIN}-") as tmp:
        repo = Path(tmp) / "slowdemo"
        shutil.copytree(ROOT / "examples" / "slowdemo", repo)
        git(repo, "init", "-q", "-b", "main")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "slowdemo")
        start = time.perf_counter()
        cmd = [sys.executable, "-m", "codeflash_bot", "optimize", str(repo)]
        cmd += ["--python", sys.executable, "--domain", DOMAIN]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            print(proc.stderr[-3000:], file=sys.stderr)
            return 1
        branch = git(repo, "for-each-ref", "--format=%(refname:short)", "refs/heads/codeflash/")
        rows = parse_results(git(repo, "show", f"{branch}:.codeflash/results.tsv") + "\n")
    print(f"{'target':<32} {'rule':<7} {'status':<8} {'before':>10} {'after':>10} {'gain':>8}")
    for r in rows:
        if r.baseline and r.candidate:
            before, after = f"{r.baseline * 1e3:.2f} ms", f"{r.candidate * 1e3:.2f} ms"
            gain = f"{r.baseline / r.candidate:.2f}x"
        else:
            before = after = gain = "-"
        rule = r.description.split()[0]
        print(f"{r.target:<32} {rule:<7} {r.status.value:<8} {before:>10} {after:>10} {gain:>8}")
    kept = sum(r.status.value == "keep" for r in rows)
    print(f"experiments {len(rows)}: kept {kept}; total wall time {wall:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
