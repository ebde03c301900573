"""requires-python decides which interpreter builds the bot's venv for a project."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

from codeflash_bot.errors import BotError
from codeflash_bot.session.interpreter import choose_interpreter, find_interpreters, requires_python

OTHERS = [i for i in find_interpreters() if i.version.split(".")[:2] != sys.version.split(".")[:2]]
EXCLUDING_OURS = f"!={sys.version_info.major}.{sys.version_info.minor}.*"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("pyproject.toml", '[project]\nname = "x"\nrequires-python = ">=3.12"\n'),
        ("setup.cfg", "[options]\npython_requires = >=3.12\n"),
        ("setup.py", 'from setuptools import setup\nsetup(name="x", python_requires=">=3.12")\n'),
    ],
)
def test_requires_python_is_read_from_each_metadata_file(
    tmp_path: Path, name: str, text: str
) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    assert requires_python(tmp_path) == ">=3.12"


def test_the_bots_python_is_used_when_it_matches(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nrequires-python = ">=3.8"\n')
    chosen, why = choose_interpreter(tmp_path)
    assert chosen.path == sys.executable and why == ""


@pytest.mark.skipif(not OTHERS, reason="no other Python installed on this machine")
def test_an_excluding_requires_python_picks_a_matching_installed_python(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(f'[project]\nrequires-python = "{EXCLUDING_OURS}"\n')
    chosen, why = choose_interpreter(tmp_path)
    assert chosen.path != sys.executable
    assert chosen.version in SpecifierSet(EXCLUDING_OURS)
    assert f"excludes the bot's {sys.version.split()[0]}" in why
    assert chosen.origin in why


def test_no_matching_python_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nrequires-python = ">=3.99"\n')
    with pytest.raises(BotError) as info:
        choose_interpreter(tmp_path)
    message = str(info.value)
    assert "requires Python >=3.99" in message and "\n" not in message
