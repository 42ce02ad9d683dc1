"""``wirewatch sources``: add, list, remove, import and export OPML."""

from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import urlsplit

import click

from wirewatch.cli.common import db_option, echo_json, format_option, settings_for, store_for
from wirewatch.config import Settings, parse_duration
from wirewatch.errors import UnsupportedSourceError, UsageError, WirewatchError
from wirewatch.model import Source, SourceKind
from wirewatch.pipeline import is_url, probe_kind
from wirewatch.sources import parse_opml, write_opml

_KINDS = [k.value for k in SourceKind]


@click.group()
def sources() -> None:
    """Manage the sources wirewatch reads (feeds, sitemaps, pages, files, folders, WARCs)."""


@sources.command("add")
@click.argument("location", metavar="URL|PATH")
@click.option(
    "--every", default=None, metavar="DURATION", help="Poll interval, e.g. 5m, 1h (default: adaptive)."
)
@click.option("--kind", type=click.Choice(_KINDS), default=None, help="Override the detected kind.")
@click.option("--title", default=None, help="A name for the source.")
@db_option
@format_option("text", "json")
def add(
    location: str, every: str | None, kind: str | None, title: str | None, db: str | None, fmt: str
) -> None:
    """Add a source; its kind is detected from the URL or path unless --kind says."""
    settings = settings_for(db)
    every_seconds = parse_duration(every) if every else None
    url, detected = _locate(location)
    if kind is None and is_url(url):
        detected = _probe(url, settings, guess=detected)
    source = Source(
        url=url,
        kind=SourceKind(kind) if kind else detected,
        title=title,
        every_seconds=every_seconds,
    )
    with store_for(settings) as store:
        stored = store.add_source(source)
    if fmt == "json":
        echo_json(stored.to_dict())
    else:
        click.echo(f"{stored.id}  {stored.kind.value:<8} {stored.url}")


@sources.command("list")
@db_option
@format_option("text", "json")
def list_(db: str | None, fmt: str) -> None:
    """List the sources, with how polling them goes (last success, errors, next poll)."""
    settings = settings_for(db)
    with store_for(settings) as store:
        items = store.list_sources()
    if fmt == "json":
        echo_json([s.to_dict() for s in items])
        return
    for s in items:
        every = f"every {s.every_seconds}s" if s.every_seconds else ""
        click.echo(f"{s.id:>4}  {s.kind.value:<8} {s.url}  {s.title or ''} {every}".rstrip())
        health = s.health
        if health is None or (health.last_success is None and health.last_error is None):
            continue
        parts = []
        if health.last_success:
            parts.append(f"ok {health.last_success:%Y-%m-%d %H:%M:%S}")
        if health.error_count:
            parts.append(f"{health.error_count} error(s), last: {health.last_error}")
        if health.next_poll:
            parts.append(f"next {health.next_poll:%H:%M:%S}")
        if health.websub_hub:
            parts.append(f"WebSub {health.websub_hub}")
        click.echo(f"{'':>6}{'; '.join(parts)}")


@sources.command("remove")
@click.argument("source", metavar="ID|URL")
@db_option
def remove(source: str, db: str | None) -> None:
    """Remove a source (its articles stay)."""
    settings = settings_for(db)
    key: int | str = int(source) if source.isdigit() else source
    with store_for(settings) as store:
        if not store.remove_source(key):
            raise UsageError(f"no source {source!r}")
    click.echo(f"removed {source}")


@sources.command("import-opml")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@db_option
@format_option("text", "json")
def import_opml(file: Path, db: str | None, fmt: str) -> None:
    """Add every source listed in an OPML FILE."""
    settings = settings_for(db)
    found = parse_opml(file.read_bytes(), location=str(file))
    with store_for(settings) as store:
        stored = [store.add_source(s) for s in found]
    if fmt == "json":
        echo_json([s.to_dict() for s in stored])
    else:
        click.echo(f"imported {len(stored)} sources from {file}")


@sources.command("export-opml")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@db_option
def export_opml(output: Path | None, db: str | None) -> None:
    """Write the sources as OPML 2.0 (to stdout, or -o FILE)."""
    settings = settings_for(db)
    with store_for(settings) as store:
        data = write_opml(store.list_sources())
    if output:
        output.write_bytes(data)
    else:
        click.echo(data.decode("utf-8"), nl=False)


def _probe(url: str, settings: Settings, *, guess: SourceKind) -> SourceKind:
    """The kind by the URL's content; the guess from its look when it cannot be fetched now."""
    try:
        return asyncio.run(probe_kind(url, settings))
    except WirewatchError as exc:
        click.echo(
            f"wirewatch: note: {exc}; kind guessed from the URL: {guess.value} (--kind sets it)", err=True
        )
        return guess


def _locate(location: str) -> tuple[str, SourceKind]:
    """The stored form of a location (absolute path or URL) and its kind by its look."""
    try:
        remote = is_url(location)
    except UnsupportedSourceError as exc:
        raise UsageError(exc.message, document=location) from None
    if remote:
        lowered = urlsplit(location).path.lower()
        if "sitemap" in lowered:
            return location, SourceKind.SITEMAP
        if lowered.endswith((".warc", ".warc.gz")):
            return location, SourceKind.WARC
        if any(w in lowered for w in ("rss", "atom", "feed", ".xml", ".json")):
            return location, SourceKind.FEED
        return location, SourceKind.PAGE
    path = Path(location.removeprefix("file://")).expanduser().resolve()
    if not path.exists():
        raise UsageError(f"{location}: no such file or folder")
    if path.is_dir():
        return str(path), SourceKind.FOLDER
    if path.name.lower().endswith((".warc", ".warc.gz")):
        return str(path), SourceKind.WARC
    return str(path), SourceKind.FILE
