"""Profiler cost at real-suite size: peak RSS and wall of the profile child, before/after.

Generates a synthetic suite (thousands of small tests, a few heavy ones, a unittest case with
thousands of subtests), then profiles it three ways in fresh child processes, each under the
bot's default 4 GB address-space limit:

- before: what cf_profile.py did until issue 10, pyinstrument's Profiler at 0.1 ms around
  pytest.main, holding every sample until the end;
- after, whole suite: harness/cf_profile.py with samples aggregated as they arrive, no budget;
- after, budgeted: the same with `--budget` seconds (a spread sample of the tests).

Peak RSS is the child's own ru_maxrss and CPU its user+system time (os.wait4); on a shared,
loaded machine CPU seconds are the steadier cost figure. Usage:
    python benchmarks/profile_scale.py [--files 200] [--tests 20] [--subtests 5000]
        [--heavy 4] [--budget 20]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HARNESS = ROOT / "src" / "codeflash_bot" / "harness" / "cf_profile.py"
LIMIT_MB = 4096

BEFORE = """
import json, sys, pytest
from pyinstrument import Profiler

profiler = Profiler(interval=0.0001)
profiler.start()
try:
    code = int(pytest.main(["-q", "-p", "no:cacheprovider", "tests"]))
finally:
    session = profiler.stop()
root = session.root_frame()
print(json.dumps({"samples": session.sample_count, "exit_code": code}), file=sys.stderr)
"""

CODE = """
def checksum(xs):
    total = 0
    for x in xs:
        total = (total * 31 + x) % 1_000_003
    return total


def heavy(n):
    seen = []
    for i in range(n):
        if i % 97 not in seen:
            seen.append(i % 97)
    return checksum(range(n)) + len(seen)
"""


def generate(root: Path, files: int, tests: int, subtests: int, heavy: int) -> int:
    """Write the suite; returns the number of test functions (subtests not counted)."""
    (root / "tests").mkdir(parents=True)
    (root / "bigpkg").mkdir()
    (root / "bigpkg" / "__init__.py").write_text("")
    (root / "bigpkg" / "core.py").write_text(CODE)
    for f in range(files):
        body = ["from bigpkg.core import checksum, heavy", ""]
        for t in range(tests):
            body += [f"def test_{t}():", f"    assert checksum(range({50 + t})) >= 0", ""]
        if f < heavy:
            body += ["def test_heavy():", "    assert heavy(400_000) > 0", ""]
        (root / "tests" / f"test_f{f:04d}.py").write_text("\n".join(body))
    (root / "tests" / "test_subtests.py").write_text(
        textwrap.dedent(f"""
            import unittest
            from bigpkg.core import checksum

            class Many(unittest.TestCase):
                def test_many(self):
                    for i in range({subtests}):
                        with self.subTest(i=i):
                            self.assertGreaterEqual(checksum(range(i % 50)), 0)
        """)
    )
    return files * tests + heavy + 1


def run_child(argv: list[str], cwd: Path) -> dict:
    """Run a child under the memory limit; wall, peak RSS (MB) and how it ended."""

    def limit() -> None:
        cap = LIMIT_MB * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    start = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=limit,
        env={**os.environ, "PYTHONPATH": str(cwd)},
    )
    err = b""
    # Drain stderr while waiting (a full pipe would block the child), then reap with wait4.
    assert proc.stderr is not None
    for chunk in iter(lambda: proc.stderr.read(65536), b""):
        err = (err + chunk)[-20000:]
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    tail = err.decode(errors="replace").strip().splitlines()
    oom = any("MemoryError" in line or "out of memory" in line for line in tail[-20:])
    ok = proc.returncode == 0 and not oom
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,
        "ok": ok,
        "end": "ok" if ok else ("MemoryError" if oom else (tail[-1] if tail else "crash")),
    }


def after(root: Path, budget: float | None) -> dict:
    out = root / f"out-{budget}.json"
    spec = {
        "root": str(root),
        "mode": "pytest",
        "pytest_args": ["-q", "-p", "no:cacheprovider", "tests"],
        "interval": 0.001,
        "budget": budget,
        "out": str(out),
    }
    spec_path = root / f"spec-{budget}.json"
    spec_path.write_text(json.dumps(spec))
    row = run_child([sys.executable, str(HARNESS), str(spec_path)], root)
    if out.exists():
        data = json.loads(out.read_text())
        tests = data["tests"]
        row["note"] = f"{tests['ran']}/{tests['collected']} tests, {data['samples']} samples"
        hot = max(data["functions"], key=lambda r: r["total"], default=None)
        if hot:
            row["note"] += f", hottest {hot['function']}"
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--tests", type=int, default=20)
    parser.add_argument("--subtests", type=int, default=5000)
    parser.add_argument("--heavy", type=int, default=4)
    parser.add_argument("--budget", type=float, default=20.0)
    parser.add_argument("--skip-before", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-profile-scale-") as tmp:
        root = Path(tmp)
        n = generate(root, args.files, args.tests, args.subtests, args.heavy)
        print(f"suite: {n} tests in {args.files + 1} files, {args.subtests} subtests")
        rows = []
        plain = run_child([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], root)
        rows.append(("no profiler (reference)", plain))
        if not args.skip_before:
            script = root / "before.py"
            script.write_text(BEFORE)
            rows.append(
                ("before: pyinstrument 0.1 ms", run_child([sys.executable, str(script)], root))
            )
        rows.append(("after: whole suite", after(root, None)))
        rows.append((f"after: budget {args.budget:g} s", after(root, args.budget)))
    print(f"{'profile':<30} {'wall s':>8} {'CPU s':>8} {'peak RSS MB':>12}  result")
    for label, row in rows:
        note = row.get("note", "")
        figures = f"{row['wall']:>8.1f} {row['cpu']:>8.1f} {row['rss_mb']:>12.0f}"
        print(f"{label:<30} {figures}  {row['end']} {note}")


if __name__ == "__main__":
    main()
