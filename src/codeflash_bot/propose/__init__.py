"""Proposers turn (target, current source) into Candidates; they never decide.

The loop asks a proposer for its next candidate with the target's *current* source (after
earlier keeps) and the set of ideas already tried, until it returns None. It also calls three
hooks on every proposer (`bind`, `feedback`, `remaining`); `BaseProposer` makes them no-ops.
"""

from __future__ import annotations

import libcst as cst

from codeflash_bot.models import Candidate, Domain, Target
from codeflash_bot.propose.base import BaseProposer, Proposer, RunPaths
from codeflash_bot.propose.rule import applies, apply_rule, module_names
from codeflash_bot.propose.rules import rules_for

__all__ = ["BaseProposer", "Proposer", "RulesProposer", "RunPaths"]


class RulesProposer(BaseProposer):
    """The deterministic libcst rules of one domain, in code order."""

    name = "rules"

    def __init__(self, domain: Domain) -> None:
        self.rules = rules_for(domain)
        self._names: tuple[cst.Module, frozenset[str]] | None = None

    def wants(self, module: cst.Module, target: Target) -> bool:
        if self._names is None or self._names[0] is not module:
            self._names = (module, module_names(module))
        names = self._names[1]
        return any(applies(r, module, target.qualname, names) for r in self.rules)

    def next_candidate(self, target: Target, source: str, tried: set[str]) -> Candidate | None:
        for rule in self.rules:
            if rule.code in tried:
                continue
            new_source = apply_rule(rule, source, target.qualname)
            if new_source is None:
                continue
            return Candidate(
                target=target,
                proposer=self.name,
                rule=rule.code,
                description=f"{rule.code} {rule.name}: {rule.summary}",
                source=new_source,
            )
        return None

    def remaining(self, target: Target, source: str, tried: set[str]) -> list[str]:
        """Codes of untried rules that still apply (for HANDOFF.md's next plan)."""
        return [
            r.code
            for r in self.rules
            if r.code not in tried and apply_rule(r, source, target.qualname) is not None
        ]
