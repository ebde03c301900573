"""Inventory: kept rows of results.tsv resolved against git; rule docs parsed for the PR body."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from codeflash_bot.git import Git
from codeflash_bot.models import Domain
from codeflash_bot.prep.inventory import (
    docstring_sections,
    inventory,
    inventory_table,
    parse_description,
    rule_info,
)
from tests.support.git import git
from tests.support.prep_demo import make_repo


def test_parse_description_splits_code_name_summary() -> None:
    assert parse_description("CPU101 list-membership-in-loop: hoist set(ys)") == (
        "CPU101",
        "list-membership-in-loop",
        "hoist set(ys)",
    )


def test_parse_description_keeps_free_text_as_summary() -> None:
    assert parse_description("hand-written: made it faster") == (
        "",
        "",
        "hand-written: made it faster",
    )


def test_docstring_sections_accept_headings_with_or_without_colon() -> None:
    doc = "T.\n\nWhat it does:\n    finds x\nWhy is this bad?\n    slow\n    very\nExample:\n    e"
    sections = docstring_sections(doc)
    assert sections["What it does"] == "finds x"
    assert sections["Why is this bad?"] == "slow very"


def test_rule_info_reads_a_registered_rule() -> None:
    info = rule_info("CPU103")
    assert info is not None
    assert "O(n log n)" in info.why
    assert "IndexError" in info.unsafe
    assert rule_info("NOPE999") is None


def test_inventory_lists_only_kept_rows_on_the_branch(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    items = inventory(Git(repo.root), repo.head, repo.base)
    assert len(items) == 1
    it = items[0]
    assert (it.target, it.module, it.qualname) == ("demo.core:dedupe", "demo.core", "dedupe")
    assert it.file == "src/demo/core.py"
    assert it.commit == repo.kept_commit
    assert it.domain is Domain.CPU
    assert it.delta_pct == -97.5
    assert (it.rule_code, it.rule_name) == ("CPU101", "list-membership-in-loop")


def test_inventory_skips_commits_not_on_the_branch(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    # Everything on head is also on head itself: base=head leaves nothing to describe.
    assert inventory(Git(repo.root), repo.head, repo.head) == []


def test_inventory_reads_results_at_the_ref_not_the_checkout(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    git(repo.root, "switch", "-q", "main")
    assert not (repo.root / ".codeflash").exists()
    assert [i.target for i in inventory(Git(repo.root), repo.head)] == ["demo.core:dedupe"]


def test_inventory_table_has_every_column(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    console = Console(record=True, width=200)
    console.print(inventory_table(inventory(Git(repo.root), repo.head, repo.base)))
    text = console.export_text()
    for word in ("function", "file", "commit", "domain", "demo.core:dedupe", "-97.5%"):
        assert word in text
