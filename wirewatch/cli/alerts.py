"""Commands about saved queries: ``subscribe``, ``subscriptions``, ``deliveries``."""

from __future__ import annotations

from typing import Any

import click

from wirewatch.alerts import channels
from wirewatch.cli.common import db_option, echo_json, format_option, settings_for, store_for
from wirewatch.config import Settings
from wirewatch.errors import QueryError, UsageError
from wirewatch.model import Delivery, Subscription
from wirewatch.query import parse_query

__all__ = ["deliveries", "public_url", "subscribe", "subscriptions"]


def public_url(settings: Settings) -> str:
    return settings.public_url.rstrip("/")


def subscription_json(sub: Subscription, settings: Settings, *, reveal: bool = False) -> dict[str, Any]:
    return channels.subscription_json(sub, public_url(settings), reveal=reveal)


@click.command()
@click.argument("query")
@click.option("--webhook", "webhooks", multiple=True, metavar="URL", help="POST signed JSON to URL.")
@click.option("--email", "emails", multiple=True, metavar="ADDR", help="Send email to ADDR.")
@click.option(
    "--digest",
    type=click.Choice(["immediate", "hourly", "daily"]),
    default="immediate",
    show_default=True,
    help="For --email: one message per story, or a digest.",
)
@click.option("--feed", is_flag=True, help="Publish an Atom feed at a private URL.")
@click.option("--name", default=None, help="A name to show for it.")
@click.option(
    "--cap", default=60, show_default=True, type=click.IntRange(1, 10_000), help="Notifications per hour."
)
@db_option
@format_option("text", "json")
def subscribe(
    query: str,
    webhooks: tuple[str, ...],
    emails: tuple[str, ...],
    digest: str,
    feed: bool,
    name: str | None,
    cap: int,
    db: str | None,
    fmt: str,
) -> None:
    """Save QUERY and deliver what matches it, once per story, as it arrives.

    The query language is search's (`speaker:`, `entity:`, `source:`...). The webhook
    signing secret (whsec_...) is shown this once.
    """
    try:
        parse_query(query)
    except QueryError as exc:
        raise UsageError(str(exc)) from None
    made = [channels.webhook_channel(u) for u in webhooks]
    made += [channels.email_channel(a, digest) for a in emails]
    if feed:
        made.append(channels.feed_channel())
    if not made:
        raise UsageError("say where to deliver: --webhook URL, --email ADDR or --feed")
    settings = settings_for(db)
    with store_for(settings) as store:
        stored = store.add_subscription(
            Subscription(query=query, channels=tuple(made), name=name, cap_per_hour=cap)
        )
    data = subscription_json(stored, settings, reveal=True)
    if fmt == "json":
        echo_json(data)
        return
    click.echo(f"subscription {stored.id}: {query}")
    for channel in data["channels"]:
        line = f"  {channel['kind']}: {channel.get('feed_url') or channel['target'] or ''}"
        if channel.get("secret"):
            line += f"\n    signing secret (shown once): {channel['secret']}"
        click.echo(line)


@click.group()
def subscriptions() -> None:
    """List, pause, resume and remove saved queries."""


@subscriptions.command("list")
@db_option
@format_option("text", "json")
def list_(db: str | None, fmt: str) -> None:
    """List the saved queries and their channels."""
    settings = settings_for(db)
    with store_for(settings) as store:
        found = store.list_subscriptions()
    if fmt == "json":
        echo_json([subscription_json(s, settings) for s in found])
        return
    if not found:
        click.echo("no subscriptions", err=True)
    for sub in found:
        state = " (paused)" if sub.paused else ""
        click.echo(f"{sub.id:>4}  {sub.query}{state}")
        for channel in subscription_json(sub, settings)["channels"]:
            where = channel.get("feed_url") or channel["target"] or ""
            off = f"  [disabled: {channel['disabled_reason']}]" if not channel["active"] else ""
            click.echo(f"        {channel['kind']}: {where}{off}")


def _change(db: str | None, subscription_id: int, action: str) -> None:
    settings = settings_for(db)
    with store_for(settings) as store:
        if action == "remove":
            done = store.remove_subscription(subscription_id)
        else:
            done = store.set_subscription_paused(subscription_id, action == "pause")
    if not done:
        raise UsageError(f"no subscription with id {subscription_id}")
    click.echo(
        f"subscription {subscription_id}: {action}d"
        if action != "pause"
        else f"subscription {subscription_id}: paused"
    )


@subscriptions.command("remove")
@click.argument("subscription_id", type=int, metavar="ID")
@db_option
def remove(subscription_id: int, db: str | None) -> None:
    """Remove a saved query and its channels."""
    _change(db, subscription_id, "remove")


@subscriptions.command("pause")
@click.argument("subscription_id", type=int, metavar="ID")
@db_option
def pause(subscription_id: int, db: str | None) -> None:
    """Stop delivering a saved query's matches (until resumed)."""
    _change(db, subscription_id, "pause")


@subscriptions.command("resume")
@click.argument("subscription_id", type=int, metavar="ID")
@db_option
def resume(subscription_id: int, db: str | None) -> None:
    """Deliver a paused saved query's matches again."""
    _change(db, subscription_id, "resume")


def delivery_line(delivery: Delivery) -> str:
    when = delivery.created_at.strftime("%Y-%m-%d %H:%M:%S") if delivery.created_at else "-"
    story = delivery.payload.get("story") or {}
    title = story.get("title") or (delivery.payload.get("article") or {}).get("title") or ""
    error = f"  ({delivery.last_error})" if delivery.last_error and delivery.status.value != "sent" else ""
    return (
        f"{delivery.id:>6}  {when}  {delivery.status.value:<8} {delivery.channel.kind.value:<8} "
        f"sub {delivery.subscription_id}  {title}{error}"
    )


@click.command()
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--status", type=click.Choice(["pending", "sent", "failed"]), default=None)
@click.option("--subscription", "subscription_id", type=int, default=None, metavar="ID")
@db_option
@format_option("text", "json")
def deliveries(limit: int, status: str | None, subscription_id: int | None, db: str | None, fmt: str) -> None:
    """Recent deliveries, newest first, with their status (pending, sent, failed)."""
    settings = settings_for(db)
    with store_for(settings) as store:
        found = store.list_deliveries(limit=limit, status=status, subscription_id=subscription_id)
    if fmt == "json":
        echo_json([d.to_dict() for d in found])
        return
    if not found:
        click.echo("no deliveries", err=True)
    for delivery in found:
        click.echo(delivery_line(delivery))
