"""Optional generated answers: an OpenAI-compatible ``/v1/chat/completions`` endpoint phrases
the answer from the top retrieved articles, citing them as [1], [2], and says ``NO_ANSWER``
when they do not answer. Any error or timeout returns None and the bot gives its plain answer.

The endpoint is the workspace admin's choice, so it is checked against server-side request
forgery: a base URL whose host resolves to a loopback, private, link-local or reserved address
is refused unless the host is in ``PARLEY_BOT_GENERATION_ALLOWED_HOSTS``, when the URL is saved
and again on the address each call connects to (parley/outbound.py, which pins the connection to
the checked address). Redirects are not followed, so the key is only ever sent to the configured
host. The key is never logged.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import httpx
from django.conf import settings

from parley.errors import ApplicationError
from parley.outbound import check_outbound_url, outbound_request

logger = logging.getLogger(__name__)

REFUSAL_MARK = "NO_ANSWER"
MAX_ARTICLE_CHARS = 2500
MAX_ANSWER_CHARS = 2000
_CITATION = re.compile(r"\[(\d{1,2})\]")

LANGUAGES = {"zh-CN": "Simplified Chinese", "en": "English"}
SYSTEM_PROMPT = (
    "You are a customer-service assistant. Answer the customer's question using only the "
    "numbered help articles given. Cite every article you use as [1], [2] and so on. If the "
    f"articles do not answer the question, reply with exactly {REFUSAL_MARK} and nothing "
    "else. Never guess. Answer in {language}, in at most three short sentences."
)


@dataclass(frozen=True)
class Source:
    title: str
    text: str
    url: str


@dataclass(frozen=True)
class Generated:
    text: str
    cited: list[int]  # 1-based positions of the sources the text cites


@dataclass(frozen=True)
class EndpointConfig:
    base_url: str
    model: str
    api_key: str
    timeout_seconds: float


class Refused:
    """The model said the articles do not answer the question."""


REFUSED = Refused()


def _allowed_hosts() -> set[str]:
    return {h.lower() for h in getattr(settings, "PARLEY_BOT_GENERATION_ALLOWED_HOSTS", [])}


def check_base_url(base_url: str) -> str:
    """A base URL that is http(s) and does not point into this network (unless allowed); the
    shared outbound guard (parley/outbound.py) decides."""
    return check_outbound_url(base_url, field="base_url", allow_hosts=_allowed_hosts()).rstrip("/")


def _completions_url(base_url: str) -> str:
    # Both "https://host" and "https://host/v1" are common ways to write the base URL.
    base = base_url.rstrip("/")
    return base + ("/chat/completions" if base.endswith("/v1") else "/v1/chat/completions")


def _prompt(question: str, sources: list[Source]) -> str:
    articles = "\n\n".join(
        f"[{n}] {s.title}\n{s.text[:MAX_ARTICLE_CHARS]}" for n, s in enumerate(sources, start=1)
    )
    return f"Help articles:\n\n{articles}\n\nCustomer's question: {question}"


def generate_answer(
    *, config: EndpointConfig, question: str, sources: list[Source], locale: str
) -> Generated | Refused | None:
    """The model's answer, REFUSED, or None on any failure (the caller falls back). With no
    sources the model is not asked: there is nothing it may answer from."""
    if not sources:
        return REFUSED
    try:
        response = outbound_request(
            "POST",
            _completions_url(config.base_url.strip()),
            field="base_url",
            allow_hosts=_allowed_hosts(),
            headers={"Authorization": f"Bearer {config.api_key}"},
            json={
                "model": config.model,
                "temperature": 0,
                "messages": [
                    {
                        "role": "system",
                        "content": SYSTEM_PROMPT.format(language=LANGUAGES.get(locale, "English")),
                    },
                    {"role": "user", "content": _prompt(question, sources)},
                ],
            },
            timeout=config.timeout_seconds,
        )
        response.raise_for_status()
        content = str(response.json()["choices"][0]["message"]["content"] or "").strip()
    except (ApplicationError, httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
        # The exception's class only: its text may quote the request, key included.
        logger.warning("bot generation failed: %s", type(exc).__name__)
        return None
    if not content or REFUSAL_MARK in content:
        return REFUSED
    cited = sorted({int(n) for n in _CITATION.findall(content) if 1 <= int(n) <= len(sources)})
    return Generated(text=content[:MAX_ANSWER_CHARS], cited=cited)
