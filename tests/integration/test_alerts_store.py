"""Saved queries in the store: one notification per story per channel that grows, a cap
per query, digests held for their hour, and a digest sent as one email."""

from __future__ import annotations

import asyncio
import email
import email.policy
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.support.live import free_port
from wirewatch.alerts.email import EmailNotifier
from wirewatch.alerts.outbox import Outbox
from wirewatch.alerts.unsubscribe import channel_secret
from wirewatch.config import load_settings
from wirewatch.model import Article, Channel, ChannelKind, Subscription
from wirewatch.store import Store, open_store
from wirewatch.store.base import Notice, StoryLinks


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(str(tmp_path / "alerts.db")) as opened:
        yield opened


def add(store: Store, n: int, story: str, subs: list[int], *, outlet: str = "Herald") -> None:
    article = Article(
        text=f"Article {n} on the story {story}.",
        title=f"Headline {n}",
        url=f"https://x.example/{n}",
        site_name=outlet,
    )
    store.add_article(
        article,
        links=StoryLinks(story_key=story, story_title=f"Story {story}"),
        notices=[Notice(s, {"article": {"title": f"Headline {n}"}, "quote": None}) for s in subs],
        event={"type": "article"},
    )


def webhook_sub(store: Store, cap: int = 60) -> int:
    channel = Channel(ChannelKind.WEBHOOK, target="https://hooks.example/x", secret="whsec_AAAA")
    return store.add_subscription(Subscription(query="story", channels=(channel,), cap_per_hour=cap)).id or 0


def test_ten_outlets_on_one_story_are_one_notification_that_grows(store: Store) -> None:
    sub = webhook_sub(store)
    outlets = ["Herald", "Times", "Post", "Courier", "Wire", "Globe", "Mail", "Star", "Sun", "Echo"]
    for n, outlet in enumerate(outlets):
        add(store, n, "vilnius", [sub], outlet=outlet)
    add(store, 99, "earthquake", [sub])
    deliveries = store.list_deliveries()
    assert len(deliveries) == 2  # one per story
    vilnius = next(d for d in deliveries if d.payload["story"]["title"] == "Story vilnius")
    assert vilnius.payload["story"]["article_count"] == 10
    assert len(vilnius.payload["story"]["outlets"]) == 10
    assert vilnius.payload["article"]["title"] == "Headline 9"  # the newest coverage
    assert store.events_since(0)[-1][1]["story"]["title"] == "Story earthquake"  # the live stream has all 11


def test_a_query_over_its_cap_makes_no_more_notifications_this_hour(store: Store) -> None:
    sub = webhook_sub(store, cap=3)
    for n in range(6):
        add(store, n, f"story{n}", [sub])
    assert len(store.list_deliveries()) == 3
    assert len(store.events_since(0)) == 6  # the articles themselves are all stored and streamed


def test_a_paused_subscription_gets_nothing_until_resumed(store: Store) -> None:
    sub = webhook_sub(store)
    store.set_subscription_paused(sub, True)
    add(store, 1, "a", [sub])
    assert store.list_deliveries() == []
    store.set_subscription_paused(sub, False)
    add(store, 2, "b", [sub])
    assert len(store.list_deliveries()) == 1


@dataclass
class Mailbox:
    received: list[Any] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


def test_an_hourly_digest_waits_for_its_hour_then_goes_as_one_email(store: Store) -> None:
    channel = Channel(
        ChannelKind.EMAIL, target="me@example.org", secret=channel_secret(), options={"digest": "hourly"}
    )
    sub = store.add_subscription(Subscription(query="story", channels=(channel,))).id or 0
    for n in range(3):
        add(store, n, f"story{n}", [sub])
    import time

    now = time.time()
    assert store.due_deliveries(now) == []  # held until the next full hour
    mailbox, port = Mailbox(), free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings = load_settings(overrides={"smtp_host": "127.0.0.1", "smtp_port": str(port)})
        outbox = Outbox(store, {ChannelKind.EMAIL: EmailNotifier(settings)}, clock=lambda: now + 3600)
        asyncio.run(outbox.run_once())
    finally:
        controller.stop()
    [digest] = mailbox.received
    body = digest.get_body(("plain",)).get_content()
    assert all(f"Headline {n}" in body for n in range(3))
    assert {d.status.value for d in store.list_deliveries()} == {"sent"}
