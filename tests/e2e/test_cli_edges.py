"""The CLI's rough edges: static checks before any venv is built, one line and its own exit code
for every user mistake, plain phase lines and uncut tables when piped, consistent help."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from codeflash_bot.errors import EXIT_GUARD
from tests.support.cli import one_line_error, run_bot
from tests.support.git import git
from tests.support.paths import PYTHON
from tests.support.repos import SMALL, make_repo, snapshot


def _no_venv_built(repo: Path) -> bool:
    return not (repo / ".git" / "codeflash" / "venvs").exists()


@pytest.mark.parametrize("target", ["small.core:nope", "src/small/core.py::nope"])
def test_unknown_target_is_refused_before_building_a_venv(tmp_path: Path, target: str) -> None:
    repo = make_repo(tmp_path / "r", SMALL)  # no --python: a run would build a venv first
    before = snapshot(repo)
    line = one_line_error(run_bot("optimize", str(repo), "--domain", "cpu", "--target", target))
    assert "unknown target" in line
    assert _no_venv_built(repo) and snapshot(repo) == before
    assert git(repo, "branch", "--list", "codeflash/*") == ""


def test_no_tests_is_refused_before_building_a_venv(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {k: v for k, v in SMALL.items() if "tests/" not in k})
    line = one_line_error(run_bot("optimize", str(repo), "--domain", "cpu"))
    assert "no tests found" in line and "--workload" in line
    assert _no_venv_built(repo)


def test_missing_guard_program_is_one_line_with_its_own_exit_code(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", SMALL)
    proc = run_bot("optimize", str(repo), "--domain", "cpu", "--guard", "missing-cmd-xyz -q")
    line = one_line_error(proc)
    assert proc.returncode == EXIT_GUARD
    assert "guard command not found: 'missing-cmd-xyz'" in line
    assert "internal error" not in line and _no_venv_built(repo)


def test_dirty_tree_message_names_the_whole_path(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", SMALL)
    (repo / "src/small/core.py").write_text("def lowest(xs):\n    return min(xs)\n")
    line = one_line_error(run_bot("optimize", str(repo), "--domain", "cpu", "--python", PYTHON))
    assert "(src/small/core.py)" in line


def test_version_and_help_show_choices_and_budget_options() -> None:
    proc = run_bot("--version")
    assert proc.returncode == 0 and re.fullmatch(r"codeflash-bot \S+\n", proc.stdout)
    wide = run_bot("optimize", "--help", env={"COLUMNS": "200"})
    helptext = " ".join(wide.stdout.split())
    assert "rules|llm|both" in helptext
    assert "time budget of the run, minutes" in helptext
    assert "at most this many experiments" in helptext
    line = one_line_error(run_bot("optimize", "--proposer", "magic"))
    assert "magic" in line and "rules" in line and "both" in line


def test_compare_takes_the_path_as_argument_or_option(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", SMALL)
    by_arg = one_line_error(run_bot("compare", "nope", "main", str(repo)))
    by_opt = one_line_error(run_bot("compare", "nope", "main", "--path", str(repo)))
    assert by_arg == by_opt and "nope" in by_arg
    other = tmp_path / "other"
    other.mkdir()
    both = one_line_error(run_bot("compare", "nope", "main", str(repo), "--path", str(other)))
    assert "not both" in both


@pytest.mark.slow
def test_piped_output_has_phase_lines_and_uncut_tables(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", SMALL)
    proc = run_bot(
        "optimize", str(repo), "--domain", "cpu", "--python", PYTHON, "--max-experiments", "2"
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    phases = re.findall(r"^\[\s*\d+\.\ds\] (\w+)", proc.stdout, flags=re.MULTILINE)
    assert phases[:2] == ["start", "setup"], proc.stdout[:2000]
    assert "baseline" in phases and phases.index("baseline") > phases.index("setup")
    assert "…" not in proc.stdout  # rich cuts cells with an ellipsis at 80 columns
    assert "small.core:lowest" in proc.stdout
