"""The outbox against receivers that misbehave: each fault is retried or disabled as the
issue says, logged once, and never holds up the other deliveries."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.httpserver import HTTPTestServer, Reply, serve_http
from wirewatch.alerts.outbox import Outbox
from wirewatch.alerts.webhook import WebhookNotifier, new_secret
from wirewatch.config import load_settings
from wirewatch.fetch import Fetcher
from wirewatch.model import Article, Channel, ChannelKind, Subscription
from wirewatch.store import Store, open_store
from wirewatch.store.base import Notice


@pytest.fixture
def server() -> Iterator[HTTPTestServer]:
    with serve_http() as running:
        running.route("/ok", Reply(status=204))
        running.route("/hang", Reply(status=204, delay=5.0))
        running.route("/error", Reply(status=500))
        running.route("/busy", Reply(status=429, headers={"Retry-After": "120"}))
        running.route("/gone", Reply(status=410))
        running.route("/redirect", Reply(status=307, headers={"Location": "http://10.0.0.1/steal"}))
        yield running


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(str(tmp_path / "outbox.db")) as opened:
        yield opened


def test_each_fault_is_handled_and_none_blocks_the_others(server: HTTPTestServer, store: Store) -> None:
    targets = ["/hang", "/ok", "/error", "/busy", "/gone", "/redirect"]
    subs = {}
    for path in [*targets, "ftp"]:
        url = "ftp://127.0.0.1/x" if path == "ftp" else server.url(path)
        channel = Channel(ChannelKind.WEBHOOK, target=url, secret=new_secret())
        subs[path] = store.add_subscription(Subscription(query="harbour", channels=(channel,)))
    article = Article(
        text="The harbour reopened after the storm.", title="Harbour reopens", url="https://n.example/1"
    )
    store.add_article(
        article, notices=[Notice(s.id or 0, {"article": {"title": "Harbour reopens"}}) for s in subs.values()]
    )

    settings = load_settings(overrides={"allow_networks": ["127.0.0.0/8"], "respect_robots": False})

    async def go() -> dict[str, float]:
        async with Fetcher(settings) as fetcher:
            outbox = Outbox(store, {ChannelKind.WEBHOOK: WebhookNotifier(fetcher, timeout=1.0)})
            finished: dict[str, float] = {}
            start = time.monotonic()

            def seen(delivery: object, result: object) -> None:
                finished[getattr(delivery, "channel").target.rsplit("/", 1)[-1]] = time.monotonic() - start  # noqa: B009

            outbox._on_result = seen
            await outbox.run_once()
            return finished

    order = asyncio.run(go())
    by_path = {d.channel.target.rsplit("/", 1)[-1]: d for d in store.list_deliveries(limit=20)}
    assert by_path["ok"].status.value == "sent"
    assert order["ok"] < order["hang"]  # the hung endpoint held up nobody
    for path in ("hang", "error", "busy", "redirect"):  # retried later
        assert by_path[path].status.value == "pending" and by_path[path].attempts == 1, path
    assert "redirects are not followed" in (by_path["redirect"].last_error or "")
    assert by_path["busy"].next_attempt_at is not None
    assert by_path["busy"].next_attempt_at.timestamp() >= time.time() + 100  # Retry-After: 120 honoured
    assert by_path["gone"].status.value == "failed"  # 410: the endpoint is disabled, not retried
    gone_channel = store.get_subscription(subs["/gone"].id or 0).channels[0]  # type: ignore[union-attr]
    assert not gone_channel.active and "410" in (gone_channel.disabled_reason or "")
    assert by_path["x"].status.value == "failed"  # ftp: can never work, the channel is disabled
    assert "scheme" in (by_path["x"].last_error or "")
    assert [r.path for r in server.requests if r.path == "/steal"] == []
