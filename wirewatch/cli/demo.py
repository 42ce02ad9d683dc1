"""``wirewatch demo``: the main job on bundled real news, in a temporary database."""

from __future__ import annotations

import os
import tempfile
from importlib import resources
from pathlib import Path

import click

from wirewatch.cli.common import settings_for
from wirewatch.pipeline import ingest as run_ingest
from wirewatch.store import open_store

DEMO_FILES = ("news-23pages.warc.gz", "npr-technology-feed.json", "nato-stoltenberg-page.txt")
DEMO_QUERIES = (
    '"secretary general"',
    "title:impeachment",
    "stadia OR google",
    "trade AND china -title:trump",
    "speaker:stoltenberg",
)


@click.command()
@click.option(
    "--keep",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Keep the demo database in this folder instead of a temporary one.",
)
def demo(keep: Path | None) -> None:
    """Ingest the bundled real news into a temporary database and show what was found."""
    data = resources.files("wirewatch") / "demo_data"
    with tempfile.TemporaryDirectory(prefix="wirewatch-demo-") as tmp:
        folder = keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        settings = settings_for(str(folder / "demo.db"))
        targets = [str(Path(str(data / name))) for name in DEMO_FILES]
        click.secho("wirewatch demo: ingesting bundled real news", bold=True)
        for target in targets:
            click.echo(f"  {Path(target).name}")
        with open_store(settings.db) as store:
            summary = run_ingest(targets, store, settings, workers=os.cpu_count() or 1)
            click.echo(
                f"\nseen {summary.seen}, new {summary.new}, duplicate {summary.duplicate}, "
                f"failed {summary.failed}  (database: {settings.db})"
            )
            for error in summary.errors:
                click.echo(f"  {error}")
            for query in DEMO_QUERIES:
                hits = store.search(query, limit=3)
                click.secho(f"\n$ wirewatch search '{query}'", fg="cyan")
                for hit in hits:
                    click.echo(f"  {hit.article.id:>4}  {hit.article.title}")
                if not hits:
                    click.echo("  (no match)")
            click.secho("\n$ wirewatch speakers", fg="cyan")
            for speaker in store.list_speakers(limit=5):
                click.echo(f"  {speaker.quote_count:>4}  {speaker.entity.canonical}")
            click.secho("\n$ wirewatch stories", fg="cyan")
            for story in store.list_stories(limit=5):
                outlets = ", ".join(story.outlets[:3]) or "-"
                click.echo(f"  {story.id:>4}  {story.title}  [{story.article_count}: {outlets}]")
            seed = store.search('title:"Stoltenberg"', limit=1)
            if seed:
                article = seed[0].article
                click.secho(f"\n$ wirewatch show {article.id}", fg="cyan")
                click.echo(article.title)
                click.echo()
                click.echo(article.text)
        if keep:
            click.echo(f"\nKept: wirewatch search QUERY --db {settings.db}")
