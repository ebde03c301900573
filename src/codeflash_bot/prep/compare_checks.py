"""`compare`'s diagnostics: every failure a user can fix, found early and told in one line.

The message templates below are shared with the tests (`DIAGNOSTICS`); format fields are
filled at raise time.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from codeflash_bot.errors import BotError
from codeflash_bot.git import Git
from codeflash_bot.prep.target_env import Deadline, TargetEnv, Timeout, run_python
from codeflash_bot.session.setup import pip_install

PYTEST_FLAGS = ("-q", "-p", "no:cacheprovider", "--rootdir", ".")
SLOW_COLLECTION_SECONDS = 10.0

# One-line diagnostics (format fields filled at raise time); tests match on these prefixes.
NOT_INSTALLED = "{tool} is not installed in the target environment ({python}): run `{fix}`"
BAD_REF = "bad ref {ref!r}: not a commit in {repo} (check `git branch --list` or use a sha)"
NO_BENCH_ROOT = (
    "benchmarks root {root} does not exist at {refs}: run `codeflash-bot prepare-pr` to "
    "generate benchmarks, or set `benchmarks-root` in [tool.codeflash-bot]"
)
NO_BENCHMARKS = (
    "no benchmark files (test_*.py) under {root} at {ref}: run `codeflash-bot prepare-pr`"
)
MISSING_AT_REF = (
    "benchmark {file} is missing at {ref} ({side}): rerun with `--inject {inject}` to copy "
    "it from {other} into both worktrees"
)
CANNOT_IMPORT = (
    "the worktree of {ref} cannot import {name} ({error}): install the project's dependencies "
    "into {python}{install} or set `python` in [tool.codeflash-bot]"
)
SHADOWED = (
    "at {ref}, `import {name}` loads {file} instead of the worktree's copy: uninstall that "
    "copy from {python} or install the project editable (`pip install -e .`)"
)
CONFTEST_BROKEN = (
    "collecting benchmarks at {ref} failed in {conftest}: {error}; fix that conftest.py "
    "(it is loaded before every benchmark run)"
)
COLLECTION_FAILED = "collecting benchmarks at {ref} failed: {error}"
NOTHING_COLLECTED = "no benchmarks collected at {ref} from {files}: are they named test_*?"
SLOW_COLLECTION = (
    "collecting benchmarks at {ref} took {seconds:.1f}s: a heavy conftest.py? it is paid on "
    "every run; move slow fixtures out of the benchmarks' path"
)
TIMED_OUT = "compare timed out after {timeout:.0f}s while {doing} at {ref}: raise --timeout{hint}"
BENCH_FAILED = "benchmark failed at {ref}: {error}; a benchmark must pass at both refs"
DIAGNOSTICS = (
    NOT_INSTALLED,
    BAD_REF,
    NO_BENCH_ROOT,
    NO_BENCHMARKS,
    MISSING_AT_REF,
    CANNOT_IMPORT,
    SHADOWED,
    CONFTEST_BROKEN,
    COLLECTION_FAILED,
    NOTHING_COLLECTED,
    TIMED_OUT,
    BENCH_FAILED,
)

_TOOLS_PROBE = """
import importlib.util, platform
missing = [m for m in ("pytest", "pytest_benchmark") if importlib.util.find_spec(m) is None]
print(platform.python_version(), *missing)
"""

_IMPORT_PROBE = """
import importlib, json, os, sys
out_path, names = sys.argv[1], sys.argv[2:]
result = {}
for name in names:
    try:
        mod = importlib.import_module(name)
        where = getattr(mod, "__file__", None) or next(iter(getattr(mod, "__path__", [])), "")
        result[name] = {"ok": True, "file": os.path.realpath(where) if where else ""}
    except BaseException as exc:
        result[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}".splitlines()[0]}
with open(out_path, "w", encoding="utf-8") as fh:
    json.dump(result, fh)
"""


def check_ref(git: Git, ref: str) -> str:
    if ref.startswith("-") or not ref.strip() or not git.ref_exists(ref):
        raise BotError(BAD_REF.format(ref=ref, repo=git.cwd))
    return git.head_sha(ref)


def check_tools(env: TargetEnv, tmp: Path, deadline: Deadline, timeout: float) -> str:
    """Fail early, in one line, when pytest/pytest-benchmark are missing; returns the version."""
    try:
        proc = run_python(env, ["-c", _TOOLS_PROBE], cwd=tmp, timeout=deadline.left())
    except Timeout:
        raise BotError(
            TIMED_OUT.format(timeout=timeout, doing="starting", ref="the target's python", hint="")
        ) from None
    if proc.returncode != 0:
        raise BotError(
            f"cannot run the target's interpreter {env.python}: "
            f"{last_line(proc.stderr)}; set `python` in [tool.codeflash-bot]"
        )
    version, *missing = proc.stdout.split() or ["unknown"]
    if missing:
        tools = ["pytest", "pytest-benchmark"] if "pytest" in missing else ["pytest-benchmark"]
        if env.may_install_tools:  # an env the bot manages: install, as for pytest/pyinstrument
            pip_install(env.python, tools)
            return version
        raise BotError(
            NOT_INSTALLED.format(
                tool=" and ".join(tools),
                python=env.python,
                fix=f"{env.python} -m pip install {' '.join(tools)}",
            )
        )
    return version


def benchmark_files(trees: dict[str, Path], bench_root: str, base: str, head: str) -> list[str]:
    """The benchmark files (repo paths) at head, each present at both refs."""
    found: dict[str, set[str]] = {}
    for side, tree in trees.items():
        root = tree / bench_root
        if not root.is_dir():
            continue
        found[side] = {
            p.relative_to(tree).as_posix()
            for pattern in ("test_*.py", "*_test.py")
            for p in root.rglob(pattern)
        }
    refs = {"base": base, "head": head}
    if not found:
        raise BotError(NO_BENCH_ROOT.format(root=bench_root, refs=f"{base} or {head}"))
    for side in ("base", "head"):
        if side not in found:
            other = "head" if side == "base" else "base"
            files = sorted(found[other]) or [bench_root]
            raise BotError(_missing(files, bench_root, refs[side], side, refs[other]))
    for side, other in (("base", "head"), ("head", "base")):
        missing = sorted(found[other] - found[side])
        if missing:
            raise BotError(_missing(missing, bench_root, refs[side], side, refs[other]))
    if not found["head"]:
        raise BotError(NO_BENCHMARKS.format(root=bench_root, ref=head))
    return sorted(found["head"])


def _missing(files: list[str], bench_root: str, ref: str, side: str, other: str) -> str:
    inject = files[0] if len(files) == 1 else bench_root
    return MISSING_AT_REF.format(file=files[0], ref=ref, side=side, inject=inject, other=other)


def _top_level_packages(tree: Path, env: TargetEnv) -> list[str]:
    """Importable top-level names in the worktree's source dirs (tests/docs/examples skipped)."""
    skip = ("test", "tests", "docs", "doc", "examples", "benchmarks", "scripts", "build")
    names: set[str] = set()
    for src in env.pythonpath:
        base = tree / src
        if not base.is_dir():
            continue
        for child in base.iterdir():
            if child.name.startswith((".", "_")) or child.name in skip:
                continue
            if child.is_dir() and (child / "__init__.py").is_file():
                names.add(child.name)
            elif child.suffix == ".py" and src != "." and child.stem.isidentifier():
                names.add(child.stem)
    return sorted(names)


def check_imports(
    env: TargetEnv, tree: Path, ref: str, tmp: Path, deadline: Deadline, timeout: float
) -> None:
    """Each top-level package imports at `ref`, from that worktree (not a shadowing copy)."""
    names = _top_level_packages(tree, env)
    if not names:
        return
    out = tmp / f"imports-{tree.name}.json"
    try:
        proc = run_python(
            env, ["-c", _IMPORT_PROBE, str(out), *names], cwd=tree, timeout=deadline.left()
        )
    except Timeout:
        hint = " or make importing the package cheaper"
        raise BotError(
            TIMED_OUT.format(timeout=timeout, doing="importing the package", ref=ref, hint=hint)
        ) from None
    if proc.returncode != 0 or not out.exists():
        error = last_line(proc.stderr) or f"exit code {proc.returncode}"
        raise BotError(
            CANNOT_IMPORT.format(
                ref=ref, name=names[0], error=error, python=env.python, install=_install(env)
            )
        )
    tree_real = tree.resolve()
    py = env.python
    for name, info in json.loads(out.read_text(encoding="utf-8")).items():
        if not info["ok"]:
            error = info["error"]
            raise BotError(
                CANNOT_IMPORT.format(
                    ref=ref, name=name, error=error, python=py, install=_install(env)
                )
            )
        if info["file"] and not Path(info["file"]).is_relative_to(tree_real):
            raise BotError(SHADOWED.format(ref=ref, name=name, file=info["file"], python=py))


def _install(env: TargetEnv) -> str:
    return f" (`{env.install_command}`)" if env.install_command else ""


def check_collection(
    env: TargetEnv, tree: Path, ref: str, files: list[str], deadline: Deadline, timeout: float
) -> list[str]:
    """Collect only, timed: tells a broken or heavy conftest.py apart from a failing benchmark."""
    started = time.monotonic()
    try:
        proc = run_python(
            env,
            ["-m", "pytest", "--collect-only", *PYTEST_FLAGS, *files],
            cwd=tree,
            timeout=deadline.left(),
        )
    except Timeout:
        hint = " or lighten conftest.py (collection alone did not finish)"
        raise BotError(
            TIMED_OUT.format(timeout=timeout, doing="collecting benchmarks", ref=ref, hint=hint)
        ) from None
    seconds = time.monotonic() - started
    output = proc.stdout + proc.stderr
    if proc.returncode == 5:
        raise BotError(NOTHING_COLLECTED.format(ref=ref, files=", ".join(files)))
    if proc.returncode != 0:
        conftest = _conftest_in(output, tree)
        error = error_line(output)
        if conftest:
            raise BotError(CONFTEST_BROKEN.format(ref=ref, conftest=conftest, error=error))
        raise BotError(COLLECTION_FAILED.format(ref=ref, error=error))
    if seconds > SLOW_COLLECTION_SECONDS:
        return [SLOW_COLLECTION.format(ref=ref, seconds=seconds)]
    return []


def _conftest_in(output: str, tree: Path) -> str | None:
    for line in output.splitlines():
        if "conftest" in line and ("Error" in line or "error" in line or ".py" in line):
            for token in line.replace("'", " ").replace('"', " ").replace(":", " ").split():
                if token.endswith("conftest.py"):
                    path = Path(token)
                    if path.is_absolute() and path.is_relative_to(tree):
                        return path.relative_to(tree).as_posix()
                    return token
    return None


def error_line(output: str) -> str:
    """The most telling line of pytest output: the last `E   ...` line, else the last line."""
    lines = [ln.strip() for ln in output.splitlines() if ln.strip()]
    errors = [ln[1:].strip() for ln in lines if ln.startswith("E ")]
    if errors:
        return errors[-1]
    flagged = [ln for ln in lines if "Error" in ln or "error" in ln]
    return flagged[-1] if flagged else (lines[-1] if lines else "no output")


def last_line(text: str) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return lines[-1].strip() if lines else ""
