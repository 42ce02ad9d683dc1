"""Quote tracking: when two outlets' quotations are one quotation."""

from __future__ import annotations

from wirewatch.stories.tracking import quote_key, same_quote

QUOTE = "We will support Ukraine for as long as it takes, and we will not waver."


def test_the_same_words_in_other_marks_and_case_are_one_quote() -> None:
    assert quote_key(f"“{QUOTE}”") == quote_key(f'"{QUOTE.lower()}"')
    assert same_quote(f"“{QUOTE}”", QUOTE.upper())


def test_light_edits_keep_one_quote() -> None:
    assert same_quote(QUOTE, "We'll support Ukraine for as long as it takes and we won't waver")
    assert same_quote(QUOTE, "We will support Ukraine for as long as it takes")  # cut short


def test_different_quotations_and_short_fragments_are_not_one_quote() -> None:
    assert not same_quote(QUOTE, "We will not support any deal that rewards the aggression of Russia.")
    assert not same_quote("very good", "very good indeed, thank you")  # too short to track by overlap
    assert same_quote("very good", "Very good.")  # but the same words are the same
    assert not same_quote("", "")
