"""The clutter classifier on wording it never saw in code (held out from its vocabulary lists)."""

from __future__ import annotations

import pytest

from wirewatch.extract import is_clutter

CLUTTER = [
    "Sign up for our newsletter",
    "Share this article",
    "Comments are closed.",
    "We use cookies to personalise content and ads. By continuing you agree.",
    "Click here to subscribe to our daily briefing",
    "Follow us on Twitter",
    "ADVERTISEMENT",
    "Sponsored content",
    "Download our app for breaking news alerts",
    "- Advertisement -",
    "Leave a comment",
    "Required fields are marked *",
    "Log in to read the full story",
    "Manage your privacy settings at any time.",
]
CONTENT = [
    "He said he would resign.",
    "NATO leaders meet in Brussels on Thursday.",
    "“President Putin is failing in Ukraine,” he said.",
    "“We will not back down,” the minister told reporters after the vote.",
    "Shares of Apple fell 3% on Friday.",
    "The company said it would accept the offer.",
    "Users can sign up for the service from Monday, the ministry said.",
    "Lukashenko has said he will deploy joint forces to operate with the Russian military inside Belarus.",
    "The storm killed at least 12 people.",
    "Ukraine's president thanked allies for their support.",
]


@pytest.mark.parametrize("line", CLUTTER)
def test_clutter_is_recognised(line: str) -> None:
    assert is_clutter(line)


@pytest.mark.parametrize("line", CONTENT)
def test_news_sentences_are_content(line: str) -> None:
    assert not is_clutter(line)


def test_empty_line_is_not_clutter() -> None:
    assert not is_clutter("   ")
