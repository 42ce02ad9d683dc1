"""Commands about who said what: ``quotes`` (stateless) and ``speakers`` (from the database)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from wirewatch.cli.common import (
    db_option,
    echo_json,
    format_option,
    read_input,
    settings_for,
    store_for,
)
from wirewatch.model import Entity, Quote
from wirewatch.sources.files import media_type_for
from wirewatch.store import SpeakerSummary

_OPENING_MARKS = "\"“„«‘'‹"

__all__ = ["entities_text", "quote_json", "quote_text", "quotes", "speakers"]


@click.command()
@click.argument("file", default="-", metavar="[FILE|-]")
@click.option("--url", default=None, help="The page's URL (resolves relative links, names the document).")
@format_option("text", "json")
def quotes(file: str, url: str | None, fmt: str) -> None:
    """Find the quotations, and who said them, in an HTML or plain-text FILE (or stdin).

    \b
    Stateless: the article is extracted first (as `wirewatch extract` does), then its
    text is searched for direct, indirect and mixed quotations. JSON: a list of
      {text, kind, cue, span, speaker: {name, canonical, span} | null, confidence}
    where `span`s are [start, end) character offsets into the extracted article text
    (the `text` of `wirewatch extract --format json`), not into the input bytes.
    """
    from wirewatch.enrich import find_quotes
    from wirewatch.extract import extract_article

    settings = settings_for(None)
    data = read_input(file, settings.max_document_bytes)
    article = extract_article(data, url, media_type=media_type_for(Path(file)))
    found = find_quotes(article.text)
    if fmt == "json":
        echo_json([quote_json(q) for q in found])
    elif found:
        click.echo("\n\n".join(quote_text(q) for q in found))
    else:
        click.echo("no quotations found", err=True)


@click.command()
@click.argument("query", required=False)
@click.option("--limit", type=click.IntRange(1, 10000), default=50, show_default=True)
@db_option
@format_option("text", "json")
def speakers(query: str | None, limit: int, db: str | None, fmt: str) -> None:
    """List the people quoted in the database, most quoted first.

    Each is one canonical speaker ("Jens Stoltenberg") with the other names it was
    quoted under ("Stoltenberg", "the NATO chief" is not a name). QUERY keeps those
    with a name containing it (case-insensitive).
    """
    settings = settings_for(db)
    with store_for(settings) as store:
        found = store.list_speakers(query, limit=limit)
    if fmt == "json":
        echo_json([speaker_json(s) for s in found])
        return
    if not found:
        click.echo("no speakers found", err=True)
    for summary in found:
        entity = summary.entity
        last = summary.last_quoted.date().isoformat() if summary.last_quoted else "----------"
        click.echo(f"{summary.quote_count:>6}  {last}  {entity.canonical}  (id {entity.id})")
        if entity.aliases:
            click.echo(f"{'':>8}also: {', '.join(entity.aliases)}")


def quote_json(quote: Quote) -> dict[str, Any]:
    """The stateless quotation shape: no article or entity ids (nothing is stored)."""
    speaker = quote.speaker
    return {
        "text": quote.text,
        "kind": quote.kind.value,
        "cue": quote.cue,
        "span": list(quote.span),
        "speaker": (
            {
                "name": speaker.name,
                "canonical": speaker.canonical,
                "span": list(speaker.span) if speaker.span else None,
            }
            if speaker
            else None
        ),
        "confidence": round(quote.confidence, 3),
    }


def speaker_json(summary: SpeakerSummary) -> dict[str, Any]:
    return summary.to_dict()


def quote_text(quote: Quote) -> str:
    """``“…” — Speaker (cue)``; the mention follows when it is not the name ("as “he”")."""
    speaker = quote.speaker
    if speaker is None:
        who = "(no speaker found)"
    else:
        who = speaker.canonical or f"“{speaker.name}” (unresolved)"
        if speaker.canonical and speaker.name != speaker.canonical:
            who += f", as “{speaker.name}”"
    detail = ", ".join(p for p in (quote.cue, quote.kind.value) if p)
    marked = quote.text[:1] in _OPENING_MARKS  # a direct quotation keeps its own marks
    said = quote.text if marked else f"“{quote.text}”"
    return f"{said}\n  — {who} ({detail})"


def entities_text(entities: Sequence[Entity]) -> str:
    lines = []
    for entity in entities:
        aliases = f" (also: {', '.join(entity.aliases)})" if entity.aliases else ""
        lines.append(f"  {entity.kind.value:<13}{entity.canonical}{aliases}")
    return "\n".join(lines)
