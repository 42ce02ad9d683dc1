"""The enrich stage: quotations with their speakers, and entities, found in article text.

``enrich_text`` parses the text once (spaCy, loaded once per process) and runs both
finders over the parse; ``enrich_texts`` does the same for many texts, parsing a few
articles at a time (the same results, less CPU time: what a bulk ingest uses).  Spans are
``[start, end)`` offsets into the text given.  The finders are imported on first use:
spaCy is heavy and most commands never need it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from wirewatch.model import Enrichment, Quote

if TYPE_CHECKING:
    from wirewatch.enrich.nlp import ParsedText

__all__ = ["BATCH", "enrich_text", "enrich_texts", "find_quotes"]

BATCH = 8  # articles parsed together by enrich_texts: spreads the decoders' per-step cost


def enrich_text(text: str) -> Enrichment:
    """The quotations and the entities of one article text."""
    return next(enrich_texts([text]))


def enrich_texts(texts: Iterable[str], batch: int = BATCH) -> Iterator[Enrichment]:
    """The quotations and the entities of each text, in order: the same as ``enrich_text``
    on each, parsed ``batch`` articles at a time (a tenth less CPU time an article at 8)."""
    from wirewatch.enrich.nlp import parse_texts

    texts = list(texts)
    for text, parsed in zip(texts, parse_texts(texts, batch=batch), strict=True):
        yield _enrichment(text, parsed)


def _enrichment(text: str, parsed: ParsedText) -> Enrichment:
    from wirewatch.enrich.columns import read_columns
    from wirewatch.enrich.entities import find_entities, find_name_mentions
    from wirewatch.enrich.quotes import find_quotes as find_quotes_in

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
