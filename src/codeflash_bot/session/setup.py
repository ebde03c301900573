"""Find (or make) the target's environment, its test command, and write `.codeflash/setup.md`.

The target's code always runs in its own interpreter. Order of preference for that interpreter:
`python` in config / `--python`, then the repo's `.venv`/`venv` (in the user's checkout, not the
bot's worktree), then the active virtualenv, then a venv the bot creates in
`<git dir>/codeflash/venvs/` (outside the work tree, so `git status` never shows it) with the
project's declared dependencies, built from the bot's Python or, when the project's
`requires-python` excludes it, a matching one found on the machine (session/interpreter.py). The
project itself is not installed: its import roots (session/layout.py) go on PYTHONPATH, so the
same interpreter runs the user's tree, the bot's worktree or a compare worktree.
"""

from __future__ import annotations

import ast
import configparser
import hashlib
import json
import os
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

from pydantic import Field

from codeflash_bot.config import Config
from codeflash_bot.errors import BotError
from codeflash_bot.models import Frozen
from codeflash_bot.sandbox import CommandResult, current_deadline, run_command
from codeflash_bot.session.child_env import PROBE_TIMEOUT, allow_more, child_env
from codeflash_bot.session.interpreter import Interpreter, choose_interpreter
from codeflash_bot.session.layout import detect_layout, probe_names, project_name, setup_py_calls

# Building an environment is bounded: by the run's time budget during a run (the loop lets set-up
# use the whole budget, session/clock.py), else by this.
INSTALL_TIMEOUT = 1800.0
MODULE_OF_TOOL = {
    "pytest": "pytest",
    "pyinstrument": "pyinstrument",
    "memray": "memray",
    "pytest-benchmark": "pytest_benchmark",
    "hypothesis": "hypothesis",
}
TEST_EXTRAS = ("test", "tests", "testing", "dev")
REQUIREMENT_FILES = (
    "requirements.txt",
    "requirements-dev.txt",
    "requirements-test.txt",
    "requirements_dev.txt",
    "requirements_test.txt",
    "dev-requirements.txt",
    "test-requirements.txt",
)
BOT_ENV = "created by the bot"
SKIP_DIRS = {".git", ".venv", "venv", "env", ".tox", ".nox", "node_modules", "build", "dist"}


class SetupInfo(Frozen):
    """Everything later stages need to run the target's code and tests."""

    python: str
    python_version: str
    pythonpath: list[str]
    test_command: list[str]
    tests_found: list[str]
    package_manager: str
    install_command: str
    env_source: str
    tools_installed: list[str] = Field(default_factory=list)
    layout_notes: list[str] = Field(default_factory=list)
    may_install_tools: bool = False  # the bot made this env, or `install-tools = true`

    def env(self, root: Path) -> dict[str, str]:
        """Process environment for running the target rooted at `root` (a checkout)."""
        paths = [str((root / p).resolve()) for p in self.pythonpath]
        env = child_env()  # allow-listed: no tokens, keys or runner command files
        env["PYTHONPATH"] = os.pathsep.join(paths)
        env["PYTHONHASHSEED"] = "0"
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        return env


def detect_package_manager(root: Path) -> tuple[str, str]:
    """(manager, the install command a maintainer would run)."""
    pyproject = _pyproject(root)
    tool = pyproject.get("tool", {})
    if (root / "uv.lock").exists() or "uv" in tool:
        return "uv", "uv sync"
    if (root / "poetry.lock").exists() or "poetry" in tool:
        return "poetry", "poetry install"
    if (root / "pdm.lock").exists() or "pdm" in tool:
        return "pdm", "pdm install"
    if "hatch" in tool:
        return "hatch", "hatch env create"
    reqs = [f for f in REQUIREMENT_FILES if (root / f).exists()]
    if reqs and not pyproject:
        return "pip", " && ".join(f"pip install -r {f}" for f in reqs)
    return "pip", "pip install -e ."


def find_tests(root: Path) -> list[str]:
    """Test files where the project puts them (verify.discover: testpaths, test dirs, names)."""
    from codeflash_bot.verify.discover import find_tests as discover

    return discover(root)


def detect_setup(root: Path, config: Config) -> SetupInfo:
    """Inspect the project at `root`; create the bot's venv there when no interpreter is known."""
    root = root.resolve()
    allow_more(config.pass_env)
    config_python, test_command = config.python, config.test_command
    manager, install = detect_package_manager(root)
    tests = find_tests(root)
    python, source = _choose_python(root, config_python)
    version = _python_version(python)
    layout = detect_layout(root, probe_names(python), project_name(root))
    command = shlex.split(test_command) if test_command else [python, "-m", "pytest"]
    return SetupInfo(
        python=python,
        python_version=version,
        pythonpath=layout.roots,
        layout_notes=layout.notes,
        test_command=command,
        tests_found=tests,
        package_manager=manager,
        install_command=install,
        env_source=source,
        may_install_tools=source.startswith(BOT_ENV) or config.install_tools,
    )


def ensure_tools(setup: SetupInfo, tools: list[str]) -> SetupInfo:
    """Make sure the harness tools import in the target's environment.

    Missing tools are installed only into a venv the bot created, or with the user's consent
    (`install-tools = true`); never silently into the project's own environment. Otherwise one
    line names what to install and how.
    """
    missing = [t for t in tools if not has_module(setup.python, MODULE_OF_TOOL.get(t, t))]
    if not missing:
        return setup
    if not setup.may_install_tools:
        raise BotError(
            f"the project's environment ({setup.python}) lacks {', '.join(missing)}: run"
            f" `{setup.python} -m pip install {' '.join(missing)}`, or set"
            " `install-tools = true` in [tool.codeflash-bot] to let the bot install them"
        )
    pip_install(setup.python, missing)
    return setup.model_copy(update={"tools_installed": [*setup.tools_installed, *missing]})


def pip_run(python: str, packages: list[str], cwd: Path | None = None) -> CommandResult:
    """`python -m pip install packages` with the allow-listed environment, bounded by the run's
    budget or INSTALL_TIMEOUT: the one pip command line of the bot."""
    argv = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *packages]
    return run_command(argv, cwd=cwd or Path.cwd(), timeout=INSTALL_TIMEOUT)


def pip_install(python: str, packages: list[str]) -> None:
    """Install `packages` (the package index pip is configured with); one BotError line when
    it fails. Callers decide whether the bot may install there."""
    proc = pip_run(python, packages)
    if not proc.ok:
        last = install_failure(proc)
        raise BotError(
            f"could not install {', '.join(packages)} into {python}: {last}"
            " (install them into the project's environment yourself)"
        )


def render_setup_md(setup: SetupInfo, root: Path) -> str:
    """The `.codeflash/setup.md` text: what was found and what the bot did about it."""
    bot_pi = "pyinstrument" in setup.tools_installed
    lines = [
        "# Setup",
        "",
        f"- Package manager: {setup.package_manager}",
        f"- Install command: `{setup.install_command}`",
        f"- Test command: `{shlex.join(_display_cmd(setup.test_command))}`",
        f"- Python: {setup.python_version} (`{_display_python(setup.python, root)}`,"
        f" {setup.env_source})",
        f"- Source on PYTHONPATH: {', '.join(f'`{p}`' for p in setup.pythonpath)}",
        *(f"- Import layout: {note}" for note in setup.layout_notes),
        f"- Test files found: {len(setup.tests_found)}",
        "- Profiling tools: pyinstrument" + (" (installed by the bot)" if bot_pi else ""),
    ]
    if setup.tools_installed:
        installed = ", ".join(setup.tools_installed)
        lines.append(f"- Installed into the environment by the bot: {installed}")
    lines.append(_bench_tools_line(setup, root))
    return "\n".join(lines) + "\n"


def _bench_tools_line(setup: SetupInfo, root: Path) -> str:
    """What `compare`/`prepare-pr` need and who installs it (issue 13: a clone elsewhere)."""
    tools = "pytest-benchmark (for `compare` and `prepare-pr`) and memray (for the memory domain)"
    if setup.may_install_tools:
        return f"- Benchmark tools: {tools}, installed into this environment by the bot if missing"
    python = _display_python(setup.python, root)
    return (
        f"- Benchmark tools: {tools} must be installed into this environment by you"
        f" (`{python} -m pip install pytest-benchmark memray`); the bot installs only into"
        " environments it created, or with `install-tools = true` in [tool.codeflash-bot]"
    )


def _display_cmd(cmd: list[str]) -> list[str]:
    return ["python", *cmd[1:]] if cmd and cmd[0].endswith(("python", "python3")) else cmd


def _display_python(python: str, root: Path) -> str:
    try:
        return str(Path(python).relative_to(root))
    except ValueError:
        return python


def _pyproject(root: Path) -> dict:
    path = root / "pyproject.toml"
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}


def _choose_python(root: Path, configured: str | None) -> tuple[str, str]:
    """(interpreter, why): the environment the project itself uses, looked up in the user's
    checkout — the bot's worktree has none of the user's untracked venvs.

    Order: `--python`/`python =` (a relative path is resolved against the user's project dir,
    then the repository root), the repo's `.venv`/`venv`, the active virtualenv (`VIRTUAL_ENV`,
    as set by `source .venv/bin/activate`, `uv run` or `poetry run`) unless it is the bot's own
    environment, else a venv the bot creates. The path is kept unresolved: a venv's python is a
    symlink and resolving it would leave the venv.
    """
    dirs = _user_dirs(root)
    if configured:
        path = Path(configured).expanduser()
        if not path.is_absolute() and os.sep not in configured:
            return _which(configured), f"configured (`{configured}`, found on PATH)"
        if not path.is_absolute():
            tried = [d / path for d in dirs]
            path = next((p for p in tried if p.exists()), tried[0])
        if not path.exists():
            raise BotError(
                f"configured python {configured!r} does not exist (looked at {path}); set"
                " `python` in [tool.codeflash-bot] or --python to an existing interpreter"
            )
        return os.path.abspath(path), f"configured (`{configured}`)"
    for where in dirs:
        for name in (".venv", "venv"):
            candidate = where / name / "bin" / "python"
            if candidate.exists():
                return str(candidate), f"reused the repo's {name} in {where}"
    active = os.environ.get("VIRTUAL_ENV")
    own = active and Path(active).resolve() == Path(sys.prefix).resolve()
    if active and not own and (Path(active) / "bin" / "python").exists():
        return str(Path(active) / "bin" / "python"), f"the active virtualenv ({active})"
    interpreter, why = choose_interpreter(root)
    source = BOT_ENV + (f" ({why})" if why else "")
    return _bot_venv(root, interpreter), source


def _user_dirs(root: Path) -> list[Path]:
    """Where the user's untracked environments live for the project at `root`: the project dir
    and repository root of the user's checkout (the main worktree when `root` is inside one of
    the bot's worktrees), then the same two dirs of `root`'s own checkout."""
    git = ["git", "-C", str(root), "rev-parse"]
    top = subprocess.run([*git, "--show-toplevel"], capture_output=True, text=True, check=False)
    if top.returncode != 0:
        return [root]
    own_top = Path(top.stdout.strip()).resolve()
    rel = root.resolve().relative_to(own_top) if root.resolve().is_relative_to(own_top) else None
    listing = subprocess.run(
        ["git", "-C", str(root), "worktree", "list", "--porcelain"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    main = next((ln[9:] for ln in listing.splitlines() if ln.startswith("worktree ")), None)
    tops = [Path(main).resolve()] if main else []
    tops.append(own_top)
    dirs: list[Path] = []
    for t in tops:
        for d in ([t / rel] if rel is not None else []) + [t]:
            if d not in dirs:
                dirs.append(d)
    return dirs


def _which(name: str) -> str:
    from shutil import which

    found = which(name)
    if not found:
        raise BotError(f"configured python {name!r} not found on PATH")
    return found


def _requirements(root: Path) -> list[str]:
    """The project's declared runtime + test dependencies (pyproject and requirements files)."""
    data = _pyproject(root)
    project = data.get("project", {})
    reqs: list[str] = list(project.get("dependencies", []))
    extras = project.get("optional-dependencies", {})
    groups = data.get("dependency-groups", {})
    for name in TEST_EXTRAS:
        reqs += extras.get(name, [])
        reqs += [r for r in groups.get(name, []) if isinstance(r, str)]
    reqs += _setuptools_requirements(root)
    for fname in REQUIREMENT_FILES:
        if (root / fname).exists():
            reqs += ["-r", str(root / fname)]
    return reqs


def _setuptools_requirements(root: Path) -> list[str]:
    """install_requires + test extras of setup.cfg, and literal ones in setup.py (never run).

    `tests_require` is left out: it is deprecated and mostly names runners (tox, nose).
    """
    reqs: list[str] = []
    cfg = root / "setup.cfg"
    if cfg.is_file():
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read(cfg, encoding="utf-8")
        except (configparser.Error, UnicodeDecodeError):
            parser = configparser.ConfigParser()
        reqs += parser.get("options", "install_requires", fallback="").split("\n")
        for name in TEST_EXTRAS:
            reqs += parser.get("options.extras_require", name, fallback="").split("\n")
    for call in setup_py_calls(root):
        for kw in call.keywords:
            try:
                value = ast.literal_eval(kw.value)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                continue
            if kw.arg == "install_requires" and isinstance(value, list | tuple):
                reqs += [r for r in value if isinstance(r, str)]
            elif kw.arg == "extras_require" and isinstance(value, dict):
                for name in TEST_EXTRAS:
                    extra = value.get(name, [])
                    if isinstance(extra, list | tuple):
                        reqs += [r for r in extra if isinstance(r, str)]
    return [r.strip() for r in reqs if r.strip() and not r.strip().startswith("#")]


def _bot_venv(root: Path, base: Interpreter) -> str:
    """A venv under the repo's git dir, keyed by the dependency spec, reused when unchanged."""
    proc = subprocess.run(
        ["git", "rev-parse", "--git-common-dir"], cwd=root, capture_output=True, text=True
    )
    common = Path(proc.stdout.strip())
    common = common if common.is_absolute() else (root / common).resolve()
    reqs = _requirements(root)
    python_id = sys.version if base.path == sys.executable else f"{base.path} {base.version}"
    spec = json.dumps({"reqs": reqs, "python": python_id}, sort_keys=True)
    key = hashlib.sha256(spec.encode()).hexdigest()[:12]
    venv = common / "codeflash" / "venvs" / key
    python = venv / "bin" / "python"
    stamp = venv / ".codeflash-ready"
    if stamp.exists() and python.exists():
        return str(python)
    made = run_command(
        [base.path, "-m", "venv", "--clear", str(venv)], cwd=root, timeout=INSTALL_TIMEOUT
    )
    if not made.ok:
        raise BotError(f"could not create a venv with {base.path}: {install_failure(made)}")
    installed = pip_run(str(python), ["pytest", "pyinstrument", *reqs], cwd=root)
    if not installed.ok:
        raise BotError(
            f"could not create an environment for the project: {install_failure(installed)}"
        )
    stamp.write_text(spec, encoding="utf-8")
    return str(python)


def install_failure(result: CommandResult) -> str:
    """Why a venv or pip step failed, in one line (a time-out says which limit it hit)."""
    if result.timed_out:
        if current_deadline() is not None:
            return "stopped unfinished at the end of the time budget (--budget-minutes)"
        return f"did not finish in {INSTALL_TIMEOUT / 60:g} min"
    text = result.stderr.strip() or result.stdout.strip()
    return text.splitlines()[-1] if text else f"exit code {result.returncode}"


def _python_version(python: str) -> str:
    proc = subprocess.run(
        [python, "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"],
        capture_output=True,
        text=True,
        check=False,
        env=child_env(),
        timeout=PROBE_TIMEOUT,
    )
    if proc.returncode != 0:
        raise BotError(f"{python} does not run: {proc.stderr.strip().splitlines()[-1:]}")
    return proc.stdout.strip()


def has_module(python: str, module: str) -> bool:
    """Whether `python` can import `module` (found, not imported: no import side effects)."""
    code = f"import importlib.util, sys; sys.exit(0 if importlib.util.find_spec({module!r}) else 1)"
    proc = subprocess.run(
        [python, "-c", code],
        capture_output=True,
        check=False,
        env=child_env(),
        timeout=PROBE_TIMEOUT,
    )
    return proc.returncode == 0
