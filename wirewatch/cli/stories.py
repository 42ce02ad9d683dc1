"""Commands about stories: ``stories`` lists them, ``story`` shows one's coverage."""

from __future__ import annotations

import click

from wirewatch.cli.common import db_option, echo_json, format_option, settings_for, store_for
from wirewatch.errors import UsageError
from wirewatch.model import Appearance, Story

__all__ = ["first_appearance", "stories", "story", "story_line"]


def story_line(story: Story) -> str:
    last = story.last_seen.strftime("%Y-%m-%d %H:%M") if story.last_seen else "----------------"
    count = f"{story.article_count} article" + ("s" if story.article_count != 1 else "")
    return f"{story.id:>6}  {last}  {story.title or '(untitled)'}  [{count}]"


@click.command()
@click.argument("query", required=False)
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
@db_option
@format_option("text", "json")
def stories(query: str | None, limit: int, db: str | None, fmt: str) -> None:
    """List stories (one event's coverage across outlets), latest activity first.

    QUERY, in the search language, keeps the stories with an article matching it:
    wirewatch stories 'speaker:stoltenberg'.
    """
    settings = settings_for(db)
    with store_for(settings) as store:
        found = store.list_stories(query, limit=limit)
    if fmt == "json":
        echo_json([s.to_dict() for s in found])
        return
    if not found:
        click.echo("no stories found", err=True)
    for item in found:
        click.echo(story_line(item))
        if item.outlets:
            click.echo(f"{'':>8}outlets: {', '.join(item.outlets)}")
        if item.people:
            click.echo(f"{'':>8}people: {', '.join(item.people)}")


@click.command()
@click.argument("story_id", type=int, metavar="ID")
@db_option
@format_option("text", "json")
def story(story_id: int, db: str | None, fmt: str) -> None:
    """Show one story: its articles by outlet and time, and where each quotation appeared first."""
    settings = settings_for(db)
    with store_for(settings) as store:
        found = store.get_story(story_id)
        if found is None:
            raise UsageError(f"no story with id {story_id}")
        articles = store.story_articles(found.id)
        tracked = store.tracked_quotes(found.id)
    if fmt == "json":
        echo_json(
            {
                **found.to_dict(),
                "articles": [a.brief() for a in articles],
                "quotes": [
                    {**quote.to_dict(), "appearances": [a.to_dict() for a in appearances]}
                    for quote, appearances in tracked
                ],
            }
        )
        return
    if found.id != story_id:
        click.echo(f"(story {story_id} was merged into story {found.id})")
    click.echo(story_line(found))
    for article in articles:
        when = article.published.strftime("%Y-%m-%d %H:%M") if article.published else "----------------"
        click.echo(f"  {article.id:>6}  {when}  {article.outlet or '?'}: {article.title or '(untitled)'}")
    if tracked:
        click.echo("\nQuotations, where they appeared first\n")
    for quote, appearances in tracked:
        who = quote.speaker.canonical if quote.speaker and quote.speaker.canonical else "(unresolved)"
        click.echo(f"{quote.text}\n  — {who}; {first_appearance(appearances)}")


def first_appearance(appearances: list[Appearance]) -> str:
    """``first in Outlet at TIME, N appearances``."""
    if not appearances:
        return "no appearances"
    first = appearances[0]
    when = f" at {first.published.isoformat()}" if first.published else ""
    count = f"{len(appearances)} appearance" + ("s" if len(appearances) != 1 else "")
    return f"first in {first.outlet or '?'}{when}, {count}"
