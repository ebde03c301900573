"""The size-ladder block of the PR body, and scale.json from the loop to prep."""

from __future__ import annotations

from codeflash_bot.measure.evidence import SCALE_FILE, parse_scales, save_scale
from codeflash_bot.measure.growth import judge_growth
from codeflash_bot.models import Domain, Measurement, RungResult, Scale
from codeflash_bot.prep.pr_body import render_body
from codeflash_bot.prep.scale_view import scale_markdown
from codeflash_bot.session.state import State
from tests.support.pr_views import sample_view


def _scale() -> Scale:
    rows = [("int 6 (captured)", 6, 2.3e-6, 5.4e-5), ("int 9", 9, 1.2e-5, 6e-6)]
    rows += [("int 14", 14, 1.9e-4, 9e-6), ("int 21", 21, 7.5e-3, 1.3e-5)]
    rungs = [
        RungResult(
            size=size,
            n=n,
            measurement=Measurement(
                baseline=b, candidate=a, aa_ratio=1.01, rounds=15, loops=1, per_call=b
            ),
        )
        for size, n, b, a in rows
    ]
    verdict = judge_growth(rungs, [], 10.0)
    assert verdict.scale is not None
    return verdict.scale


def test_block_has_the_size_table_growth_crossover_and_a_line_chart() -> None:
    text = scale_markdown(_scale(), memory=False)
    assert "| input size | before | after | ratio |" in text
    assert "| int 21 |" in text and "576.92x faster" in text
    assert "| int 6 (captured) |" in text and "0.04x faster" in text
    assert "Fitted growth (log-log slope): ~n^" in text
    assert "slower below int 9" in text
    assert "xychart-beta" in text and text.count("    line [") == 2
    assert '"int 6 (captured)", "int 9", "int 14", "int 21"' in text


def test_no_ladder_no_block() -> None:
    assert scale_markdown(None, memory=False) == ""


def test_the_body_shows_the_block_for_an_optimization_kept_on_a_ladder() -> None:
    view = sample_view(memory=False, optional=False)
    opt = view.optimizations[0].model_copy(update={"scale": scale_markdown(_scale(), memory=False)})
    body = render_body(view.model_copy(update={"optimizations": [opt]}), Domain.CPU)
    assert "**At scale**" in body and "```mermaid\nxychart-beta" in body


def test_scale_json_round_trip_keeps_entries_of_other_experiments(tmp_path) -> None:
    state = State(tmp_path)
    save_scale(state, "m:f", "CPU109", _scale())
    save_scale(state, "m:g", "CPU101", _scale())
    loaded = parse_scales(state.read(SCALE_FILE))
    assert set(loaded) == {"m:f|CPU109", "m:g|CPU101"}
    assert loaded["m:f|CPU109"] == _scale()
    assert parse_scales("not json") == {}
