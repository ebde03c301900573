"""`status` prints names with underscores as written (HANDOFF.md goes through markdown)."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from codeflash_bot.status import escape_underscores, status_report
from tests.support.git import git
from tests.support.repos import make_repo

HANDOFF = """\
# Handoff

- Branch: `codeflash/ds-x`
- State: finished

## Tried

| target | rule | status | note |
|---|---|---|---|
| `pkg:setup` | CPU101 | discard | tests failed in pkg/__init__.py and my_helper_name |
"""


def test_status_prints_dunder_file_names_intact(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"pkg/__init__.py": "X = 1\n"})
    git(repo, "switch", "-q", "-c", "codeflash/ds-x")
    (repo / ".codeflash").mkdir()
    (repo / ".codeflash" / "HANDOFF.md").write_text(HANDOFF, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "state")
    console = Console(record=True, width=160, color_system=None)
    console.print(status_report(repo))
    shown = console.export_text()
    assert "pkg/__init__.py" in shown and "my_helper_name" in shown
    assert "codeflash/ds-x" in shown  # code spans are left as they are


def test_code_spans_are_not_escaped() -> None:
    assert escape_underscores("a_b `c_d` e_f") == "a\\_b `c_d` e\\_f"
