"""Per-rule experiments and keeps from a real-repository matrix run (`real_repos.py --keep DIR`).

Reads `.codeflash/results.tsv` on the bot's branch of every repository under DIR and counts,
per rule code (the description's first word), the experiments run and the candidates kept.

    .venv/bin/python benchmarks/rule_counts.py /tmp/matrix [/tmp/matrix2 ...]
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections import Counter
from pathlib import Path


def results(repo: Path) -> list[dict[str, str]]:
    branches = subprocess.run(
        [
            "git",
            "-C",
            str(repo),
            "for-each-ref",
            "--format=%(refname:short)",
            "refs/heads/codeflash/",
        ],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    rows: list[dict[str, str]] = []
    for branch in branches:
        shown = subprocess.run(
            ["git", "-C", str(repo), "show", f"{branch}:.codeflash/results.tsv"],
            capture_output=True,
            text=True,
            check=False,
        )
        if shown.returncode == 0:
            rows += list(csv.DictReader(io.StringIO(shown.stdout), delimiter="\t"))
    return rows


def main() -> None:
    tried: Counter[str] = Counter()
    kept: Counter[str] = Counter()
    for base in map(Path, sys.argv[1:]):
        for git_dir in sorted(base.glob("*/*/.git")):
            repo = git_dir.parent
            for row in results(repo):
                code = row["description"].split(" ", 1)[0]
                tried[code] += 1
                kept[code] += row["status"] == "keep"
                print(f"{repo.name}: {row['target']} {code} {row['status']} {row['delta_pct']}")
    print("\n| rule | experiments | kept |\n|---|---|---|")
    for code in sorted(tried):
        print(f"| {code} | {tried[code]} | {kept[code]} |")
    print(f"| total | {sum(tried.values())} | {sum(kept.values())} |")


if __name__ == "__main__":
    main()
