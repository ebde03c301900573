"""Static checks of an `optimize` request, run before any environment is built.

Building a venv takes a minute; an unknown target, a repository without tests, a guard that
names no program or a workload outside the repo can all be told from the files alone, so the
user hears about them in a second, not after the venv (issue 18).
"""

from __future__ import annotations

import shlex
import shutil
import sys
from pathlib import Path

from codeflash_bot.capture.benchmarks import asv_gate
from codeflash_bot.config import Config
from codeflash_bot.errors import EXIT_GUARD, BotError
from codeflash_bot.git import open_repo
from codeflash_bot.models import Request
from codeflash_bot.profile.cpu import resolve_target, workload_argv
from codeflash_bot.session.layout import ModuleNames, detect_layout, project_name
from codeflash_bot.session.setup import SetupInfo, find_tests

NO_TESTS = (
    "no tests found in {where} (looked in the pytest testpaths, tests/, test/ and for test_*.py,"
    " *_test.py); add tests, set test-command or pass --workload"
)
GUARD_NOT_FOUND = (
    "guard command not found: {cmd!r} (the guard runs without a shell: name a program on PATH"
    " or a file in the repository, e.g. --guard 'python -m pytest -q tests/fast')"
)


def preflight(request: Request, config: Config) -> None:
    """Raise BotError (one line) for anything wrong that needs no interpreter to see."""
    user_git = open_repo(request.repo)
    project = Path(request.repo).resolve()
    toplevel = user_git.toplevel().resolve()
    where = project.relative_to(toplevel).as_posix() if project != toplevel else "."
    workload = request.workload or config.workload
    if workload:
        workload_argv(project, workload)
    elif not config.test_command and not find_tests(project) and asv_gate(project) is None:
        raise BotError(NO_TESTS.format(where=where))  # an asv suite alone can check changes
    if request.target:
        resolve_target(request.target, project, _static_setup(project))
    guard = request.guard or config.guard
    if guard:
        check_guard(guard, project)


def check_guard(guard: str, project: Path) -> None:
    """The guard's program exists: `python`, a program on PATH, or a file in the project."""
    try:
        argv = shlex.split(guard)
    except ValueError as exc:
        raise BotError(f"guard is not a valid command ({exc}): {guard!r}") from None
    if not argv:
        raise BotError("guard is empty", exit_code=EXIT_GUARD)
    program = argv[0]
    if program in ("python", "python3"):
        return  # replaced by the project's interpreter
    if "/" in program:
        found = (Path(program) if Path(program).is_absolute() else project / program).is_file()
    else:
        found = shutil.which(program) is not None
    if not found:
        raise BotError(GUARD_NOT_FOUND.format(cmd=program), exit_code=EXIT_GUARD)


def _static_setup(project: Path) -> SetupInfo:
    """Just enough of a SetupInfo for resolving a target by file: the import roots, from the
    project's files (no interpreter yet: only the stdlib's names count as shadowed)."""
    names = ModuleNames(stdlib=frozenset(sys.stdlib_module_names), installed={})
    return SetupInfo(
        python="",
        python_version="",
        pythonpath=detect_layout(project, names, project_name(project)).roots,
        test_command=[],
        tests_found=[],
        package_manager="",
        install_command="",
        env_source="not chosen yet",
    )
