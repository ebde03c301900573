"""The project's formatter on kept files: detected from its config, run for real (ruff)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from codeflash_bot.formatter import changed_lines, detect, load, parse_setting, same_code

ORIGINAL = textwrap.dedent(
    '''\
    """Logs."""

    import re


    def count_errors(lines):
        count = 0
        for line in lines:
            if re.match(r"ERROR\\b", line):
                count += 1
        return count
    '''
)
# What a rewrite rule emits: the hoisted constant glued to the imports and the def.
CANDIDATE = ORIGINAL.replace(
    "import re\n\n\ndef", 'import re\n_ERROR = re.compile(r"ERROR\\b")\ndef'
).replace('re.match(r"ERROR\\b", line)', "_ERROR.match(line)")


def _project(tmp_path: Path, pyproject: str, files: dict[str, str] | None = None) -> Path:
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent(pyproject), encoding="utf-8")
    for rel, text in (files or {}).items():
        (tmp_path / rel).write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


def _ruff_format(root: Path, path: Path, text: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--stdin-filename", str(path), "-"],
        input=text, capture_output=True, text=True, cwd=root, check=True,
    )  # fmt: skip
    return proc.stdout


PRECOMMIT = "repos:\n- repo: x\n  hooks:\n  - id: black\n  - id: isort\n"


@pytest.mark.parametrize(
    ("pyproject", "files", "tools"),
    [
        ("[tool.ruff.format]\nquote-style = 'double'\n", {}, ["ruff-format"]),
        (
            "[tool.ruff.lint]\nselect = ['E', 'I']\n[tool.ruff.format]\n",
            {},
            ["ruff-isort", "ruff-format"],
        ),
        ("[tool.black]\n[tool.isort]\nprofile = 'black'\n", {}, ["isort", "black"]),
        ("[project]\nname = 'x'\n", {"setup.cfg": "[isort]\nprofile = black\n"}, ["isort"]),
        ("[project]\nname = 'x'\n", {".pre-commit-config.yaml": PRECOMMIT}, ["isort", "black"]),
        ("[tool.ruff]\nline-length = 100\n", {}, []),  # ruff lint alone formats nothing
    ],
)
def test_detected_from_the_project_config(
    tmp_path: Path, pyproject: str, files: dict[str, str], tools: list[str]
) -> None:
    assert detect(_project(tmp_path, pyproject, files))[0] == tools


def test_config_key_overrides_detection() -> None:
    assert parse_setting("auto") is None
    assert parse_setting("none") == []
    assert parse_setting("ruff") == ["ruff-isort", "ruff-format"]
    assert parse_setting(["black", "isort"]) == ["isort", "black"]


def test_kept_file_comes_out_as_ruff_format_writes_it(tmp_path: Path) -> None:
    root = _project(tmp_path, "[tool.ruff.format]\n")
    path = root / "logs.py"
    formatter, line = load(root, "auto", sys.executable)
    assert formatter is not None and "ruff-format" in line and "pyproject.toml" in line
    out = formatter.apply(path, ORIGINAL, CANDIDATE)
    assert out == _ruff_format(root, path, CANDIDATE)
    assert '\n\n_ERROR = re.compile(r"ERROR\\b")\n\n\ndef' in out  # blank lines around it
    assert same_code(out, CANDIDATE)  # layout only: the verdict stands


def test_unformatted_file_is_formatted_only_where_the_change_is(tmp_path: Path) -> None:
    root = _project(tmp_path, "[tool.ruff.format]\n")
    messy = "def other( a ):\n  return a\n\n\n"
    formatter, _ = load(root, "ruff-format", sys.executable)
    assert formatter is not None
    out = formatter.apply(root / "logs.py", messy + ORIGINAL, messy + CANDIDATE)
    assert out.startswith(messy)  # the user's own style elsewhere is left alone
    assert "_ERROR.match(line)" in out


def test_none_and_nothing_configured_mean_no_formatter(tmp_path: Path) -> None:
    assert load(_project(tmp_path, "[tool.ruff.format]\n"), "none", sys.executable) == (None, "")
    bare = tmp_path / "bare"
    bare.mkdir()
    assert load(_project(bare, "[project]\nname = 'x'\n"), "auto", sys.executable) == (None, "")


def test_changed_lines_and_same_code() -> None:
    assert changed_lines("a\nb\nc\n", "a\nB\nc\nd\n") == [(2, 2), (4, 4)]
    assert same_code("x = [1,\n 2]\n", "x = [1, 2]\n")
    assert not same_code("import a\nimport b\n", "import b\nimport a\n")


def test_import_sorter_runs_first_and_changes_code(tmp_path: Path) -> None:
    root = _project(tmp_path, "[tool.ruff.lint]\nselect = ['I']\n[tool.ruff.format]\n")
    formatter, _ = load(root, "auto", sys.executable)
    assert formatter is not None and formatter.tools == ["ruff-isort", "ruff-format"]
    candidate = ORIGINAL.replace("import re\n", "import re\nimport functools\n")
    out = formatter.apply(root / "logs.py", ORIGINAL, candidate)
    assert "import functools\nimport re\n" in out
    assert not same_code(out, candidate)  # import order can matter: the loop re-verifies
