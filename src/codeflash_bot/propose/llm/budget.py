"""What the model may cost a run: tokens (summed from each reply's usage) and minutes waiting.

Minutes count time spent in model requests only; the run's own `--budget-minutes` bounds the
wall clock of everything else.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from codeflash_bot.propose.llm.providers import ModelReply

MIN_REPLY_TOKENS = 1024  # below this a request cannot hold even one rewritten function


class LlmBudget(BaseModel):
    """Limits and what was used so far (mutable: it is the proposer's running account)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    max_tokens_total: int = Field(200_000, gt=0)
    minutes: float = Field(10.0, gt=0)
    max_tokens_per_reply: int = Field(8192, gt=0)
    tokens_used: int = 0
    seconds_used: float = 0.0
    requests: int = 0
    failures: int = 0

    def charge(self, reply: ModelReply) -> None:
        self.tokens_used += reply.tokens
        self.seconds_used += reply.seconds
        self.requests += 1

    def charge_failure(self, seconds: float) -> None:
        self.seconds_used += seconds
        self.failures += 1

    def reply_tokens(self) -> int:
        """max_tokens for the next request: what is left, capped per reply."""
        return max(0, min(self.max_tokens_per_reply, self.max_tokens_total - self.tokens_used))

    def exhausted(self, prompt_tokens: int = 0) -> str | None:
        """Why no further request may be made (None while there is budget)."""
        if self.seconds_used >= self.minutes * 60:
            return f"LLM time budget of {self.minutes:g} min used"
        if self.max_tokens_total - self.tokens_used - prompt_tokens < MIN_REPLY_TOKENS:
            return f"LLM token budget of {self.max_tokens_total:,} used"
        return None

    def report(self) -> str:
        """One line for the run summary / HANDOFF."""
        failed = f", {self.failures} failed" if self.failures else ""
        return (
            f"LLM: {self.requests} requests{failed}, {self.tokens_used:,} of"
            f" {self.max_tokens_total:,} tokens, {self.seconds_used / 60:.1f} of"
            f" {self.minutes:g} min"
        )


def estimate_tokens(text: str) -> int:
    """Rough prompt size (about 4 characters a token) to avoid starting a request we can't pay."""
    return len(text) // 4 + 1
