"""VAPID keys: kept and reloaded as the same key, and the Authorization header they sign."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from wirewatch.alerts.vapid import VapidKeys, origin_of

NOW = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def parse_header(header: str) -> tuple[dict[str, Any], dict[str, Any], bytes, str, str]:
    scheme, _, rest = header.partition(" ")
    assert scheme == "vapid"
    params = dict(part.strip().split("=", 1) for part in rest.split(","))
    head, claims, signature = params["t"].split(".")
    return (
        json.loads(unb64url(head)),
        json.loads(unb64url(claims)),
        unb64url(signature),
        params["t"],
        params["k"],
    )


def test_keys_round_trip_through_their_compact_string() -> None:
    keys = VapidKeys.generate()
    text = keys.to_string()
    assert len(unb64url(text)) == 32
    again = VapidKeys.from_string(text)
    assert again.application_server_key == keys.application_server_key
    assert again.to_string() == text


def test_keys_round_trip_through_pem() -> None:
    keys = VapidKeys.generate()
    pem = keys.to_pem()
    assert pem.startswith("-----BEGIN PRIVATE KEY-----")
    assert VapidKeys.from_pem(pem).application_server_key == keys.application_server_key
    assert VapidKeys.from_string(pem).to_string() == keys.to_string()


def test_two_generated_keys_differ() -> None:
    assert VapidKeys.generate().to_string() != VapidKeys.generate().to_string()


@pytest.mark.parametrize("text", ["", "not a key!", "AAAA", "A" * 60])
def test_a_string_that_is_not_a_key_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        VapidKeys.from_string(text)


def test_a_key_on_another_curve_is_refused() -> None:
    from cryptography.hazmat.primitives import serialization

    other = ec.generate_private_key(ec.SECP384R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with pytest.raises(ValueError, match="P-256"):
        VapidKeys.from_pem(other)


def test_application_server_key_is_the_uncompressed_public_point() -> None:
    keys = VapidKeys.generate()
    raw = unb64url(keys.application_server_key)
    assert len(raw) == 65 and raw[0] == 0x04
    assert "=" not in keys.application_server_key
    point = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    assert point.public_numbers() == keys.private_key.public_key().public_numbers()


def test_authorization_is_an_es256_jwt_for_the_endpoint_origin() -> None:
    keys = VapidKeys.generate()
    header = keys.authorization(
        "https://Push.Example.net:8443/wpush/v2/abc?x=1", "mailto:ops@example.org", now=NOW
    )
    head, claims, signature, token, k = parse_header(header)
    assert head == {"typ": "JWT", "alg": "ES256"}
    assert claims == {
        "aud": "https://push.example.net:8443",
        "exp": int((NOW + timedelta(hours=12)).timestamp()),
        "sub": "mailto:ops@example.org",
    }
    assert k == keys.application_server_key
    assert len(signature) == 64
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(k))
    public.verify(der, token.rsplit(".", 1)[0].encode(), ec.ECDSA(hashes.SHA256()))  # raises if forged


def test_token_lifetime_is_capped_at_a_day() -> None:
    keys = VapidKeys.generate()
    _, claims, *_ = parse_header(
        keys.authorization(
            "https://push.example.net/x", "https://example.org", now=NOW, ttl=timedelta(hours=24)
        )
    )
    assert claims["exp"] == int((NOW + timedelta(hours=24)).timestamp())
    with pytest.raises(ValueError, match="24 hours"):
        keys.authorization("https://push.example.net/x", "mailto:a@b.org", now=NOW, ttl=timedelta(hours=25))


def test_subject_must_be_a_contact() -> None:
    with pytest.raises(ValueError, match="subject"):
        VapidKeys.generate().authorization("https://push.example.net/x", "ops@example.org")


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://fcm.googleapis.com/fcm/send/abc", "https://fcm.googleapis.com"),
        ("https://push.example.net:443/x", "https://push.example.net"),
        ("http://127.0.0.1:8080/x", "http://127.0.0.1:8080"),
        ("http://[::1]:8080/x", "http://[::1]:8080"),
    ],
)
def test_origin_of_an_endpoint(url: str, origin: str) -> None:
    assert origin_of(url) == origin


@pytest.mark.parametrize("url", ["ftp://example.net/x", "https:///x", "not a url"])
def test_origin_of_a_non_http_url_is_refused(url: str) -> None:
    with pytest.raises(ValueError):
        origin_of(url)
