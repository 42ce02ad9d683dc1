"""Webhooks, signed per the Standard Webhooks specification (standardwebhooks.com).

Each delivery is a JSON POST with three headers: ``webhook-id`` (the delivery's
idempotency key: the same on a resend, so the receiver can drop a repeat),
``webhook-timestamp`` (Unix seconds: the receiver rejects stale messages, so a replay
fails) and ``webhook-signature`` (``v1,`` + base64 HMAC-SHA256 over
``id.timestamp.body`` with the endpoint's secret, so a tampered message fails).  The
secret is ``whsec_`` + base64 of 24 random bytes, shown once when the subscription is
made.  Requests go through the safe fetcher: address checks on the dialled IP, one
deadline, no redirect followed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time

from wirewatch.alerts.base import SendResult, parse_retry_after
from wirewatch.errors import FetchError
from wirewatch.fetch import Fetcher
from wirewatch.model import ChannelKind, Delivery

__all__ = ["WebhookNotifier", "new_secret", "outcome", "sign", "verify"]

SECRET_PREFIX = "whsec_"  # noqa: S105 - the spec's prefix, not a secret
TOLERANCE = 300  # seconds a receiver accepts between the timestamp and its clock


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header value."""
    mac = hmac.new(_key(secret), f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def verify(secret: str, headers: dict[str, str], body: bytes, *, now: float | None = None) -> bool:
    """A receiver's check: a valid signature over a fresh timestamp (what our tests run)."""
    msg_id, stamp, given = (
        headers.get(h, "") for h in ("webhook-id", "webhook-timestamp", "webhook-signature")
    )
    if not (msg_id and stamp.isdigit() and given):
        return False
    if abs((time.time() if now is None else now) - int(stamp)) > TOLERANCE:
        return False
    expected = sign(secret, msg_id, int(stamp), body).encode()
    return any(hmac.compare_digest(expected, part.encode()) for part in given.split())


class WebhookNotifier:
    kind = ChannelKind.WEBHOOK

    def __init__(self, fetcher: Fetcher, *, timeout: float = 10.0) -> None:
        self._fetcher = fetcher
        self._timeout = timeout

    async def send(self, delivery: Delivery) -> SendResult:
        url, secret = delivery.channel.target, delivery.channel.secret
        if not url or not secret:
            return SendResult(False, "webhook channel without a URL or secret", gone=True)
        if not url.lower().startswith(("http://", "https://")):
            return SendResult(False, f"unsupported URL scheme in {url[:80]!r}", gone=True)
        body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
        stamp = int(time.time())
        try:
            signature = sign(secret, delivery.key, stamp, body)
        except ValueError:
            return SendResult(False, "webhook secret is not valid base64", gone=True)
        headers = (
            ("Content-Type", "application/json"),
            ("webhook-id", delivery.key),
            ("webhook-timestamp", str(stamp)),
            ("webhook-signature", signature),
        )
        try:
            reply = await self._fetcher.post(url, body, headers=headers, timeout=self._timeout)
        except FetchError as exc:
            return SendResult(False, exc.message)
        return outcome(reply.status, reply.header("retry-after"))


def outcome(status: int, retry_after: str | None) -> SendResult:
    """What an HTTP answer to a delivery means: done, gone for good, or try again (when)."""
    if 200 <= status < 300:
        return SendResult(True)
    if status == 410:
        return SendResult(False, "HTTP 410: the endpoint is gone", gone=True)
    if 300 <= status < 400:
        return SendResult(False, f"HTTP {status}: redirects are not followed")
    retry = parse_retry_after(retry_after) if status in (429, 503) else None
    return SendResult(False, f"HTTP {status}", retry_after=retry)
