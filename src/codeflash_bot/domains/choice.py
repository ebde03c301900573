"""`--domain auto`: a pure decision from the engines' recorded numbers, stable under load.

Shares are ratios of timings from short profiles; on a loaded machine they move by tens of
points (issue 17: slowdemo went to async instead of cpu). The decision therefore uses them only
with a margin, and otherwise a fixed order:

1. A domain is eligible when its rules match at least one hot target (`matches > 0`) and that
   target holds some of the measured cost (`share > 0`).
2. The eligible domain with the largest share leads; every eligible domain whose share is
   within `margin` (absolute, 0.25 = 25 points by default) of the leader's ties with it.
3. Among tied domains the first in PREFERENCE wins: cpu, memory, async, structure (cpu first:
   its keep rule is the most exercised, and most slow code is plain CPU work).
4. No eligible domain: cpu.
5. Any estimate cut short by the time budget (an incomplete profile, whose numbers depend on how
   fast the machine was): cpu, the default, rather than a choice made on partial numbers.

`decide` reads nothing but its arguments, so the same numbers always give the same choice.
"""

from __future__ import annotations

from collections.abc import Sequence

from codeflash_bot.models import Domain, DomainScore, Frozen

PREFERENCE: tuple[Domain, ...] = (Domain.CPU, Domain.MEMORY, Domain.ASYNC, Domain.STRUCTURE)
MARGIN = 0.25


class AutoDecision(Frozen):
    """The chosen domain, the reason in one sentence, and every number it was based on."""

    domain: Domain
    reason: str
    margin: float
    scores: list[DomainScore]

    @property
    def why(self) -> str:
        """One line for HANDOFF.md: the choice, its reason, each engine's numbers and notes."""
        numbers = ", ".join(
            f"{s.domain.value} {s.share:.0%}/{s.matches} match(es)"
            + (" (cut short)" if s.cut_short else "")
            for s in self.scores
        )
        details = " | ".join(s.detail for s in self.scores if s.detail)
        return f"auto picked {self.domain.value}: {self.reason}; share/matches: {numbers}" + (
            f"; {details}" if details else ""
        )


def _rank(domain: Domain) -> int:
    return PREFERENCE.index(domain) if domain in PREFERENCE else len(PREFERENCE)


def decide(scores: Sequence[DomainScore], margin: float = MARGIN) -> AutoDecision:
    """Apply the rule in the module docstring to `scores` (any order)."""
    ordered = sorted(scores, key=lambda s: _rank(s.domain))
    if cut := [s.domain.value for s in ordered if s.cut_short]:
        reason = (
            f"the time budget cut short the estimate of {', '.join(cut)}; cpu by default"
            " rather than a choice on partial numbers"
        )
        return AutoDecision(domain=Domain.CPU, reason=reason, margin=margin, scores=ordered)
    eligible = [s for s in ordered if s.matches > 0 and s.share > 0]
    if not eligible:
        reason = "no domain's rules match a hot target; cpu by default"
        return AutoDecision(domain=Domain.CPU, reason=reason, margin=margin, scores=ordered)
    leader = max(eligible, key=lambda s: s.share)
    tied = [s for s in eligible if s.share >= leader.share - margin]
    chosen = tied[0]  # `eligible` is in preference order
    pts = f"{margin * 100:.0f}-point margin"
    others = [s for s in eligible if s is not chosen]
    if len(tied) > 1:
        names = " and ".join(s.domain.value for s in tied)
        order = " > ".join(d.value for d in PREFERENCE)
        reason = (
            f"{names} are within the {pts} ({', '.join(f'{s.share:.0%}' for s in tied)});"
            f" {chosen.domain.value} comes first in the preference order {order}"
        )
    elif others:
        runner = max(others, key=lambda s: s.share)
        reason = (
            f"{chosen.domain.value} leads by more than the {pts}"
            f" ({chosen.share:.0%} vs {runner.domain.value} {runner.share:.0%})"
        )
    else:
        reason = f"only {chosen.domain.value}'s rules match a hot target ({chosen.share:.0%})"
    return AutoDecision(domain=chosen.domain, reason=reason, margin=margin, scores=ordered)
