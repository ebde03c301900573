"""Find the project's test files where the project says they are, not only by walking for names.

Where: the pytest `testpaths` when configured, else the whole project. What: pytest's
`python_files` patterns (default `test_*.py`, `*_test.py`), plus unittest's `test*.py` inside
test directories (`tests/`, `test/`, in-package `pkg/tests/`). Doctest-only modules are code, not
test files: they stay optimizable, and their doctests are counted by the baseline run instead.
"""

from __future__ import annotations

import fnmatch
import os
import re
from pathlib import Path

from codeflash_bot.verify.pytest_config import PytestIni, read_pytest_ini

SKIP_DIRS = {".git", ".venv", "venv", "env", ".tox", ".nox", "node_modules", "build", "dist"}
TEST_DIRS = ("tests", "test", "testing")
UNITTEST_PATTERN = "test*.py"
DOCTEST_SUITE = re.compile(r"DocTestSuite\(\s*['\"]([\w.]+)['\"]")


def find_tests(root: Path, ini: PytestIni | None = None) -> list[str]:
    """Test files under `root`, root-relative posix paths, sorted."""
    ini = ini if ini is not None else read_pytest_ini(root)
    found: set[str] = set()
    for start in search_roots(root, ini):
        if start.is_file():
            found.add(start.relative_to(root).as_posix())
            continue
        for dirpath, dirnames, filenames in os.walk(start):
            dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")]
            here = Path(dirpath)
            in_test_dir = any(part in TEST_DIRS for part in here.relative_to(root).parts)
            for name in filenames:
                if _is_test_file(name, ini, in_test_dir=in_test_dir):
                    found.add((here / name).relative_to(root).as_posix())
    return sorted(found)


def search_roots(root: Path, ini: PytestIni) -> list[Path]:
    """The configured testpaths that exist (globs allowed, as pytest does), else `root`."""
    roots: list[Path] = []
    for entry in ini.testpaths:
        matches = sorted(root.glob(entry)) if any(c in entry for c in "*?[") else [root / entry]
        roots += [m for m in matches if m.exists() and _inside(m, root)]
    return roots or [root]


def unittest_start_dir(root: Path, ini: PytestIni | None = None) -> str:
    """Where `python -m unittest discover -s` should start: the one test dir, else the root."""
    ini = ini if ini is not None else read_pytest_ini(root)
    dirs = [p for p in search_roots(root, ini) if p.is_dir() and p != root]
    if len(dirs) == 1:
        return dirs[0].relative_to(root).as_posix()
    present = [d for d in TEST_DIRS if (root / d).is_dir()]
    return present[0] if len(present) == 1 else "."


def _is_test_file(name: str, ini: PytestIni, *, in_test_dir: bool) -> bool:
    if not name.endswith(".py") or name == "conftest.py":
        return False
    if any(fnmatch.fnmatch(name, pat) for pat in ini.python_files):
        return True
    return in_test_dir and fnmatch.fnmatch(name, UNITTEST_PATTERN)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def load_tests_doctests(root: Path, tests: list[str], source_dirs: list[str]) -> list[str]:
    """Module files whose doctests the project runs through unittest's `load_tests`
    (`DocTestSuite('pkg.mod')`): pytest ignores `load_tests`, so they are named explicitly."""
    found: set[str] = set()
    for rel in tests:
        try:
            text = (root / rel).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for dotted in DOCTEST_SUITE.findall(text):
            path = _module_file(root, dotted, source_dirs)
            if path is not None:
                found.add(path)
    return sorted(found)


def _module_file(root: Path, dotted: str, source_dirs: list[str]) -> str | None:
    stem = dotted.replace(".", "/")
    for base in [*source_dirs, "."]:
        for candidate in (f"{stem}.py", f"{stem}/__init__.py"):
            path = root / base / candidate
            if path.is_file() and _inside(path, root):
                return path.resolve().relative_to(root.resolve()).as_posix()
    return None
