"""PR mode vs a whole-repository run on the same repository, and the cost of the diff mapping.

Generates a repository whose base branch has `--slow` slow functions a CPU rule can rewrite
(each with a test), then a change that adds one more slow function and edits one fast one.
Runs `codeflash-bot optimize --domain cpu` twice in fresh clones, with the same budget and
max-experiments: once on the whole repository, once with `--changed-since main` (PR mode).
Prints, per run, wall seconds, experiments, the targets tried and whether the PR's function was
kept. Then times `changed_functions` (git diff + libcst mapping) on the generated change and,
if given, on a real repository's history (`--repo PATH --since REF`). Usage:

    python benchmarks/pr_mode.py [--slow 8] [--max-experiments 4] [--repo . --since HEAD~30]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from codeflash_bot.git import Git  # noqa: E402
from codeflash_bot.session.changed import changed_functions  # noqa: E402

SLOW = '''

def slow_{i}(tags, allowed):
    """Membership test on a list inside a comprehension."""
    return [t for t in tags if t in allowed]
'''
TEST = """

def test_slow_{i}():
    tags = [f"t{{n % 900}}" for n in range(4000)]
    allowed = [f"t{{n}}" for n in range(0, 900, 3)]
    assert mod.slow_{i}(tags, allowed) == [t for t in tags if int(t[1:]) % 3 == 0]
"""


def git(cwd: Path, *args: str) -> str:
    ident = ["-c", "user.name=b", "-c", "user.email=b@example.com"]
    proc = subprocess.run(["git", *ident, *args], cwd=cwd, capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(f"git {' '.join(args)}: {proc.stderr.strip()}")
    return proc.stdout.strip()


def make_repo(path: Path, slow: int, max_experiments: int) -> None:
    (path / "src" / "bench").mkdir(parents=True)
    (path / "tests").mkdir()
    (path / "pyproject.toml").write_text(
        "[project]\nname='bench'\nversion='0'\n[tool.pytest.ini_options]\n"
        "pythonpath=['src']\n[tool.codeflash-bot]\n"
        f"python='{sys.executable}'\nmax-experiments={max_experiments}\nmax-aa-noise=50\n"
    )
    (path / "src" / "bench" / "__init__.py").write_text("")
    code = "def fast(x):\n    return x + 1\n" + "".join(SLOW.format(i=i) for i in range(slow))
    (path / "src" / "bench" / "mod.py").write_text(code)
    tests = "from bench import mod\n\n\ndef test_fast():\n    assert mod.fast(1) == 2\n"
    (path / "tests" / "test_mod.py").write_text(
        tests + "".join(TEST.format(i=i) for i in range(slow))
    )
    git(path, "init", "-q", "-b", "main")
    git(path, "add", "-A")
    git(path, "commit", "-qm", "base")
    git(path, "checkout", "-qb", "feature")
    code = code.replace("return x + 1", "return 1 + x") + SLOW.format(i="new")
    (path / "src" / "bench" / "mod.py").write_text(code)
    with (path / "tests" / "test_mod.py").open("a") as f:
        f.write(TEST.format(i="new"))
    git(path, "commit", "-qam", "the change")


def run(repo: Path, *extra: str) -> dict[str, object]:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "codeflash_bot", "optimize", str(repo), "--domain", "cpu", *extra],
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"optimize failed: {proc.stderr.strip()[-400:]}")
    branch = git(repo, "for-each-ref", "--format=%(refname:short)", "refs/heads/codeflash/")
    rows = git(repo, "show", f"{branch}:.codeflash/results.tsv").splitlines()[1:]
    targets = [r.split("\t")[1] for r in rows]
    kept = [r.split("\t")[1] for r in rows if r.split("\t")[7] == "keep"]
    return {"wall": wall, "experiments": len(rows), "targets": targets, "kept": kept}


def mapping_seconds(repo: Path, since: str, repeat: int = 3) -> tuple[float, int]:
    best, count = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        count = len(changed_functions(Git(repo), Path(), since).functions)
        best = min(best, time.perf_counter() - start)
    return best, count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slow", type=int, default=8)
    parser.add_argument("--max-experiments", type=int, default=4)
    parser.add_argument("--repo", type=Path)
    parser.add_argument("--since", default="HEAD~30")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cf-prmode-bench-") as tmp:
        seed = Path(tmp) / "seed"
        make_repo(seed, args.slow, args.max_experiments)
        results = {}
        for name, extra in (
            ("whole repository", ()),
            ("--changed-since main", ("--changed-since", "main")),
        ):
            clone = Path(tmp) / name.replace(" ", "_").replace("-", "")
            shutil.copytree(seed, clone)
            results[name] = run(clone, *extra)
        for name, r in results.items():
            print(
                f"{name:22} wall {r['wall']:6.1f} s  experiments {r['experiments']}  "
                f"slow_new kept: {'bench.mod:slow_new' in r['kept']}  targets: {r['targets']}"
            )
        secs, n = mapping_seconds(seed, "main")
        print(f"changed_functions on the generated change: {secs * 1e3:.1f} ms ({n} functions)")
    if args.repo:
        secs, n = mapping_seconds(args.repo, args.since)
        print(
            f"changed_functions on {args.repo} since {args.since}:"
            f" {secs * 1e3:.1f} ms ({n} functions)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
