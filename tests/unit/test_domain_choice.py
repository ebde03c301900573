"""`--domain auto` decides from recorded numbers only: same numbers, same domain, any load."""

from __future__ import annotations

import itertools

import pytest

from codeflash_bot.domains.choice import MARGIN, PREFERENCE, decide
from codeflash_bot.models import Domain, DomainScore


def scores(**shares: tuple[float, int]) -> list[DomainScore]:
    return [
        DomainScore(domain=Domain(name), share=share, matches=matches, detail=f"{name}: note")
        for name, (share, matches) in shares.items()
    ]


# slowdemo as measured on an idle machine (cpu 82 % / async 50 %, see issue 17)
SLOWDEMO = {
    "cpu": (0.82, 12),
    "memory": (0.04, 1),
    "async": (0.50, 3),
    "structure": (0.31, 2),
}


def test_slowdemo_numbers_pick_cpu_and_say_why() -> None:
    decision = decide(scores(**SLOWDEMO))
    assert decision.domain is Domain.CPU
    assert decision.reason == "cpu leads by more than the 25-point margin (82% vs async 50%)"
    assert decision.why.startswith("auto picked cpu: cpu leads")
    assert "cpu 82%/12 match(es), memory 4%/1 match(es)" in decision.why
    assert "cpu: note | memory: note | async: note | structure: note" in decision.why


def test_shares_perturbed_within_half_the_margin_never_change_the_choice() -> None:
    """Each share moved by up to ±margin/2 moves any gap by < margin: the choice holds."""
    steps = (-MARGIN / 2, -MARGIN / 4, 0.0, MARGIN / 4, MARGIN / 2)
    base = scores(**SLOWDEMO)
    chosen = set()
    for deltas in itertools.product(steps, repeat=len(base)):
        moved = [
            s.model_copy(update={"share": min(1.0, max(0.0, s.share + d))})
            for s, d in zip(base, deltas, strict=True)
        ]
        chosen.add(decide(moved).domain)
    assert chosen == {Domain.CPU}


def test_the_loaded_run_of_issue_17_still_picks_cpu() -> None:
    """Under load async's share overtook cpu's; within the margin, the preference decides."""
    decision = decide(scores(cpu=(0.55, 12), memory=(0.04, 1), **{"async": (0.71, 3)}))
    assert decision.domain is Domain.CPU
    assert "cpu and async are within the 25-point margin (55%, 71%)" in decision.reason
    assert "preference order cpu > memory > async > structure" in decision.reason


def test_a_clear_lead_beyond_the_margin_wins() -> None:
    decision = decide(scores(cpu=(0.30, 4), memory=(0.90, 2)))
    assert decision.domain is Domain.MEMORY
    assert decision.reason == "memory leads by more than the 25-point margin (90% vs cpu 30%)"


def test_a_domain_whose_rules_match_nothing_is_not_eligible() -> None:
    decision = decide(scores(cpu=(0.10, 3), structure=(0.95, 0)))
    assert decision.domain is Domain.CPU
    assert decision.reason == "only cpu's rules match a hot target (10%)"


def test_nothing_eligible_falls_back_to_cpu() -> None:
    decision = decide(scores(cpu=(0.0, 0), memory=(0.0, 2), structure=(0.4, 0)))
    assert decision.domain is Domain.CPU
    assert "cpu by default" in decision.reason


@pytest.mark.parametrize("order", list(itertools.permutations(SLOWDEMO)))
def test_the_order_scores_arrive_in_does_not_matter(order: tuple[str, ...]) -> None:
    decision = decide(scores(**{name: SLOWDEMO[name] for name in order}))
    assert decision.domain is Domain.CPU
    assert [s.domain for s in decision.scores] == list(PREFERENCE)


def test_margin_is_configurable() -> None:
    numbers = scores(cpu=(0.55, 12), **{"async": (0.71, 3)})
    assert decide(numbers, margin=0.10).domain is Domain.ASYNC
    assert decide(numbers, margin=0.20).domain is Domain.CPU


def test_an_estimate_cut_short_by_the_budget_means_cpu() -> None:
    """Partial numbers depend on the machine's speed: they never decide."""
    numbers = scores(cpu=(0.05, 1), memory=(0.90, 3))
    numbers[0] = numbers[0].model_copy(update={"cut_short": True})
    decision = decide(numbers)
    assert decision.domain is Domain.CPU
    assert decision.reason.startswith("the time budget cut short the estimate of cpu")
    assert "cpu 5%/1 match(es) (cut short), memory 90%/3 match(es)" in decision.why
