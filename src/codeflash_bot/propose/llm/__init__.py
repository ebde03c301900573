"""The optional LLM proposer (docs/llm.md) and the choice of proposers for a run.

`build_proposers(config, domain)` is what the CLI calls: `rules` (the default), `llm`, or
`both` (rules first, then the model, per target). `llm` without an SDK or a key is one clear
BotError; `both` falls back to rules and says so through `notify`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from codeflash_bot.config import Config
from codeflash_bot.errors import BotError
from codeflash_bot.models import Domain
from codeflash_bot.propose import Proposer, RulesProposer
from codeflash_bot.propose.llm.budget import LlmBudget
from codeflash_bot.propose.llm.explanations import (
    EXPLANATIONS,
    explanation_for,
    load_explanations,
    save_explanation,
)
from codeflash_bot.propose.llm.proposer import LlmProposer
from codeflash_bot.propose.llm.providers import (
    AnthropicChat,
    ChatModel,
    LlmError,
    ModelReply,
    OpenAIChat,
    choose_client,
    make_client,
    secrets_in_env,
)
from codeflash_bot.propose.llm.redact import Redactor

__all__ = [
    "EXPLANATIONS",
    "AnthropicChat",
    "ChatModel",
    "LlmBudget",
    "LlmError",
    "LlmProposer",
    "ModelReply",
    "OpenAIChat",
    "build_proposers",
    "explanation_for",
    "llm_from_config",
    "load_explanations",
    "save_explanation",
]

INSTALL_HINT = "pip install 'codeflash-bot[llm]'"


def llm_from_config(
    config: Config,
    domain: Domain,
    root: Path | None = None,
    *,
    env: Mapping[str, str] | None = None,
    notify: Callable[[str], None] | None = None,
) -> LlmProposer:
    """An LlmProposer for `config`; BotError (one line) when its SDK or key is missing."""
    env = dict(os.environ if env is None else env)
    try:
        choice = choose_client(config.llm_provider, config.llm_model, config.llm_base_url, env)
    except ValueError as exc:
        raise BotError(f"--proposer llm: {exc}") from exc
    try:
        client = make_client(choice, timeout=config.llm_timeout, env=env)
    except ImportError as exc:
        raise BotError(
            f"--proposer llm needs the {choice.provider} SDK ({exc.name} is not installed):"
            f" {INSTALL_HINT}"
        ) from exc
    budget = LlmBudget(max_tokens_total=config.llm_max_tokens_total, minutes=config.llm_minutes)
    return LlmProposer(
        client,
        domain=domain,
        candidates=config.llm_candidates,
        rounds=config.llm_rounds,
        budget=budget,
        root=root,
        python=config.python,
        redactor=Redactor(secrets_in_env(env)),
        notify=notify,
    )


def build_proposers(
    config: Config,
    domain: Domain,
    root: Path | None = None,
    *,
    env: Mapping[str, str] | None = None,
    notify: Callable[[str], None] | None = None,
) -> list[Proposer]:
    """The proposers `config.proposer` asks for, in the order the loop should consult them."""
    notify = notify or _stderr
    if config.proposer == "rules":
        return [RulesProposer(domain)]
    if config.proposer == "llm":
        return [llm_from_config(config, domain, root, env=env, notify=notify)]
    try:
        llm = llm_from_config(config, domain, root, env=env, notify=notify)
    except BotError as exc:
        notify(f"{str(exc).replace('--proposer llm', '--proposer both')}; using the rules only")
        return [RulesProposer(domain)]
    return [RulesProposer(domain), llm]


def llm_reports(proposers: list[Proposer]) -> list[str]:
    """Budget lines of the LLM proposers of a run (for the CLI summary)."""
    return [p.report() for p in proposers if isinstance(p, LlmProposer)]


def _stderr(text: str) -> None:
    print(f"codeflash-bot: notice: {text}", file=sys.stderr)
