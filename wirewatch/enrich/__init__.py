"""The enrich stage: quotations with their speakers, and entities, found in article text.

``enrich_text`` parses the text once (spaCy, loaded once per process) and runs both
finders over the parse.  Spans are ``[start, end)`` offsets into the text given.  The
finders are imported on first use: spaCy is heavy and most commands never need it.
"""

from __future__ import annotations

from wirewatch.model import Enrichment, Quote

__all__ = ["enrich_text", "find_quotes"]


def enrich_text(text: str) -> Enrichment:
    """The quotations and the entities of one article text."""
    from wirewatch.enrich.columns import read_columns
    from wirewatch.enrich.entities import find_entities, find_name_mentions
    from wirewatch.enrich.nlp import parse_text
    from wirewatch.enrich.quotes import find_quotes as find_quotes_in

    parsed = parse_text(text)
    columns = read_columns(parsed)  # shared, like the mentions: the finders read the same tokens
    mentions = find_name_mentions(parsed, columns)  # shared: the resolver's people are the entities'
    return Enrichment(
        quotes=tuple(find_quotes_in(text, parsed=parsed, mentions=mentions, columns=columns)),
        entities=tuple(find_entities(parsed, mentions)),
    )


def find_quotes(text: str) -> list[Quote]:
    """Every quotation in ``text`` (direct, indirect, mixed) with its speaker, in text order."""
    from wirewatch.enrich.quotes import find_quotes as find_quotes_in

    return find_quotes_in(text)
