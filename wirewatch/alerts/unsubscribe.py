"""Unsubscribe links: a token that names one email channel and proves it came from us.

Every email carries ``{public_url}/unsubscribe/{token}`` (in its bodies and in its
``List-Unsubscribe`` header), so that one click, without signing in, turns the channel off.
The token is ``<channel id>.<HMAC-SHA256 of the id under the channel's own secret>``: the
web app reads the id (``unsubscribe_channel_id``), loads that channel, and checks the MAC
with its secret (``verify_unsubscribe_token``).  Nobody can forge a link for another
channel, and giving the channel a new secret revokes every link already sent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

__all__ = ["channel_secret", "unsubscribe_channel_id", "unsubscribe_token", "verify_unsubscribe_token"]

_TOKEN = re.compile(r"^([1-9][0-9]{0,18})\.([A-Za-z0-9_-]{43})$")


def channel_secret() -> str:
    """A fresh secret for an email channel (``Channel.secret``): it signs the channel's
    unsubscribe links."""
    return secrets.token_urlsafe(32)


def unsubscribe_token(channel_id: int, secret: str | bytes) -> str:
    """The URL-safe token of one channel's unsubscribe link."""
    if isinstance(channel_id, bool) or not isinstance(channel_id, int) or channel_id <= 0:
        raise ValueError(f"unsubscribe: not a channel id: {channel_id!r}")
    return f"{channel_id}.{_mac(channel_id, secret)}"


def unsubscribe_channel_id(token: str) -> int | None:
    """The channel a token names, *unverified*: only to look the channel (and its secret) up."""
    match = _TOKEN.match(token) if isinstance(token, str) else None
    return int(match.group(1)) if match else None


def verify_unsubscribe_token(token: str, secret: str | bytes | None) -> int | None:
    """The channel id if ``token`` was made with ``secret``, else None (never raises)."""
    channel_id = unsubscribe_channel_id(token)
    if channel_id is None or not secret:
        return None
    expected = _mac(channel_id, secret)
    return channel_id if hmac.compare_digest(expected, token.partition(".")[2]) else None


def _mac(channel_id: int, secret: str | bytes) -> str:
    key = secret.encode() if isinstance(secret, str) else secret
    if not key:
        raise ValueError("unsubscribe: the channel has no secret to sign its link with")
    digest = hmac.new(key, f"wirewatch-unsubscribe:{channel_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
