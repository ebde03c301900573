"""Benchmark: does `--budget-minutes N` bound the whole run? Wall time of a real run vs N.

Runs `codeflash-bot optimize` as a real subprocess on a fresh git copy of a repository
(examples/slowdemo by default, `--repo DIR`, copied first so the original is never touched, or
`--package NAME`, a package of the real-repository matrix unpacked from its cached sdist, the
bot building its environment as for a new user) and prints the bot's own phase line, its
HANDOFF `## Time` table (share, allowed and taken per phase), the wall time measured from
outside (interpreter start-up and the end-of-run reports and state publishing included) and
the overrun against the budget. Not a test: the overrun depends on the machine, so it is
reported here, never asserted in the suite.

    .venv/bin/python benchmarks/run_budget.py --budget-minutes 1
    .venv/bin/python benchmarks/run_budget.py --package attrs --budget-minutes 5 -- --domain cpu
    .venv/bin/python benchmarks/run_budget.py --repo /path/to/pkg --budget-minutes 5 -- --domain cpu
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.real_repos import MATRIX  # noqa: E402
from benchmarks.real_repos import make_repo as package_repo  # noqa: E402
from tests.support.cli import run_bot  # noqa: E402
from tests.support.git import git  # noqa: E402
from tests.support.paths import SLOWDEMO  # noqa: E402
from tests.support.repos import make_repo  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--repo", type=Path, default=SLOWDEMO, help="copied, never changed")
    source.add_argument("--package", choices=[p.name for p in MATRIX], help="from the matrix")
    parser.add_argument("--budget-minutes", type=float, default=1.0)
    parser.add_argument(
        "--python",
        help="the project's interpreter (default: this one for --repo, none for --package:"
        " the bot builds the package's environment itself)",
    )
    parser.add_argument("--log", type=Path, help="write the bot's whole output here")
    parser.add_argument("flags", nargs="*", help="more optimize flags, after --")
    args = parser.parse_args()
    python = args.python or (None if args.package else sys.executable)
    with tempfile.TemporaryDirectory(prefix="bench-budget-") as tmp:
        if args.package:
            (pkg,) = [p for p in MATRIX if p.name == args.package]
            workdir = Path(tmp) / pkg.name
            workdir.mkdir()
            repo = package_repo(pkg, workdir)
        else:
            repo = make_repo(Path(tmp) / args.repo.name, copy_from=args.repo)
        start = time.monotonic()
        proc = run_bot(
            "optimize",
            str(repo),
            *(("--python", python) if python else ()),
            "--budget-minutes",
            f"{args.budget_minutes:g}",
            *args.flags,
            timeout=args.budget_minutes * 60 * 3 + 300,
        )
        wall = time.monotonic() - start
        table = time_table(repo)
    if args.log:
        args.log.write_text(proc.stdout + "\n--- stderr ---\n" + proc.stderr, encoding="utf-8")
    if proc.returncode != 0:
        print(proc.stderr[-3000:], file=sys.stderr)
        return proc.returncode
    out = " ".join(proc.stdout.split())
    for key in ("stopped: ", "time: "):
        if key in out:
            print(key + out.split(key, 1)[1].split(" time: ")[0])
    print("\n".join(table))
    budget = args.budget_minutes * 60
    inside = re.search(r"wall time so far ([\d.]+) (s|min)", "\n".join(table))
    if inside:
        seen = float(inside.group(1)) * (60 if inside.group(2) == "min" else 1)
        print(f"after the bot's clock (start-up, reports, state publishing): {wall - seen:.1f} s")
    load = os.getloadavg()[0]
    print(
        f"budget {budget:.0f} s; wall time seen from outside {wall:.1f} s;"
        f" overrun {wall - budget:+.1f} s ({(wall / budget - 1) * 100:+.1f}%);"
        f" load average {load:.1f} on {os.cpu_count()} cores"
    )
    return 0


def time_table(repo: Path) -> list[str]:
    """HANDOFF.md's `## Time` section on the bot's branch (empty when there is no branch)."""
    branches = git(repo, "for-each-ref", "--format=%(refname:short)", "refs/heads/codeflash/")
    if not branches:
        return []
    try:
        text = git(repo, "show", f"{branches.splitlines()[0]}:.codeflash/HANDOFF.md")
    except subprocess.CalledProcessError:
        return []
    section = text.split("## Time", 1)[-1] if "## Time" in text else ""
    return [line for line in section.splitlines() if line.strip()][:12]


if __name__ == "__main__":
    sys.exit(main())
