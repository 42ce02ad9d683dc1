"""Web Push: one notification, encrypted for one browser, handed to its push service.

A browser's subscription (``Channel.target``, the ``PushSubscription`` JSON) names a push
service URL and two keys.  The notification JSON is encrypted for those keys (RFC 8291,
``aes128gcm``, with http-ece), signed for by our VAPID keys (RFC 8292, ``vapid.py``), and
POSTed through our own ``Fetcher`` (address checks, one deadline, no redirect followed), so
a subscription cannot make wirewatch talk to a private address.  Push services take at most
4096 bytes, so a notification too big has its long texts (title, quotation) trimmed first.

The answer becomes a ``SendResult``: 2xx sent; 404/410 or a subscription that can never
work: gone (the caller deletes it); 429: the Retry-After to honour; anything else: an error
to retry.  Error messages name the push service by its origin only: the full endpoint URL is
a capability of the subscriber's and is not written to logs.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlsplit

import http_ece
from cryptography.hazmat.primitives.asymmetric import ec

from wirewatch.alerts.base import SendResult, parse_retry_after
from wirewatch.alerts.vapid import DEFAULT_TOKEN_LIFETIME, VapidKeys, b64url_decode, origin_of
from wirewatch.errors import FetchError
from wirewatch.fetch import Fetcher, PostResult
from wirewatch.model import ChannelKind, Delivery

__all__ = [
    "MAX_PLAINTEXT_BYTES",
    "PushSubscription",
    "WebPushNotifier",
    "encrypt_payload",
    "fit_payload",
    "parse_retry_after",
    "parse_subscription",
]

MAX_BODY_BYTES = 4096  # RFC 8030 §7.2: what every push service must accept
RECORD_SIZE = 4096
# The aes128gcm body is a header (salt 16, record size 4, key id length 1, our key 65),
# then the one record: the plaintext, a delimiter byte and a 16-byte tag.
MAX_PLAINTEXT_BYTES = MAX_BODY_BYTES - (16 + 4 + 1 + 65) - 1 - 16
_POINT_BYTES = 65
_AUTH_BYTES = 16
_ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class PushSubscription:
    """A browser's subscription: its push service URL, its ECDH public key, its auth secret."""

    endpoint: str
    p256dh: bytes  # uncompressed P-256 point, 65 bytes
    auth: bytes  # 16 bytes


def parse_subscription(target: str | None) -> PushSubscription:
    """The subscription in a PUSH channel's target; ValueError saying what is wrong with it."""
    if not target:
        raise ValueError("no subscription")
    try:
        data = json.loads(target)
    except ValueError:
        raise ValueError("the subscription is not JSON") from None
    keys = data.get("keys") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(keys, dict):
        raise ValueError('the subscription has no "keys"')
    endpoint, p256dh, auth = data.get("endpoint"), keys.get("p256dh"), keys.get("auth")
    if not isinstance(endpoint, str) or not endpoint:
        raise ValueError('the subscription has no "endpoint"')
    host = urlsplit(origin_of(endpoint)).hostname or ""  # origin_of: an http(s) URL with a host
    try:
        host.encode("idna")  # a label over 63 characters is no name at all
    except UnicodeError:
        raise ValueError("the endpoint's host is not a valid name") from None
    if not isinstance(p256dh, str) or not isinstance(auth, str):
        raise ValueError('the subscription has no "p256dh" or "auth" key')
    try:
        point, secret = b64url_decode(p256dh), b64url_decode(auth)
    except ValueError:
        raise ValueError("a subscription key is not base64url") from None
    if len(point) != _POINT_BYTES or point[0] != 0x04:
        raise ValueError('"p256dh" is not an uncompressed P-256 point')
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        raise ValueError('"p256dh" is not a point on P-256') from None
    if len(secret) != _AUTH_BYTES:
        raise ValueError('"auth" is not 16 bytes')
    return PushSubscription(endpoint=endpoint, p256dh=point, auth=secret)


def encrypt_payload(
    plaintext: bytes,
    subscription: PushSubscription,
    *,
    salt: bytes | None = None,
    server_key: ec.EllipticCurvePrivateKey | None = None,
) -> bytes:
    """The ``aes128gcm`` body for ``subscription`` (RFC 8291): a fresh ECDH key and salt per
    message unless given (tests pin them to reproduce the RFC's example)."""
    return cast(
        bytes,
        http_ece.encrypt(
            plaintext,
            salt=salt or os.urandom(16),
            private_key=server_key or ec.generate_private_key(ec.SECP256R1()),
            dh=subscription.p256dh,
            auth_secret=subscription.auth,
            version="aes128gcm",
            rs=RECORD_SIZE,
        ),
    )


def fit_payload(payload: dict[str, Any], limit: int = MAX_PLAINTEXT_BYTES) -> bytes:
    """The payload as compact UTF-8 JSON of at most ``limit`` bytes.

    When it is bigger, the long texts are cut to one common length, the longest first, with
    an ellipsis (the largest length that fits); keys, numbers and URLs stay whole.
    ValueError if it is not JSON or does not fit even so.
    """
    try:
        data = _dumps(payload)
    except (TypeError, ValueError):
        raise ValueError("the notification is not JSON") from None
    if len(data) <= limit:
        return data
    low, high = 1, max(_longest_text(payload), 1)  # the cap "low" is tried last
    best: bytes | None = None
    while low <= high:
        cap = (low + high) // 2
        trial = _dumps(_trim(payload, cap))
        if len(trial) <= limit:
            best, low = trial, cap + 1
        else:
            high = cap - 1
    if best is None:
        raise ValueError(f"the notification is over {limit} bytes even with its texts trimmed")
    return best


class WebPushNotifier:
    """Sends PUSH deliveries (see the module docstring).

    ``subject`` is the operator's contact that push services see in the VAPID token;
    ``timeout`` bounds each attempt; ``ttl`` is how long (seconds) a push service keeps a
    message for a device that is offline.
    """

    kind = ChannelKind.PUSH

    def __init__(
        self,
        fetcher: Fetcher,
        keys: VapidKeys,
        *,
        subject: str = "mailto:wirewatch@localhost",
        timeout: float = 10.0,
        ttl: int = 86400,
    ) -> None:
        if not subject.startswith(("mailto:", "https:")):
            raise ValueError("the VAPID subject is a mailto: or https: URL")
        self._fetcher = fetcher
        self._keys = keys
        self._subject = subject
        self._timeout = timeout
        self._ttl = max(0, int(ttl))

    async def send(self, delivery: Delivery) -> SendResult:
        try:
            subscription = parse_subscription(delivery.channel.target)
        except ValueError as exc:
            return SendResult(ok=False, error=f"push: bad subscription: {exc}", gone=True)
        where = f"push to {origin_of(subscription.endpoint)}"
        try:
            plaintext = fit_payload(delivery.payload)
        except ValueError as exc:
            return SendResult(ok=False, error=f"{where}: {exc}")
        try:
            body = encrypt_payload(plaintext, subscription)
        except (ValueError, http_ece.ECEException) as exc:
            return SendResult(ok=False, error=f"{where}: cannot encrypt for it: {exc}", gone=True)
        headers = [
            ("Content-Type", "application/octet-stream"),
            ("Content-Encoding", "aes128gcm"),
            ("TTL", str(self._ttl)),
            ("Urgency", "normal"),
            (
                "Authorization",
                self._keys.authorization(subscription.endpoint, self._subject, ttl=DEFAULT_TOKEN_LIFETIME),
            ),
        ]
        if delivery.story_id is not None:  # a newer message on the story replaces one still queued
            headers.append(("Topic", f"story-{delivery.story_id}"))
        try:
            answer = await self._fetcher.post(
                subscription.endpoint, body, headers=tuple(headers), timeout=self._timeout
            )
        except FetchError as exc:
            return SendResult(ok=False, error=f"{where}: {exc.message}")
        return _outcome(answer, where)


def _outcome(answer: PostResult, where: str) -> SendResult:
    status = answer.status
    if 200 <= status < 300:
        return SendResult(ok=True)
    retry_after = parse_retry_after(answer.header("retry-after"))
    if 300 <= status < 400:
        message = f"HTTP {status}: redirects are not followed"
    elif status in (404, 410):
        return SendResult(ok=False, error=f"{where}: subscription gone (HTTP {status})", gone=True)
    elif status == 413:
        message = "HTTP 413: the push service says the message is too large"
    elif status == 429:
        message = "HTTP 429: rate limited"
    else:
        detail = _snippet(answer.content)
        message = f"HTTP {status}" + (f": {detail}" if detail else "")
    return SendResult(ok=False, error=f"{where}: {message}", retry_after=retry_after)


def _snippet(content: bytes, limit: int = 200) -> str:
    text = " ".join(content.decode("utf-8", "replace").split())
    return text if len(text) <= limit else text[: limit - 1] + _ELLIPSIS


def _dumps(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def _trimmable(value: str) -> bool:
    return "://" not in value and not value.startswith("/")  # never cut a URL or a path


def _longest_text(value: Any) -> int:
    if isinstance(value, str):
        return len(value) if _trimmable(value) else 0
    if isinstance(value, dict):
        return max((_longest_text(v) for v in value.values()), default=0)
    if isinstance(value, list | tuple):
        return max((_longest_text(v) for v in value), default=0)
    return 0


def _trim(value: Any, cap: int) -> Any:
    if isinstance(value, str):
        if len(value) <= cap or not _trimmable(value):
            return value
        return value[: cap - 1].rstrip() + _ELLIPSIS
    if isinstance(value, dict):
        return {k: _trim(v, cap) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_trim(v, cap) for v in value]
    return value
