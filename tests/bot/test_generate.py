"""Generated answers against a real HTTP server in this process that speaks the
``/v1/chat/completions`` protocol: phrasing with citations, refusal, timeout and errors falling
back to the plain answer, the key sent only to the configured host, private hosts refused."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from parley.bot.generate import REFUSED, EndpointConfig, Generated, Source, generate_answer
from parley.bot.models import BotGenerationConfig, BotReply
from parley.contacts.encryption import encrypt
from tests.bot.bot_world import bot_on, knowledge_base, last_bot, say

pytestmark = pytest.mark.django_db


@dataclass
class FakeModel:
    """What the server answers next, and every request it received."""

    reply: str = "发货前可在订单详情中修改收货地址 [1]。"
    delay: float = 0.0
    status: int = 200
    redirect_to: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)


def serve(model: FakeModel) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            model.requests.append(
                {"path": self.path, "auth": self.headers.get("Authorization"), "body": body}
            )
            if model.redirect_to:
                self.send_response(307)
                self.send_header("Location", model.redirect_to)
                self.end_headers()
                return
            time.sleep(model.delay)
            payload = json.dumps(
                {
                    "id": "chatcmpl-1",
                    "object": "chat.completion",
                    "choices": [
                        {"index": 0, "message": {"role": "assistant", "content": model.reply}}
                    ],
                }
            ).encode()
            self.send_response(model.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture
def endpoint(settings) -> Iterator[tuple[FakeModel, str]]:
    settings.PARLEY_BOT_GENERATION_ALLOWED_HOSTS = ["127.0.0.1"]
    model = FakeModel()
    server, url = serve(model)
    yield model, url
    server.shutdown()
    server.server_close()


SOURCES = [Source(title="如何修改收货地址", text="发货前可在订单详情中修改收货地址。", url="u1")]


def config(url: str, timeout: float = 2.0) -> EndpointConfig:
    return EndpointConfig(
        base_url=url + "/v1", model="tiny", api_key="sk-test", timeout_seconds=timeout
    )


def test_the_model_is_asked_with_the_articles_and_its_citations_are_read(endpoint):
    model, url = endpoint

    result = generate_answer(
        config=config(url), question="地址写错了", sources=SOURCES, locale="zh-CN"
    )

    assert result == Generated(text="发货前可在订单详情中修改收货地址 [1]。", cited=[1])
    (request,) = model.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["auth"] == "Bearer sk-test"
    assert request["body"]["model"] == "tiny"
    system, user = request["body"]["messages"]
    assert "NO_ANSWER" in system["content"] and "Simplified Chinese" in system["content"]
    assert "[1] 如何修改收货地址" in user["content"] and "地址写错了" in user["content"]


def test_the_models_refusal_and_no_articles_are_refusals(endpoint):
    model, url = endpoint
    model.reply = "NO_ANSWER"

    assert (
        generate_answer(config=config(url), question="q", sources=SOURCES, locale="en") is REFUSED
    )
    assert generate_answer(config=config(url), question="q", sources=[], locale="en") is REFUSED
    assert len(model.requests) == 1  # nothing to answer from: the model is not asked


def test_a_timeout_or_an_error_gives_none(endpoint):
    model, url = endpoint
    model.delay = 1.5

    started = time.monotonic()
    assert (
        generate_answer(config=config(url, timeout=0.5), question="q", sources=SOURCES, locale="en")
        is None
    )
    assert time.monotonic() - started < 1.4

    model.delay, model.status = 0.0, 500
    assert generate_answer(config=config(url), question="q", sources=SOURCES, locale="en") is None


def test_a_redirect_is_not_followed_so_the_key_goes_nowhere_else(endpoint, settings):
    model, url = endpoint
    elsewhere = FakeModel()
    other_server, other_url = serve(elsewhere)
    model.redirect_to = other_url + "/v1/chat/completions"
    try:
        result = generate_answer(config=config(url), question="q", sources=SOURCES, locale="en")
    finally:
        other_server.shutdown()
        other_server.server_close()

    assert result is None
    assert elsewhere.requests == []


def test_a_private_host_that_is_not_allowed_is_never_called(endpoint, settings):
    model, url = endpoint
    settings.PARLEY_BOT_GENERATION_ALLOWED_HOSTS = []

    assert generate_answer(config=config(url), question="q", sources=SOURCES, locale="en") is None
    assert model.requests == []


# --- through the bot ------------------------------------------------------------------------


@pytest.fixture
def generating_world(world, endpoint):
    model, url = endpoint
    world.contact.locale = "zh-CN"
    world.contact.save(update_fields=["locale"])
    knowledge_base(world)
    bot_on(world)
    BotGenerationConfig.objects.create(
        workspace=world.workspace,
        enabled=True,
        base_url=url,
        model="tiny",
        api_key=encrypt("sk-test"),
        timeout_seconds=1.0,
    )
    return world, model


def ask(world, body, capture):
    with capture(execute=True):
        return say(world, body)


def test_the_bot_posts_the_phrased_answer_with_linked_citations(
    generating_world, django_capture_on_commit_callbacks
):
    world, model = generating_world

    conversation = ask(world, "收货地址写错了怎么办", django_capture_on_commit_callbacks)

    reply = last_bot(conversation)
    assert reply["kind"] == "answer"
    assert reply["body"] == "发货前可在订单详情中修改收货地址 [1]。"
    assert reply["citations"][0]["n"] == "1"
    assert reply["citations"][0]["url"].endswith("/articles/change-address-zh/?lang=zh-CN")
    assert BotReply.objects.get(kind="answer").generated is True
    assert [r["auth"] for r in model.requests] == ["Bearer sk-test"]


def test_the_bot_refuses_when_the_model_says_the_articles_do_not_answer(
    generating_world, django_capture_on_commit_callbacks
):
    world, model = generating_world
    model.reply = "NO_ANSWER"

    conversation = ask(world, "收货地址写错了怎么办", django_capture_on_commit_callbacks)

    assert last_bot(conversation)["kind"] == "refuse"


def test_a_timeout_falls_back_to_the_plain_answer(
    generating_world, django_capture_on_commit_callbacks
):
    world, model = generating_world
    model.delay = 2.0

    conversation = ask(world, "收货地址写错了怎么办", django_capture_on_commit_callbacks)

    reply = last_bot(conversation)
    assert reply["body"] == "发货前可在订单详情中修改收货地址。"
    assert "change-address-zh" in reply["source"]["url"]
    assert BotReply.objects.get(kind="answer").generated is False


def test_generation_is_off_by_default(world, endpoint, django_capture_on_commit_callbacks):
    model, _ = endpoint
    knowledge_base(world)
    bot_on(world)

    ask(world, "where is my refund", django_capture_on_commit_callbacks)

    assert model.requests == []
