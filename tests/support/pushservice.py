"""A real Web Push service on 127.0.0.1 for tests, and the browser side of a subscription.

    with serve_push() as service:
        browser = BrowserKeys.generate()               # what pushManager.subscribe makes
        target = service.subscribe(browser, keys.application_server_key)
        ...send a Delivery whose channel.target is ``target``...
        assert service.messages[0].payload == {...}    # decrypted with the browser's key

For each message it does what a push service and the browser do together, written here
from the RFCs with ``cryptography`` alone (not with the libraries wirewatch sends with, so
a misuse of them shows): it checks the VAPID ``Authorization`` (RFC 8292: an ES256 JWT
signed by the ``k=`` key, that key the one the browser subscribed with, ``aud`` this
service's origin, ``exp`` in the future and at most 24 hours away, ``sub`` a contact) and the
body size (4096 bytes at most, RFC 8030), then decrypts the ``aes128gcm`` body (RFC 8291)
with the subscription's private key and auth secret.  A good message is recorded in
``messages`` and answered 201; a bad one is recorded in ``rejections`` and answered 400,
401, 403 or 413 as a real push service would.
"""

from __future__ import annotations

import base64
import json
import secrets
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from tests.support.httpserver import HTTPTestServer, RecordedRequest, Reply, serve_http

__all__ = [
    "BrowserKeys",
    "PushMessage",
    "PushRejectedError",
    "PushService",
    "decrypt_message",
    "serve_push",
    "verify_vapid",
]

MAX_BODY = 4096


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _point(key: ec.EllipticCurvePublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


@dataclass(frozen=True)
class BrowserKeys:
    """The keys a browser makes for one push subscription: a P-256 pair and an auth secret."""

    private_key: ec.EllipticCurvePrivateKey
    auth: bytes

    @classmethod
    def generate(cls) -> BrowserKeys:
        return cls(ec.generate_private_key(ec.SECP256R1()), secrets.token_bytes(16))

    @property
    def p256dh(self) -> bytes:
        return _point(self.private_key.public_key())

    def subscription(self, endpoint: str) -> dict[str, Any]:
        """``PushSubscription.toJSON()``, as the browser hands it to the page."""
        return {"endpoint": endpoint, "keys": {"p256dh": b64url(self.p256dh), "auth": b64url(self.auth)}}


class PushRejectedError(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _hkdf(salt: bytes, ikm: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


def decrypt_message(body: bytes, browser: BrowserKeys) -> bytes:
    """The plaintext of an ``aes128gcm`` Web Push body (RFC 8291 §3.4, RFC 8188 §2)."""
    if len(body) < 21:
        raise PushRejectedError(400, "body shorter than the aes128gcm header")
    salt, (record_size,), id_length = body[:16], struct.unpack("!L", body[16:20]), body[20]
    sender = body[21 : 21 + id_length]
    records = body[21 + id_length :]
    if id_length != 65:
        raise PushRejectedError(400, f"key id is {id_length} bytes, not the sender's 65-byte key")
    if len(records) > record_size:
        raise PushRejectedError(400, "Web Push allows one record only")
    try:
        sender_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), sender)
    except ValueError:
        raise PushRejectedError(400, "key id is not a P-256 point") from None
    shared = browser.private_key.exchange(ec.ECDH(), sender_key)
    ikm = _hkdf(browser.auth, shared, b"WebPush: info\x00" + browser.p256dh + sender, 32)
    key = _hkdf(salt, ikm, b"Content-Encoding: aes128gcm\x00", 16)
    nonce = _hkdf(salt, ikm, b"Content-Encoding: nonce\x00", 12)
    try:
        padded = AESGCM(key).decrypt(nonce, records, None)
    except InvalidTag:
        raise PushRejectedError(400, "cannot decrypt: wrong keys or a tampered body") from None
    plaintext = padded.rstrip(b"\x00")
    if not plaintext.endswith(b"\x02"):
        raise PushRejectedError(400, "the last record's delimiter is not 0x02")
    return plaintext[:-1]


def verify_vapid(header: str | None, *, audience: str, now: datetime) -> tuple[dict[str, Any], str]:
    """The claims and the ``k`` key of a valid ``vapid t=…, k=…`` header (RFC 8292 §3)."""
    if not header or not header.lower().startswith("vapid "):
        raise PushRejectedError(401, "no vapid Authorization")
    params: dict[str, str] = {}
    for part in header[len("vapid ") :].split(","):
        name, _, value = part.strip().partition("=")
        params[name.strip().lower()] = value.strip()
    token, key_text = params.get("t"), params.get("k")
    if not token or not key_text:
        raise PushRejectedError(401, "vapid Authorization without t= and k=")
    try:
        head_part, claims_part, signature_part = token.split(".")
        head = json.loads(unb64url(head_part))
        claims = json.loads(unb64url(claims_part))
        signature = unb64url(signature_part)
        public_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key_text))
    except ValueError as exc:
        raise PushRejectedError(401, f"unreadable JWT or key: {exc}") from None
    if head.get("alg") != "ES256" or len(signature) != 64:
        raise PushRejectedError(401, f"not an ES256 JWT: {head}")
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    try:
        public_key.verify(der, f"{head_part}.{claims_part}".encode("ascii"), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise PushRejectedError(401, "JWT signature does not verify with k=") from None
    if claims.get("aud") != audience:
        raise PushRejectedError(403, f"aud {claims.get('aud')!r} is not {audience!r}")
    expires = claims.get("exp")
    if (
        not isinstance(expires, int)
        or not now.timestamp() < expires <= (now + timedelta(hours=24)).timestamp()
    ):
        raise PushRejectedError(403, f"exp {expires!r} is not within the next 24 hours")
    if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
        raise PushRejectedError(403, f"sub {claims.get('sub')!r} is not a contact URL")
    return claims, key_text


@dataclass(frozen=True)
class PushMessage:
    """One message the service accepted, decrypted."""

    path: str
    headers: tuple[tuple[str, str], ...]
    claims: dict[str, Any]
    payload: Any  # the decrypted JSON
    body_size: int

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)


@dataclass
class PushService:
    server: HTTPTestServer
    messages: list[PushMessage] = field(default_factory=list)
    rejections: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def origin(self) -> str:
        return self.server.base_url

    def subscribe(self, browser: BrowserKeys, application_server_key: str) -> str:
        """A new endpoint on this service for ``browser``, bound to the application server
        key it subscribed with; returns the subscription JSON (the channel's target)."""
        path = f"/wpush/v2/{secrets.token_urlsafe(16)}"
        self.server.route(path, lambda request: self._receive(request, browser, application_server_key))
        return json.dumps(browser.subscription(self.server.url(path)))

    def _receive(self, request: RecordedRequest, browser: BrowserKeys, server_key: str) -> Reply:
        try:
            message = self._check(request, browser, server_key)
        except PushRejectedError as exc:
            with self.lock:
                self.rejections.append(exc.reason)
            return Reply(status=exc.status, body=json.dumps({"message": exc.reason}).encode())
        with self.lock:
            self.messages.append(message)
            number = len(self.messages)
        return Reply(status=201, headers={"Location": self.server.url(f"/m/{number}")})

    def _check(self, request: RecordedRequest, browser: BrowserKeys, server_key: str) -> PushMessage:
        if request.method != "POST":
            raise PushRejectedError(405, f"{request.method} is not POST")
        claims, key = verify_vapid(
            request.header("authorization"), audience=self.origin, now=datetime.now(UTC)
        )
        if key != server_key:
            raise PushRejectedError(403, "k= is not the key the subscription was made with")
        if not (request.header("ttl") or "").isdigit():
            raise PushRejectedError(400, "no TTL header")
        if request.header("content-encoding") != "aes128gcm":
            raise PushRejectedError(400, f"Content-Encoding {request.header('content-encoding')!r}")
        if len(request.body) > MAX_BODY:
            raise PushRejectedError(413, f"body of {len(request.body)} bytes is over {MAX_BODY}")
        plaintext = decrypt_message(request.body, browser)
        try:
            payload = json.loads(plaintext)
        except ValueError:
            raise PushRejectedError(400, "the plaintext is not JSON") from None
        return PushMessage(request.path, request.headers, claims, payload, len(request.body))


@contextmanager
def serve_push() -> Iterator[PushService]:
    with serve_http() as server:
        yield PushService(server)
