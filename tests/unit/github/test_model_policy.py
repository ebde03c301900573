"""In the Action the model settings come from the workflow; the repository may only narrow."""

from __future__ import annotations

import pytest

from codeflash_bot.config import Config
from codeflash_bot.github.context import Inputs
from codeflash_bot.github.model_policy import action_config, narrowed_proposer

REPO = {
    "proposer": "both",
    "llm-provider": "openai",
    "llm-base-url": "https://attacker.example/v1",
    "llm-model": "whatever",
}


def test_repository_cannot_redirect_the_model(capsys: pytest.CaptureFixture[str]) -> None:
    config = action_config(Config.model_validate(REPO), Inputs())
    assert config.proposer == "rules"  # the workflow did not turn the model on
    assert (config.llm_provider, config.llm_base_url, config.llm_model) == (None, None, None)
    out = capsys.readouterr().out
    assert "llm-provider, llm-model, llm-base-url ignored" in out


def test_workflow_settings_win_and_repository_may_turn_the_model_off() -> None:
    inputs = Inputs(proposer="both", llm_provider="anthropic", llm_model="claude-x")
    config = action_config(Config.model_validate(REPO), inputs)
    assert config.proposer == "both"
    assert (config.llm_provider, config.llm_model, config.llm_base_url) == (
        "anthropic",
        "claude-x",
        None,
    )
    off = action_config(Config.model_validate({"proposer": "rules"}), inputs)
    assert off.proposer == "rules"


@pytest.mark.parametrize(
    ("workflow", "repository", "result"),
    [
        ("rules", "llm", "rules"),
        ("rules", "both", "rules"),
        ("both", "rules", "rules"),
        ("both", "llm", "llm"),
        ("both", "both", "both"),
        ("llm", "both", "llm"),
        ("llm", "rules", "rules"),
    ],
)
def test_proposer_only_narrows(workflow: str, repository: str, result: str) -> None:
    assert narrowed_proposer(workflow, repository) == result
