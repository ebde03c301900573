"""Model clients: Anthropic's Messages API and any OpenAI-compatible chat endpoint.

Both SDKs are optional (`pip install 'codeflash-bot[llm]'`) and imported only here, only when a
client is built. Retries (5xx, 429, connection errors, timeouts) are the SDKs' own, with
`max_retries`; whatever still fails becomes one `LlmError` line, never a crashed run.
"""

from __future__ import annotations

import time
from typing import Any, Protocol

from codeflash_bot.models import Frozen

ANTHROPIC_KEY_ENV = "ANTHROPIC_API_KEY"
OPENAI_KEY_ENV = "OPENAI_API_KEY"
BASE_URL_ENV = "CODEFLASH_BOT_LLM_BASE_URL"
DEFAULT_MODELS = {"anthropic": "claude-sonnet-5", "openai": "gpt-5.5"}
NO_KEY_NEEDED = "not-needed"  # local OpenAI-compatible servers (Ollama, vLLM) ignore the key


class LlmError(Exception):
    """The model could not be asked (network, auth, timeout, bad reply); one line."""


class ModelReply(Frozen):
    """What one request produced: the text and what it cost."""

    text: str
    input_tokens: int = 0
    output_tokens: int = 0
    truncated: bool = False
    seconds: float = 0.0

    @property
    def tokens(self) -> int:
        return self.input_tokens + self.output_tokens


class ChatModel(Protocol):
    """Anything that turns (system, user) into a ModelReply; tests may pass their own."""

    label: str  # `provider/model`, shown in candidate descriptions

    def complete(self, system: str, user: str, max_tokens: int) -> ModelReply: ...


class AnthropicChat:
    """Anthropic Messages API via the `anthropic` SDK (model-default sampling settings)."""

    provider = "anthropic"

    def __init__(
        self,
        *,
        api_key: str,
        model: str = DEFAULT_MODELS["anthropic"],
        base_url: str | None = None,
        timeout: float = 120.0,
        max_retries: int = 2,
    ) -> None:
        import anthropic

        self._errors = anthropic
        self.model = model
        self.label = f"anthropic/{model}"
        self._client = anthropic.Anthropic(
            api_key=api_key, base_url=base_url, timeout=timeout, max_retries=max_retries
        )

    def complete(self, system: str, user: str, max_tokens: int) -> ModelReply:
        started = time.monotonic()
        try:
            msg: Any = self._client.messages.create(
                model=self.model,
                max_tokens=max_tokens,
                system=system,
                messages=[{"role": "user", "content": user}],
            )
        except self._errors.APITimeoutError as exc:
            raise LlmError(f"{self.label}: request timed out ({exc})") from exc
        except self._errors.APIStatusError as exc:
            raise LlmError(f"{self.label}: HTTP {exc.status_code}: {_short(exc)}") from exc
        except self._errors.APIError as exc:
            raise LlmError(f"{self.label}: {_short(exc)}") from exc
        text = "".join(getattr(b, "text", "") for b in msg.content or [])
        usage = msg.usage
        return ModelReply(
            text=text,
            input_tokens=getattr(usage, "input_tokens", 0) or 0,
            output_tokens=getattr(usage, "output_tokens", 0) or 0,
            truncated=msg.stop_reason == "max_tokens",
            seconds=time.monotonic() - started,
        )


class OpenAIChat:
    """Any OpenAI-compatible `/chat/completions` endpoint via the `openai` SDK (base_url)."""

    provider = "openai"

    def __init__(
        self,
        *,
        api_key: str,
        model: str = DEFAULT_MODELS["openai"],
        base_url: str | None = None,
        timeout: float = 120.0,
        max_retries: int = 2,
        temperature: float = 0.7,
    ) -> None:
        import openai

        self._errors = openai
        self.model = model
        self.official = base_url is None
        self.label = f"openai/{model}"
        self.temperature = temperature
        self._client = openai.OpenAI(
            api_key=api_key, base_url=base_url, timeout=timeout, max_retries=max_retries
        )

    def complete(self, system: str, user: str, max_tokens: int) -> ModelReply:
        started = time.monotonic()
        try:
            resp: Any = self._client.chat.completions.create(
                model=self.model,
                messages=[
                    {"role": "system", "content": system},
                    {"role": "user", "content": user},
                ],
                **self._sampling(max_tokens),
            )
        except self._errors.APITimeoutError as exc:
            raise LlmError(f"{self.label}: request timed out ({exc})") from exc
        except self._errors.APIStatusError as exc:
            raise LlmError(f"{self.label}: HTTP {exc.status_code}: {_short(exc)}") from exc
        except self._errors.APIError as exc:
            raise LlmError(f"{self.label}: {_short(exc)}") from exc
        if not resp.choices:
            raise LlmError(f"{self.label}: the reply has no choices")
        choice = resp.choices[0]
        usage = resp.usage
        return ModelReply(
            text=choice.message.content or "",
            input_tokens=getattr(usage, "prompt_tokens", 0) or 0,
            output_tokens=getattr(usage, "completion_tokens", 0) or 0,
            truncated=choice.finish_reason == "length",
            seconds=time.monotonic() - started,
        )

    def _sampling(self, max_tokens: int) -> dict[str, Any]:
        """OpenAI's own API wants max_completion_tokens (reasoning models reject temperature);
        compatible servers (vLLM, Ollama, LM Studio) understand the classic max_tokens."""
        if self.official:
            return {"max_completion_tokens": max_tokens}
        return {"max_tokens": max_tokens, "temperature": self.temperature}


def _short(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200]


class ClientChoice(Frozen):
    """Which provider/model/endpoint a run uses; never holds the key itself."""

    provider: str
    model: str
    base_url: str | None = None


def choose_client(
    provider: str | None, model: str | None, base_url: str | None, env: dict[str, str]
) -> ClientChoice:
    """Pick provider, model and endpoint from config + environment; ValueError says what is missing.

    Without an explicit provider: a base URL (config or CODEFLASH_BOT_LLM_BASE_URL) means an
    OpenAI-compatible server, else ANTHROPIC_API_KEY means Anthropic, else OPENAI_API_KEY OpenAI.
    The environment's base URL applies to the OpenAI-compatible provider only.
    """
    openai_url = base_url or env.get(BASE_URL_ENV) or None
    if provider is None:
        if openai_url:
            provider = "openai"
        elif env.get(ANTHROPIC_KEY_ENV):
            provider = "anthropic"
        elif env.get(OPENAI_KEY_ENV):
            provider = "openai"
        else:
            raise ValueError(
                f"no model key: set {ANTHROPIC_KEY_ENV} or {OPENAI_KEY_ENV}"
                f" (or {BASE_URL_ENV} for a local OpenAI-compatible server)"
            )
    if provider == "anthropic":
        if not env.get(ANTHROPIC_KEY_ENV):
            raise ValueError(f"llm-provider anthropic needs {ANTHROPIC_KEY_ENV}")
        return ClientChoice(
            provider=provider, model=model or DEFAULT_MODELS[provider], base_url=base_url
        )
    if not (env.get(OPENAI_KEY_ENV) or openai_url):
        raise ValueError(f"llm-provider openai needs {OPENAI_KEY_ENV} (or {BASE_URL_ENV})")
    if model is None and openai_url:
        raise ValueError("llm-model is required with a custom OpenAI-compatible base URL")
    return ClientChoice(
        provider=provider, model=model or DEFAULT_MODELS[provider], base_url=openai_url
    )


def make_client(choice: ClientChoice, *, timeout: float, env: dict[str, str]) -> ChatModel:
    """Build the SDK client for `choice`; ImportError when the optional SDK is missing."""
    if choice.provider == "anthropic":
        return AnthropicChat(
            api_key=env[ANTHROPIC_KEY_ENV],
            model=choice.model,
            base_url=choice.base_url,
            timeout=timeout,
        )
    return OpenAIChat(
        api_key=env.get(OPENAI_KEY_ENV) or NO_KEY_NEEDED,
        model=choice.model,
        base_url=choice.base_url,
        timeout=timeout,
    )


def secrets_in_env(env: dict[str, str]) -> list[str]:
    """Key values the redactor must never let through, whatever file they were pasted in."""
    return [v for k, v in env.items() if k in (ANTHROPIC_KEY_ENV, OPENAI_KEY_ENV) and v]
