"""Unsubscribe links: a token for one channel verifies; anything altered does not."""

from __future__ import annotations

import pytest

from wirewatch.alerts.unsubscribe import (
    channel_secret,
    unsubscribe_channel_id,
    unsubscribe_token,
    verify_unsubscribe_token,
)

SECRET = channel_secret()


def test_a_token_verifies_with_its_channels_secret() -> None:
    token = unsubscribe_token(41, SECRET)
    assert unsubscribe_channel_id(token) == 41
    assert verify_unsubscribe_token(token, SECRET) == 41
    assert token == unsubscribe_token(41, SECRET)  # the link in every email stays the same


def test_a_tampered_token_does_not_verify() -> None:
    token = unsubscribe_token(41, SECRET)
    channel, _, mac = token.partition(".")
    flipped = mac[:-1] + ("A" if mac[-1] != "A" else "B")
    assert verify_unsubscribe_token(f"{channel}.{flipped}", SECRET) is None
    assert verify_unsubscribe_token(f"42.{mac}", SECRET) is None  # another channel, same MAC
    assert verify_unsubscribe_token(token, channel_secret()) is None  # a new secret revokes it
    assert verify_unsubscribe_token(token + "x", SECRET) is None
    assert verify_unsubscribe_token(token, None) is None
    assert verify_unsubscribe_token(token, "") is None


@pytest.mark.parametrize(
    "token", ["", "41", "41.", ".abc", "abc.def", "0." + "A" * 43, "-1." + "A" * 43, "41 ." + "A" * 43]
)
def test_garbage_is_refused_without_an_error(token: str) -> None:
    assert unsubscribe_channel_id(token) is None
    assert verify_unsubscribe_token(token, SECRET) is None


def test_tokens_are_url_safe_and_need_a_secret() -> None:
    token = unsubscribe_token(123456, SECRET)
    assert all(c.isalnum() or c in "._-" for c in token)
    with pytest.raises(ValueError, match="secret"):
        unsubscribe_token(1, "")
    with pytest.raises(ValueError, match="channel id"):
        unsubscribe_token(0, SECRET)
