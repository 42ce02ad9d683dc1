"""VAPID (RFC 8292): the key pair that identifies this wirewatch to every push service.

A browser subscribes with our public key (``application_server_key``, what
``pushManager.subscribe`` takes), and the push service then accepts a message for that
subscription only with an ``Authorization: vapid t=<JWT>, k=<public key>`` header signed by
the matching private key.  So the key pair is made once and kept: ``to_string()`` is the
compact form for the database (the raw private scalar, base64url, the form web-push tools
print and accept), ``to_pem()`` the PKCS#8 form for files.  Signing is py-vapid's ES256 JWT;
the keys are cryptography's.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import cast
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid.jwt import sign as sign_jwt

__all__ = ["MAX_TOKEN_LIFETIME", "VapidKeys", "b64url_decode", "b64url_encode", "origin_of"]

MAX_TOKEN_LIFETIME = timedelta(hours=24)  # RFC 8292 §2: exp no further than 24 hours ahead
DEFAULT_TOKEN_LIFETIME = timedelta(hours=12)
_PRIVATE_SCALAR_BYTES = 32


def b64url_encode(data: bytes) -> str:
    """Base64url without padding, as Web Push writes keys and JWTs."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """The bytes of base64url text, padded or not; ValueError on anything else."""
    cleaned = text.strip()
    if not cleaned or any(c not in _B64URL for c in cleaned.rstrip("=")):
        raise ValueError("not base64url")
    try:
        return base64.urlsafe_b64decode(cleaned.rstrip("=") + "=" * (-len(cleaned.rstrip("=")) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("not base64url") from None


_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def origin_of(url: str) -> str:
    """The JWT audience for a push endpoint: ``scheme://host[:port]``, the port only when it
    is not the scheme's default.  ValueError for anything but an http(s) URL with a host."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    host = parts.hostname  # lowercased, IPv6 without brackets
    if ":" in host:
        host = f"[{host}]"
    port = parts.port  # ValueError for a port out of range
    default = 443 if scheme == "https" else 80
    return f"{scheme}://{host}" if port in (None, default) else f"{scheme}://{host}:{port}"


@dataclass(frozen=True, slots=True)
class VapidKeys:
    """A P-256 key pair for VAPID; see the module docstring."""

    private_key: ec.EllipticCurvePrivateKey

    @classmethod
    def generate(cls) -> VapidKeys:
        return cls(ec.generate_private_key(ec.SECP256R1()))

    @classmethod
    def from_string(cls, text: str) -> VapidKeys:
        """Keys from ``to_string()``'s form, or from a PEM; ValueError if it is neither."""
        if "-----BEGIN" in text:
            return cls.from_pem(text)
        raw = b64url_decode(text)
        if len(raw) != _PRIVATE_SCALAR_BYTES:
            raise ValueError("a VAPID private key is 32 bytes")
        return cls(ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1()))

    @classmethod
    def from_pem(cls, pem: str | bytes) -> VapidKeys:
        data = pem.encode("ascii") if isinstance(pem, str) else pem
        key = serialization.load_pem_private_key(data, password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
            raise ValueError("a VAPID key is a P-256 (prime256v1) EC key")
        return cls(key)

    def to_string(self) -> str:
        """The private key as base64url of its 32-byte scalar: compact, and what
        web-push tools call the VAPID private key.  A secret."""
        scalar = self.private_key.private_numbers().private_value
        return b64url_encode(scalar.to_bytes(_PRIVATE_SCALAR_BYTES, "big"))

    def to_pem(self) -> str:
        """The private key as unencrypted PKCS#8 PEM.  A secret."""
        return self.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode("ascii")

    @property
    def public_key_bytes(self) -> bytes:
        """The public key as an uncompressed point (65 bytes, starting with 0x04)."""
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )

    @property
    def application_server_key(self) -> str:
        """The public key, base64url: the browser's ``applicationServerKey``."""
        return b64url_encode(self.public_key_bytes)

    def authorization(
        self,
        endpoint: str,
        subject: str,
        *,
        now: datetime | None = None,
        ttl: timedelta = DEFAULT_TOKEN_LIFETIME,
    ) -> str:
        """The ``Authorization`` header for a push to ``endpoint``: ``vapid t=<JWT>, k=<key>``.

        The JWT (ES256) says ``aud`` = the endpoint's origin, ``exp`` = ``now + ttl``
        (at most 24 hours), ``sub`` = ``subject``, the operator's contact (``mailto:`` or
        ``https:`` URL).  ValueError for a bad endpoint, subject or ttl.
        """
        if not subject.startswith(("mailto:", "https:")):
            raise ValueError("the VAPID subject is a mailto: or https: URL")
        if not timedelta(0) < ttl <= MAX_TOKEN_LIFETIME:
            raise ValueError("a VAPID token lives more than 0 and at most 24 hours")
        issued = now or datetime.now(UTC)
        claims = {
            "aud": origin_of(endpoint),
            "exp": int((issued + ttl).timestamp()),
            "sub": subject,
        }
        token = cast(str, sign_jwt(claims, self.private_key))
        return f"vapid t={token}, k={self.application_server_key}"
