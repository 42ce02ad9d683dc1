"""Making delivery channels: one place that checks a target and gives the channel its secret.

The command line, the API and the pages all make channels here, so a webhook URL or an
email address is checked the same way whichever door it came through.
"""

from __future__ import annotations

import email.utils
from typing import Any
from urllib.parse import urlsplit

from wirewatch.alerts.atom import feed_token
from wirewatch.alerts.unsubscribe import channel_secret
from wirewatch.alerts.webhook import new_secret
from wirewatch.errors import UsageError
from wirewatch.model import Channel, ChannelKind, Subscription

__all__ = ["email_channel", "feed_channel", "feed_url", "subscription_json", "webhook_channel"]

DIGESTS = ("immediate", "hourly", "daily")


def webhook_channel(url: str) -> Channel:
    """A signed-webhook channel with a new ``whsec_`` secret; UsageError for a non-http(s) URL."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"a webhook needs an http(s) URL, not {url!r}")
    return Channel(ChannelKind.WEBHOOK, target=url, secret=new_secret())


def email_channel(address: str, digest: str = "immediate") -> Channel:
    """An email channel with the secret that signs its unsubscribe links."""
    _, parsed = email.utils.parseaddr(address)
    if not parsed or parsed != address.strip() or "@" not in parsed or any(c in parsed for c in "\r\n"):
        raise UsageError(f"an email address like name@example.org is needed, not {address!r}")
    if digest not in DIGESTS:
        raise UsageError(f"digest: one of {', '.join(DIGESTS)}, not {digest!r}")
    return Channel(ChannelKind.EMAIL, target=parsed, secret=channel_secret(), options={"digest": digest})


def feed_channel() -> Channel:
    """An Atom feed channel; its secret is the unguessable token in the feed's URL."""
    return Channel(ChannelKind.FEED, secret=feed_token())


def feed_url(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/feeds/{token}.atom"


def subscription_json(sub: Subscription, public_url: str, *, reveal: bool = False) -> dict[str, Any]:
    """The subscription's JSON shape, each feed channel with its ``feed_url``."""
    data = sub.to_dict(reveal=reveal)
    for channel, out in zip(sub.channels, data["channels"], strict=True):
        if channel.kind is ChannelKind.FEED and channel.secret:
            out["feed_url"] = feed_url(public_url, channel.secret)
    return data
