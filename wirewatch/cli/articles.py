"""Commands about articles: extract, ingest, search, show."""

from __future__ import annotations

import gzip
import io
import os
import sys
from pathlib import Path

import click

from wirewatch.cli.common import db_option, echo_json, format_option, settings_for, store_for
from wirewatch.cli.progress import ProgressBar
from wirewatch.errors import ExtractError, UsageError
from wirewatch.model import Article
from wirewatch.pipeline import ingest as run_ingest

_TEXT_SUFFIXES = {".txt", ".text"}


@click.command()
@click.argument("file", default="-", metavar="[FILE|-]")
@click.option("--url", default=None, help="The page's URL (resolves relative links, names the document).")
@format_option("text", "json")
def extract(file: str, url: str | None, fmt: str) -> None:
    """Extract the clean article from an HTML or plain-text FILE (or stdin)."""
    from wirewatch.extract import extract_article

    settings = settings_for(None)
    data = _read_input(file, settings.max_document_bytes)
    name = file.removesuffix(".gz")
    media_type = "text/plain" if Path(name).suffix.lower() in _TEXT_SUFFIXES else None
    article = extract_article(data, url, media_type=media_type)
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
    Example: wirewatch search 'title:nato (ukraine OR russia) -sport since:30d'
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
    """Show one stored article by its ID."""
    settings = settings_for(db)
    with store_for(settings) as store:
        article = store.get_article(article_id)
    if article is None:
        raise UsageError(f"no article with id {article_id}")
    if fmt == "json":
        echo_json(article.to_dict())
        return
    meta = [
        ("url", article.canonical_url or article.url),
        ("published", article.published.isoformat() if article.published else None),
        ("author", article.author),
        ("site", article.site_name),
        ("language", article.language),
        ("source", article.source),
    ]
    click.echo(article.title or "(untitled)")
    for key, value in meta:
        if value:
            click.echo(f"{key + ':':<11}{value}")
    click.echo()
    click.echo(article.text)


def _article_text(article: Article) -> str:
    return f"{article.title}\n\n{article.text}" if article.title else article.text


def _read_input(file: str, cap: int) -> bytes:
    try:
        if file == "-":
            data = sys.stdin.buffer.read(cap + 1)
        else:
            with open(file, "rb") as handle:
                data = handle.read(cap + 1)
    except OSError as exc:
        raise UsageError(f"{file}: {exc.strerror or exc}") from None
    if data[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as unzipped:
                data = unzipped.read(cap + 1)
        except (OSError, EOFError) as exc:
            raise ExtractError(f"bad gzip data: {exc}", document=file) from None
    if len(data) > cap:
        raise ExtractError(f"larger than {cap} bytes", document=file)
    return data
