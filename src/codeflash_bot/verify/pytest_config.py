"""The project's own pytest configuration, read the way pytest picks it, so our run respects it.

pytest takes the first of pytest.ini, pyproject.toml `[tool.pytest.ini_options]` (or pytest 9's
`[tool.pytest]`), tox.ini `[pytest]`, setup.cfg `[tool:pytest]` in the rootdir. We only read what
decides where tests are and what runs: testpaths, python_files and addopts. The project keeps its
addopts; we add options after them, and only the few that keep a gate run honest and the tree clean.
"""

from __future__ import annotations

import configparser
import shlex
import tomllib
from pathlib import Path

from pydantic import Field

from codeflash_bot.models import Frozen

DEFAULT_PYTHON_FILES = ("test_*.py", "*_test.py")


class PytestIni(Frozen):
    """The parts of the project's pytest configuration that decide what runs."""

    source: str = Field("", description="e.g. 'setup.cfg [tool:pytest]'; empty when none")
    testpaths: tuple[str, ...] = ()
    python_files: tuple[str, ...] = DEFAULT_PYTHON_FILES
    addopts: tuple[str, ...] = ()

    @property
    def doctest_modules(self) -> bool:
        return "--doctest-modules" in self.addopts

    def has_option(self, *names: str) -> bool:
        """True when addopts sets any of `names` (as `--x`, `--x=v` or `-nV` style)."""
        for opt in self.addopts:
            for name in names:
                if opt == name or opt.startswith(f"{name}="):
                    return True
                if len(name) == 2 and opt.startswith(name) and not opt.startswith("--"):
                    return True
        return False

    def describe(self) -> str:
        """One line for setup.md."""
        if not self.source:
            return "none (pytest defaults)"
        parts = [self.source]
        if self.testpaths:
            parts.append(f"testpaths {' '.join(self.testpaths)}")
        if self.addopts:
            parts.append(f"addopts `{shlex.join(self.addopts)}`")
        return ", ".join(parts)


def read_pytest_ini(root: Path) -> PytestIni:
    """The configuration pytest would use when run from `root` (missing or broken: defaults)."""
    for reader in (_pytest_ini, _pyproject, _tox_ini, _setup_cfg):
        found = reader(root)
        if found is not None:
            return found
    return PytestIni()


def _from_values(source: str, values: dict[str, object]) -> PytestIni:
    return PytestIni(
        source=source,
        testpaths=_words(values.get("testpaths")),
        python_files=_words(values.get("python_files")) or DEFAULT_PYTHON_FILES,
        addopts=_words(values.get("addopts"), shell=True),
    )


def _words(value: object, *, shell: bool = False) -> tuple[str, ...]:
    """ini values are whitespace-separated strings; TOML ones may also be lists."""
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        text = str(item)
        try:
            out += shlex.split(text) if shell else text.split()
        except ValueError:
            out += text.split()
    return tuple(out)


def _ini_section(path: Path, section: str) -> dict[str, object] | None:
    if not path.is_file():
        return None
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(path.read_text(encoding="utf-8"))
    except (configparser.Error, UnicodeDecodeError):
        return None
    if not parser.has_section(section):
        return None
    return dict(parser.items(section))


def _pytest_ini(root: Path) -> PytestIni | None:
    for name in ("pytest.ini", ".pytest.ini"):
        path = root / name
        if path.is_file():  # pytest.ini wins even without a [pytest] section
            return _from_values(f"{name} [pytest]", _ini_section(path, "pytest") or {})
    return None


def _pyproject(root: Path) -> PytestIni | None:
    path = root / "pyproject.toml"
    if not path.is_file():
        return None
    try:
        tool = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {})
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    pytest_table = tool.get("pytest", {})
    if "ini_options" in pytest_table:
        return _from_values("pyproject.toml [tool.pytest.ini_options]", pytest_table["ini_options"])
    if pytest_table:
        return _from_values("pyproject.toml [tool.pytest]", pytest_table)
    return None


def _tox_ini(root: Path) -> PytestIni | None:
    values = _ini_section(root / "tox.ini", "pytest")
    return None if values is None else _from_values("tox.ini [pytest]", values)


def _setup_cfg(root: Path) -> PytestIni | None:
    values = _ini_section(root / "setup.cfg", "tool:pytest")
    return None if values is None else _from_values("setup.cfg [tool:pytest]", values)
