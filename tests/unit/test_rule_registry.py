"""Every rule is registered, documented with the shared headings, and has a fixture test."""

from pathlib import Path

import pytest

from codeflash_bot.models import Domain
from codeflash_bot.propose.catalog import render_catalog, sections
from codeflash_bot.propose.rule import DOC_HEADINGS
from codeflash_bot.propose.rules import all_rules

ROOT = Path(__file__).resolve().parents[2]
RULES = all_rules()


def test_at_least_40_rules() -> None:
    assert len(RULES) >= 40


def test_at_least_15_cpu_rules_with_unique_codes() -> None:
    cpu = [r for r in RULES if r.domain is Domain.CPU]
    assert len(cpu) >= 15
    assert len({r.code for r in RULES}) == len(RULES)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_docstring_has_every_heading(rule) -> None:
    found = sections(rule)
    assert [h for h in DOC_HEADINGS if not found.get(h)] == []


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_has_a_fixture_test_module(rule) -> None:
    module = type(rule).__module__.rsplit(".", 1)[1]
    assert (ROOT / "tests" / "unit" / "rules" / f"test_{module}.py").is_file()


def test_docs_catalog_is_current() -> None:
    doc = ROOT / "docs" / "rules.md"
    assert doc.read_text(encoding="utf-8") == render_catalog(), (
        "regenerate: python -m codeflash_bot.propose.catalog > docs/rules.md"
    )
