"""The real SDK client paths against a local server: success, retry after a 5xx, timeout."""

from __future__ import annotations

import json
import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from codeflash_bot.config import Config
from codeflash_bot.errors import BotError
from codeflash_bot.models import Domain
from codeflash_bot.propose import RulesProposer
from codeflash_bot.propose.llm import (
    AnthropicChat,
    LlmError,
    LlmProposer,
    OpenAIChat,
    build_proposers,
)
from codeflash_bot.propose.llm.providers import choose_client
from tests.support.llm_replies import recorded, reply_text

FAST_RETRY = {"retry-after-ms": "10"}  # honoured by both SDKs: keeps the retry test quick


def openai_client(server: HTTPServer, **kw) -> OpenAIChat:
    return OpenAIChat(api_key="test-key", model="gpt-4.1", base_url=server.url_for("/v1"), **kw)


def anthropic_client(server: HTTPServer, **kw) -> AnthropicChat:
    return AnthropicChat(
        api_key="test-key", model="claude-sonnet-5", base_url=server.url_for("/"), **kw
    )


def test_openai_reply_text_usage_and_request_shape(server: HTTPServer) -> None:
    server.expect_request("/v1/chat/completions", method="POST").respond_with_json(
        recorded("openai_round1.json")
    )
    reply = openai_client(server).complete("SYS", "USER", 2048)
    assert reply.text == reply_text("openai_round1.json")
    assert (reply.input_tokens, reply.output_tokens, reply.truncated) == (1184, 612, False)
    request, _ = server.log[0]
    body = json.loads(request.data)
    assert body["model"] == "gpt-4.1"
    assert body["max_tokens"] == 2048  # a custom base URL: the classic OpenAI-compatible field
    assert body["messages"] == [
        {"role": "system", "content": "SYS"},
        {"role": "user", "content": "USER"},
    ]
    assert request.headers["Authorization"] == "Bearer test-key"


def test_openai_truncated_reply_is_flagged(server: HTTPServer) -> None:
    server.expect_request("/v1/chat/completions").respond_with_json(recorded("openai_round2.json"))
    assert openai_client(server).complete("s", "u", 400).truncated


def test_openai_retries_after_a_500_then_succeeds(server: HTTPServer) -> None:
    server.expect_ordered_request("/v1/chat/completions").respond_with_json(
        recorded("openai_error_500.json"), status=500, headers=FAST_RETRY
    )
    server.expect_ordered_request("/v1/chat/completions").respond_with_json(
        recorded("openai_round1.json")
    )
    reply = openai_client(server, max_retries=2).complete("s", "u", 100)
    assert reply.output_tokens == 612
    assert len(server.log) == 2
    assert [resp.status_code for _, resp in server.log] == [500, 200]


def test_openai_gives_up_with_one_line_after_retries(server: HTTPServer) -> None:
    server.expect_request("/v1/chat/completions").respond_with_json(
        recorded("openai_error_500.json"), status=500, headers=FAST_RETRY
    )
    with pytest.raises(LlmError, match=r"openai/gpt-4.1: HTTP 500"):
        openai_client(server, max_retries=1).complete("s", "u", 100)
    assert len(server.log) == 2


def _slow(request: Request) -> Response:
    time.sleep(1.5)
    return Response(json.dumps(recorded("openai_round1.json")), content_type="application/json")


def test_openai_timeout_is_retried_then_an_llm_error(server: HTTPServer) -> None:
    server.expect_request("/v1/chat/completions").respond_with_handler(_slow)
    # "timed out" proves the 0.3 s timeout cut the 1.5 s reply (no wall-clock bound: load)
    with pytest.raises(LlmError, match="timed out"):
        openai_client(server, timeout=0.3, max_retries=1).complete("s", "u", 100)
    deadline = time.monotonic() + 3
    while len(server.log) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)  # the server logs a request once its (slow) handler returns
    assert len(server.log) == 2  # the first timeout was retried once


def test_anthropic_reply_text_usage_and_request_shape(server: HTTPServer) -> None:
    server.expect_request("/v1/messages", method="POST").respond_with_json(
        recorded("anthropic_round1.json")
    )
    reply = anthropic_client(server).complete("SYS", "USER", 1024)
    assert reply.text == reply_text("anthropic_round1.json")
    assert (reply.input_tokens, reply.output_tokens) == (1203, 640)
    request, _ = server.log[0]
    body = json.loads(request.data)
    assert body["system"] == "SYS"
    assert body["messages"] == [{"role": "user", "content": "USER"}]
    assert body["max_tokens"] == 1024
    auth = request.headers.get("x-api-key") or request.headers.get("Authorization", "")
    assert auth.endswith("test-key")


def test_anthropic_retries_after_overloaded_then_succeeds(server: HTTPServer) -> None:
    server.expect_ordered_request("/v1/messages").respond_with_json(
        recorded("anthropic_error_529.json"), status=529, headers=FAST_RETRY
    )
    server.expect_ordered_request("/v1/messages").respond_with_json(
        recorded("anthropic_round1.json")
    )
    reply = anthropic_client(server, max_retries=2).complete("s", "u", 100)
    assert reply.output_tokens == 640
    assert [resp.status_code for _, resp in server.log] == [529, 200]


def test_anthropic_timeout_is_an_llm_error(server: HTTPServer) -> None:
    server.expect_request("/v1/messages").respond_with_handler(_slow)
    with pytest.raises(LlmError, match="anthropic/claude-sonnet-5: request timed out"):
        anthropic_client(server, timeout=0.3, max_retries=0).complete("s", "u", 100)


# --- choosing the provider --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("env", "provider", "expected"),
    [
        ({"ANTHROPIC_API_KEY": "a"}, None, "anthropic"),
        ({"OPENAI_API_KEY": "o"}, None, "openai"),
        ({"ANTHROPIC_API_KEY": "a", "OPENAI_API_KEY": "o"}, "openai", "openai"),
        ({"ANTHROPIC_API_KEY": "a", "CODEFLASH_BOT_LLM_BASE_URL": "http://h/v1"}, None, "openai"),
    ],
)
def test_provider_follows_config_then_keys(env, provider, expected) -> None:
    assert choose_client(provider, "m", None, env).provider == expected


def test_local_server_needs_a_model_name_but_no_key() -> None:
    env = {"CODEFLASH_BOT_LLM_BASE_URL": "http://127.0.0.1:11434/v1"}
    with pytest.raises(ValueError, match="llm-model is required"):
        choose_client(None, None, None, env)
    choice = choose_client(None, "qwen2.5-coder:7b", None, env)
    assert (choice.provider, choice.base_url) == ("openai", "http://127.0.0.1:11434/v1")


def test_llm_without_a_key_is_one_clear_error() -> None:
    with pytest.raises(BotError, match="no model key: set ANTHROPIC_API_KEY") as info:
        build_proposers(Config(proposer="llm"), Domain.CPU, env={})
    assert "\n" not in str(info.value)


def test_both_without_a_key_falls_back_to_rules_with_a_notice() -> None:
    notices: list[str] = []
    proposers = build_proposers(Config(proposer="both"), Domain.CPU, env={}, notify=notices.append)
    assert [type(p) for p in proposers] == [RulesProposer]
    assert notices and "using the rules only" in notices[0]


def test_missing_sdk_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "anthropic", None)  # import anthropic -> ImportError
    with pytest.raises(BotError, match=r"pip install 'codeflash-bot\[llm\]'"):
        build_proposers(Config(proposer="llm"), Domain.CPU, env={"ANTHROPIC_API_KEY": "k"})


def test_rules_llm_both_order() -> None:
    env = {"OPENAI_API_KEY": "sk-test"}
    assert [type(p) for p in build_proposers(Config(), Domain.CPU, env=env)] == [RulesProposer]
    both = build_proposers(Config(proposer="both"), Domain.CPU, env=env)
    assert [type(p) for p in both] == [RulesProposer, LlmProposer]
    llm = build_proposers(
        Config(proposer="llm", **{"llm-candidates": 5, "llm-max-tokens-total": 9999}),
        Domain.CPU,
        env=env,
    )[0]
    assert isinstance(llm, LlmProposer)
    assert (llm.candidates, llm.budget.max_tokens_total) == (5, 9999)
