import pytest

from codeflash_bot.errors import BotError
from codeflash_bot.models import Domain, ExperimentRecord, Status
from codeflash_bot.session.state import HEADER, State, parse_guard, parse_results


def record(**kw) -> ExperimentRecord:
    base = dict(
        commit="abc1234",
        target="pkg.mod:f",
        domain=Domain.CPU,
        metric="seconds",
        baseline=0.002,
        candidate=0.001,
        delta_pct=-50.0,
        status=Status.KEEP,
        description="CPU101 list-membership-in-loop: x",
    )
    base.update(kw)
    return ExperimentRecord(**base)


def test_results_round_trip(tmp_path) -> None:
    state = State(tmp_path)
    first = record()
    second = record(
        commit="-", status=Status.DISCARD, baseline=None, candidate=None, delta_pct=None
    )
    state.append_result(first)
    state.append_result(second)
    text = state.path("results.tsv").read_text()
    assert text.splitlines()[0] == HEADER
    assert state.results() == [first, second]


def test_rule_is_a_field_read_back_from_the_description(tmp_path) -> None:
    state = State(tmp_path)
    llm = record(description="idea-3 (llm model): use a set", rule="idea-3", status=Status.DISCARD)
    skip = record(description="- no experiment — no inputs", rule="-", status=Status.SKIP)
    state.append_result(llm)
    state.append_result(skip)
    assert [r.rule for r in state.results()] == ["idea-3", "-"]
    assert state.results() == [llm, skip]


def test_description_tabs_and_newlines_stay_in_one_cell(tmp_path) -> None:
    state = State(tmp_path)
    state.append_result(record(description="CPU101 a\tb\nc"))
    assert state.results()[0].description == "CPU101 a b c"


def test_malformed_row_is_one_line_error() -> None:
    with pytest.raises(BotError, match=r"results.tsv:2: expected 9 columns"):
        parse_results(HEADER + "\nonly\ttwo\n")


def test_unknown_status_is_rejected() -> None:
    row = "\t".join(["-", "m:f", "cpu", "seconds", "-", "-", "-", "maybe", "x"])
    with pytest.raises(BotError, match=r":2:"):
        parse_results(HEADER + "\n" + row + "\n")


def test_guard_parsed_from_conventions() -> None:
    text = (
        "# Conventions\n\n## Guard\n\n```\npython -m pytest -q tests/fast\n```\n\n## Style\n\nx\n"
    )
    assert parse_guard(text) == "python -m pytest -q tests/fast"


def test_guard_placeholder_comment_is_no_guard() -> None:
    assert parse_guard("## Guard\n\n<!-- a command -->\n\n## Other\nrm -rf /\n") is None


def test_cleanup_keeps_learnings_and_results(tmp_path) -> None:
    state = State(tmp_path)
    for name in ("HANDOFF.md", "setup.md", "conventions.md", "learnings.md", "bench_x.py"):
        state.write(name, "x")
    state.append_result(record())
    removed = state.cleanup()
    assert sorted(removed) == sorted(
        [
            ".codeflash/HANDOFF.md",
            ".codeflash/setup.md",
            ".codeflash/conventions.md",
            ".codeflash/bench_x.py",
        ]
    )
    assert sorted(p.name for p in state.dir.iterdir()) == ["learnings.md", "results.tsv"]
