"""In Action mode the workflow, not the repository, decides where the model key may go.

The repository's `[tool.codeflash-bot]` is read from the code being optimized (possibly a
pull request's head). If it could set `llm-base-url` or `llm-provider`, a PR could send the
model key to any host without running a line of code. So provider, model and endpoint come
from the action inputs only; the repository may narrow the proposer (turn the model off),
never widen or redirect it.
"""

from __future__ import annotations

import github_action_utils as gha

from codeflash_bot.config import Config
from codeflash_bot.github.context import Inputs

REDIRECTS = ("llm_provider", "llm_model", "llm_base_url")


def narrowed_proposer(workflow: str, repository: str) -> str:
    """The proposer both agree to: the model runs only if the workflow allows it."""
    if workflow == "rules" or repository == "rules":
        return "rules"
    if workflow == "both":
        return repository  # "both" or "llm": each is within what the workflow allows
    return "llm"


def action_config(config: Config, inputs: Inputs) -> Config:
    """`config` with the model settings the workflow gave, whatever the repository says."""
    ignored = [
        name.replace("_", "-")
        for name in REDIRECTS
        if getattr(config, name) is not None and getattr(config, name) != getattr(inputs, name)
    ]
    if ignored:
        gha.warning(
            f"[tool.codeflash-bot] {', '.join(ignored)} ignored: in the GitHub Action the model "
            "settings come from the workflow's inputs only"
        )
    proposer = narrowed_proposer(inputs.proposer or "rules", config.proposer)
    return config.model_copy(
        update={
            "proposer": proposer,
            "llm_provider": inputs.llm_provider,
            "llm_model": inputs.llm_model,
            "llm_base_url": inputs.llm_base_url,
        }
    )
