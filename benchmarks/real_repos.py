"""The real-repository matrix: run the bot as a new user would on popular packages it never saw.

Each package's sdist (pinned, downloaded once into a cache with `pip download --no-binary`) is
unpacked into a fresh git repository, and `codeflash-bot optimize --domain cpu` runs on it with a
budget, as a real subprocess. Printed per package: the baseline test counts the bot recorded,
functions profiled, experiments, keeps, the repository's own suite at the bot's branch head,
wall time, the peak RSS of the bot's process tree, and the error if any.

    .venv/bin/python benchmarks/real_repos.py                # the whole matrix
    .venv/bin/python benchmarks/real_repos.py toolz idna     # some packages
    .venv/bin/python benchmarks/real_repos.py --budget-minutes 5 --keep /tmp/matrix

Needs the network (the package index) the first time; the cache is ~/.cache/codeflash-bot-bench
(or $CODEFLASH_BENCH_CACHE). Every row should end without an error.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.git import git  # noqa: E402


@dataclass(frozen=True)
class Package:
    """A pinned sdist and what makes it a useful row of the matrix."""

    name: str
    version: str
    shape: str


MATRIX = (
    Package("attrs", "26.1.0", "src layout, hatch, pytest+hypothesis, addopts"),
    Package("boltons", "26.2.0", "flat, many modules, pytest"),
    Package("humanize", "4.17.0", "src layout, hatch, pytest+freezegun"),
    Package("idna", "3.20", "flat, flit, unittest-style TestCases"),
    Package("inflection", "0.5.1", "setup.py only, single module, root test file"),
    Package("jmespath", "1.1.0", "setup.py only, unittest-style tests"),
    Package("more-itertools", "11.2.1", "flat, big suite, doctests"),
    Package("numpy-financial", "1.0.0", "setup.py only, numpy, in-package tests"),
    Package("python-slugify", "9.2.0", "setup.py + pyproject, package name differs"),
    Package("tabulate", "0.10.0", "flat, tests in test/"),
    Package("toolz", "1.2.0", "flat, in-package tests, doctests"),
    Package("markdown", "3.11.3", "flat, unittest suite"),
)


@dataclass
class Row:
    """One package's outcome."""

    package: str
    tests: str = "-"
    profiled: str = "-"
    experiments: str = "-"
    kept: str = "-"
    head_suite: str = "-"
    wall: float = 0.0
    peak_mib: float = 0.0
    error: str = ""


def cache_dir() -> Path:
    default = Path.home() / ".cache" / "codeflash-bot-bench"
    path = Path(os.environ.get("CODEFLASH_BENCH_CACHE", default))
    path.mkdir(parents=True, exist_ok=True)
    return path


def sdist(pkg: Package) -> Path:
    """The cached sdist of `pkg`, downloaded when missing."""
    cache = cache_dir()
    pattern = re.compile(
        re.sub(r"[-_.]+", "[-_.]+", pkg.name) + "-" + re.escape(pkg.version) + r"\.tar\.gz$",
        re.IGNORECASE,
    )
    found = [p for p in cache.iterdir() if pattern.match(p.name)]
    if not found:
        subprocess.run(
            [
                *(sys.executable, "-m", "pip", "download", "--quiet", "--no-binary", ":all:"),
                *("--no-deps", "--dest", str(cache), f"{pkg.name}=={pkg.version}"),
            ],
            check=True,
        )
        found = [p for p in cache.iterdir() if pattern.match(p.name)]
    if not found:
        raise SystemExit(f"no sdist for {pkg.name}=={pkg.version} in {cache}")
    return found[0]


def make_repo(pkg: Package, workdir: Path) -> Path:
    """The sdist unpacked and committed as a fresh git repository."""
    with tarfile.open(sdist(pkg)) as tar:
        tar.extractall(workdir, filter="data")
    (top,) = [p for p in workdir.iterdir() if p.is_dir()]
    git(top, "init", "-q", "-b", "main")
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", f"{pkg.name} {pkg.version} sdist")
    return top


def run_bot(repo: Path, flags: list[str]) -> tuple[int, str, str, float, float]:
    """(exit code, stdout, stderr, wall s, peak RSS MiB of the bot and everything it ran)."""
    env = {k: v for k, v in os.environ.items() if k != "CODEFLASH_DEBUG"}
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "codeflash_bot", "optimize", str(repo), *flags],
            stdout=out,
            stderr=err,
            env=env,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode(errors="replace")
        stderr = err.read().decode(errors="replace")
    return proc.returncode, stdout, stderr, wall, usage.ru_maxrss / 1024


def bot_branch(repo: Path) -> str | None:
    names = git(repo, "for-each-ref", "--format=%(refname:short)", "refs/heads/codeflash/")
    return names.splitlines()[0] if names else None


def state_file(repo: Path, branch: str, name: str) -> str:
    try:
        return git(repo, "show", f"{branch}:.codeflash/{name}")
    except subprocess.CalledProcessError:
        return ""


def field(text: str, label: str) -> str:
    """The value of a `- Label: value` line of a state file, or '-'."""
    match = re.search(rf"^- {re.escape(label)}: (.+)$", text, re.MULTILINE)
    return match.group(1).strip() if match else "-"


def head_suite(repo: Path, branch: str) -> str:
    """The repository's own tests at the bot's branch head, in the environment the bot used."""
    from codeflash_bot.config import load_config
    from codeflash_bot.session.setup import detect_setup
    from codeflash_bot.verify.tests import run_tests

    git(repo, "checkout", "-q", branch)
    try:
        setup = detect_setup(repo, load_config(repo))
        result = run_tests(setup, repo, timeout=900, memory_mb=4096)
    finally:
        git(repo, "checkout", "-q", "main")
    if result.timed_out:
        return "timed out"
    return f"{result.passed} passed, {result.failed} failed, {result.errors} errors"


def run_one(pkg: Package, workdir: Path, flags: list[str]) -> Row:
    row = Row(pkg.name)
    repo = make_repo(pkg, workdir)
    code, _, stderr, row.wall, row.peak_mib = run_bot(repo, flags)
    if code != 0:
        row.error = (stderr.strip().splitlines() or [f"exit {code}"])[-1][:160]
    branch = bot_branch(repo)
    if branch is None:
        return row
    setup_md = state_file(repo, branch, "setup.md")
    handoff = state_file(repo, branch, "HANDOFF.md")
    counts = [field(setup_md, label) for label in ("Tests collected", "Passed", "Failed")]
    row.tests = "{} collected, {} passed, {} failed".format(*counts)
    row.profiled = field(handoff, "Funnel")
    row.experiments = field(handoff, "Experiments")
    kept = re.search(r"kept (\d+)", row.experiments)
    row.kept = kept.group(1) if kept else "-"
    if code == 0:
        try:
            row.head_suite = head_suite(repo, branch)
        except Exception as exc:  # a benchmark row, not a crash of the whole matrix
            row.head_suite = f"could not run: {exc}"[:80]
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("packages", nargs="*", help="names from the matrix (default: all)")
    parser.add_argument("--budget-minutes", type=float, default=4.0)
    parser.add_argument("--max-experiments", type=int, default=8)
    parser.add_argument("--keep", type=Path, help="leave the repositories here")
    args = parser.parse_args()
    chosen = [p for p in MATRIX if not args.packages or p.name in args.packages]
    if not chosen:
        raise SystemExit(f"unknown packages; choose from {', '.join(p.name for p in MATRIX)}")
    flags = ["--domain", "cpu", "--budget-minutes", f"{args.budget_minutes:g}"]
    flags += ["--max-experiments", str(args.max_experiments)]
    base = args.keep or Path(tempfile.mkdtemp(prefix="codeflash-matrix-"))
    rows = []
    for pkg in chosen:
        workdir = base / pkg.name
        shutil.rmtree(workdir, ignore_errors=True)
        workdir.mkdir(parents=True)
        row = run_one(pkg, workdir, flags)
        rows.append(row)
        print(_line(row, pkg), flush=True)
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    _table(rows)
    return 1 if any(r.error for r in rows) else 0


def _line(row: Row, pkg: Package) -> str:
    status = f"ERROR {row.error}" if row.error else "ok"
    return f"[{row.package} {pkg.version}: {pkg.shape}] {status} ({row.wall:.0f} s)"


def _table(rows: list[Row]) -> None:
    head = ("package", "baseline tests", "profiled", "experiments", "kept", "suite at head")
    head += ("wall s", "peak MiB", "error")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        cells = (r.package, r.tests, r.profiled, r.experiments, r.kept, r.head_suite)
        cells += (f"{r.wall:.0f}", f"{r.peak_mib:.0f}", r.error or "-")
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    sys.exit(main())
