"""Web Push against a real push service on 127.0.0.1 that checks VAPID and decrypts."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.support.httpserver import HTTPTestServer, Reply, serve_http
from tests.support.pushservice import BrowserKeys, PushService, serve_push
from wirewatch.alerts.base import SendResult
from wirewatch.alerts.vapid import VapidKeys
from wirewatch.alerts.webpush import WebPushNotifier
from wirewatch.config import load_settings
from wirewatch.fetch import Fetcher
from wirewatch.model import Channel, ChannelKind, Delivery

PAYLOAD: dict[str, Any] = {
    "type": "story",
    "subscription": "NATO",
    "title": "Stoltenberg: NATO allies must step up support for Ukraine",
    "quote": {"text": "We must not underestimate Russia", "speaker": "Jens Stoltenberg"},
    "url": "http://127.0.0.1/stories/7",
    "story_id": 7,
}


@pytest.fixture(scope="module")
def keys() -> VapidKeys:
    return VapidKeys.generate()


@pytest.fixture
def push_service() -> Iterator[PushService]:
    with serve_push() as service:
        yield service


@pytest.fixture
def other_server() -> Iterator[HTTPTestServer]:
    with serve_http() as server:
        yield server


def delivery(target: str | None, payload: dict[str, Any] = PAYLOAD, story_id: int | None = 7) -> Delivery:
    channel = Channel(kind=ChannelKind.PUSH, target=target, id=3, subscription_id=1)
    return Delivery(
        id=11, key="dlv-11", channel=channel, subscription_id=1, payload=payload, story_id=story_id
    )


def send(keys: VapidKeys, item: Delivery, *, timeout: float = 10.0) -> SendResult:
    async def go() -> SendResult:
        settings = load_settings(env={}, overrides={"allow_networks": "127.0.0.0/8"})
        async with Fetcher(settings) as fetcher:
            notifier = WebPushNotifier(fetcher, keys, subject="mailto:ops@example.org", timeout=timeout)
            return await notifier.send(item)

    return asyncio.run(go())


def subscribe_at(server: HTTPTestServer, path: str, reply: Reply) -> str:
    server.route(path, reply)
    return json.dumps(BrowserKeys.generate().subscription(server.url(path)))


def test_a_notification_arrives_decrypted_and_equal_to_the_payload(
    push_service: PushService, keys: VapidKeys
) -> None:
    target = push_service.subscribe(BrowserKeys.generate(), keys.application_server_key)
    result = send(keys, delivery(target))
    assert result == SendResult(ok=True)
    assert push_service.rejections == []
    [message] = push_service.messages
    assert message.payload == PAYLOAD
    assert message.header("Content-Encoding") == "aes128gcm"
    assert message.header("TTL") == "86400"
    assert message.header("Urgency") == "normal"
    assert message.header("Topic") == "story-7"


def test_the_vapid_token_names_this_push_service_and_our_contact(
    push_service: PushService, keys: VapidKeys
) -> None:
    target = push_service.subscribe(BrowserKeys.generate(), keys.application_server_key)
    assert send(keys, delivery(target)).ok
    [message] = push_service.messages  # the service verified the signature against k=
    assert message.claims["aud"] == push_service.origin
    assert message.claims["sub"] == "mailto:ops@example.org"
    assert message.claims["exp"] > datetime.now(UTC).timestamp()


def test_a_service_holding_another_application_key_refuses_it(
    push_service: PushService, keys: VapidKeys
) -> None:
    target = push_service.subscribe(BrowserKeys.generate(), VapidKeys.generate().application_server_key)
    result = send(keys, delivery(target))
    assert not result.ok and not result.gone
    assert "HTTP 403" in (result.error or "")
    assert push_service.messages == []


def test_each_subscription_gets_a_message_only_it_can_read(
    push_service: PushService, keys: VapidKeys
) -> None:
    first, second = BrowserKeys.generate(), BrowserKeys.generate()
    target = push_service.subscribe(first, keys.application_server_key)
    stolen = json.loads(target)
    stolen["keys"] = second.subscription("x")["keys"]  # encrypted for the wrong browser
    result = send(keys, delivery(json.dumps(stolen)))
    assert not result.ok
    assert push_service.rejections == ["cannot decrypt: wrong keys or a tampered body"]


@pytest.mark.parametrize("status", [404, 410])
def test_a_subscription_the_service_no_longer_knows_is_gone(
    http_server: HTTPTestServer, keys: VapidKeys, status: int
) -> None:
    target = subscribe_at(http_server, "/wpush/old", Reply(status=status))
    result = send(keys, delivery(target))
    assert result.gone and not result.ok
    assert f"HTTP {status}" in (result.error or "")
    assert "/wpush/old" not in (result.error or "")  # the endpoint is the subscriber's secret


def test_429_says_how_long_to_wait(http_server: HTTPTestServer, keys: VapidKeys) -> None:
    target = subscribe_at(http_server, "/wpush/busy", Reply(status=429, headers={"Retry-After": "30"}))
    result = send(keys, delivery(target))
    assert not result.ok and not result.gone
    assert result.retry_after == 30.0


@pytest.mark.parametrize("status", [500, 503])
def test_a_failing_service_is_an_error_to_retry(
    http_server: HTTPTestServer, keys: VapidKeys, status: int
) -> None:
    target = subscribe_at(http_server, "/wpush/down", Reply(status=status, body=b'{"message":"overloaded"}'))
    result = send(keys, delivery(target))
    assert not result.ok and not result.gone
    assert f"HTTP {status}" in (result.error or "") and "overloaded" in (result.error or "")


def test_a_hanging_service_is_an_error_after_our_timeout(
    http_server: HTTPTestServer, keys: VapidKeys
) -> None:
    target = subscribe_at(http_server, "/wpush/slow", Reply(status=201, delay=30))
    result = send(keys, delivery(target), timeout=0.3)
    assert not result.ok and not result.gone
    assert "deadline" in (result.error or "")


def test_a_refused_connection_is_an_error_to_retry(keys: VapidKeys) -> None:
    with serve_http() as server:
        target = subscribe_at(server, "/wpush/x", Reply(status=201))
    result = send(keys, delivery(target))  # the server has stopped: nothing listens there
    assert not result.ok and not result.gone and result.error


def test_a_redirect_is_not_followed(
    http_server: HTTPTestServer, other_server: HTTPTestServer, keys: VapidKeys
) -> None:
    other_server.route("/inside", Reply(status=201))
    target = subscribe_at(
        http_server, "/wpush/moved", Reply(status=307, headers={"Location": other_server.url("/inside")})
    )
    result = send(keys, delivery(target))
    assert not result.ok and not result.gone
    assert "redirects are not followed" in (result.error or "")
    assert other_server.requests == []


def test_an_endpoint_on_a_private_address_is_refused(keys: VapidKeys) -> None:
    target = json.dumps(BrowserKeys.generate().subscription("http://10.1.2.3/wpush/x"))
    result = send(keys, delivery(target), timeout=2.0)
    assert not result.ok and not result.gone
    assert "private" in (result.error or "")


def valid_keys() -> dict[str, str]:
    return dict(BrowserKeys.generate().subscription("http://127.0.0.1/")["keys"])


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "not json",
        "[]",
        json.dumps({"endpoint": "http://127.0.0.1:9/x"}),
        json.dumps({"keys": valid_keys()}),
        json.dumps({"endpoint": "ftp://127.0.0.1/x", "keys": valid_keys()}),
        json.dumps({"endpoint": f"https://{'a' * 64}.example/x", "keys": valid_keys()}),
        json.dumps({"endpoint": "http://127.0.0.1:99999/x", "keys": valid_keys()}),
        json.dumps(
            {"endpoint": "http://127.0.0.1:9/x", "keys": {**valid_keys(), "p256dh": "!!not base64!!"}}
        ),
        json.dumps({"endpoint": "http://127.0.0.1:9/x", "keys": {**valid_keys(), "p256dh": "BAAA"}}),
        json.dumps({"endpoint": "http://127.0.0.1:9/x", "keys": {**valid_keys(), "p256dh": "B" + "A" * 86}}),
        json.dumps({"endpoint": "http://127.0.0.1:9/x", "keys": {**valid_keys(), "auth": "c2hvcnQ"}}),
        json.dumps({"endpoint": "http://127.0.0.1:9/x", "keys": {**valid_keys(), "auth": 16}}),
    ],
    ids=[
        "none",
        "empty",
        "not-json",
        "not-object",
        "no-keys",
        "no-endpoint",
        "ftp-endpoint",
        "host-label-too-long",
        "port-out-of-range",
        "bad-base64",
        "short-point",
        "point-off-curve",
        "short-auth",
        "auth-not-text",
    ],
)
def test_a_malformed_subscription_is_gone_without_a_request(
    http_server: HTTPTestServer, keys: VapidKeys, target: str | None
) -> None:
    result = send(keys, delivery(target))
    assert result.gone and not result.ok
    assert (result.error or "").startswith("push: bad subscription")
    assert http_server.requests == []


def test_a_payload_too_big_is_trimmed_and_still_decrypts(push_service: PushService, keys: VapidKeys) -> None:
    words = "Allies must step up their support for Ukraine now, the secretary general said. "
    big = {**PAYLOAD, "title": "NATO " * 600, "quote": {"text": words * 120, "speaker": "Jens Stoltenberg"}}
    target = push_service.subscribe(BrowserKeys.generate(), keys.application_server_key)
    result = send(keys, delivery(target, big))
    assert result.ok, result.error
    [message] = push_service.messages  # the service refuses bodies over 4096 bytes with 413
    got = message.payload
    assert message.body_size <= 4096
    assert got["url"] == PAYLOAD["url"] and got["story_id"] == 7
    assert got["quote"]["speaker"] == "Jens Stoltenberg"
    assert got["quote"]["text"].endswith("…") and words.startswith(got["quote"]["text"][:40])
    assert got["title"].startswith("NATO NATO") and got["title"].endswith("…")


def test_a_413_from_the_service_is_an_error(http_server: HTTPTestServer, keys: VapidKeys) -> None:
    target = subscribe_at(http_server, "/wpush/small", Reply(status=413))
    result = send(keys, delivery(target))
    assert not result.ok and not result.gone
    assert "too large" in (result.error or "")
