"""The LLM proposer: asks a model for N rewrites of a target, hands them to the loop one by one.

The model proposes, the measurements decide: its candidates go through exactly the verification
and keep rule of the rules proposer. Within a run it learns: the next request for a target
carries why the earlier candidates were discarded (slower by X %, behaviour differed on input
Y, rejected before testing because ...). It stops asking when its token or time budget is spent.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from pathlib import Path

import libcst as cst

from codeflash_bot.errors import BotError
from codeflash_bot.models import Candidate, Domain, ExperimentRecord, Status, Target
from codeflash_bot.propose.base import BaseProposer, RunPaths
from codeflash_bot.propose.llm.budget import LlmBudget, estimate_tokens
from codeflash_bot.propose.llm.context import RepoView, build_context, discover
from codeflash_bot.propose.llm.parse import Reject, Rewrite, parse_reply, splice
from codeflash_bot.propose.llm.prompt import render
from codeflash_bot.propose.llm.providers import ChatModel, LlmError
from codeflash_bot.propose.llm.redact import Redactor
from codeflash_bot.session.state import RESULTS, parse_results

MAX_FAILURES = 2  # consecutive request failures before the proposer gives up for the run
MAX_HISTORY = 12


class LlmProposer(BaseProposer):
    """A Proposer backed by a ChatModel (Anthropic, OpenAI-compatible, or a test double)."""

    name = "llm"

    def __init__(
        self,
        client: ChatModel,
        *,
        domain: Domain = Domain.CPU,
        candidates: int = 3,
        rounds: int = 2,
        budget: LlmBudget | None = None,
        root: Path | None = None,
        python: str | None = None,
        redactor: Redactor | None = None,
        notify: Callable[[str], None] | None = None,
    ) -> None:
        self.client = client
        self.domain = domain
        self.candidates = candidates
        self.rounds = rounds
        self.budget = budget or LlmBudget()
        self.redactor = redactor or Redactor()
        self.notes: list[str] = []
        self._notify = notify
        self._root = root
        self._python = python
        self._view: RepoView | None = None
        self._bound = False
        self._queues: dict[str, list[Rewrite]] = {}
        self._asked: dict[str, int] = {}
        self._issued: dict[str, Rewrite] = {}
        self._history: dict[str, dict[str, str]] = {}
        self._failures = 0
        self._disabled: str | None = None

    # --- hooks the loop calls (Proposer protocol) ---------------------------------------------
    def bind(self, run: RunPaths) -> None:
        """Exact paths of the run (checkout, state mirror, corpus) instead of discovering them."""
        pythonpath = run.pythonpath
        self._view = RepoView(
            project=run.project,
            state_dir=run.state_dir,
            corpus_root=run.corpus_root,
            python=run.python or self._python,
            pythonpath=tuple(pythonpath) if pythonpath else RepoView(run.project).pythonpath,
            env=run.env,
        )
        self._bound = True

    def feedback(self, record: ExperimentRecord) -> None:
        """A results.tsv row of this target: shapes the next request for it."""
        lines = self._history.setdefault(record.target, {})
        lines[record.rule] = _feedback_line(record, self._issued.get(record.rule))

    # --- Proposer protocol ---------------------------------------------------------------------
    def wants(self, module: cst.Module, target: Target) -> bool:
        """Functions the profile saw (a request costs money; static matches are not enough)."""
        if target.qualname.startswith("<"):  # whole-module targets are not functions
            return False
        return self._stopped() is None and target.total_seconds > 0

    def next_candidate(self, target: Target, source: str, tried: set[str]) -> Candidate | None:
        while True:
            rewrite = self._pop(target, tried)
            if rewrite is None:
                try:
                    if not self._ask(target, source, tried):
                        return None
                except Exception as exc:  # a proposer bug must never stop the run
                    warnings.warn(f"llm proposer failed on {target.ref}: {exc!r}", stacklevel=2)
                    self._note(f"llm proposer error on {target.ref}: {exc}")
                    return None
                continue
            try:
                new_source = splice(source, target, rewrite)
            except Reject as exc:
                self._remember(
                    target, rewrite.idea, f"{rewrite.summary}: rejected before testing: {exc}"
                )
                continue
            self._issued[rewrite.idea] = rewrite
            return Candidate(
                target=target,
                proposer=self.name,
                rule=rewrite.idea,
                description=f"{rewrite.idea} {self._label()}: {rewrite.summary}",
                source=new_source,
                explanation=rewrite.explanation,
            )

    # --- reporting -----------------------------------------------------------------------------
    def history(self, target_ref: str) -> list[str]:
        """What the next request for this target will be told about earlier candidates."""
        return list(self._history.get(target_ref, {}).values())

    def report(self) -> str:
        """Budget use, for the run summary."""
        return self.budget.report() + (f"; stopped: {self._disabled}" if self._disabled else "")

    # --- internals -----------------------------------------------------------------------------
    def _label(self) -> str:
        # results.tsv and commit messages split the description at the first ':'
        return self.client.label.replace(":", "-")

    def _stopped(self) -> str | None:
        return self._disabled or self.budget.exhausted()

    def _note(self, text: str) -> None:
        self.notes.append(text)
        if self._notify is not None:
            self._notify(text)

    def _pop(self, target: Target, tried: set[str]) -> Rewrite | None:
        queue = self._queues.get(target.ref, [])
        while queue:
            rewrite = queue.pop(0)
            if rewrite.idea not in tried:
                return rewrite
        return None

    def _remember(self, target: Target, idea: str, line: str) -> None:
        lines = self._history.setdefault(target.ref, {})
        lines[idea or f"rejected-{len(lines)}"] = f"{idea} ({line})" if idea else line

    def _view_now(self) -> RepoView | None:
        if self._bound:
            return self._view
        if self._root is None:
            return None
        self._view = discover(self._root, self._python)
        return self._view

    def _sync_from_results(self, target: Target, view: RepoView | None) -> None:
        """Fallback when the loop does not call `feedback`: read the run's results.tsv."""
        if view is None or view.state_dir is None:
            return
        path = view.state_dir / RESULTS
        try:
            records = parse_results(path.read_text(encoding="utf-8")) if path.is_file() else []
        except (OSError, BotError):
            return
        known = self._history.get(target.ref, {})
        for record in records:
            if record.target == target.ref and record.rule not in known:
                self.feedback(record)

    def _ask(self, target: Target, source: str, tried: set[str]) -> bool:
        """Request candidates until some are queued; False when no more requests are allowed."""
        while self._asked.get(target.ref, 0) < self.rounds:
            if reason := self._stopped():
                self._note(f"llm proposer stopped: {reason} ({self.budget.report()})")
                return False
            self._asked[target.ref] = self._asked.get(target.ref, 0) + 1
            view = self._view_now()
            self._sync_from_results(target, view)
            history = list(self._history.get(target.ref, {}).values())[-MAX_HISTORY:]
            ctx = build_context(target, source, view, self.domain, history)
            system, user = render(ctx, self.candidates, self.redactor)
            if reason := self.budget.exhausted(estimate_tokens(system + user)):
                self._note(f"llm proposer stopped: {reason} ({self.budget.report()})")
                return False
            started = time.monotonic()
            try:
                reply = self.client.complete(system, user, self.budget.reply_tokens())
            except LlmError as exc:
                self.budget.charge_failure(time.monotonic() - started)
                self._failures += 1
                self._note(f"model request failed: {exc}")
                if self._failures >= MAX_FAILURES:
                    self._disabled = f"{self._failures} model requests failed in a row"
                return False
            self._failures = 0
            self.budget.charge(reply)
            parsed = parse_reply(
                self.redactor.unredact(reply.text), source, target, truncated=reply.truncated
            )
            for rej in parsed.rejections:
                label = rej.summary or f"candidate {rej.index}"
                self._remember(target, "", f"{label}: rejected before testing: {rej.reason}")
            fresh = [r for r in parsed.rewrites if r.idea not in tried]
            if fresh:
                self._queues[target.ref] = fresh
                return True
        return False


def _feedback_line(record: ExperimentRecord, rewrite: Rewrite | None) -> str:
    """One line for the next prompt: what was tried and what the checks measured."""
    idea, _, rest = record.description.partition(" ")
    what, _, why = rest.partition(" — ")
    summary = rewrite.summary if rewrite else what.split(": ", 1)[-1]
    timing = ""
    if record.delta_pct is not None:
        direction = "slower" if record.delta_pct > 0 else "faster"
        timing = f" (measured {abs(record.delta_pct):.1f}% {direction} than the current code)"
    if record.status is Status.KEEP:
        return f"{idea} ({summary}): kept{timing}; it is already in the current source"
    status = "crashed" if record.status is Status.CRASH else "discarded"
    return f"{idea} ({summary}): {status}: {why or 'no reason recorded'}{timing}"
