"""The Web Push message: RFC 8291 encryption, the subscription, fitting into 4 KB, Retry-After."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given
from hypothesis import strategies as st

from tests.support.pushservice import BrowserKeys, decrypt_message
from wirewatch.alerts.vapid import b64url_decode, b64url_encode
from wirewatch.alerts.webpush import (
    MAX_PLAINTEXT_BYTES,
    PushSubscription,
    encrypt_payload,
    fit_payload,
    parse_retry_after,
    parse_subscription,
)


def private_key(text: str) -> ec.EllipticCurvePrivateKey:
    return ec.derive_private_key(int.from_bytes(b64url_decode(text), "big"), ec.SECP256R1())


def test_encryption_reproduces_the_example_of_rfc_8291() -> None:
    """RFC 8291 Appendix A: the same keys, salt and plaintext give the same bytes."""
    subscription = PushSubscription(
        endpoint="https://push.example.net/push/JzLQ3raZJfFBR0aqvOMsLrt54w4rJUsV",
        p256dh=b64url_decode(
            "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
        ),
        auth=b64url_decode("BTBZMqHH6r4Tts7J_aSIgg"),
    )
    body = encrypt_payload(
        b"When I grow up, I want to be a watermelon",
        subscription,
        salt=b64url_decode("DGv6ra1nlYgDCS1FRnbzlw"),
        server_key=private_key("yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw"),
    )
    assert b64url_encode(body) == (
        "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8"
        "wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN"
    )


def test_a_full_size_message_fits_the_4096_bytes_push_services_take() -> None:
    browser = BrowserKeys.generate()
    subscription = parse_subscription(json.dumps(browser.subscription("https://push.example.net/x")))
    plaintext = b"x" * MAX_PLAINTEXT_BYTES
    body = encrypt_payload(plaintext, subscription)
    assert len(body) == 4096
    assert decrypt_message(body, browser) == plaintext


def test_each_message_has_its_own_salt_and_key() -> None:
    browser = BrowserKeys.generate()
    subscription = parse_subscription(json.dumps(browser.subscription("https://push.example.net/x")))
    assert encrypt_payload(b"same", subscription)[:86] != encrypt_payload(b"same", subscription)[:86]


def test_a_subscription_with_padded_base64_is_read() -> None:
    browser = BrowserKeys.generate()
    data = browser.subscription("https://push.example.net/x")
    data["keys"]["auth"] += "=" * (-len(data["keys"]["auth"]) % 4)
    subscription = parse_subscription(json.dumps(data))
    assert subscription.auth == browser.auth and subscription.p256dh == browser.p256dh


def test_a_small_payload_is_sent_as_it_is() -> None:
    payload = {"title": "Stoltenberg in Brussels", "url": "https://example.org/a", "n": 3}
    assert json.loads(fit_payload(payload)) == payload


def test_a_big_payload_has_its_long_texts_trimmed_and_urls_kept() -> None:
    url = "https://example.org/" + "a" * 500
    payload = {"title": "Ü" * 3000, "quote": {"text": "ß" * 5000, "kind": "direct"}, "url": url, "id": 1}
    data = fit_payload(payload)
    assert len(data) <= MAX_PLAINTEXT_BYTES
    got = json.loads(data)
    assert got["url"] == url and got["id"] == 1 and got["quote"]["kind"] == "direct"
    assert got["title"].endswith("…") and got["quote"]["text"].endswith("…")
    assert len(data) > MAX_PLAINTEXT_BYTES - 10  # trimmed no more than needed


def test_a_payload_that_cannot_fit_is_an_error() -> None:
    with pytest.raises(ValueError, match="even with its texts trimmed"):
        fit_payload({"url": "https://example.org/" + "a" * 5000})
    with pytest.raises(ValueError, match="not JSON"):
        fit_payload({"when": datetime.now(UTC)})


texts = st.text(max_size=300)
payloads = st.dictionaries(
    st.sampled_from(["title", "body", "url", "quote", "speaker"]),
    texts | st.integers() | st.lists(texts, max_size=4) | st.dictionaries(st.just("text"), texts),
)


@given(payloads)
def test_fitted_payloads_are_json_within_the_limit(payload: dict[str, Any]) -> None:
    try:
        data = fit_payload(payload, limit=400)
    except ValueError:
        return  # only when even one-character texts do not fit
    assert len(data) <= 400
    assert set(json.loads(data)) == set(payload)


NOW = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("30", 30.0),
        (" 120 ", 120.0),
        (format_datetime(NOW + timedelta(seconds=90), usegmt=True), 90.0),
        (format_datetime(NOW - timedelta(hours=1), usegmt=True), 0.0),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_in_seconds_or_as_a_date(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == seconds
