"""The project's own formatter and import sorter, run on each kept file and generated benchmark.

Why: a kept diff that ignores the project's style (a module-level constant with no blank lines
around it, imports out of order) earns a review comment before anyone reads the idea.

Detected (unless the `formatter` config key names the tools, or "none"): ruff's formatter from
`[tool.ruff.format]` (pyproject.toml, ruff.toml, .ruff.toml) or a `ruff-format` pre-commit hook;
ruff's import sorting when its lint selects `I` or the `ruff` hook passes `--select I`; black
from `[tool.black]` or its hook; isort from `[tool.isort]`, setup.cfg `[isort]`/`[tool:isort]`,
`.isort.cfg` or its hook. Sorters run before formatters. Each tool reads the file's source on
stdin with `--stdin-filename`, so it finds the project's configuration and nothing is written
until the loop writes the candidate. The tool runs from the project's environment when it has
it, else the bot's own; neither having it is one note, never an error.

A file that was not formatted by the tool before the change is formatted only on the lines the
change touched (ruff `--range`, black `--line-ranges`), and an import sorter leaves it alone:
the diff stays the change, not a restyle of the file.
"""

from __future__ import annotations

import ast
import configparser
import difflib
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import Field

from codeflash_bot.models import Frozen
from codeflash_bot.session.layout import read_toml

TOOLS = ("ruff-isort", "isort", "ruff-format", "black")  # the order they run in
ALIASES = {"ruff": ("ruff-isort", "ruff-format")}
TIMEOUT = 60.0
_MODULE = {"ruff-isort": "ruff", "ruff-format": "ruff", "black": "black", "isort": "isort"}
_HOOK = re.compile(r"^\s*-\s*id:\s*['\"]?([\w.-]+)", re.M)


class Formatter(Frozen):
    """The tools to run, in order, and where each was found (for the user's note)."""

    tools: list[str]
    found_in: str
    commands: dict[str, list[str]] = Field(default_factory=dict)  # tool -> argv that runs it

    def describe(self) -> str:
        return f"{' + '.join(self.tools)} (from {self.found_in})"

    def apply(self, path: Path, original: str | None, source: str) -> str:
        """`source` (the new text of `path`) as the project's tools would write it.

        With `original` (the text before the change) only the changed lines are formatted
        when the original itself is not formatted; a tool that fails leaves the text as is.
        """
        for tool in self.tools:
            argv = self.commands.get(tool)
            if argv is None:
                continue
            clean = original is None or _run(argv, tool, path, original) == original
            if clean:
                source = _run(argv, tool, path, source) or source
            elif tool in ("ruff-format", "black"):
                for start, end in reversed(changed_lines(original or "", source)):
                    source = _run(argv, tool, path, source, (start, end)) or source
        return source


def parse_setting(value: str | Sequence[str]) -> list[str] | None:
    """The `formatter` config key: "auto" -> None (detect), "none"/[] -> [], else tool names."""
    names = [value] if isinstance(value, str) else list(value)
    if names == ["auto"]:
        return None
    out: list[str] = []
    for name in names:
        if name == "none":
            continue
        out += ALIASES.get(name, (name,))
    return [t for t in TOOLS if t in out]


def detect(root: Path) -> tuple[list[str], str]:
    """(tools the project configures, in run order; where they were found)."""
    found: dict[str, str] = {}
    pyproject = read_toml(root / "pyproject.toml").get("tool", {})
    ruff_tables = [
        ("pyproject.toml", pyproject.get("ruff")),
        ("ruff.toml", read_toml(root / "ruff.toml") or None),
        (".ruff.toml", read_toml(root / ".ruff.toml") or None),
    ]
    for name, table in ruff_tables:
        if isinstance(table, dict):
            if "format" in table:
                found.setdefault("ruff-format", name)
            lint = table.get("lint", {})
            selected = [
                *table.get("select", []),
                *table.get("extend-select", []),
                *lint.get("select", []),
                *lint.get("extend-select", []),
            ]
            if "I" in selected or any(str(s).startswith("I0") for s in selected):
                found.setdefault("ruff-isort", name)
    if "black" in pyproject:
        found.setdefault("black", "pyproject.toml")
    if "isort" in pyproject:
        found.setdefault("isort", "pyproject.toml")
    if _cfg_has(root / "setup.cfg", ("isort", "tool:isort")) or (root / ".isort.cfg").is_file():
        found.setdefault("isort", "setup.cfg" if (root / "setup.cfg").is_file() else ".isort.cfg")
    precommit = root / ".pre-commit-config.yaml"
    if precommit.is_file():
        text = precommit.read_text(encoding="utf-8", errors="replace")
        hooks = set(_HOOK.findall(text))
        for hook, tool in (("ruff-format", "ruff-format"), ("black", "black"), ("isort", "isort")):
            if hook in hooks:
                found.setdefault(tool, ".pre-commit-config.yaml")
        if "ruff" in hooks and re.search(r"--select[ =,\"']+[^\n]*\bI\b", text):
            found.setdefault("ruff-isort", ".pre-commit-config.yaml")
    tools = [t for t in TOOLS if t in found]
    return tools, ", ".join(dict.fromkeys(found[t] for t in tools))


def load(root: Path, setting: str | Sequence[str], python: str) -> tuple[Formatter | None, str]:
    """The formatter for the project at `root` and one line for the user ("" when none)."""
    chosen = parse_setting(setting)
    where = "the `formatter` config key"
    if chosen is None:
        chosen, where = detect(root)
    if not chosen:
        return None, ""
    commands: dict[str, list[str]] = {}
    missing: list[str] = []
    for tool in chosen:
        argv = _command(_MODULE[tool], python)
        if argv is None:
            missing.append(tool)
        else:
            commands[tool] = argv
    formatter = Formatter(tools=chosen, found_in=where, commands=commands)
    line = f"formatting kept files with {formatter.describe()}"
    if missing:
        line += f"; not installed anywhere, skipped: {', '.join(missing)}"
    return (formatter if commands else None), line


def same_code(a: str, b: str) -> bool:
    """Same syntax tree: the formatting changed layout only, nothing that runs."""
    try:
        return ast.dump(ast.parse(a)) == ast.dump(ast.parse(b))
    except SyntaxError:
        return False


def changed_lines(before: str, after: str) -> list[tuple[int, int]]:
    """1-based inclusive line ranges of `after` that differ from `before`."""
    matcher = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines(), autojunk=False)
    ranges = []
    for tag, _, _, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "insert") and j2 > j1:
            ranges.append((j1 + 1, j2))
    return ranges


def _command(module: str, python: str) -> list[str] | None:
    """How to run `module`: the project's environment first, then the bot's own."""
    for interpreter in dict.fromkeys([python, sys.executable]):
        probe = [interpreter, "-m", module, "--version"]
        try:
            ok = subprocess.run(probe, capture_output=True, timeout=TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if ok.returncode == 0:
            return [interpreter, "-m", module]
    exe = shutil.which(module)
    return [exe] if exe else None


def _run(
    argv: list[str], tool: str, path: Path, source: str, lines: tuple[int, int] | None = None
) -> str | None:
    """The tool's output for `source` as the file at `path`, or None when it fails."""
    stdin = str(path)
    if tool == "ruff-format":
        args = ["format", "--quiet", "--stdin-filename", stdin]
        args += [f"--range={lines[0]}-{lines[1]}"] if lines else []
    elif tool == "ruff-isort":
        args = ["check", "--select", "I", "--fix", "--exit-zero", "--quiet"]
        args += ["--stdin-filename", stdin]
    elif tool == "black":
        args = ["--quiet", "--stdin-filename", stdin]
        args += [f"--line-ranges={lines[0]}-{lines[1]}"] if lines else []
    else:
        args = ["--quiet", "--filename", stdin]
    try:
        proc = subprocess.run(
            [*argv, *args, "-"],
            input=source,
            capture_output=True,
            text=True,
            cwd=path.parent,
            timeout=TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if proc.returncode != 0 or not proc.stdout.strip():
        return None
    return proc.stdout


def _cfg_has(path: Path, sections: tuple[str, ...]) -> bool:
    if not path.is_file():
        return False
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        return False
    return any(parser.has_section(s) for s in sections)
