"""Which Python builds the bot's venv: the bot's own, unless the project's requires-python says no.

The constraint is read from pyproject `[project] requires-python`, setup.cfg
`[options] python_requires` or a literal `python_requires=` in setup.py. When the bot's Python
does not satisfy it, the newest matching interpreter found on this machine is used: `python3.X`
on PATH, pyenv (`~/.pyenv/versions/*/bin/python`) and uv-managed ones
(`~/.local/share/uv/python/*/bin/python`). None matching is one clear error.
"""

from __future__ import annotations

import ast
import configparser
import os
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from codeflash_bot.errors import BotError
from codeflash_bot.models import Frozen
from codeflash_bot.session.child_env import child_env

MINORS = range(9, 20)  # python3.9 ... python3.19 on PATH
HARNESS_MIN = Version("3.9")  # the harness scripts run on 3.9+


class Interpreter(Frozen):
    """A Python found on the machine and its version."""

    path: str
    version: str
    origin: str  # "the bot's", "PATH", "pyenv", "uv"


def requires_python(root: Path) -> str:
    """The project's declared Python constraint ("" when none is declared)."""
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            data = {}
        value = data.get("project", {}).get("requires-python")
        if isinstance(value, str) and value.strip():
            return value.strip()
    cfg = root / "setup.cfg"
    if cfg.is_file():
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read(cfg, encoding="utf-8")
            value = parser.get("options", "python_requires", fallback="").strip()
        except (configparser.Error, UnicodeDecodeError):
            value = ""
        if value:
            return value
    return _setup_py_requires(root / "setup.py")


def choose_interpreter(root: Path, home: Path | None = None) -> tuple[Interpreter, str]:
    """(interpreter for the bot's venv, the reason in words); BotError when none fits."""
    spec_text = requires_python(root)
    own = Interpreter(path=sys.executable, version=_version_of_running(), origin="the bot's")
    if not spec_text:
        return own, ""
    try:
        spec = SpecifierSet(spec_text)
    except InvalidSpecifier:
        return own, f"requires-python {spec_text!r} is not a valid specifier; ignored it"
    if spec.contains(own.version, prereleases=True):
        return own, ""
    found = [i for i in find_interpreters(home) if spec.contains(i.version, prereleases=True)]
    if not found:
        raise BotError(
            f"the project requires Python {spec_text} but this is {own.version} and no matching"
            " interpreter was found on PATH, in pyenv or uv (set `python` in [tool.codeflash-bot])"
        )
    best = max(found, key=lambda i: Version(i.version))
    why = f"requires-python {spec_text} excludes the bot's {own.version}"
    return best, f"{why}; using {best.version} from {best.origin}"


def find_interpreters(home: Path | None = None) -> list[Interpreter]:
    """Pythons on this machine (PATH python3.X, pyenv, uv), each asked for its version."""
    home = home or Path.home()
    paths: list[tuple[str, str]] = []
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        if not directory or directory.rstrip("/").endswith("shims"):  # pyenv's: listed below
            continue
        for minor in MINORS:
            exe = Path(directory) / f"python3.{minor}"
            if exe.is_file() and os.access(exe, os.X_OK):
                paths.append((str(exe), "PATH"))
    pyenv = Path(os.environ.get("PYENV_ROOT", home / ".pyenv")) / "versions"
    paths += [(str(p), "pyenv") for p in sorted(pyenv.glob("*/bin/python"))]
    uv = home / ".local" / "share" / "uv" / "python"
    paths += [(str(p), "uv") for p in sorted(uv.glob("*/bin/python"))]
    out: list[Interpreter] = []
    seen: set[str] = set()
    for path, origin in paths:
        real = os.path.realpath(path)
        if real in seen:
            continue
        seen.add(real)
        version = _version_of(path)
        if version and Version(version) >= HARNESS_MIN:
            out.append(Interpreter(path=path, version=version, origin=origin))
    return out


def _version_of_running() -> str:
    return ".".join(str(n) for n in sys.version_info[:3])


def _version_of(python: str) -> str:
    try:
        proc = subprocess.run(
            [python, "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
            env=child_env(),
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return proc.stdout.strip() if proc.returncode == 0 else ""


def _setup_py_requires(path: Path) -> str:
    if not path.is_file():
        return ""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"))
    except SyntaxError:
        return ""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if (
                    kw.arg == "python_requires"
                    and isinstance(kw.value, ast.Constant)
                    and isinstance(kw.value.value, str)
                ):
                    return kw.value.value.strip()
    return ""
