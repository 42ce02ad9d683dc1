"""find_quotes on hand-written texts and the seed page: kinds, spans, cues and speaker mentions."""

from __future__ import annotations

from pathlib import Path

import pytest

from wirewatch.enrich.quotes import find_quotes, quote_kind
from wirewatch.model import Quote, QuoteKind

SEED = Path(__file__).resolve().parents[2] / "cases" / "nato-stoltenberg-page.txt"


def quote_with(quotes: list[Quote], words: str) -> Quote:
    found = [q for q in quotes if words in q.text]
    assert found, f"no quotation holds {words!r}: {[q.text for q in quotes]}"
    return found[0]


def mention(quote: Quote) -> str | None:
    return quote.speaker.name if quote.speaker else None


@pytest.fixture(scope="module")
def seed() -> tuple[str, list[Quote]]:
    text = SEED.read_text(encoding="utf-8")
    return text, find_quotes(text)


@pytest.mark.parametrize(
    ("words", "kind", "speaker"),
    [
        (
            "defending NATO in light of Russian President",
            QuoteKind.DIRECT,
            "NATO Secretary General Jens Stoltenberg",
        ),
        ("the leaders will review progress", QuoteKind.INDIRECT, "Stoltenberg"),
        ("our support is playing a key role", QuoteKind.MIXED, "He"),
        ("We will step up and sustain our support", QuoteKind.DIRECT, "the secretary general"),
        ("Ukraine has the momentum", QuoteKind.DIRECT, "the secretary general"),
        ("the Russians are launching terror attacks", QuoteKind.INDIRECT, "Stoltenberg"),
        ("President Putin is failing in Ukraine", QuoteKind.DIRECT, "he"),
        ("His attempted annexations", QuoteKind.DIRECT, "he"),
        ("for as long as it takes", QuoteKind.MIXED, "The secretary general"),
        ("he will deploy joint forces", QuoteKind.INDIRECT, "Lukashenko"),
    ],
)
def test_seed_page_quotations(
    seed: tuple[str, list[Quote]], words: str, kind: QuoteKind, speaker: str
) -> None:
    text, quotes = seed
    quote = quote_with(quotes, words)
    assert quote.kind == kind
    assert mention(quote) == speaker
    assert quote.speaker is not None and quote.speaker.span is not None
    assert text[quote.speaker.span[0] : quote.speaker.span[1]] == speaker


def test_seed_page_headline_and_called_on(seed: tuple[str, list[Quote]]) -> None:
    _, quotes = seed
    headline = quote_with(quotes, "NATO Remains Committed")
    assert (mention(headline), headline.cue) == ("Stoltenberg", ":")
    called = quote_with(quotes, "to stop supporting Russia")
    assert (mention(called), called.cue) == ("He", "called on")


def test_seed_page_nothing_from_putin(seed: tuple[str, list[Quote]]) -> None:
    _, quotes = seed
    assert all("Putin" not in (mention(q) or "") for q in quotes)
    mixed = quote_with(quotes, "for as long as it takes")
    assert "He must end it" in mixed.text  # the quotation runs on to its closing mark


def test_interrupted_quote_gives_two_fragments_with_one_speaker() -> None:
    text = "“The talks went well,” the minister said. “We will meet again in May.”"
    quotes = find_quotes(text)
    assert [q.text for q in quotes] == ["“The talks went well,”", "“We will meet again in May.”"]
    assert [mention(q) for q in quotes] == ["the minister", "the minister"]
    assert all(q.kind == QuoteKind.DIRECT for q in quotes)


def test_multi_paragraph_quote_keeps_its_speaker() -> None:
    text = (
        "Mayor Ann Patel told the council:\n\n"
        "“The bridge will close for repairs in June and reopen in the autumn.\n\n"
        "“Buses will run every ten minutes while the work goes on.”"
    )
    quotes = find_quotes(text)
    first, second = quote_with(quotes, "bridge will close"), quote_with(quotes, "Buses will run")
    assert mention(first) == mention(second) == "Mayor Ann Patel"
    assert first.span[1] <= second.span[0]


def test_inverted_attribution() -> None:
    text = "“The results are encouraging,” said Dr. Maria Lopez, a doctor at the clinic."
    quote = quote_with(find_quotes(text), "results are encouraging")
    assert mention(quote) == "Dr. Maria Lopez"
    assert quote.cue == "said"


def test_according_to() -> None:
    text = "According to the health ministry, the outbreak has spread to three more provinces."
    quote = quote_with(find_quotes(text), "the outbreak has spread")
    assert (quote.kind, quote.cue, mention(quote)) == (
        QuoteKind.INDIRECT,
        "According to",
        "the health ministry",
    )


def test_quote_with_no_attribution_has_no_speaker() -> None:
    text = "The river rose all night.\n\n“Nobody here has seen water this high in fifty years.”"
    quote = quote_with(find_quotes(text), "Nobody here has seen")
    assert quote.speaker is None


def test_two_speakers_in_one_paragraph() -> None:
    text = (
        "“We will not raise taxes,” Governor Mills said. "
        "“That promise will not survive the winter,” replied Senator Dean Hartley."
    )
    quotes = find_quotes(text)
    assert mention(quote_with(quotes, "not raise taxes")) == "Governor Mills"
    assert mention(quote_with(quotes, "will not survive")) == "Senator Dean Hartley"


def test_adjacent_sentence_attribution_and_name_inside_quote() -> None:
    text = "Rivera noted the strike had ended. “President Ortega is losing this fight,” he said."
    quotes = find_quotes(text)
    assert mention(quote_with(quotes, "President Ortega is losing")) == "he"
    assert mention(quote_with(quotes, "the strike had ended")) == "Rivera"


def test_quoted_terms_and_apostrophes_are_not_quotations() -> None:
    text = "The so-called “deal” was signed in the '90s by Jones' firm, and they don't regret it."
    assert find_quotes(text) == []


def test_guillemets_are_quotes() -> None:
    text = "«Nous ne céderons pas sur ce point», a dit le ministre. The minister said so twice."
    quote = quote_with(find_quotes(text), "Nous ne céderons pas")
    assert quote.kind == QuoteKind.DIRECT


def test_colon_attribution() -> None:
    text = "Rep. Joan Ellis: “This bill protects every family in the state.”"
    quote = quote_with(find_quotes(text), "This bill protects")
    assert (mention(quote), quote.cue) == ("Rep. Joan Ellis", ":")


def test_spans_match_text() -> None:
    text = SEED.read_text(encoding="utf-8")
    for quote in find_quotes(text):
        assert text[quote.span[0] : quote.span[1]] == quote.text
        assert 0.0 < quote.confidence <= 1.0


@pytest.mark.parametrize(
    ("fragment", "kind"),
    [
        ("“We are ready,”", QuoteKind.DIRECT),
        ("that “we are ready” today", QuoteKind.MIXED),
        ("the leaders will review progress", QuoteKind.INDIRECT),
    ],
)
def test_quote_kind_rule(fragment: str, kind: QuoteKind) -> None:
    assert quote_kind(fragment) == kind


def test_quotation_after_a_colon_takes_the_subject_before_it() -> None:
    text = "Governor Ruth Mills gloated: “I told you the bill would pass.”"
    quote = quote_with(find_quotes(text), "I told you the bill")
    assert (mention(quote), quote.cue) == ("Governor Ruth Mills", "gloated")


def test_sign_off_line_names_the_quotation_above() -> None:
    text = "“Our schools need more teachers, not more forms.”\n\n- Maria Gonzalez, Phoenix."
    quote = quote_with(find_quotes(text), "Our schools need")
    assert mention(quote) == "Maria Gonzalez"


def test_quotation_after_a_paragraph_ending_in_a_colon() -> None:
    text = "Senator Alan Price went on to say:\n\n“We cannot keep paying for roads we never build.”"
    quote = quote_with(find_quotes(text), "We cannot keep paying")
    assert mention(quote) == "Senator Alan Price"


def test_reported_clause_does_not_swallow_a_quotation_introduced_by_its_own_cue() -> None:
    text = "Asked to describe the plan, Chief Ana Ruiz said, “Not going to go into that.”"
    quote = quote_with(find_quotes(text), "Not going to go into that")
    assert quote.kind == QuoteKind.DIRECT
    assert mention(quote) == "Chief Ana Ruiz"


def test_parenthetical_attribution_splits_the_reported_clause() -> None:
    text = "The solution, the adviser told them, was to sell the shares before the vote."
    quotes = find_quotes(text)
    before, after = quote_with(quotes, "The solution"), quote_with(quotes, "was to sell the shares")
    assert before is not after
    assert mention(before) == mention(after) == "the adviser"
    assert before.kind == after.kind == QuoteKind.INDIRECT


def test_reported_clause_stops_before_a_side_clause() -> None:
    text = "Spokeswoman Hope Diaz said all staff sign the agreement, though she did not discuss its terms."
    quote = quote_with(find_quotes(text), "all staff sign the agreement")
    assert "though" not in quote.text


def test_as_someone_put_it() -> None:
    text = (
        "Or, as the historian Mara Quill put it: “The barbarians are no longer at the gate. They are inside.”"
    )
    quote = quote_with(find_quotes(text), "barbarians are no longer")
    assert quote.speaker is not None and quote.speaker.canonical == "Mara Quill"
    assert quote.cue == "put it"


def test_according_to_before_a_direct_quotation() -> None:
    text = "According to Paul Sperry of the Review, “The vans have been moving people away from the border.”"
    quote = quote_with(find_quotes(text), "The vans have been moving")
    assert (quote.kind, quote.cue) == (QuoteKind.DIRECT, "According to")
    assert quote.speaker is not None and quote.speaker.canonical == "Paul Sperry"


def test_a_statement_announced_by_a_colon_is_its_issuers() -> None:
    text = (
        "In response, Mayor Lena Ortiz issued the following statement:\n\n"
        "“Our thoughts are with the families of the victims tonight.”"
    )
    quote = quote_with(find_quotes(text), "Our thoughts are with")
    assert quote.speaker is not None and quote.speaker.canonical == "Lena Ortiz"


def test_a_paragraph_ending_in_a_colon_without_a_statement_names_nobody() -> None:
    text = "Here are the key points of the plan:\n\n“Every school gets a nurse by next autumn.”"
    assert quote_with(find_quotes(text), "Every school gets").speaker is None


def test_the_clause_before_a_colon_gives_the_speaker() -> None:
    text = (
        "Senate Majority Leader Mitch Hale, R-Ky., delivered a blunt message to the governor: "
        '"It\'s time to quit attacking various people that you competed with and get on message."'
    )
    quote = quote_with(find_quotes(text), "time to quit attacking")
    assert quote.speaker is not None and quote.speaker.canonical == "Mitch Hale"


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            "“Having access to the file is valuable,” said Skelly, explaining he worked with the team.",
            "Skelly",
        ),
        (
            '"I am impressed by his ability to insult everyone," screenwriter Cole Haddon wrote on Twitter.',
            "Cole Haddon",
        ),
    ],
)
def test_a_name_the_tagger_misreads_still_speaks(text: str, speaker: str) -> None:
    quote = find_quotes(text)[0]
    assert quote.speaker is not None and quote.speaker.name.endswith(speaker)
