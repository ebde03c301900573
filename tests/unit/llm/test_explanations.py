"""explanations.json: the paragraph behind a kept row, for the PR body."""

from __future__ import annotations

from pathlib import Path

from codeflash_bot.models import Domain, ExperimentRecord, Status
from codeflash_bot.propose.llm import explanation_for, load_explanations, save_explanation
from codeflash_bot.session.state import State


def _row(description: str) -> ExperimentRecord:
    return ExperimentRecord(
        commit="abc1234",
        target="small.core:work",
        domain=Domain.CPU,
        metric="seconds",
        status=Status.KEEP,
        description=description,
    )


def test_saved_paragraph_is_found_from_the_results_row(tmp_path: Path) -> None:
    state = State(tmp_path)
    save_explanation(state, "small.core:work", "LLM-3f2a1c", "Closed form.\n  Exact for ints.")
    row = _row("LLM-3f2a1c openai/gpt-5.5: closed form")
    assert explanation_for(state, row) == "Closed form. Exact for ints."
    assert explanation_for(state, _row("CPU101 list-membership: x")) is None


def test_damaged_file_is_an_empty_map(tmp_path: Path) -> None:
    state = State(tmp_path)
    state.write("explanations.json", "{not json")
    assert load_explanations(state) == {}
    save_explanation(state, "m:f", "LLM-000001", "text")
    assert load_explanations(state) == {"m:f|LLM-000001": "text"}
