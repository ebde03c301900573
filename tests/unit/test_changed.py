"""`session/changed.py`: a real git history mapped to the functions it changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from codeflash_bot.errors import BotError
from codeflash_bot.git import Git
from codeflash_bot.session.changed import changed_functions, diff_hunks, function_spans
from tests.support.git import git as _git  # `git` names a Git in these tests

BASE = """\
import functools


def untouched(x):
    return x + 1


@functools.cache
def decorated(x):
    return x * 2


class Shapes:
    def area(self, w, h):
        return w * h

    def perimeter(self, w, h):
        return 2 * (w + h)

    class Inner:
        def size(self):
            return 3


def outer(xs):
    def inner(x):
        return x * x

    return [inner(x) for x in xs]


def shrinks(xs):
    total = 0
    for x in xs:
        total += x
    return total
"""


def _repo(tmp_path: Path, base: dict[str, str], head: dict[str, str]) -> Git:
    """`main` holds `base`, branch `pr` (checked out) holds `head`; None deletes a file."""
    _git(tmp_path, "init", "-q", "-b", "main")
    for files in (base, head):
        for rel, text in files.items():
            path = tmp_path / rel
            if text is None:
                path.unlink()
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        _git(tmp_path, "add", "-A")
        _git(tmp_path, "commit", "-q", "--allow-empty", "-m", "commit")
        if files is base:
            _git(tmp_path, "checkout", "-q", "-b", "pr")
    return Git(tmp_path)


def _keys(git: Git, since: str = "main", under: Path = Path()) -> dict[str, bool]:
    found = changed_functions(git, under, since)
    return {f"{f.file.as_posix()}::{f.qualname}": f.new for f in found.functions}


def test_edits_map_to_the_functions_and_methods_they_fall_in(tmp_path: Path) -> None:
    head = (
        BASE.replace("return x * 2", "return x * 3")  # decorated function body
        .replace("return 2 * (w + h)", "return (w + h) * 2")  # a method
        .replace("return 3", "return 4")  # a method of a nested class
        .replace("return x * x", "return x ** 2")  # a nested function -> the outer one
        .replace("    total = 0\n", "")  # a deleted line
        + "\n\ndef added(y):\n    return y\n"
    )
    git = _repo(tmp_path, {"pkg/mod.py": BASE}, {"pkg/mod.py": head})
    assert _keys(git) == {
        "pkg/mod.py::decorated": False,
        "pkg/mod.py::Shapes.perimeter": False,
        "pkg/mod.py::Shapes.Inner.size": False,
        "pkg/mod.py::outer": False,
        "pkg/mod.py::shrinks": False,
        "pkg/mod.py::added": True,
    }


def test_a_decorator_change_counts_and_untouched_code_does_not(tmp_path: Path) -> None:
    head = BASE.replace("@functools.cache", "@functools.lru_cache(maxsize=8)")
    head = head.replace("import functools", "import functools  # caching")
    git = _repo(tmp_path, {"mod.py": BASE}, {"mod.py": head})
    assert _keys(git) == {"mod.py::decorated": False}


def test_new_file_has_only_new_functions_and_non_python_files_are_ignored(tmp_path: Path) -> None:
    new = "def a():\n    return 1\n\n\nclass K:\n    def b(self):\n        return 2\n"
    git = _repo(
        tmp_path,
        {"mod.py": BASE},
        {"new.py": new, "README.md": "def nope():\n", "mod.py": None},
    )
    assert _keys(git) == {"new.py::a": True, "new.py::K.b": True}


def test_paths_are_relative_to_the_project_inside_the_repository(tmp_path: Path) -> None:
    head = BASE.replace("return w * h", "return h * w")
    git = _repo(
        tmp_path,
        {"proj/src/m.py": BASE, "other/m.py": BASE},
        {"proj/src/m.py": head, "other/m.py": head},
    )
    assert _keys(git, under=Path("proj")) == {"src/m.py::Shapes.area": False}


def test_the_diff_is_taken_from_the_merge_base(tmp_path: Path) -> None:
    git = _repo(tmp_path, {"mod.py": BASE}, {"mod.py": BASE.replace("x + 1", "x + 2")})
    _git(tmp_path, "checkout", "-q", "main")
    (tmp_path / "mod.py").write_text(BASE.replace("w * h", "h * w"))  # main moves on
    _git(tmp_path, "commit", "-q", "-am", "main moves")
    _git(tmp_path, "checkout", "-q", "pr")
    found = changed_functions(git, Path(), "main")
    assert [f.qualname for f in found.functions] == ["untouched"]
    assert found.base == _git(tmp_path, "merge-base", "main", "pr")
    assert found.base_files[Path("mod.py")] == BASE


@pytest.mark.parametrize("ref", ["nope", "--output=/tmp/x", ""])
def test_bad_revision_is_one_clear_error(tmp_path: Path, ref: str) -> None:
    git = _repo(tmp_path, {"mod.py": BASE}, {"mod.py": BASE})
    with pytest.raises(BotError, match="--changed-since"):
        changed_functions(git, Path(), ref)


def test_hunks_and_spans_agree_on_line_numbers(tmp_path: Path) -> None:
    git = _repo(tmp_path, {"mod.py": BASE}, {"mod.py": BASE.replace("w * h", "h * w")})
    hunks = diff_hunks(git, "main", "HEAD", Path())
    [hunk] = hunks["mod.py"]
    start, end = function_spans(BASE)["Shapes.area"]
    assert start <= hunk.new_start <= end and hunk.new_len == 1
    assert function_spans(BASE)["decorated"][0] == BASE.splitlines().index("@functools.cache") + 1


def test_blank_lines_between_definitions_belong_to_no_function(tmp_path: Path) -> None:
    head = "\n" + BASE.replace("\n\n\n@functools.cache", "\n\n@functools.cache")
    git = _repo(tmp_path, {"mod.py": BASE}, {"mod.py": head})
    assert _keys(git) == {}


def test_removing_the_last_statement_changes_the_function(tmp_path: Path) -> None:
    head = BASE.replace("        return w * h\n", "        w * h\n        return\n").replace(
        "    for x in xs:\n        total += x\n    return total\n",
        "    for x in xs:\n        total += x\n",
    )
    git = _repo(tmp_path, {"mod.py": BASE}, {"mod.py": head})
    assert _keys(git) == {"mod.py::Shapes.area": False, "mod.py::shrinks": False}


def test_test_modules_are_not_mapped(tmp_path: Path) -> None:
    head = BASE.replace("x + 1", "x + 2")
    git = _repo(
        tmp_path,
        {"tests/test_mod.py": BASE, "pkg/conftest.py": BASE, "pkg/mod.py": BASE},
        {"tests/test_mod.py": head, "pkg/conftest.py": head, "pkg/mod.py": head},
    )
    assert _keys(git) == {"pkg/mod.py::untouched": False}
