"""Commands about articles: extract, ingest, search, show."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from wirewatch.cli.common import (
    db_option,
    echo_json,
    format_option,
    read_input,
    settings_for,
    store_for,
)
from wirewatch.cli.progress import ProgressBar
from wirewatch.cli.quotes import entities_text, quote_text
from wirewatch.cli.stories import first_appearance
from wirewatch.errors import UsageError
from wirewatch.model import Appearance, Article
from wirewatch.pipeline import ingest as run_ingest
from wirewatch.sources.files import media_type_for


@click.command()
@click.argument("file", default="-", metavar="[FILE|-]")
@click.option("--url", default=None, help="The page's URL (resolves relative links, names the document).")
@format_option("text", "json")
def extract(file: str, url: str | None, fmt: str) -> None:
    """Extract the clean article from an HTML or plain-text FILE (or stdin)."""
    from wirewatch.extract import extract_article

    settings = settings_for(None)
    data = read_input(file, settings.max_document_bytes)
    article = extract_article(data, url, media_type=media_type_for(Path(file)))
    if fmt == "json":
        echo_json(article.to_extract_dict())
    else:
        click.echo(_article_text(article))


@click.command()
@click.argument("targets", nargs=-1, required=True, metavar="PATH|URL...")
@click.option(
    "--workers", type=click.IntRange(1, 64), default=None, help="Extraction processes (default: cores)."
)
@db_option
@format_option("text", "json")
def ingest(targets: tuple[str, ...], workers: int | None, db: str | None, fmt: str) -> None:
    """Ingest files, folders, WARCs, feeds, sitemaps or pages into the database.

    Idempotent: what is stored already is skipped. Exit 0 when nothing failed, 1 when
    something failed (the rest is still ingested), 2 on usage errors.
    """
    settings = settings_for(db)
    with store_for(settings) as store, ProgressBar("ingest", enabled=sys.stderr.isatty()) as bar:
        summary = run_ingest(
            list(targets), store, settings, workers=workers or os.cpu_count() or 1, on_progress=bar.update
        )
    if fmt == "json":
        echo_json(summary.to_dict())
    else:
        click.echo(
            f"seen {summary.seen}, new {summary.new}, duplicate {summary.duplicate}, failed {summary.failed}"
        )
        for error in summary.errors:
            click.echo(f"  {error}", err=True)
        for warning in summary.warnings:
            click.echo(f"  warning: {warning}", err=True)
    sys.exit(1 if summary.failed else 0)


@click.command()
@click.argument("query")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0)
@db_option
@format_option("text", "json")
def search(query: str, limit: int, offset: int, db: str | None, fmt: str) -> None:
    """Search stored articles.

    \b
    Words, "phrases", AND / OR / NOT (or -word), (parentheses), prefix*, and fields:
      title:ukraine  source:reuters.com  lang:en  since:2024-01-01  until:7d
      speaker:stoltenberg  speaker:"vladimir putin"  (who is quoted: any of their names)
      entity:nato  (a person, organisation or place the article names)
    Example: wirewatch search 'speaker:stoltenberg entity:ukraine since:30d'
    """
    settings = settings_for(db)
    with store_for(settings) as store:
        hits = store.search(query, limit=limit, offset=offset)
    if fmt == "json":
        echo_json([{**hit.article.to_dict(), "snippet": hit.snippet, "rank": hit.rank} for hit in hits])
        return
    if not hits:
        click.echo("no articles match", err=True)
    for hit in hits:
        article = hit.article
        date = article.published.date().isoformat() if article.published else "----------"
        click.echo(f"{article.id:>6}  {date}  {article.title or '(untitled)'}")
        click.echo(f"        {article.canonical_url or article.url or article.source or ''}")
        if hit.snippet:
            click.echo(f"        {hit.snippet}")


@click.command()
@click.argument("article_id", type=int, metavar="ID")
@db_option
@format_option("text", "json")
def show(article_id: int, db: str | None, fmt: str) -> None:
    """Show one stored article by its ID, with its quotations and the entities it names."""
    settings = settings_for(db)
    with store_for(settings) as store:
        article = store.get_article(article_id)
        if article is None:
            raise UsageError(f"no article with id {article_id}")
        quotes = store.quotes_for_article(article_id)
        entities = store.entities_for_article(article_id)
        duplicates = store.duplicates_of(article_id)
        story = store.get_story(article.story_id) if article.story_id is not None else None
        appearances: dict[int | None, list[Appearance]] = {
            q.group_id: store.quote_appearances(q.group_id) for q in quotes if q.group_id is not None
        }
    if fmt == "json":
        echo_json(
            {
                **article.to_dict(),
                "story": story.to_dict() if story else None,
                "duplicates": [d.to_dict() for d in duplicates],
                "quotes": [
                    {
                        **q.to_dict(),
                        "appearances": [a.to_dict() for a in appearances.get(q.group_id, [])],
                    }
                    for q in quotes
                ],
                "entities": [e.to_dict() for e in entities],
            }
        )
        return
    meta = [
        ("url", article.canonical_url or article.url),
        ("published", article.published.isoformat() if article.published else None),
        ("author", article.author),
        ("site", article.site_name),
        ("language", article.language),
        ("source", article.source),
    ]
    if story is not None:
        meta.append(("story", f"{story.id}: {story.title or '(untitled)'} ({_outlets(story.outlets)})"))
    click.echo(article.title or "(untitled)")
    for key, value in meta:
        if value:
            click.echo(f"{key + ':':<11}{value}")
    for copy in duplicates:
        click.echo(f"{'copy:':<11}{copy.outlet or '?'} {copy.url or ''} ({copy.similarity:.0%} the same)")
    click.echo()
    click.echo(article.text)
    if quotes:
        click.echo("\nQuotations\n")
        blocks = []
        for quote in quotes:
            seen = appearances.get(quote.group_id, [])
            block = quote_text(quote)
            if len(seen) > 1:
                block += f"\n  {first_appearance(seen)}"
            blocks.append(block)
        click.echo("\n\n".join(blocks))
    if entities:
        click.echo("\nEntities\n")
        click.echo(entities_text(entities))


def _outlets(outlets: tuple[str, ...]) -> str:
    if not outlets:
        return "no outlet known"
    return ", ".join(outlets[:3]) + (f" and {len(outlets) - 3} more" if len(outlets) > 3 else "")


def _article_text(article: Article) -> str:
    return f"{article.title}\n\n{article.text}" if article.title else article.text
